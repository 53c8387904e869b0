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
package org.asynccassandra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFolderTest {
  @TempDir
  Path outside;

  @Test
  void should_delete_the_folder_with_everything_in_it() throws IOException {
    Path path;
    try (TempFolder temp = TempFolder.create("temp-folder-test-")) {
      path = temp.path();
      Files.createDirectories(path.resolve("a/b/c"));
      Files.writeString(path.resolve("a/b/c/file.csv"), "pk\n");
      Files.writeString(path.resolve("a/top.log"), "log\n");
    }
    assertThat(path).doesNotExist();
  }

  @Test
  void should_delete_the_folder_when_the_jvm_exits_before_it_is_closed() throws Exception {
    // Ctrl-C during the export scenario left the unpacked CLI and exports as large as the table behind.
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), ExitsWithoutClosing.class.getName()).redirectErrorStream(true).start();
    String printed = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(printed).isZero();
    Path folder = Path.of(printed.strip());
    assertThat(folder.getFileName().toString()).startsWith("temp-folder-exit-");
    assertThat(folder).as("deleted at exit").doesNotExist();
  }

  /** Makes a temporary folder with a file in it, prints its path and exits without closing it. */
  static final class ExitsWithoutClosing {
    public static void main(String[] args) throws IOException {
      TempFolder temp = TempFolder.create("temp-folder-exit-");
      Files.writeString(temp.path().resolve("export.csv"), "rows\n");
      System.out.println(temp.path());
      System.out.flush();
      System.exit(0);
    }
  }

  @Test
  void should_delete_a_link_but_not_what_it_points_to() throws IOException {
    Path kept = Files.writeString(outside.resolve("kept.txt"), "kept");
    Path path;
    try (TempFolder temp = TempFolder.create("temp-folder-test-")) {
      path = temp.path();
      Files.createSymbolicLink(path.resolve("link"), outside);
    }
    assertThat(path).doesNotExist();
    assertThat(kept).exists();
  }

  @Test
  void should_accept_what_is_already_gone() throws IOException {
    TempFolder.delete(outside.resolve("never-created"));
    TempFolder temp = TempFolder.create("temp-folder-test-");
    TempFolder.delete(temp.path());
    temp.close();
    assertThat(temp.path()).doesNotExist();
  }
}
