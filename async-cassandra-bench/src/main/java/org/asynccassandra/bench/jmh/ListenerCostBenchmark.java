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
package org.asynccassandra.bench.jmh;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.PageEvent;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.asynccassandra.micrometer.AsyncCassandraMetrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What {@link AsyncCassandraMetrics}' listener adds to {@link RowPathBenchmark#forEachDirect}'s per-row path:
 * the same drain of {@value #ROWS} prebuilt rows, with no listener and with the binder's listener on a
 * Micrometer registry. The listener works once per page (and per stream), so its cost per row is its cost
 * per page spread over the page's rows: {@code rowsPerPage} shows it with big and with small pages.
 *
 * <p>{@link CostMicrobench} runs {@link #forEachDirect} for the bench report; run it all with JMH's own
 * main: {@code java -cp ... org.openjdk.jmh.Main ListenerCostBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ListenerCostBenchmark.ROWS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ListenerCostBenchmark {
  static final int ROWS = 100_000;

  private static final TimeoutScheduler NO_TIMEOUTS = (task, delay) -> {
    throw new IllegalStateException("The benchmark configures no timeout, yet one was scheduled: " + delay);
  };

  /** The pages and the stream configuration: page size and listener vary. */
  @State(Scope.Benchmark)
  public static class Streams {
    @Param({"100", "1000"})
    public int rowsPerPage;

    /**
     * none; noop (a listener that does nothing: what the engine pays to build and dispatch the events);
     * micrometer-simple (SimpleMeterRegistry); micrometer-prometheus (histogram buckets recorded).
     */
    @Param({"none", "noop", "micrometer-simple", "micrometer-prometheus"})
    public String listener;

    PrebuiltPageSource source;
    StreamConfig config;

    @Setup(Level.Trial)
    public void build() {
      source = new PrebuiltPageSource(ROWS / rowsPerPage, rowsPerPage);
      StreamConfig.Builder builder = StreamConfig.builder().prefetchPages(1).name("bench");
      MeterRegistry registry = switch (listener) {
        case "none", "noop" -> null;
        case "micrometer-simple" -> new SimpleMeterRegistry();
        case "micrometer-prometheus" -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        default -> throw new IllegalArgumentException("unknown listener: " + listener);
      };
      if (registry != null) {
        builder.listener(AsyncCassandraMetrics.listener(registry, Tags.empty()));
      } else if (listener.equals("noop")) {
        builder.listener(new StreamListener() {});
      }
      config = builder.build();
    }
  }

  /** One stream's page events straight into the listener, to time the listener alone, per page. */
  @State(Scope.Benchmark)
  public static class PageEvents {
    @Param({"micrometer-simple", "micrometer-prometheus"})
    public String listener;

    StreamListener metrics;
    final StreamInfo stream = new BenchStream();
    final PageEvent page = new PageEvent(1, 1000, 1000, Duration.ofMillis(3), 65_536, false, 1000,
        Duration.ofMillis(1));

    @Setup(Level.Trial)
    public void build() {
      MeterRegistry registry = listener.equals("micrometer-simple") ? new SimpleMeterRegistry()
          : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      metrics = AsyncCassandraMetrics.listener(registry, Tags.empty());
      metrics.executor(stream, Runnable::run);
      metrics.onStart(stream, "forEach()");
    }
  }

  /** The listener's work for one page: what a stream pays per page, spread over the page's rows. */
  @Benchmark
  @OperationsPerInvocation(1)
  public void pageEvent(PageEvents events) {
    events.metrics.onPage(events.stream, events.page);
  }

  /** A stream that is never read: only its fixed fields are. */
  private static final class BenchStream implements StreamInfo {
    @Override
    public long id() {
      return Long.MAX_VALUE;
    }

    @Override
    public Kind kind() {
      return Kind.QUERY;
    }

    @Override
    public Optional<String> keyspace() {
      return Optional.of("bench");
    }

    @Override
    public Optional<String> table() {
      return Optional.empty();
    }

    @Override
    public Optional<String> name() {
      return Optional.of("bench");
    }

    @Override
    public String query() {
      return "SELECT v FROM bench.rows";
    }

    @Override
    public StreamStats stats() {
      return new StreamStats(0, 0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, 0, 0);
    }
  }

  /** {@code forEach} with a direct executor, as {@link RowPathBenchmark#forEachDirect}. */
  @Benchmark
  public void forEachDirect(Streams streams, Blackhole blackhole) {
    new DefaultRowStream(streams.source, streams.config, Runnable::run, NO_TIMEOUTS, handle -> {})
        .forEach(blackhole::consume).toCompletableFuture().join();
  }
}
