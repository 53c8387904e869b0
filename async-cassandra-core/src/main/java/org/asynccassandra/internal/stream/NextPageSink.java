package org.asynccassandra.internal.stream;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.asynccassandra.Page;
import org.asynccassandra.PageListener;

/**
 * The sink of {@code nextPage()}: each call asks the engine for one page and returns a future that the
 * engine's delivery completes on the stream's executor. At most one call is pending at a time.
 */
final class NextPageSink implements PageSink {
  private final PageEngine engine;
  private final PageListener listener;
  /** The future of the pending call, or null. */
  private final AtomicReference<CompletableFuture<Optional<Page>>> pending = new AtomicReference<>();
  /** Set once the stream ended: completed with empty, or failed. Later calls get it at once. */
  private volatile CompletableFuture<Optional<Page>> terminal;

  NextPageSink(PageEngine engine, PageListener listener) {
    this.engine = engine;
    this.listener = listener;
  }

  CompletionStage<Optional<Page>> next() {
    CompletableFuture<Optional<Page>> ended = terminal;
    if (ended != null) {
      return ended.copy();
    }
    StreamFuture<Optional<Page>> future = new StreamFuture<>(engine);
    if (!pending.compareAndSet(null, future)) {
      throw new IllegalStateException("nextPage() was called while the previous call's stage is still "
          + "pending; wait for it before asking for the next page");
    }
    ended = terminal;
    if (ended != null) {
      // The stream ended between the two reads: settle this call the same way.
      pending.compareAndSet(future, null);
      settle(future, ended);
      return future;
    }
    engine.request();
    return future;
  }

  /** Fails the pending call at once; used by close(). */
  void failPending(Throwable error) {
    CompletableFuture<Optional<Page>> future = pending.getAndSet(null);
    if (future != null) {
      future.completeExceptionally(error);
    }
  }

  @Override
  public void onPage(DefaultPage page) {
    CompletableFuture<Optional<Page>> future = pending.getAndSet(null);
    if (future == null) {
      return; // closed while the page was on its way
    }
    try {
      if (listener != null) {
        listener.onPage(page.event());
      }
    } catch (Throwable error) {
      future.completeExceptionally(error);
      engine.abort(error, true);
      return;
    }
    engine.addDelivered(page.size());
    engine.position().enter(page);
    engine.position().received(page, page.size());
    future.complete(Optional.of(page));
  }

  @Override
  public void onComplete() {
    end(CompletableFuture.completedFuture(Optional.empty()));
  }

  @Override
  public void onError(Throwable error) {
    end(CompletableFuture.failedFuture(error));
  }

  private void end(CompletableFuture<Optional<Page>> outcome) {
    terminal = outcome;
    CompletableFuture<Optional<Page>> future = pending.getAndSet(null);
    if (future != null) {
      settle(future, outcome);
    }
  }

  private static void settle(CompletableFuture<Optional<Page>> future,
      CompletableFuture<Optional<Page>> outcome) {
    outcome.whenComplete((value, error) -> {
      if (error != null) {
        future.completeExceptionally(PageEngine.unwrap(error));
      } else {
        future.complete(value);
      }
    });
  }
}
