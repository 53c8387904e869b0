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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failing test shows of a CLI child: its output, and a thread dump when it did not exit. */
class CliChildTest {
  @Test
  void should_fail_with_the_output_and_a_thread_dump_of_a_child_that_does_not_exit(@TempDir Path dir)
      throws Exception {
    // The password prompt reads stdin, which the test never writes nor closes: the child waits for ever.
    try (CliChild child = CliChild.start(dir.resolve("child.log"), "count", "--contact-point", "127.0.0.1:9",
        "--keyspace", "ks", "--table", "t", "--username", "user", "--password")) {
      await().atMost(Duration.ofMinutes(1)).until(() -> child.output().contains("Enter the value of --password"));

      assertThatThrownBy(() -> child.awaitExit(Duration.ofMillis(1))).isInstanceOf(AssertionError.class)
          .hasMessageContaining("The CLI's count did not exit within PT0.001S")
          .hasMessageContaining("Enter the value of --password")
          .hasMessageContaining("Full thread dump")
          .hasMessageContaining("Secret.readLine"); // where it waited
      assertThat(child.isAlive()).isFalse();
    }
  }

  @Test
  void should_fail_with_the_exit_code_and_the_output_of_a_child_that_exited_too_soon(@TempDir Path dir)
      throws Exception {
    try (CliChild child = CliChild.start(dir.resolve("child.log"), "count", "--keyspace", "ks",
        "--table", "t", "--no-such-option")) {
      assertThat(child.awaitExit(Duration.ofMinutes(1))).isEqualTo(2);

      assertThatThrownBy(() -> child.assertAlive("before the test could stop it")).isInstanceOf(AssertionError.class)
          .hasMessageContaining("The CLI's count had already exited with code 2 before the test could stop it")
          .hasMessageContaining("--no-such-option");
    }
  }
}
