package org.asynccassandra.internal.stream;

import java.util.concurrent.CompletableFuture;
import org.asynccassandra.StreamClosedException;

/**
 * The future a stream returns from its push styles and {@code nextPage()}: cancelling it closes the stream.
 * Dependent stages are plain {@link CompletableFuture}s.
 */
final class StreamFuture<T> extends CompletableFuture<T> {
  private final PageEngine engine;

  StreamFuture(PageEngine engine) {
    this.engine = engine;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      engine.abort(new StreamClosedException("Stream over '" + engine.description()
          + "' was closed because its future was cancelled"), false);
    }
    return cancelled;
  }
}
