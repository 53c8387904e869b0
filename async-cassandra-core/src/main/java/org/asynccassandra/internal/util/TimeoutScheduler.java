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
package org.asynccassandra.internal.util;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Schedules timeout tasks; tests replace it with one they fire by hand. */
public interface TimeoutScheduler {

  /** A scheduled task that can be cancelled. */
  interface Timeout {
    void cancel();
  }

  /** A timeout that never fires. */
  Timeout NONE = () -> {};

  /** Runs {@code task} after {@code delay}, on the scheduler's own thread. */
  Timeout schedule(Runnable task, Duration delay);

  /** A scheduler backed by a {@link ScheduledExecutorService} (whose thread must not run user code). */
  static TimeoutScheduler of(ScheduledExecutorService executor) {
    return (task, delay) -> {
      ScheduledFuture<?> future = executor.schedule(task, Durations.nanos(delay), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
