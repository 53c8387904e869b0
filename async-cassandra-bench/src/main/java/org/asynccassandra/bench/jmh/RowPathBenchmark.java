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
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.Page;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.stream.SourcePage;
import org.asynccassandra.internal.util.Threads;
import org.asynccassandra.internal.util.TimeoutScheduler;
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
 * JMH benchmarks of the stream engine's per-row path: each invocation drains {@value #PAGES} pages of
 * {@value #ROWS_PER_PAGE} prebuilt rows, and the score is the time per row.
 *
 * <p>The pages come from a {@link PrebuiltPageSource}, whose futures are already complete, so no network,
 * decoding or allocation of rows is measured: what a style costs above {@link #baseline} (a plain loop
 * over the same rows) is what the engine adds per row, its per-page hand-over spread over the page's rows.
 * Each stream is drained to its end, which terminates it; no {@code close()} is needed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(RowPathBenchmark.ROWS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RowPathBenchmark {
  static final int PAGES = 100;
  static final int ROWS_PER_PAGE = 1000;
  static final int ROWS = PAGES * ROWS_PER_PAGE;
  /** Rows the publisher's subscriber requests at a time. */
  static final int REQUEST_BATCH = 256;

  /** No benchmark configures a timeout, so the engine never schedules one. */
  private static final TimeoutScheduler NO_TIMEOUTS = (task, delay) -> {
    throw new IllegalStateException("The benchmark configures no timeout, yet one was scheduled: " + delay);
  };

  /** The prebuilt pages, shared by every invocation. */
  @State(Scope.Benchmark)
  public static class Pages {
    PrebuiltPageSource source;

    @Setup(Level.Trial)
    public void build() {
      source = new PrebuiltPageSource(PAGES, ROWS_PER_PAGE);
    }
  }

  /** How streams are configured: only the read-ahead depth varies. */
  @State(Scope.Benchmark)
  public static class Streams {
    @Param({"0", "1"})
    public int prefetchPages;

    StreamConfig config;

    @Setup(Level.Trial)
    public void configure() {
      config = StreamConfig.builder().prefetchPages(prefetchPages).build();
    }

    /** A new stream over {@code pages}, whose user code runs on {@code executor}. */
    RowStream open(Pages pages, Executor executor) {
      return open(pages.source, executor);
    }

    /** A new stream over {@code source}, whose user code runs on {@code executor}; ShortStreamBenchmark's too. */
    RowStream open(PrebuiltPageSource source, Executor executor) {
      return new DefaultRowStream(source, config, executor, NO_TIMEOUTS, handle -> {});
    }
  }

  /** A single consumer thread, as a session's callback executor would be. */
  @State(Scope.Benchmark)
  public static class ConsumerThread {
    ExecutorService executor;

    @Setup(Level.Trial)
    public void start() {
      executor = Executors.newSingleThreadExecutor(Threads.daemonFactory("row-path-consumer"));
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      executor.shutdownNow();
      executor.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** The rows with no engine at all: the floor that every other benchmark is read against. */
  @Benchmark
  public void baseline(Pages pages, Blackhole blackhole) {
    for (SourcePage page : pages.source.pages()) {
      List<Row> rows = page.rows();
      for (int i = 0, n = rows.size(); i < n; i++) {
        blackhole.consume(rows.get(i));
      }
    }
  }

  /** {@code forEach} with a direct executor: the whole stream runs on the calling thread. */
  @Benchmark
  public void forEachDirect(Pages pages, Streams streams, Blackhole blackhole) {
    streams.open(pages, Runnable::run).forEach(blackhole::consume).toCompletableFuture().join();
  }

  /** {@code forEach} on a single-thread executor: one hop to it per page, the caller waits for the end. */
  @Benchmark
  public void forEachSingleThread(Pages pages, Streams streams, ConsumerThread consumer, Blackhole blackhole) {
    streams.open(pages, consumer.executor).forEach(blackhole::consume).toCompletableFuture().join();
  }

  /** The blocking iterator, on the calling thread. */
  @Benchmark
  public void iterator(Pages pages, Streams streams, Blackhole blackhole) {
    Iterator<Row> rows = streams.open(pages, Runnable::run).iterator();
    while (rows.hasNext()) {
      blackhole.consume(rows.next());
    }
  }

  /** {@code rows()} with a direct executor and a subscriber that requests {@value #REQUEST_BATCH} at a time. */
  @Benchmark
  public void rowsPublisher(Pages pages, Streams streams, Blackhole blackhole) {
    BatchSubscriber subscriber = new BatchSubscriber(blackhole);
    streams.open(pages, Runnable::run).rows().subscribe(subscriber);
    subscriber.done.join();
  }

  /** {@code forEachAsync} with a direct executor and an action whose stage is already complete. */
  @Benchmark
  public void forEachAsyncDirect(Pages pages, Streams streams, Blackhole blackhole) {
    streams.open(pages, Runnable::run).forEachAsync(row -> {
      blackhole.consume(row);
      return DONE;
    }).toCompletableFuture().join();
  }

  /** {@code forEachPage} with a direct executor, every row of each page consumed. */
  @Benchmark
  public void forEachPageDirect(Pages pages, Streams streams, Blackhole blackhole) {
    streams.open(pages, Runnable::run).forEachPage(page -> {
      List<Row> rows = page.rows();
      for (int i = 0, n = rows.size(); i < n; i++) {
        blackhole.consume(rows.get(i));
      }
    }).toCompletableFuture().join();
  }

  /** {@code pages()} with a direct executor and a subscriber that requests one page at a time. */
  @Benchmark
  public void pagesPublisher(Pages pages, Streams streams, Blackhole blackhole) {
    PageSubscriber subscriber = new PageSubscriber(blackhole);
    streams.open(pages, Runnable::run).pages().subscribe(subscriber);
    subscriber.done.join();
  }

  /** An action's stage that is already complete: the loop goes on at once. */
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /** Consumes each page's rows and requests the next page from inside {@code onNext}. */
  private static final class PageSubscriber implements Flow.Subscriber<Page<Row>> {
    private final Blackhole blackhole;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private Flow.Subscription subscription;

    PageSubscriber(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(Page<Row> page) {
      List<Row> rows = page.rows();
      for (int i = 0, n = rows.size(); i < n; i++) {
        blackhole.consume(rows.get(i));
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }

  /** Requests the next batch once the last one arrived, from inside {@code onNext}. */
  private static final class BatchSubscriber implements Flow.Subscriber<Row> {
    private final Blackhole blackhole;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    /** Rows still due from the current batch; signals are serial (§1.3), so a plain field suffices. */
    private int outstanding;

    BatchSubscriber(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      outstanding = REQUEST_BATCH;
      subscription.request(REQUEST_BATCH);
    }

    @Override
    public void onNext(Row row) {
      blackhole.consume(row);
      if (--outstanding == 0) {
        outstanding = REQUEST_BATCH;
        subscription.request(REQUEST_BATCH);
      }
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }
}
