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

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

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
  void should_kill_the_process_of_a_launch_whose_caller_was_interrupted_while_it_forked() throws Exception {
    Thread caller = Thread.currentThread();
    CountDownLatch forking = new CountDownLatch(1);
    CountDownLatch finishFork = new CountDownLatch(1);
    // The caller is interrupted while it waits for a fork under way, and the fork ends only once the caller
    // waits again (or gave up): the race in which a running launch was "cancelled" and its process dropped.
    Thread interrupter = new Thread(() -> {
      try {
        forking.await();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.WAITING);
        caller.interrupt();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.WAITING);
      } catch (InterruptedException | ConditionTimeoutException gaveUp) {
        // the caller did not wait again: finish the fork anyway
      } finally {
        finishFork.countDown();
      }
    }, "interrupter");
    interrupter.start();
    try {
      assertThatThrownBy(() -> ProcessLauncher.launch(() -> {
        forking.countDown();
        finishFork.await();
        return new ProcessBuilder(SLEEPER).start();
      }, "sleep")).isInstanceOf(CassandraStartException.class).hasMessageStartingWith("Interrupted while launching");
      assertThat(caller.isInterrupted()).as("the interrupt is kept").isTrue();
    } finally {
      Thread.interrupted();
    }
    interrupter.join(TimeUnit.SECONDS.toMillis(30));
    // The launcher runs one fork at a time: once this one is done, the interrupted launch is settled.
    ProcessLauncher.launch(() -> new ProcessBuilder("true").start(), "true").waitFor(30, TimeUnit.SECONDS);
    assertThat(sleepersAlive()).as("a process launched for an interrupted caller").isZero();
  }
}
