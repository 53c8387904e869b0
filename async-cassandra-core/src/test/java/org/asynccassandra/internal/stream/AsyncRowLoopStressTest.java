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

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Stress test of the real {@link AsyncRowLoop}'s handshake (PENDING, WAITING, COMPLETED) between the loop
 * and the callback of the stage that the user's action returned. Each row's stage is, at random, already
 * completed or failed when returned, or completed or failed by another thread that spins on a hand-off slot
 * (so it completes within a random handful of spins of the action's return, right where the loop registers
 * its callback and moves the handshake).
 */
class AsyncRowLoopStressTest {
  private static final int RUNS = 5_000;
  private static final int PAGES = 3;
  private static final int PAGE_SIZE = 3;
  private static final int TOTAL = PAGES * PAGE_SIZE;

  private static final CountingExecutor EXECUTOR = new CountingExecutor("stream-", 2);
  private static final Completer COMPLETER = new Completer();

  @AfterAll
  static void stop() {
    EXECUTOR.close();
    COMPLETER.finish();
  }

  /** A thread that runs each handed-over completion after a random spin; it spins while idle. */
  private static final class Completer extends Thread {
    private final AtomicReference<Runnable> slot = new AtomicReference<>();
    private volatile boolean stopped;

    Completer() {
      super("completer");
      setDaemon(true);
      start();
    }

    void handOver(Runnable completion) {
      while (!slot.compareAndSet(null, completion)) {
        Thread.onSpinWait();
      }
    }

    @Override
    public void run() {
      while (!stopped) {
        Runnable completion = slot.getAndSet(null);
        if (completion == null) {
          Thread.onSpinWait();
          continue;
        }
        Race.spin(100);
        completion.run();
      }
    }

    void finish() {
      stopped = true;
    }
  }

  @Test
  void should_apply_each_action_once_in_order_one_at_a_time_and_end_once_on_the_executor_whoever_completes_the_stages()
      throws Exception {
    int failedRuns = 0;
    for (int run = 0; run < RUNS; run++) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int failAt = random.nextInt(3) == 0 ? random.nextInt(TOTAL) : -1;
      Queue<String> violations = new ConcurrentLinkedQueue<>();
      Queue<Integer> applied = new ConcurrentLinkedQueue<>();
      AtomicInteger outstanding = new AtomicInteger(); // stages returned and not yet completed
      AtomicInteger terminations = new AtomicInteger();
      RuntimeException failure = new RuntimeException("row " + failAt + " failed");
      CountDownLatch registered = new CountDownLatch(1);
      DefaultRowStream stream = new DefaultRowStream(FakePageSource.automatic(PAGES, PAGE_SIZE),
          StreamConfig.builder().prefetchPages(1 + random.nextInt(2)).build(), EXECUTOR, new ManualScheduler(),
          handle -> terminations.incrementAndGet());

      CompletableFuture<Void> result = stream.forEachAsync(row -> {
        int value = FakePageSource.value(row);
        if (outstanding.getAndIncrement() != 0) {
          violations.add("the action for row " + value + " ran while an earlier row's stage was pending");
        }
        if (!EXECUTOR.isCurrentThread()) {
          violations.add("the action for row " + value + " ran on " + Thread.currentThread().getName());
        }
        applied.add(value);
        if (value == 0) {
          await(registered); // the test's callback on the result is in place before anything can end it
        }
        boolean fails = value == failAt;
        if (ThreadLocalRandom.current().nextBoolean()) {
          outstanding.decrementAndGet();
          return fails ? CompletableFuture.failedFuture(failure) : CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Object> stage = new CompletableFuture<>();
        COMPLETER.handOver(() -> {
          outstanding.decrementAndGet();
          if (fails) {
            stage.completeExceptionally(failure);
          } else {
            stage.complete("row " + value);
          }
        });
        return stage;
      }).toCompletableFuture();
      Queue<String> endedOn = new ConcurrentLinkedQueue<>();
      CompletableFuture<Void> observed = result.whenComplete((ok, error) -> endedOn.add(Thread.currentThread().getName()));
      registered.countDown();

      String context = "run " + run + ", failing row " + failAt;
      Throwable error = null;
      try {
        observed.get(10, TimeUnit.SECONDS); // a hang guard, never a timing assertion
      } catch (ExecutionException failed) {
        error = failed.getCause() instanceof CompletionException ? failed.getCause().getCause() : failed.getCause();
      }
      EXECUTOR.awaitQuiet();

      assertThat(violations).as(context).isEmpty();
      int expectedRows = failAt < 0 ? TOTAL : failAt + 1;
      assertThat(new ArrayList<>(applied)).as(context).isEqualTo(range(0, expectedRows));
      if (failAt < 0) {
        assertThat(error).as(context).isNull();
      } else {
        assertThat(error).as(context).isSameAs(failure);
        failedRuns++;
      }
      assertThat(endedOn).as("the result ends once, on the stream's executor; " + context)
          .hasSize(1).allMatch(name -> name.startsWith("stream-"));
      assertThat(Race.rowOf(stream.position(), PAGE_SIZE, TOTAL)).as("position; " + context).isEqualTo(expectedRows);
      assertThat(stream.stats().rowsDelivered()).as(context).isEqualTo(expectedRows);
      assertThat(terminations.get()).as("the engine ended once; " + context).isEqualTo(1);
    }
    assertThat(EXECUTOR.uncaught).isEmpty();
    assertThat(failedRuns).as("runs with a failing row").isPositive();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the test never registered its callback");
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new AssertionError(interrupted);
    }
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toList());
  }
}
