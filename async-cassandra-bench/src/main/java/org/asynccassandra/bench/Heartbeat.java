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

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A 1 ms heartbeat on an event loop that records how late each tick ran against its schedule: the delay
 * anything else queued on that loop would have suffered. Ticks run on the loop; {@link #start()} and
 * {@link #stop(GcPauses)} are called from another thread and wait for the loop.
 */
final class Heartbeat {
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int CAPACITY = 4_000_000; // over an hour of ticks; later ticks are not recorded

  /**
   * A window's delays in milliseconds.
   *
   * @param maxOutsideGc the largest delay of the ticks whose wait overlapped no GC pause of this JVM
   */
  record Delays(double p50, double p99, double max, double maxOutsideGc) {}

  private final ScheduledExecutorService loop;
  // Written on the loop thread only; read by stop() after the ticks have stopped, through the loop.
  private final long[] delays = new long[CAPACITY];
  private final long[] dues = new long[CAPACITY];
  private int count;
  private long firstTick;
  private long ticks;
  private ScheduledFuture<?> schedule;

  Heartbeat(ScheduledExecutorService loop) {
    this.loop = loop;
  }

  void start() throws Exception {
    loop.submit(() -> {
      count = 0;
      ticks = 0;
      firstTick = System.nanoTime() + PERIOD_NANOS;
      schedule = loop.scheduleAtFixedRate(this::tick, PERIOD_NANOS, PERIOD_NANOS, TimeUnit.NANOSECONDS);
    }).get();
  }

  private void tick() {
    long due = firstTick + ticks * PERIOD_NANOS;
    ticks++;
    if (count < CAPACITY) {
      dues[count] = due;
      delays[count++] = Math.max(0, System.nanoTime() - due);
    }
  }

  /** Stops the ticks. */
  void stop() throws Exception {
    loop.submit(() -> schedule.cancel(false)).get();
  }

  /** The delays of the ticks since {@link #start}, once {@link #stop} returned. */
  Delays delays(GcPauses gcPauses) throws Exception {
    return loop.submit(() -> {
      long worstOutsideGc = 0;
      for (int i = 0; i < count; i++) {
        if (delays[i] > worstOutsideGc && !gcPauses.overlaps(dues[i], dues[i] + delays[i])) {
          worstOutsideGc = delays[i];
        }
      }
      return new Delays(Stats.quantileMillis(delays, count, 0.50), Stats.quantileMillis(delays, count, 0.99),
          Stats.quantileMillis(delays, count, 1.0), count == 0 ? Double.NaN : worstOutsideGc / 1e6);
    }).get();
  }
}
