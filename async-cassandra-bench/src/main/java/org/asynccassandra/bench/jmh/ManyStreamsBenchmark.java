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

import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.stream.PageSource;
import org.asynccassandra.internal.stream.SourcePage;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.asynccassandra.internal.util.Threads;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Many streams open at once, without a network: the client's own cost per row at N concurrent reads, ours against
 * a hand-written {@code fetchNextPage}-style chain on the same executor.
 *
 * <p>A single "server" thread completes the page requests in the order they were sent (first in, first out), as a
 * driver I/O thread completes responses; the consumers run on a pool of two threads, as the session's callback
 * executor. Each of the {@code streams} lanes reads one stream of {@value #ROWS_PER_STREAM} rows in pages of
 * {@value #FETCH_SIZE} after another, until {@value #ROWS} rows were read in all, so one operation is one row at
 * every N. Rows are prebuilt: decoding is not measured. The server's queue is unbounded, as a benchmark's may
 * be: it never holds more than the {@code streams} requests in flight.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ManyStreamsBenchmark.ROWS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ManyStreamsBenchmark {
  static final int ROWS_PER_STREAM = 2000;
  static final int FETCH_SIZE = 500;
  static final int ROWS = 2_000_000;

  private static final TimeoutScheduler NO_TIMEOUTS = (task, delay) -> {
    throw new IllegalStateException("The benchmark configures no timeout, yet one was scheduled: " + delay);
  };

  /** The server thread, the consumers' pool and the pages. */
  @State(Scope.Benchmark)
  public static class World {
    @Param({"1", "10", "100", "1000"})
    public int streams;

    List<SourcePage> pages;
    ExecutorService pool;
    Thread server;
    final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    StreamConfig config;

    @Setup(Level.Trial)
    public void start() {
      pages = new PrebuiltPageSource(ROWS_PER_STREAM / FETCH_SIZE, FETCH_SIZE).pages();
      pool = Executors.newFixedThreadPool(2, Threads.daemonFactory("many-streams-consumer"));
      server = new Thread(this::serve, "many-streams-server");
      server.setDaemon(true);
      server.start();
      config = StreamConfig.builder().prefetchPages(0).build();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      server.interrupt();
      server.join();
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    private void serve() {
      try {
        while (true) {
          Request request = requests.take();
          request.future.complete(request.page);
        }
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
      }
    }

    CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState) {
      int index = pagingState == null ? 0 : pagingState.getInt(pagingState.position());
      CompletableFuture<@Nullable SourcePage> future = new CompletableFuture<>();
      requests.add(new Request(pages.get(index), future));
      return future;
    }

    int streamsPerLane() {
      return ROWS / (streams * ROWS_PER_STREAM);
    }
  }

  private record Request(SourcePage page, CompletableFuture<@Nullable SourcePage> future) {}

  /** A page source served by the world's server thread. */
  private static final class ServedSource implements PageSource {
    private final World world;

    ServedSource(World world) {
      this.world = world;
    }

    @Override
    public CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState) {
      return world.fetch(pagingState);
    }

    @Override
    public String description() {
      return "SELECT v FROM bench.rows (served)";
    }

    @Override
    public byte[] fingerprint() {
      return new byte[16];
    }
  }

  /** Our stream, {@code forEach} at prefetch 0 on the pool: each lane opens the next one when one ends. */
  @Benchmark
  public void ours(World world, Blackhole blackhole) {
    runLanes(world, () -> oursLane(world, blackhole, world.streamsPerLane()));
  }

  /** Starts {@code streams} lanes at once and waits for them all. */
  private static void runLanes(World world, Supplier<CompletableFuture<?>> lane) {
    List<CompletableFuture<?>> lanes = new ArrayList<>(world.streams);
    for (int i = 0; i < world.streams; i++) {
      lanes.add(lane.get());
    }
    CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).join();
  }

  private static CompletableFuture<?> oursLane(World world, Blackhole blackhole, int remaining) {
    DefaultRowStream stream = new DefaultRowStream(new ServedSource(world), world.config, world.pool, NO_TIMEOUTS,
        handle -> {});
    CompletableFuture<Void> read = stream.forEach(blackhole::consume).toCompletableFuture();
    return remaining <= 1 ? read : read.thenCompose(done -> oursLane(world, blackhole, remaining - 1));
  }

  /** The chain: each page's rows read on the pool, then the next page requested, as the driver's chain does. */
  @Benchmark
  public void chain(World world, Blackhole blackhole) {
    runLanes(world, () -> chainLane(world, blackhole, world.streamsPerLane()));
  }

  private static CompletableFuture<?> chainLane(World world, Blackhole blackhole, int remaining) {
    CompletableFuture<@Nullable Void> read = world.fetch(null)
        .thenComposeAsync(page -> chainPage(world, blackhole, page), world.pool);
    return remaining <= 1 ? read : read.thenCompose(done -> chainLane(world, blackhole, remaining - 1));
  }

  private static CompletableFuture<@Nullable Void> chainPage(World world, Blackhole blackhole,
      @Nullable SourcePage page) {
    if (page == null) {
      return CompletableFuture.completedFuture(null);
    }
    List<Row> rows = page.rows();
    for (int i = 0, n = rows.size(); i < n; i++) {
      blackhole.consume(rows.get(i));
    }
    if (!page.hasMorePages()) {
      return CompletableFuture.completedFuture(null);
    }
    return world.fetch(page.pagingState()).thenComposeAsync(next -> chainPage(world, blackhole, next), world.pool);
  }
}
