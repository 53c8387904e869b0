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
package org.asynccassandra.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.util.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the library runs off the calling thread with no executor of its own (a read-ahead budget's wake-up, a
 * terminal signal the stream's executor refused) still runs when the JDK's common pool runs no task: with
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=0} a task given to that pool never runs, and
 * the JDK still reports a parallelism of 1. A child JVM runs with that setting.
 */
class FallbackExecutorTest {

  @Test
  void should_run_budget_wake_ups_and_refused_terminal_signals_when_the_common_pool_runs_no_task(
      @TempDir Path folder) throws Exception {
    Path output = folder.resolve("child.log");
    Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-Djava.util.concurrent.ForkJoinPool.common.parallelism=0", "-cp", System.getProperty("java.class.path"),
        Child.class.getName()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the child ended").isTrue();
    } finally {
      child.destroyForcibly().waitFor();
    }
    String log = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(log).isZero();
    assertThat(log).contains("common pool runs tasks: false")
        .contains("budget wake-up: read ahead")
        .contains("refused terminal signal: failed on async-cassandra-fallback-")
        .contains("executeOrFallback: ran on async-cassandra-fallback-");
  }

  /** Runs in a JVM whose common pool runs no task; exits 1 when a scenario waited 20 s in vain. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      CountDownLatch probe = new CountDownLatch(1);
      java.util.concurrent.ForkJoinPool.commonPool().execute(probe::countDown);
      System.out.println("common pool runs tasks: " + probe.await(1, TimeUnit.SECONDS));

      // A read-ahead budget's wake-up: b's read-ahead waits for a's bytes, then goes.
      DefaultReadAheadBudget budget = new DefaultReadAheadBudget(2_000);
      ManualScheduler scheduler = new ManualScheduler();
      FakePageSource first = new FakePageSource(1_000, 10, 10, 10, 10, 10);
      FakePageSource second = new FakePageSource(1_000, 10, 10, 10, 10, 10);
      StreamConfig config = StreamConfig.builder().prefetchPages(2).build();
      DefaultRowStream a = new DefaultRowStream(first, config, Runnable::run, scheduler, null, handle -> { },
          StreamEvents.none("a"), budget);
      DefaultRowStream b = new DefaultRowStream(second, config, Runnable::run, scheduler, null, handle -> { },
          StreamEvents.none("b"), budget);
      a.nextPage();
      first.completeNext();
      first.completeNext();
      first.completeNext();
      b.nextPage();
      second.completeNext();
      check(second.fetchCount() == 1, "budget wake-up: b held back");
      a.nextPage(); // a's consumer takes a page: its bytes come back, and b is woken to read ahead
      try {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
            .until(() -> second.fetchCount() == 2);
      } catch (org.awaitility.core.ConditionTimeoutException notWoken) {
        // reported below
      }
      check(second.fetchCount() == 2, "budget wake-up: read ahead");
      a.close();
      b.close();

      // A terminal signal its executor refuses: the stage fails on the fallback thread, not on this one.
      FakePageSource source = new FakePageSource(1_000, 10, 10, 10);
      DefaultRowStream refused = new DefaultRowStream(source, StreamConfig.defaults(), task -> {
        throw new RejectedExecutionException("always");
      }, scheduler, null, handle -> { }, StreamEvents.none("refused"), null);
      AtomicReference<String> failedOn = new AtomicReference<>();
      List<Row> rows = new ArrayList<>();
      CompletableFuture<Void> done = refused.forEach(rows::add).toCompletableFuture();
      CountDownLatch failed = new CountDownLatch(1);
      done.whenComplete((ignored, error) -> {
        if (error instanceof AsyncCassandraException) {
          failedOn.set(Thread.currentThread().getName());
        }
        failed.countDown();
      });
      source.completeNext(); // the page arrives (on a driver thread, in real life); its delivery is refused
      check(failed.await(20, TimeUnit.SECONDS), "refused terminal signal: failed on " + failedOn.get());

      // The helper itself, with an executor that takes nothing.
      AtomicReference<String> ranOn = new AtomicReference<>();
      CountDownLatch ran = new CountDownLatch(1);
      Threads.executeOrFallback(task -> {
        throw new RejectedExecutionException("always");
      }, () -> {
        ranOn.set(Thread.currentThread().getName());
        ran.countDown();
      });
      check(ran.await(20, TimeUnit.SECONDS), "executeOrFallback: ran on " + ranOn.get());
      System.exit(0);
    }

    private static void check(boolean passed, String what) {
      System.out.println(what + (passed ? "" : " FAILED"));
      if (!passed) {
        System.exit(1);
      }
    }
  }
}
