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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code --summary} that is a named pipe: an integration test, since making the pipe starts {@code mkfifo}. */
class ScanSummaryPipeIT {
  @Test
  void should_write_a_summary_into_a_named_pipe_as_it_is(@TempDir Path dir) throws Exception {
    // A part file renamed over the pipe replaced it (as root, /dev/null the same way): its reader got nothing.
    Path pipe = dir.resolve("summary.pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).as("mkfifo").isZero();
    CompletableFuture<String> read = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        read.complete(Files.readString(pipe)); // opening a pipe waits for its writer
      } catch (IOException | RuntimeException failure) {
        read.completeExceptionally(failure);
      }
    }, "summary-pipe-reader");
    reader.setDaemon(true); // one left waiting on a pipe that was replaced must not keep the JVM
    reader.start();

    ScanSummaryTest.partial().write(pipe);

    assertThat(read.get(60, TimeUnit.SECONDS)).isEqualTo(ScanSummaryTest.PARTIAL_JSON); // a bound against a hang, not a timing
    assertThat(Files.readAttributes(pipe, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther())
        .as("still a pipe").isTrue();
    try (var files = Files.list(dir)) {
      assertThat(files).as("no part file").containsExactly(pipe);
    }
  }
}
