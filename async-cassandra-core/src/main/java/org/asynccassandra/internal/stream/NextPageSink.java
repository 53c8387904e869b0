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
package org.asynccassandra.internal.stream;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.asynccassandra.Page;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.internal.util.Retryable;
import org.jspecify.annotations.Nullable;

/**
 * The sink of {@code nextPage()}: each call asks the engine for one page and returns a stage that the
 * engine's delivery completes on the stream's executor. At most one call is pending at a time.
 *
 * <p>A page is counted as received only when its stage was reserved for it: a stage that its holder
 * completed from outside closes the stream, and the page that arrives for it is neither counted nor lost
 * (the position stays before it).
 */
final class NextPageSink implements PageSink {
  private final PageEngine engine;
  private final @Nullable PageObserver listener;
  /** The stage of the pending call, or null. */
  private final AtomicReference<@Nullable StreamFuture<Optional<Page<?>>>> pending = new AtomicReference<>();
  private final Mapping mapping;
  /** Set once the stream ended: completed with empty, or failed. Later calls get it at once. */
  private volatile @Nullable CompletableFuture<Optional<Page<?>>> terminal;

  NextPageSink(PageEngine engine, @Nullable PageObserver listener, Mapping mapping) {
    this.engine = engine;
    this.mapping = mapping;
    this.listener = listener;
  }

  CompletionStage<Optional<Page<?>>> next() {
    CompletableFuture<Optional<Page<?>>> ended = terminal;
    if (ended != null) {
      return sameOutcome(ended);
    }
    StreamFuture<Optional<Page<?>>> future = new StreamFuture<>(engine);
    while (!pending.compareAndSet(null, future)) {
      StreamFuture<Optional<Page<?>>> previous = pending.get();
      if (previous == null) {
        continue;
      }
      if (!previous.isDone()) {
        throw new IllegalStateException("nextPage() was called while the previous call's stage is still "
            + "pending; wait for it before asking for the next page");
      }
      // Completed from outside, which closed the stream; the end that settles this call is on its way.
      if (pending.compareAndSet(previous, future)) {
        break;
      }
    }
    ended = terminal;
    if (ended != null) {
      // The stream ended between the two reads: settle this call the same way.
      if (pending.compareAndSet(future, null)) {
        settle(future, ended);
      }
      return future;
    }
    engine.request();
    return future;
  }

  /** Whether a call waits for its page. */
  boolean hasPending() {
    return pending.get() != null;
  }

  /** Fails the pending call at once, on {@code executor}; used by close(). */
  @Override
  public void failPending(Throwable error, Executor executor) {
    StreamFuture<Optional<Page<?>>> future = pending.getAndSet(null);
    if (future != null) {
      future.failOn(executor, error);
    }
  }

  @Override
  public void onPage(DefaultPage page) {
    StreamFuture<Optional<Page<?>>> future = pending.getAndSet(null);
    if (future == null || !future.reserve()) {
      return; // closed, or completed from outside (which closed the stream): the page is not received
    }
    Position position = engine.position();
    Page<?> handed;
    try {
      if (listener != null) {
        listener.onPage(page.event());
      }
      if (!position.enter(page)) {
        refused(future, page); // aborted meanwhile: neither mapped nor counted
        return;
      }
      handed = mapping.page(page); // mapped before it counts as received
    } catch (Throwable error) {
      // The stream ends with this failure, silently (no end reaches this sink): later calls get it here.
      terminal = CompletableFuture.failedFuture(error);
      engine.abort(error, true); // before the stage's dependents run: the end the listeners hear is this failure
      future.settleExceptionally(error);
      return;
    }
    if (!position.received(page, page.size())) {
      refused(future, page);
      return;
    }
    engine.addDelivered(page.size());
    future.settle(Optional.of(handed));
  }

  /**
   * Fails the call whose page the frozen position refused with what ended the stream: a close, or a timeout
   * (or any abort) whose end signal waits for this delivery, never a close that did not happen.
   */
  private void refused(StreamFuture<Optional<Page<?>>> future, DefaultPage page) {
    Throwable cause = engine.abortCause();
    future.settleExceptionally(cause != null ? cause : new StreamClosedException("The stream over '"
        + engine.description() + "' was closed before page " + page.number() + " was handed over"));
  }

  /**
   * A new stage with the outcome of the ended stream, its failure as it is: the JDK's {@code copy()} would
   * wrap it in a {@code CompletionException}, so that a later call's failure differed from the first one's.
   */
  private static CompletableFuture<Optional<Page<?>>> sameOutcome(CompletableFuture<Optional<Page<?>>> ended) {
    CompletableFuture<Optional<Page<?>>> same = new CompletableFuture<>();
    ended.whenComplete((value, error) -> {
      if (error != null) {
        same.completeExceptionally(Retryable.unwrap(error));
      } else {
        same.complete(value);
      }
    });
    return same;
  }

  @Override
  public void onComplete() {
    end(CompletableFuture.completedFuture(Optional.empty()));
  }

  @Override
  public void onError(Throwable error) {
    end(CompletableFuture.failedFuture(error));
  }

  private void end(CompletableFuture<Optional<Page<?>>> outcome) {
    terminal = outcome;
    StreamFuture<Optional<Page<?>>> future = pending.getAndSet(null);
    if (future != null) {
      settle(future, outcome);
    }
  }

  private static void settle(StreamFuture<Optional<Page<?>>> future,
      CompletableFuture<Optional<Page<?>>> outcome) {
    if (!future.reserve()) {
      return;
    }
    outcome.whenComplete((value, error) -> {
      if (error != null) {
        future.settleExceptionally(Retryable.unwrap(error));
      } else {
        future.settle(value);
      }
    });
  }
}
