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
package org.asynccassandra.vertx;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;
import org.asynccassandra.Page;
import org.asynccassandra.ResultStream;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamStats;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ResultStream} that the test drives by hand: {@link #nextPage()} returns a stage that the test
 * completes ({@link #complete}, {@link #failNext}), or, with pages given up front ({@link #autoPages}), a
 * stage already completed with the next one. Closing fails a pending stage with StreamClosedException, as the
 * real stream does. Only nextPage, stats, close and closeAsync work.
 */
final class FakeResultStream<T> implements ResultStream<T> {
  private final Queue<CompletableFuture<Optional<Page<T>>>> pending = new ArrayDeque<>();
  private final Queue<Page<T>> autoPages = new ArrayDeque<>();
  private boolean auto;
  private int pulls;
  private int pagesHandedOver;
  private volatile boolean closed;
  /** Whether a pull was answered with the end, as the real stream does after its last page: it completed. */
  private boolean reachedEnd;
  private boolean closedBeforeItsEnd;
  private @Nullable Throwable closedWith;
  private RuntimeException refuse;

  /** A stream whose pages are all known: each nextPage() completes at once with the next one. */
  @SafeVarargs
  static <T> FakeResultStream<T> autoPages(List<T>... pages) {
    FakeResultStream<T> stream = new FakeResultStream<>();
    stream.auto = true;
    for (int i = 0; i < pages.length; i++) {
      stream.autoPages.add(page(pages[i], i + 1, i == pages.length - 1));
    }
    return stream;
  }

  static <T> FakePage<T> page(List<T> rows, int number, boolean last) {
    return new FakePage<>(rows, number, last);
  }

  /** nextPage() throws {@code failure}, as a stream consumed in another style does. */
  synchronized void refuseNextPage(RuntimeException failure) {
    refuse = failure;
  }

  synchronized int pulls() {
    return pulls;
  }

  synchronized int pendingPulls() {
    return pending.size();
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Whether close() came before a pull was answered with the end: the real stream's listeners then hear it
   * closed, not completed.
   */
  synchronized boolean closedBeforeItsEnd() {
    return closedBeforeItsEnd;
  }

  /** Completes the oldest pending pull with {@code page} (empty: the end). */
  void complete(Optional<Page<T>> page) {
    CompletableFuture<Optional<Page<T>>> next;
    synchronized (this) {
      next = pending.remove();
      page.ifPresent(ignored -> pagesHandedOver++);
      reachedEnd |= page.isEmpty();
    }
    next.complete(page);
  }

  void complete(List<T> rows, boolean last) {
    int number;
    synchronized (this) {
      number = pagesHandedOver + 1;
    }
    complete(Optional.of(page(rows, number, last)));
  }

  /** Fails the oldest pending pull, wrapped as the JDK wraps a failure of a dependent stage. */
  void failNext(Throwable failure) {
    CompletableFuture<Optional<Page<T>>> next;
    synchronized (this) {
      next = pending.remove();
    }
    next.completeExceptionally(new CompletionException(failure));
  }

  @Override
  public CompletionStage<Optional<Page<T>>> nextPage() {
    synchronized (this) {
      if (refuse != null) {
        throw refuse;
      }
      pulls++;
      if (closed) {
        return CompletableFuture.failedFuture(new StreamClosedException("closed"));
      }
      if (auto) {
        Page<T> next = autoPages.poll();
        reachedEnd |= next == null;
        return CompletableFuture.completedFuture(Optional.ofNullable(next));
      }
      if (!pending.isEmpty()) {
        throw new IllegalStateException("nextPage() while one is pending");
      }
      CompletableFuture<Optional<Page<T>>> next = new CompletableFuture<>();
      pending.add(next);
      return next;
    }
  }

  @Override
  public StreamStats stats() {
    return new StreamStats(0, 0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, 0, 0);
  }

  @Override
  public CompletionStage<Void> closeAsync() {
    close();
    return CompletableFuture.completedFuture(null);
  }

  /** What {@link #closeExceptionally} was given first, or null. */
  synchronized @Nullable Throwable closedWith() {
    return closedWith;
  }

  @Override
  public void closeExceptionally(Throwable cause) {
    synchronized (this) {
      if (!closed && closedWith == null) {
        closedWith = cause;
      }
    }
    close();
  }

  @Override
  public void close() {
    List<CompletableFuture<Optional<Page<T>>>> failing;
    synchronized (this) {
      closedBeforeItsEnd |= !closed && !reachedEnd;
      closed = true;
      failing = new ArrayList<>(pending);
      pending.clear();
      autoPages.clear();
    }
    failing.forEach(next -> next.completeExceptionally(new StreamClosedException("closed")));
  }

  @Override
  public CompletionStage<Void> forEach(Consumer<? super T> consumer) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletionStage<Void> forEachAsync(Function<? super T, ? extends CompletionStage<?>> action) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletionStage<Void> forEachPage(Consumer<? super Page<T>> consumer) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Flow.Publisher<T> rows() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Flow.Publisher<Page<T>> pages() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Iterator<T> iterator() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Iterable<T> blocking() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<ColumnDefinitions> columnDefinitions() {
    return Optional.empty();
  }

  record FakePage<T>(List<T> rows, int number, boolean isLast) implements Page<T> {
    @Override
    public int size() {
      return rows.size();
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
  }
}
