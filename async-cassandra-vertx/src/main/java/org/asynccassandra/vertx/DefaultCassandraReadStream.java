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

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.asynccassandra.Page;
import org.asynccassandra.ResultStream;
import org.asynccassandra.StreamStats;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CassandraReadStream}: pulls pages with {@link ResultStream#nextPage()} while there is demand and
 * hands out their items from a drain loop on the context.
 *
 * <p>Every field below {@code items} is confined to the context: public methods move their work there
 * ({@link #onContext}), and so does the completion of each page. The drain loop counts re-entries
 * ({@link #wip}) instead of recursing, so that a handler calling {@code fetch} and pages that complete at
 * once do not grow the stack (vertx-cassandra-client #47), and the end is signalled only once the last page's
 * items were handed out (#25).
 */
final class DefaultCassandraReadStream<T, U> implements CassandraReadStream<U> {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultCassandraReadStream.class);

  private enum State { OPEN, ENDED, FAILED, CLOSED }

  private final Context context;
  private final ResultStream<T> stream;
  /** A page's items; called on the context when the page arrives. */
  private final Function<Page<T>, ? extends List<? extends U>> items;
  /** Items handed to the handler; written on the context only, read from any thread. */
  private final AtomicLong delivered = new AtomicLong();

  private State state = State.OPEN;
  private @Nullable Handler<U> handler;
  private @Nullable Handler<Void> endHandler;
  private @Nullable Handler<Throwable> exceptionHandler;
  /** Items the handler may still take; Long.MAX_VALUE is flowing. */
  private long demand = Long.MAX_VALUE;
  /** The items of the page being handed out, from {@link #index} on; null between pages. */
  private @Nullable List<? extends U> current;
  private int index;
  /** Whether {@link #current} came from the stream's last page. */
  private boolean lastPage;
  /** A nextPage() is pending: at most one at a time. */
  private boolean pulling;
  /** Drain passes asked for and not yet run: 0 when no drain loop runs. */
  private int wip;
  /**
   * Set by {@link #close()} on the caller's thread before it closes the stream: from then on the context hands
   * out nothing and signals nothing, even when a task queued before the close's own runs first and finds the
   * stream already closed (its {@code nextPage()} failed with the close's exception). An end or a failure
   * decided before it (the state was no longer open) is still signalled: see {@link #signalLater}.
   */
  private volatile boolean closing;
  /** The handler given to {@link #handler} is taking its first items, within that call. */
  private boolean settingHandler;
  /**
   * The end or failure came within a {@link #handler} call, before any end or exception handler was set: it
   * is signalled in a task of its own, so that handlers set right after that call still hear it, as Vert.x's
   * own {@code collect} sets them (a stream that ends or fails at once would otherwise leave its future
   * pending).
   */
  private boolean signalPending;

  DefaultCassandraReadStream(Context context, ResultStream<T> stream,
      Function<Page<T>, ? extends List<? extends U>> items) {
    this.context = Objects.requireNonNull(context, "context");
    this.stream = Objects.requireNonNull(stream, "stream");
    this.items = items;
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public StreamStats stats() {
    return stream.stats();
  }

  @Override
  public long delivered() {
    return delivered.get();
  }

  @Override
  public Future<Void> close() {
    closing = true; // first, so that the close's own StreamClosedException is never signalled
    onContext(this::cancel);
    return Future.fromCompletionStage(stream.closeAsync(), context);
  }

  @Override
  public CassandraReadStream<U> exceptionHandler(@Nullable Handler<Throwable> handler) {
    onContext(() -> {
      if (state == State.OPEN || signalPending) {
        exceptionHandler = handler;
      }
    });
    return this;
  }

  @Override
  public CassandraReadStream<U> handler(@Nullable Handler<U> handler) {
    onContext(() -> {
      if (handler == null) {
        cancel();
      } else if (state == State.OPEN) {
        this.handler = handler;
        boolean outer = settingHandler; // a handler that sets a handler
        settingHandler = true;
        try {
          drain();
        } finally {
          settingHandler = outer;
        }
      }
    });
    return this;
  }

  @Override
  public CassandraReadStream<U> pause() {
    onContext(() -> demand = 0);
    return this;
  }

  @Override
  public CassandraReadStream<U> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public CassandraReadStream<U> fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount must be >= 0: " + amount);
    }
    onContext(() -> {
      demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
      drain();
    });
    return this;
  }

  @Override
  public CassandraReadStream<U> endHandler(@Nullable Handler<Void> endHandler) {
    onContext(() -> {
      if (state == State.OPEN || signalPending) {
        this.endHandler = endHandler;
      }
    });
    return this;
  }

  // ---- on the context --------------------------------------------------------------------------------

  private void onContext(Runnable action) {
    // Inline only on the context's own thread. Vert.x makes the context current on a worker thread too, inside
    // the context's executeBlocking; run there, the drain would race the event loop over this stream's state.
    if (((ContextInternal) context).isRunningOnContext()) {
      action.run();
    } else {
      context.runOnContext(ignored -> action.run());
    }
  }

  private void drain() {
    if (wip++ != 0) {
      return;
    }
    int missed = 1;
    while (true) {
      drainOnce();
      wip -= missed;
      missed = wip;
      if (missed == 0) {
        return;
      }
    }
  }

  /** Hands out items while there is demand, then ends the stream or pulls the next page. */
  private void drainOnce() {
    while (state == State.OPEN) {
      if (closing) {
        cancel();
        return;
      }
      List<? extends U> page = current;
      if (page != null && index < page.size()) {
        Handler<U> target = handler;
        if (target == null || demand == 0) {
          return;
        }
        U item = page.get(index++);
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        delivered.incrementAndGet();
        try {
          target.handle(item);
        } catch (Throwable failure) { // checked ones too: a Kotlin or Groovy handler throws them undeclared
          fail(failure);
          return;
        }
        continue;
      }
      if (page != null) {
        current = null; // drop the page as soon as its last item is out
        if (lastPage) {
          // The stream completes when asked past its last page; closed before that, its listeners would
          // hear it closed. Ask once more, whatever the demand, and end on the empty answer.
          pull();
          return;
        }
      }
      if (pulling || handler == null || demand == 0) {
        return;
      }
      pull();
      if (pulling) {
        return; // the page comes later, through pulled()
      }
    }
  }

  private void pull() {
    pulling = true;
    CompletionStage<Optional<Page<T>>> next;
    try {
      next = stream.nextPage();
    } catch (Throwable misuse) { // consumed in another style already
      pulling = false;
      fail(misuse);
      return;
    }
    next.whenComplete((page, error) -> {
      if (error != null || page == null) {
        onContext(() -> pullFailed(error));
      } else {
        onContext(() -> pulled(page));
      }
    });
  }

  private void pullFailed(@Nullable Throwable error) {
    pulling = false;
    if (state != State.OPEN) {
      return; // closed meanwhile: the close's own failure goes nowhere
    }
    if (closing) {
      cancel(); // the close's own failure, come before the close's task did: it goes nowhere either
    } else {
      fail(unwrap(error));
    }
  }

  private void pulled(Optional<Page<T>> page) {
    pulling = false;
    if (state != State.OPEN) {
      return; // closed meanwhile: the page goes nowhere
    }
    if (closing) {
      cancel();
      return;
    }
    if (page.isEmpty()) {
      end();
      return;
    }
    List<? extends U> pageItems;
    try {
      pageItems = items.apply(page.get());
    } catch (Throwable failure) {
      fail(failure);
      return;
    }
    current = pageItems;
    index = 0;
    lastPage = page.get().isLast();
    drain();
  }

  private void end() {
    Handler<Void> target = endHandler;
    terminate(State.ENDED, null);
    if (target == null && settingHandler) {
      signalLater(() -> endTo(endHandler));
    } else {
      endTo(target);
    }
  }

  private void endTo(@Nullable Handler<Void> target) {
    if (target != null) {
      try {
        target.handle(null);
      } catch (Throwable failure) {
        report(failure);
      }
    }
  }

  private void fail(Throwable failure) {
    Handler<Throwable> target = exceptionHandler;
    terminate(State.FAILED, failure);
    if (target == null && settingHandler) {
      signalLater(() -> failTo(exceptionHandler, failure));
    } else {
      failTo(target, failure);
    }
  }

  private void failTo(@Nullable Handler<Throwable> target, Throwable failure) {
    if (target == null) {
      report(failure);
      return;
    }
    try {
      target.handle(failure);
    } catch (Throwable handlerFailure) {
      report(handlerFailure);
    }
  }

  /**
   * Signals an end or a failure that came within a {@link #handler} call, before a handler to hear it was
   * set, in a task of its own on the context: the handlers set meanwhile hear it (see {@link #signalPending}).
   * It is signalled even when {@link #close()} came meanwhile: the stream had ended or failed before that close,
   * which had nothing left to cancel (a {@code collect} on the context followed by a {@code close()} would
   * otherwise never complete).
   */
  private void signalLater(Runnable signal) {
    signalPending = true;
    context.runOnContext(ignored -> {
      signalPending = false;
      try {
        signal.run();
      } finally {
        endHandler = null;
        exceptionHandler = null;
      }
    });
  }

  private void cancel() {
    if (state == State.OPEN) {
      terminate(State.CLOSED, null);
    }
  }

  /**
   * Enters a terminal state: closes the stream (harmless once it ended), with {@code failure} when this read
   * stream failed (so that a handler's failure is the stream's, for its listeners, and a failure of the
   * stream's own stays as it was), and keeps no handler or page.
   */
  private void terminate(State terminal, @Nullable Throwable failure) {
    state = terminal;
    handler = null;
    endHandler = null;
    exceptionHandler = null;
    current = null;
    if (failure != null) {
      stream.closeExceptionally(failure);
    } else {
      stream.close();
    }
  }

  /** A failure nobody handles: to the context's exception handler, else Vert.x's, else the log. */
  private void report(Throwable failure) {
    Handler<Throwable> target = context.exceptionHandler();
    if (target == null) {
      target = context.owner().exceptionHandler();
    }
    if (target != null) {
      target.handle(failure);
    } else {
      LOG.error("A CassandraReadStream failed and has no exception handler", failure);
    }
  }

  private static Throwable unwrap(@Nullable Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause != null ? cause : new IllegalStateException("nextPage() completed with neither a page nor an error");
  }

  @Override
  public String toString() {
    return "CassandraReadStream{delivered=" + delivered.get() + ", " + stream.stats() + "}";
  }
}
