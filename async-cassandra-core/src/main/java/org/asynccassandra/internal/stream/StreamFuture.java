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

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.internal.util.Threads;
import org.jspecify.annotations.Nullable;

/**
 * The stage a stream hands out from its push styles and {@code nextPage()}. Whoever holds it may complete,
 * cancel or time it out ({@code orTimeout}, {@code complete}, {@code cancel}, on it or on its
 * {@code toCompletableFuture()}, which is itself): doing so closes the stream at once.
 *
 * <p>The stream settles it through {@link #reserve()} then {@link #settle}/{@link #settleExceptionally}:
 * a reservation makes later outside completions return false, so the stream never delivers into a stage
 * that somebody else already completed (the page would be lost), and an outside completion that won is
 * never overwritten. Dependent stages are plain {@link CompletableFuture}s.
 */
final class StreamFuture<T> extends CompletableFuture<T> {
  private static final VarHandle CLAIMED;

  static {
    try {
      CLAIMED = MethodHandles.lookup().findVarHandle(StreamFuture.class, "claimed", boolean.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

  private final PageEngine engine;
  /** Set by the first settler, the stream (reserve) or an outside completion: compare-and-set through CLAIMED. */
  private volatile boolean claimed;

  StreamFuture(PageEngine engine) {
    this.engine = engine;
  }

  /** Claims the right to settle this stage for the stream; false when it was completed from outside. */
  boolean reserve() {
    return CLAIMED.compareAndSet(this, false, true);
  }

  /** Completes a reserved stage. */
  void settle(@Nullable T value) {
    super.complete(value);
  }

  /** Fails a reserved stage. */
  void settleExceptionally(Throwable error) {
    super.completeExceptionally(error);
  }

  /** Reserves and fails this stage on {@code executor} (a fallback pool if it rejects), unless settled. */
  void failOn(Executor executor, Throwable error) {
    if (!reserve()) {
      return;
    }
    Threads.executeOrFallback(executor, () -> settleExceptionally(error));
  }

  /** Whether the stream or an outside party settled (or is settling) this stage. */
  boolean isClaimed() {
    return claimed;
  }

  @Override
  public boolean complete(T value) {
    if (!CLAIMED.compareAndSet(this, false, true)) {
      return false;
    }
    closeStream("was completed from outside");
    return super.complete(value);
  }

  @Override
  public boolean completeExceptionally(Throwable error) {
    if (!CLAIMED.compareAndSet(this, false, true)) {
      return false;
    }
    closeStream("was completed exceptionally from outside (" + error + ")");
    return super.completeExceptionally(error);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!CLAIMED.compareAndSet(this, false, true)) {
      return false;
    }
    closeStream("was cancelled");
    return super.cancel(mayInterruptIfRunning);
  }

  /**
   * Completes it from outside with the supplier's value, on {@code executor}, through {@link #complete} (the
   * JDK's own version completes the future directly, which would bypass the stream's guard).
   */
  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
    Objects.requireNonNull(supplier, "supplier");
    Objects.requireNonNull(executor, "executor");
    executor.execute(() -> {
      T value;
      try {
        value = supplier.get();
      } catch (Throwable failure) {
        completeExceptionally(failure);
        return;
      }
      complete(value);
    });
    return this;
  }

  @Override
  public void obtrudeValue(T value) {
    throw new UnsupportedOperationException("A stream's stage cannot be obtruded; complete or cancel it");
  }

  @Override
  public void obtrudeException(Throwable error) {
    throw new UnsupportedOperationException("A stream's stage cannot be obtruded; complete or cancel it");
  }

  private void closeStream(String how) {
    engine.abort(new StreamClosedException("The stream over '" + engine.description()
        + "' was closed because its stage " + how), false);
  }
}
