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

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.internal.util.Threads;
import org.asynccassandra.internal.util.Retryable;
import org.jspecify.annotations.Nullable;

/**
 * The sink of {@code forEachAsync}: applies the action to each row and waits for its stage before the
 * next row.
 *
 * <p>A trampoline keeps the stack flat: after registering on a stage, the loop tries to move the handshake
 * from PENDING to WAITING. If the stage completed synchronously, its callback already moved it to
 * COMPLETED and the loop simply continues; otherwise the callback later resumes the loop through the
 * stream's executor (once per asynchronously completed stage, never on the completing thread, which may
 * be a driver I/O thread: a failed stage, too, fails the stream from the executor).
 */
final class AsyncRowLoop implements PageSink {
  private static final int IDLE = 0;
  private static final int PENDING = 1;
  private static final int WAITING = 2;
  private static final int COMPLETED = 3;

  private final PageEngine engine;
  private final @Nullable PageObserver listener;
  private final Function<Object, ? extends CompletionStage<?>> action;
  private final Mapping mapping;
  private final StreamFuture<Void> result;
  /** The callback registered on each pending stage; one instance, so that registering allocates no lambda. */
  private final BiConsumer<Object, @Nullable Throwable> onStage = (value, error) -> onStageDone(error);
  /** The handshake between the loop and the callback of the stage it waits for. */
  private final AtomicInteger handshake = new AtomicInteger(IDLE);

  // Loop state, confined to the thread running the loop; hand-offs go through the handshake and the
  // executor, which both publish it.
  private @Nullable DefaultPage page;
  private Mapping.@Nullable Values rows;
  private int index;
  /** The failure of a stage that completed synchronously; written before the handshake moves. */
  private volatile @Nullable Throwable syncFailure;

  AsyncRowLoop(PageEngine engine, @Nullable PageObserver listener, Mapping mapping,
      Function<Object, ? extends CompletionStage<?>> action, StreamFuture<Void> result) {
    this.engine = engine;
    this.mapping = mapping;
    this.listener = listener;
    this.action = action;
    this.result = result;
  }

  @Override
  public void onPage(DefaultPage page) {
    if (result.isClaimed()) {
      return;
    }
    try {
      if (listener != null) {
        listener.onPage(page.event());
      }
      if (!engine.position().enter(page)) {
        return; // closed meanwhile: the terminal signal follows
      }
      this.page = page;
      rows = mapping.values(page);
      index = 0;
    } catch (Throwable error) {
      fail(error);
      return;
    }
    runLoop();
  }

  private void runLoop() {
    while (true) {
      if (result.isClaimed()) {
        rows = null;
        page = null;
        return;
      }
      Mapping.Values pageRows = Objects.requireNonNull(rows, "forEachAsync loop ran without a page");
      if (index == pageRows.size()) {
        rows = null;
        page = null;
        engine.request();
        return;
      }
      Object row;
      try {
        row = pageRows.next(); // row index + 1, mapped before it counts as received
      } catch (Throwable error) {
        fail(error);
        return;
      }
      if (!engine.position().received(Objects.requireNonNull(page, "forEachAsync loop ran without a page"),
          index + 1)) {
        rows = null;
        page = null;
        return; // closed: the terminal signal follows
      }
      index++;
      CompletionStage<?> stage;
      int pageNumber = Objects.requireNonNull(page, "forEachAsync loop ran without a page").number();
      try {
        stage = action.apply(row);
        if (stage == null) {
          throw new NullPointerException("forEachAsync action returned null instead of a stage for row "
              + index + " of page " + pageNumber);
        }
      } catch (Throwable error) {
        engine.addDelivered(1);
        fail(error);
        return;
      }
      engine.addDelivered(1);
      if (stage.getClass() == CompletableFuture.class && completedNormally((CompletableFuture<?>) stage)) {
        continue; // already done (a cached or completed stage): no callback to register, nothing allocated
      }
      syncFailure = null;
      handshake.set(PENDING);
      try {
        stage.whenComplete(onStage); // the user's stage: its whenComplete may throw
      } catch (Throwable error) {
        // Still PENDING: a callback it registered all the same finds the loop's claim and resumes nothing.
        fail(error);
        handshake.set(IDLE);
        return;
      }
      if (handshake.compareAndSet(PENDING, WAITING)) {
        return; // onStageDone resumes the loop
      }
      // Completed synchronously: keep looping on this stack frame.
      Throwable failure = syncFailure;
      if (failure != null) {
        fail(failure);
        return;
      }
    }
  }

  /**
   * Whether {@code stage}, a plain {@link CompletableFuture} (a subclass such as the minimal stage may throw
   * from these queries), has completed with a value; a failed or pending one goes through the callback.
   */
  private static boolean completedNormally(CompletableFuture<?> stage) {
    return stage.isDone() && !stage.isCompletedExceptionally();
  }

  private void onStageDone(@Nullable Throwable error) {
    Throwable failure = error == null ? null : Retryable.unwrap(error);
    syncFailure = failure;
    if (handshake.compareAndSet(PENDING, COMPLETED)) {
      return; // the loop, still between registering and its own compareAndSet, carries on
    }
    handshake.set(IDLE);
    Executor executor = engine.executor();
    // Any failure of execute() (not only a rejection: a pool that cannot start a thread) would go to the
    // user's stage, which drops it, and the loop would never resume nor end.
    @Nullable Throwable refused = Threads.tryExecute(executor, failure == null ? this::resume : () -> fail(failure));
    if (refused != null) {
      AsyncCassandraException rejection = new AsyncCassandraException("The stream over '" + engine.description()
          + "' failed: its executor " + Threads.describeRefusal(executor, refused, "the resumption of forEachAsync"),
          refused);
      if (failure != null) {
        rejection.addSuppressed(failure); // the action's own failure, which the executor was to hand over
      }
      Threads.executeOrFallback(executor, () -> fail(rejection));
    }
  }

  /** Runs the loop again once a stage completed later, on the executor: what escapes it fails the stream. */
  private void resume() {
    try {
      runLoop();
    } catch (Throwable error) {
      fail(error);
    }
  }

  private void fail(Throwable error) {
    // Reserved first (a racing close() does not fail the stage as closed), ended next (the end the listeners
    // hear is this failure), settled last: a dependent of the stage that closes the stream finds it failed.
    boolean reserved = result.reserve();
    rows = null; // on the loop's thread, or while the loop waits: a failed stream keeps no page
    page = null;
    engine.abortByUser(error, true, reserved);
    if (reserved) {
      result.settleExceptionally(error);
    }
  }

  @Override
  public void failPending(Throwable error, Executor executor) {
    result.failOn(executor, error);
  }

  @Override
  public void onComplete() {
    if (result.reserve()) {
      result.settle(null);
    }
  }

  @Override
  public void onError(Throwable error) {
    if (result.reserve()) {
      result.settleExceptionally(error);
    }
  }
}
