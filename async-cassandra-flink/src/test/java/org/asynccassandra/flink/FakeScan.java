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
package org.asynccassandra.flink;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;
import org.asynccassandra.Page;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamStats;
import org.asynccassandra.TableScan;

/**
 * A {@link TableScan} driven by hand: {@link #nextPage()} returns a stage that the test completes with
 * {@link #deliver} or {@link #end}, and {@link #checkpoint()} is what the test last said it is. Only the
 * pull style works.
 */
final class FakeScan implements TableScan {
  private volatile ScanCheckpoint checkpoint;
  private CompletableFuture<Optional<Page<Row>>> pending;
  private int pages;
  volatile boolean closed;
  int nextPageCalls;

  FakeScan(ScanCheckpoint start) {
    this.checkpoint = start;
  }

  /** Rows that print as their names; nothing else works on them. */
  static List<Row> rows(String... names) {
    List<Row> rows = new ArrayList<>();
    for (String name : names) {
      rows.add((Row) Proxy.newProxyInstance(Row.class.getClassLoader(), new Class<?>[] {Row.class},
          (proxy, method, args) -> {
            if (method.getName().equals("toString")) {
              return name;
            }
            throw new UnsupportedOperationException(method.getName());
          }));
    }
    return rows;
  }

  boolean hasPendingCall() {
    return pending != null && !pending.isDone();
  }

  /** Hands over a page: the scan's checkpoint is {@code after} from now on. */
  void deliver(List<Row> rows, ScanCheckpoint after) {
    checkpoint = after;
    int number = ++pages;
    pending.complete(Optional.of(new Page<Row>() {
      @Override
      public List<Row> rows() {
        return rows;
      }

      @Override
      public int size() {
        return rows.size();
      }

      @Override
      public int number() {
        return number;
      }

      @Override
      public boolean isLast() {
        return false;
      }

      @Override
      public ExecutionInfo executionInfo() {
        throw new UnsupportedOperationException();
      }

      @Override
      public ColumnDefinitions columnDefinitions() {
        throw new UnsupportedOperationException();
      }

      @Override
      public Optional<ResumeToken> resumeToken() {
        return Optional.empty();
      }
    }));
  }

  void end(ScanCheckpoint last) {
    checkpoint = last;
    pending.complete(Optional.empty());
  }

  void fail(Throwable failure) {
    pending.completeExceptionally(failure);
  }

  @Override
  public ScanCheckpoint checkpoint() {
    return checkpoint;
  }

  @Override
  public CompletionStage<Optional<Page<Row>>> nextPage() {
    if (hasPendingCall()) {
      throw new IllegalStateException("nextPage() while a call is pending");
    }
    nextPageCalls++;
    pending = new CompletableFuture<>();
    return pending;
  }

  @Override
  public StreamStats stats() {
    return new StreamStats(pages, 0, 0, 0, 0, 0, java.time.Duration.ZERO, java.time.Duration.ZERO, 0);
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public CompletionStage<Void> closeAsync() {
    close();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public double progress() {
    return 0;
  }

  @Override
  public int rangeCount() {
    return checkpoint.ranges().size();
  }

  @Override
  public List<ScanRange> ranges() {
    return checkpoint.ranges().stream().map(ScanCheckpoint.Range::range).toList();
  }

  @Override
  public long splits() {
    return 0;
  }

  @Override
  public <T> org.asynccassandra.ResultStream<T> map(org.asynccassandra.RowMapper<? extends T> mapper) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletionStage<Void> forEach(Consumer<? super Row> consumer) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletionStage<Void> forEachAsync(Function<? super Row, ? extends CompletionStage<?>> action) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletionStage<Void> forEachPage(Consumer<? super Page<Row>> consumer) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Flow.Publisher<Row> rows() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Flow.Publisher<Page<Row>> pages() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Iterator<Row> iterator() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Iterable<Row> blocking() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<ColumnDefinitions> columnDefinitions() {
    return Optional.empty();
  }
}
