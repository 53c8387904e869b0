/*
 * Copyright 2026 The async-cassandra authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.asynccassandra.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the archive's shell completion (bash, and zsh through bashcompinit) and its man pages' AsciiDoc,
 * from the command line the archive carries (export and count, no demo). Run at build time (the CLI's pom,
 * phase package): {@code ArchiveDocs COMPLETION_FOLDER MAN_ADOC_FOLDER}.
 */
public final class ArchiveDocs {
  private ArchiveDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ArchiveDocs COMPLETION_FOLDER MAN_ADOC_FOLDER");
    }
    CommandLine archive = AsyncCassandraCli.commandLine(false, false);
    Path completion = Files.createDirectories(Path.of(args[0])).resolve("async-cassandra");
    Files.writeString(completion, AutoComplete.bash("async-cassandra", archive), StandardCharsets.UTF_8);
    Path man = Files.createDirectories(Path.of(args[1]));
    int exit = ManPageGenerator.generateManPage(man.toFile(), null, new boolean[0], true, archive.getCommandSpec());
    if (exit != 0) {
      throw new IllegalStateException("ManPageGenerator failed with exit code " + exit);
    }
  }
}
