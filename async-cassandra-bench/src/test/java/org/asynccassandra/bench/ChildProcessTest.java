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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
  @TempDir
  Path folder;

  @Test
  void should_keep_the_last_lines_of_a_text() {
    assertThat(ChildProcess.tail("one\ntwo\nthree\n", 2)).isEqualTo("two\nthree");
    assertThat(ChildProcess.tail("one\ntwo\n", 5)).isEqualTo("one\ntwo");
    assertThat(ChildProcess.tail("only", 1)).isEqualTo("only");
    assertThat(ChildProcess.tail(" \n", 3)).isEqualTo("(no output)");
  }

  @Test
  void should_give_the_end_of_a_long_log() throws IOException {
    String lines = IntStream.rangeClosed(1, 10_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
    Path log = Files.writeString(folder.resolve("child.log"), lines + "\n", StandardCharsets.UTF_8);

    String tail = ChildProcess.tail(log);

    assertThat(tail.lines()).hasSize(ChildProcess.TAIL_LINES);
    assertThat(tail).startsWith("line 9961\n").endsWith("line 10000");
  }

  @Test
  void should_say_so_when_there_is_no_log() {
    assertThat(ChildProcess.tail(folder.resolve("missing.log"))).contains("does not exist");
  }
}
