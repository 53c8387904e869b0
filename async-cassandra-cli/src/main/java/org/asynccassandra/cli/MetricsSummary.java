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

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.micrometer.AsyncCassandraMetrics;

/**
 * {@code --metrics-summary}: the async-cassandra meters of one run, from a {@link SimpleMeterRegistry}
 * bound to the session before the scan is made, printed when it is closed (after the scan, success or
 * not). Timers print their count, mean, max, median and 99th percentile.
 */
final class MetricsSummary implements AutoCloseable {
  private static final long SETTLE_MILLIS = 5_000;

  private final SimpleMeterRegistry registry;
  private final AsyncCassandraMetrics metrics;
  private final AsyncSession session;
  private final Ends ends;
  private final PrintStream out;

  private MetricsSummary(SimpleMeterRegistry registry, AsyncCassandraMetrics metrics, AsyncSession session,
      Ends ends, PrintStream out) {
    this.registry = registry;
    this.metrics = metrics;
    this.session = session;
    this.ends = ends;
    this.out = out;
  }

  /** Measures the streams {@code session} creates from now on; prints them to {@code out} on close. */
  static MetricsSummary attach(AsyncSession session, PrintStream out) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getType() == Meter.Type.TIMER
            ? DistributionStatisticConfig.builder().percentiles(0.5, 0.99).build().merge(config) : config;
      }
    });
    AsyncCassandraMetrics metrics = new AsyncCassandraMetrics(session);
    metrics.bindTo(registry);
    // Added after the meters' listener: a stream tells its listeners in that order, so the end event this one
    // hears comes after the meters counted the stream's end.
    Ends ends = new Ends();
    session.addListener(ends);
    return new MetricsSummary(registry, metrics, session, ends, out);
  }

  /**
   * Prints the meters, once the end events of the streams measured came (they run on the stream's executor,
   * just after the consumer's stage ends), or after {@value #SETTLE_MILLIS} ms; an interrupt stops the wait
   * and is kept.
   */
  @Override
  public void close() {
    metrics.close();
    try {
      ends.awaitNoneOpen(SETTLE_MILLIS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } finally {
      session.removeListener(ends);
    }
    out.println("Metrics:");
    for (String line : lines(registry)) {
      out.println("  " + line);
    }
    out.flush();
  }

  /**
   * Counts the streams created (each creation asks the listeners for an executor) against the ends heard:
   * every creation ends in exactly one of complete, failure, close or leak, a failed creation in failure.
   */
  static final class Ends implements StreamListener {
    private int open; // guarded by this

    @Override
    public synchronized Executor executor(StreamInfo stream, Executor executor) {
      open++;
      return executor;
    }

    @Override
    public void onComplete(StreamInfo stream, StreamStats stats) {
      ended();
    }

    @Override
    public void onFailure(StreamInfo stream, Throwable error, StreamStats stats) {
      ended();
    }

    @Override
    public void onClose(StreamInfo stream, StreamStats stats) {
      ended();
    }

    @Override
    public void onLeak(StreamInfo stream, Throwable createdAt, StreamStats stats) {
      ended();
    }

    private synchronized void ended() {
      open--;
      notifyAll();
    }

    /** Waits until every stream created has ended, at most {@code millis}; false when some are still open. */
    synchronized boolean awaitNoneOpen(long millis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (open > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  /** One line per meter, sorted by name and tags: {@code name{tag=value,...} value}. */
  static List<String> lines(MeterRegistry registry) {
    return registry.getMeters().stream()
        .sorted(Comparator.comparing((Meter meter) -> meter.getId().getName())
            .thenComparing(meter -> tags(meter.getId())))
        .map(meter -> meter.getId().getName() + tags(meter.getId()) + " " + value(meter))
        .collect(Collectors.toList());
  }

  private static String tags(Meter.Id id) {
    return id.getTags().stream().map(tag -> tag.getKey() + "=" + tag.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String value(Meter meter) {
    if (meter instanceof Counter counter) {
      return number(counter.count());
    }
    if (meter instanceof Gauge gauge) {
      return number(gauge.value());
    }
    if (meter instanceof Timer timer) {
      HistogramSnapshot snapshot = timer.takeSnapshot();
      StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "count=%d mean=%s max=%s",
          snapshot.count(), millis(snapshot.mean(TimeUnit.NANOSECONDS)), millis(snapshot.max(TimeUnit.NANOSECONDS))));
      for (ValueAtPercentile percentile : snapshot.percentileValues()) {
        text.append(String.format(Locale.ROOT, " p%s=%s", number(percentile.percentile() * 100),
            millis(percentile.value(TimeUnit.NANOSECONDS))));
      }
      return text.toString();
    }
    StringBuilder text = new StringBuilder();
    meter.measure().forEach(measurement -> text.append(text.length() == 0 ? "" : " ")
        .append(measurement.getStatistic().getTagValueRepresentation()).append('=')
        .append(number(measurement.getValue())));
    return text.toString();
  }

  private static String millis(double nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.3f", value);
  }
}
