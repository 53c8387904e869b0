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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynccassandra.ResumeToken;

/**
 * Runs racing parties for stress tests: each run releases them together from a barrier and each party
 * first spins a random number of {@link Thread#onSpinWait()} so that their steps interleave differently
 * from run to run. No party sleeps.
 */
final class Race implements AutoCloseable {
  private final ExecutorService parties;

  Race(int maxParties) {
    AtomicInteger count = new AtomicInteger();
    this.parties = Executors.newFixedThreadPool(maxParties, task -> {
      Thread thread = new Thread(task, "racer-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** A step of a racing party. */
  interface Party {
    void run() throws Exception;
  }

  /** Runs the parties at once, each after a random spin of up to {@code maxSpins}, and waits for all. */
  void run(int maxSpins, Party... steps) throws Exception {
    CyclicBarrier start = new CyclicBarrier(steps.length);
    List<Future<?>> running = new ArrayList<>();
    for (Party step : steps) {
      running.add(parties.submit(() -> {
        start.await();
        spin(maxSpins);
        step.run();
        return null;
      }));
    }
    for (Future<?> party : running) {
      party.get(30, TimeUnit.SECONDS); // a hang guard, never a timing assertion
    }
  }

  /** Spins a random number of times, up to {@code max}. */
  static void spin(int max) {
    for (int i = ThreadLocalRandom.current().nextInt(max + 1); i > 0; i--) {
      Thread.onSpinWait();
    }
  }

  /**
   * The index across the result (rows numbered from 0) of the row a token resumes at, for a
   * {@link FakePageSource} of pages of {@code pageSize} rows; {@code total} for an end token.
   */
  static int rowOf(ResumeToken token, int pageSize, int total) {
    if (token.isEnd()) {
      return total;
    }
    int page = token.pagingState().map(state -> state.getInt(state.position())).orElse(0);
    return page * pageSize + token.rowOffset();
  }

  @Override
  public void close() {
    parties.shutdownNow();
  }
}
