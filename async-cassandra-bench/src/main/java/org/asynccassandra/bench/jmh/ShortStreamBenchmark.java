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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.internal.stream.SourcePage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH benchmarks of what one short stream costs, set-up and end included: the concurrency scenario's
 * shape ({@value #PAGES} pages of {@value #ROWS_PER_PAGE} prebuilt rows), everything on the calling thread
 * (a direct executor), next to a hand-written {@code fetchNextPage}-style chain over the same source.
 *
 * <p>The score is the time per row, a stream's set-up and end spread over its {@value #ROWS} rows: what a
 * stream costs above {@link #chain} is the engine's work per row, per page and per stream (its objects,
 * its stats, its leak check); set against {@link RowPathBenchmark}'s long streams, the difference is what a
 * stream's set-up and end cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ShortStreamBenchmark.ROWS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ShortStreamBenchmark {
  static final int PAGES = 4;
  static final int ROWS_PER_PAGE = 500;
  static final int ROWS = PAGES * ROWS_PER_PAGE;

  /** The prebuilt pages, shared by every invocation. */
  @State(Scope.Benchmark)
  public static class Pages {
    PrebuiltPageSource source;

    @Setup(Level.Trial)
    public void build() {
      source = new PrebuiltPageSource(PAGES, ROWS_PER_PAGE);
    }
  }

  /** A hand-written chain: fetch a page, consume its rows, fetch the next from the completion callback. */
  @Benchmark
  public void chain(Pages pages, Blackhole blackhole) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    chainFrom(pages.source, null, blackhole, done);
    done.join();
  }

  private static void chainFrom(PrebuiltPageSource source, ByteBuffer state, Blackhole blackhole,
      CompletableFuture<Void> done) {
    source.fetch(state).whenComplete((page, error) -> {
      if (error != null) {
        done.completeExceptionally(error);
        return;
      }
      SourcePage current = page;
      List<Row> rows = current.rows();
      for (int i = 0, n = rows.size(); i < n; i++) {
        blackhole.consume(rows.get(i));
      }
      if (current.hasMorePages()) {
        chainFrom(source, current.pagingState(), blackhole, done);
      } else {
        done.complete(null);
      }
    });
  }

  /**
   * One stream built (as {@link RowPathBenchmark}'s, {@code prefetchPages} its parameter), drained with
   * {@code forEach} on the calling thread, and ended.
   */
  @Benchmark
  public void forEachDirect(Pages pages, RowPathBenchmark.Streams streams, Blackhole blackhole) {
    streams.open(pages.source, Runnable::run).forEach(blackhole::consume).toCompletableFuture().join();
  }
}
