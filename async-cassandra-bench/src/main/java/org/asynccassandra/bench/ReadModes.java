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

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** The read modes the benchmarks compare: the driver's four ways, and ours in three styles and read-aheads. */
final class ReadModes {
  private ReadModes() {}

  /** Every mode: the driver's (virtual threads only on a JVM that has them), then ours. */
  static List<ReadMode> all() {
    List<ReadMode> modes = new ArrayList<>(driverModes());
    for (int prefetch = 0; prefetch <= 2; prefetch++) {
      for (Style style : Style.values()) {
        modes.add(ours(prefetch, style));
      }
    }
    oursOnVirtualThread(0).ifPresent(modes::add);
    return modes;
  }

  /** The driver's own modes. */
  static List<ReadMode> driverModes() {
    List<ReadMode> modes = new ArrayList<>();
    modes.add(driverSync());
    virtualThreads().ifPresent(modes::add);
    modes.add(fetchNextPageChain());
    modes.add(reactive());
    return modes;
  }

  /** {@code for (Row row : session.execute(statement))} on the calling thread. */
  static ReadMode driverSync() {
    return mode("driver sync", true, (context, statement, sink) -> {
      syncIteration(context.session(), statement, sink);
      return ReadMode.Outcome.DRIVER;
    });
  }

  /** The same loop on a virtual thread (JDK 21+), or empty on an older JVM. */
  static Optional<ReadMode> virtualThreads() {
    Method factory;
    try {
      factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
    } catch (NoSuchMethodException olderJvm) {
      return Optional.empty();
    }
    return Optional.of(mode("driver sync, virtual thread", true, (context, statement, sink) -> {
      ExecutorService virtual = (ExecutorService) factory.invoke(null);
      try {
        virtual.submit(() -> {
          syncIteration(context.session(), statement, sink);
          return null;
        }).get();
      } finally {
        virtual.shutdown();
      }
      return ReadMode.Outcome.DRIVER;
    }));
  }

  /**
   * Our iterator on a virtual thread (JDK 21+), the same shape as the driver's sync loop there, or empty on
   * an older JVM.
   */
  static Optional<ReadMode> oursOnVirtualThread(int prefetchPages) {
    Method factory;
    try {
      factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
    } catch (NoSuchMethodException olderJvm) {
      return Optional.empty();
    }
    ReadMode iterator = ours(prefetchPages, Style.ITERATOR);
    return Optional.of(mode(iterator.name() + ", virtual thread", false, (context, statement, sink) -> {
      ExecutorService virtual = (ExecutorService) factory.invoke(null);
      try {
        return virtual.submit(() -> iterator.read(context, statement, sink)).get();
      } finally {
        virtual.shutdown();
      }
    }));
  }

  private static void syncIteration(CqlSession session, SimpleStatement statement, RowSink sink) {
    ResultSet rows = session.execute(statement);
    for (Row row : rows) {
      sink.row(row);
    }
    sink.finish();
  }

  /** The hand-written chain: each page's callback, on the consumer thread, requests the next page. */
  static ReadMode fetchNextPageChain() {
    return mode("driver fetchNextPage", true, (context, statement, sink) -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      Executor consumer = context.consumer();
      class Chain {
        void onPage(AsyncResultSet page, Throwable error) {
          try {
            if (error != null) {
              done.completeExceptionally(error);
              return;
            }
            for (Row row : page.currentPage()) {
              sink.row(row);
            }
            if (page.hasMorePages()) {
              page.fetchNextPage().whenCompleteAsync(this::onPage, consumer);
            } else {
              sink.finish();
              done.complete(null);
            }
          } catch (RuntimeException failure) {
            done.completeExceptionally(failure);
          }
        }
      }
      context.session().executeAsync(statement).whenCompleteAsync(new Chain()::onPage, consumer);
      done.get();
      return ReadMode.Outcome.DRIVER;
    });
  }

  /**
   * {@code executeReactive} with a subscriber that asks for one page of rows at a time and hands each
   * page to the consumer thread, asking for the next when it is done (the driver reads ahead on its own).
   */
  static ReadMode reactive() {
    return mode("driver executeReactive", true, (context, statement, sink) -> {
      PageBatches.consume(context.session().executeReactive(statement), statement.getPageSize(),
          context.consumer(), sink::row, sink::finish).get();
      return ReadMode.Outcome.DRIVER;
    });
  }

  /** How an async-cassandra stream is consumed. */
  enum Style {
    FOR_EACH("forEach"),
    ITERATOR("iterator"),
    ROWS_PUBLISHER("rows()");

    final String label;

    Style(String label) {
      this.label = label;
    }
  }

  /** An async-cassandra stream with the given read-ahead, consumed in the given style. */
  static ReadMode ours(int prefetchPages, Style style) {
    return ours(prefetchPages, style, 0);
  }

  /**
   * An async-cassandra stream with the given read-ahead and first page size ({@code 0}: none, every page
   * asks for the fetch size), consumed in the given style.
   */
  static ReadMode ours(int prefetchPages, Style style, int firstPageSize) {
    String name = "ours p" + prefetchPages + " " + style.label
        + (firstPageSize > 0 ? String.format(Locale.ROOT, ", first page %,d", firstPageSize) : "");
    return mode(name, false, (context, statement, sink) -> {
      StreamConfig.Builder builder = StreamConfig.builder().prefetchPages(prefetchPages)
          .executor(context.consumer());
      if (firstPageSize > 0) {
        builder.firstPageSize(firstPageSize);
      }
      StreamConfig config = builder.build();
      try (RowStream stream = context.async().executeStream(statement, config)) {
        switch (style) {
          case FOR_EACH -> stream.forEach(sink::row).toCompletableFuture().get();
          case ITERATOR -> {
            Iterator<Row> rows = stream.iterator();
            while (rows.hasNext()) {
              sink.row(rows.next());
            }
          }
          case ROWS_PUBLISHER -> subscribe(stream.rows(), statement.getPageSize(), sink).get();
        }
        sink.finish();
        StreamStats stats = stream.stats();
        return new ReadMode.Outcome(stats.maxBufferedPages(), stats.consumerWaitTime().toNanos() / 1e6);
      }
    });
  }

  /** A subscriber that asks for a page's worth of rows at a time. */
  private static CompletableFuture<Void> subscribe(Flow.Publisher<Row> rows, int batchSize, RowSink sink) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    rows.subscribe(new Flow.Subscriber<Row>() {
      private Flow.Subscription subscription;
      private long received;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(batchSize);
      }

      @Override
      public void onNext(Row row) {
        try {
          sink.row(row);
        } catch (RuntimeException failure) {
          subscription.cancel();
          done.completeExceptionally(failure);
          return;
        }
        if (++received % batchSize == 0) {
          subscription.request(batchSize);
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
    });
    return done;
  }

  /** The body of a mode. */
  @FunctionalInterface
  interface Reader {
    ReadMode.Outcome read(BenchContext context, SimpleStatement statement, RowSink sink) throws Exception;
  }

  private static ReadMode mode(String name, boolean driver, Reader reader) {
    return new ReadMode() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean isDriver() {
        return driver;
      }

      @Override
      public Outcome read(BenchContext context, SimpleStatement statement, RowSink sink) throws Exception {
        return reader.read(context, statement, sink);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
