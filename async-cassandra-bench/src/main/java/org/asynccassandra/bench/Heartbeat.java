package org.asynccassandra.bench;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A 1 ms heartbeat on an event loop that records how late each tick ran against its schedule: the delay
 * anything else queued on that loop would have suffered. Ticks run on the loop; {@link #start()} and
 * {@link #stop()} are called from another thread and wait for the loop.
 */
final class Heartbeat {
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int CAPACITY = 4_000_000; // over an hour of ticks; later ticks are not recorded

  private final ScheduledExecutorService loop;
  // Written on the loop thread only; read by stop() after the ticks have stopped, through the loop.
  private final long[] delays = new long[CAPACITY];
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
      delays[count++] = Math.max(0, System.nanoTime() - due);
    }
  }

  /** Stops the ticks and returns the delays' p50, p99 and max, in milliseconds. */
  double[] stop() throws Exception {
    return loop.submit(() -> {
      schedule.cancel(false);
      return new double[] {Stats.quantileMillis(delays, count, 0.50), Stats.quantileMillis(delays, count, 0.99),
          Stats.quantileMillis(delays, count, 1.0)};
    }).get();
  }
}
