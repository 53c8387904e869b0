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
package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLauncherTest {
  /** A command line nobody else runs, so that its processes can be told from any other child of this JVM. */
  private static final List<String> SLEEPER = List.of("sleep", "987");

  private static long sleepersAlive() {
    return ProcessHandle.current().children()
        .filter(child -> child.info().arguments().map(List::of).orElse(List.of()).contains("987"))
        .filter(ProcessHandle::isAlive)
        .count();
  }

  @Test
  void should_leave_no_process_behind_when_interrupted_while_launching(@TempDir Path dir) {
    Path log = dir.resolve("out.log");
    // The setpriv probe runs once, before: this test is about the fork, not about an interrupted probe.
    ProcessLauncher.terminate(ProcessLauncher.start(List.of("true"), dir, log), Duration.ofSeconds(30));
    Thread.currentThread().interrupt(); // get() throws at once, as the launcher thread forks
    try {
      assertThatThrownBy(() -> ProcessLauncher.start(SLEEPER, dir, log))
          .isInstanceOf(CassandraStartException.class)
          .hasMessageStartingWith("Interrupted while launching sleep");
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
    } finally {
      Thread.interrupted();
    }
    // The launcher forks one child at a time: once this one is started, the interrupted launch is settled.
    Process after = ProcessLauncher.start(List.of("true"), dir, log);
    ProcessLauncher.terminate(after, Duration.ofSeconds(30));
    assertThat(sleepersAlive()).as("a child launched for an interrupted caller").isZero();
  }
}
