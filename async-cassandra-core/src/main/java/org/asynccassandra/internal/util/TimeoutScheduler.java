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
      ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }
}
