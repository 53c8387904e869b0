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

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A single-threaded event loop with a heartbeat that ticks every millisecond on the loop itself and
 * records the longest gap between two ticks: how long the loop was unable to run anything else.
 */
final class EventLoopProbe implements AutoCloseable {
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "demo-event-loop");
    thread.setDaemon(true);
    return thread;
  });
  // Written and read on the loop thread only, except reset/read through the loop (see measure()).
  private long lastTick;
  private long longestGap;
  private final ScheduledFuture<?> heartbeat;

  EventLoopProbe() {
    loop.execute(() -> lastTick = System.nanoTime());
    heartbeat = loop.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      longestGap = Math.max(longestGap, now - lastTick);
      lastTick = now;
    }, 1, 1, TimeUnit.MILLISECONDS);
  }

  /** Starts a new measurement; runs on the loop so that it is ordered with the heartbeat. */
  void reset() throws Exception {
    loop.submit(() -> {
      lastTick = System.nanoTime();
      longestGap = 0;
    }).get();
  }

  /** The longest stall since reset(): the longest gap between ticks beyond the 1 ms period, in ms. */
  double longestStallMillis() throws Exception {
    long gap = loop.submit(() -> Math.max(longestGap, System.nanoTime() - lastTick)).get();
    return Math.max(0, gap - TICK_NANOS) / 1e6;
  }

  @Override
  public void close() {
    heartbeat.cancel(false);
    loop.shutdownNow();
  }
}
