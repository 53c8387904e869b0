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

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's launcher script ({@code ./async-cassandra}) on a copy of itself, with hand-written {@code mvn}
 * and {@code java} scripts in place of the real ones: when it builds, what it leaves behind when a build
 * fails, and what it runs.
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "async-cassandra");

  @TempDir
  Path root;
  private Path bin;
  private Path calls;
  private Path source;
  private Path stamp;

  @BeforeEach
  void copyTheLauncher() throws IOException {
    Files.copy(LAUNCHER, root.resolve("async-cassandra"));
    source = root.resolve("async-cassandra-cli/src/main/java/Example.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "class Example {}\n");
    stamp = root.resolve("async-cassandra-cli/target/async-cassandra.classpath");
    bin = Files.createDirectories(root.resolve("fake/bin"));
    calls = root.resolve("fake/calls");
    // mvn: records each call; prints the SLF4J line some Maven installations print on every run; fails the
    // build when fake/fail exists; writes the dependencies' classpath file.
    script(bin.resolve("mvn"), """
        #!/usr/bin/env bash
        echo "mvn $*" >> "$FAKE/calls"
        echo 'SLF4J: Failed to load class "org.slf4j.impl.StaticLoggerBinder".'
        for arg in "$@"; do
          case "$arg" in
            install) if [ -f "$FAKE/fail" ]; then echo "[ERROR] COMPILATION ERROR: Example.java"; exit 1; fi;
                     mkdir -p async-cassandra-cli/target/classes ;;
            -Dmdep.outputFile=*) echo "/deps/driver.jar" > "${arg#-Dmdep.outputFile=}" ;;
          esac
        done
        """);
    script(bin.resolve("java"), """
        #!/usr/bin/env bash
        echo "java $*" >> "$FAKE/calls"
        """);
  }

  @Test
  void should_build_on_first_use_and_run_the_cli_on_the_built_classpath() throws Exception {
    Run run = launch("count", "--help");

    assertThat(run.exit()).isZero();
    assertThat(calls()).hasSize(3);
    assertThat(calls().get(0)).startsWith("mvn ").contains("install -pl async-cassandra-cli -am");
    assertThat(calls().get(1)).startsWith("mvn ").contains("dependency:build-classpath");
    assertThat(calls().get(2)).startsWith("java ")
        .contains("-cp " + root.toAbsolutePath().resolve("async-cassandra-cli/target/classes") + ":/deps/driver.jar")
        .endsWith("org.asynccassandra.cli.AsyncCassandraCli count --help");
    assertThat(stamp).exists();
  }

  @Test
  void should_not_build_again_while_no_source_changed() throws Exception {
    launch("count", "--help");
    Files.delete(calls);

    Run again = launch("count", "--help");

    assertThat(again.exit()).isZero();
    assertThat(calls()).singleElement().asString().startsWith("java ");
  }

  @Test
  void should_build_again_after_a_failed_build_even_when_no_source_is_newer_than_the_last_stamp()
      throws Exception {
    launch("count", "--help");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60))); // edited since
    Files.createFile(root.resolve("fake/fail"));
    Files.delete(calls);

    Run failed = launch("count", "--help");

    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.errors()).contains("[ERROR] COMPILATION ERROR: Example.java")
        .doesNotContain("SLF4J");
    assertThat(calls()).noneMatch(call -> call.startsWith("java "));
    assertThat(stamp).doesNotExist();

    // The edit is undone with its old time (a restored file): no source is newer than the last good build.
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().minusSeconds(3600)));
    Files.delete(root.resolve("fake/fail"));
    Files.delete(calls);

    Run fixed = launch("count", "--help");

    assertThat(fixed.exit()).isZero();
    assertThat(calls()).hasSize(3);
    assertThat(calls().get(0)).contains("install");
    assertThat(calls().get(2)).startsWith("java ");
  }

  private Run launch(String... arguments) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("async-cassandra").toString()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.environment().put("PATH", bin + ":/usr/bin:/bin");
    builder.environment().put("FAKE", root.resolve("fake").toString());
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("ASYNC_CASSANDRA_JAVA_OPTS");
    Path errors = Files.createTempFile(root, "stderr", ".txt");
    Process process = builder.redirectError(errors.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
    return new Run(process.exitValue(), Files.readString(errors, StandardCharsets.UTF_8));
  }

  private List<String> calls() throws IOException {
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private static void script(Path path, String text) throws IOException {
    Files.writeString(path, text);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(int exit, String errors) {}
}
