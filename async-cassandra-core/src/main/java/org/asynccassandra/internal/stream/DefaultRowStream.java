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

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.asynccassandra.Page;
import org.asynccassandra.ResultStream;
import org.asynccassandra.RowMapper;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.QueryStream;
import org.asynccassandra.RowStream;
import org.jspecify.annotations.Nullable;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.internal.util.Threads;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RowStream} the session hands out: it claims the one consumption style, wires the matching
 * sink to its {@link PageEngine}, and closes.
 *
 * <p>Leak detection: a {@link Cleaner} watches this object. Its action holds the engine, which never
 * refers back to this object (its position's tracker, for a table scan, holds small per-range records,
 * never the scan), except through the engine's anchor while a self-driving (push) style runs, so a
 * push-style stream that the caller dropped keeps running to its end. A stream that becomes unreachable
 * while still open (never consumed, or dropped halfway through a pull style) is reported at WARN with the
 * place it was created (when it recorded it: see {@link CreationSites}), and aborted. The session keeps
 * only a {@link Handle}, which it forgets once the stream ended, failed or was closed, consumed or not; a
 * closed stream keeps no page (its position keeps a snapshot).
 */
public final class DefaultRowStream implements QueryStream {
  private static final Logger LOG = LoggerFactory.getLogger(RowStream.class);
  private static final Cleaner CLEANER = Cleaner.create(Threads.daemonFactory("async-cassandra-leak-detector"));
  /** Counts reported leaks; tests read it. */
  public static final AtomicLong LEAKS_REPORTED = new AtomicLong();

  private final PageEngine engine;
  private final Executor executor;
  private final @Nullable PageObserver listener;
  private final StreamEvents events;
  /** The consumption style that claimed the stream; written once, under this stream's monitor. */
  private volatile @Nullable String style;
  private final Cleaner.Cleanable cleanable;
  private final Handle handle;
  private final @Nullable ColumnDefinitions knownColumns;
  /** The stage of a push style, failed at once by close(). */
  private volatile @Nullable StreamFuture<?> pushResult;
  private volatile @Nullable NextPageSink pull;
  /** What consumption hands out: rows, or the values of the mapper set by map() before it started. */
  private volatile Mapping mapping = Mapping.ROWS;

  /**
   * A stream of a query's pages.
   *
   * @param onTerminate runs once when the stream ends, fails or is closed (the session unregisters it)
   */
  public DefaultRowStream(PageSource source, StreamConfig config, Executor executor,
      TimeoutScheduler scheduler, Consumer<DefaultRowStream.Handle> onTerminate) {
    this(source, config, executor, scheduler, null, onTerminate);
  }

  /**
   * A stream whose position tells {@code tracker} of each page entered (a table scan).
   *
   * @param onTerminate runs once when the stream ends, fails or is closed (the session unregisters it)
   */
  public DefaultRowStream(PageSource source, StreamConfig config, Executor executor, TimeoutScheduler scheduler,
      Position.@Nullable Tracker tracker, Consumer<DefaultRowStream.Handle> onTerminate) {
    this(source, config, executor, scheduler, tracker, onTerminate, StreamEvents.of(
        org.asynccassandra.StreamInfo.Kind.QUERY, null, null, config.name().orElse(null), source.query(),
        config.listener().map(List::of).orElse(List.of())));
  }

  /**
   * A stream heard by {@code events} (the session's listeners and the config's own, bound to the stream's
   * description).
   *
   * @param onTerminate runs once when the stream ends, fails or is closed (the session unregisters it)
   */
  public DefaultRowStream(PageSource source, StreamConfig config, Executor executor, TimeoutScheduler scheduler,
      Position.@Nullable Tracker tracker, Consumer<DefaultRowStream.Handle> onTerminate, StreamEvents events) {
    this(source, config, executor, scheduler, tracker, onTerminate, events, null);
  }

  /**
   * A stream whose read-ahead also takes from a session's budget.
   *
   * @param onTerminate runs once when the stream ends, fails or is closed (the session unregisters it)
   */
  public DefaultRowStream(PageSource source, StreamConfig config, Executor executor, TimeoutScheduler scheduler,
      Position.@Nullable Tracker tracker, Consumer<DefaultRowStream.Handle> onTerminate, StreamEvents events,
      @Nullable DefaultReadAheadBudget budget) {
    this.events = events;
    this.executor = events.wrap(config.executor().orElse(executor)); // tells its own failure
    try {
      this.listener = events.pageObserver();
      this.knownColumns = source.knownColumns();
      Handle handle = new Handle(onTerminate, CreationSites.capture());
      this.handle = handle;
      this.engine = new PageEngine(source, config, scheduler, tracker, handle, events, budget);
      events.bindStats(engine);
      handle.engine = engine;
      this.cleanable = CLEANER.register(this, handle); // the handle keeps the engine, never the stream
      handle.cleanable = cleanable;
    } catch (Throwable failure) {
      events.notCreated(failure); // the listeners heard of it in wrap(): none keeps it
      throw failure;
    }
  }

  /**
   * What the session keeps of an open stream: enough to close it, nothing that keeps the stream alive. It is
   * also the stream's leak check: the {@link Cleaner} runs it once the stream became unreachable, and it
   * closes the stream if that happened before the stream ended (one object per stream for both).
   */
  public static final class Handle implements Runnable {
    private static final String LEAKED = "A RowStream over '{}' became unreachable without being closed or "
        + "consumed to its end; it was closed now. Close streams with try-with-resources. ";

    private final Consumer<Handle> onTerminate;
    private final @Nullable Throwable creationSite; // null: this stream recorded none (CreationSites)
    // Both set once by the stream's constructor, before the handle is handed out.
    private volatile @Nullable PageEngine engine;
    private volatile Cleaner.@Nullable Cleanable cleanable;

    Handle(Consumer<Handle> onTerminate, @Nullable Throwable creationSite) {
      this.onTerminate = onTerminate;
      this.creationSite = creationSite;
    }

    /**
     * Called once by the engine when the stream ended: deregisters the leak check, so nothing keeps the
     * stream's objects alive, and tells the stream's owner (the session forgets it).
     */
    void terminated() {
      Cleaner.Cleanable registered = cleanable;
      if (registered != null) {
        registered.clean();
      }
      onTerminate.accept(this);
    }

    /**
     * Closes the stream, for example because its session closes, with a {@link StreamClosedException} that names
     * the stream's query and {@code reason} (a session closing with 50 streams open logged 50 identical lines).
     */
    public void close(String reason) {
      PageEngine closing = Objects.requireNonNull(engine, "the stream of this handle is still being built");
      closing.close(new StreamClosedException("The stream over '" + closing.description() + "' was closed: "
          + reason));
    }

    /**
     * The leak check, which the {@link Cleaner} runs on its own thread once the stream became unreachable, or
     * on the thread that deregisters it (then the stream has ended and it does nothing): a stream still open
     * is reported at WARN and closed. Not for any other caller.
     */
    @Override
    public void run() {
      PageEngine leaked = engine;
      if (leaked == null || !leaked.isOpen()) {
        return;
      }
      LEAKS_REPORTED.incrementAndGet();
      Throwable site = creationSite != null ? creationSite : CreationSites.unrecorded();
      leaked.leaked(site);
      if (creationSite != null) {
        LOG.warn(LEAKED + "It was created at:", leaked.description(), site);
      } else {
        LOG.warn(LEAKED + "{}.", leaked.description(), site.getMessage()); // no stack: the detector's thread
      }
      leaked.abort(new StreamClosedException("The stream over '" + leaked.description()
          + "' became unreachable without being closed"), false);
    }
  }

  PageEngine engine() {
    return engine;
  }

  /** Where the consumer is; a table scan makes its checkpoints from it. */
  public Position consumerPosition() {
    return engine.position();
  }

  /** The handle the session keeps to close this stream; it does not keep the stream reachable. */
  public Handle handle() {
    return handle;
  }

  /**
   * Claims the stream for the style {@code name} and returns how it hands out rows. {@code rowTyped}: called
   * through a method of the row stream, which a {@link #map} must not have mapped; checked with the claim under
   * the monitor {@code map} holds, so that a racing {@code map} either comes first (and this fails) or fails.
   */
  private Mapping claim(String name, boolean rowTyped) {
    Mapping claimed;
    synchronized (this) {
      if (rowTyped) {
        checkRows(name);
      }
      String consumedWith = style;
      if (consumedWith != null) {
        throw new IllegalStateException("This RowStream is already consumed with " + consumedWith
            + "; a stream is consumed once, in one style, so " + name + " is not allowed");
      }
      style = name;
      claimed = mapping;
    }
    try {
      events.started(name);
    } catch (Throwable listenerFailure) {
      // The style about to attach receives it; after a racing close, which the style then receives, it is logged.
      engine.abortByUser(listenerFailure, false, false);
    }
    return claimed;
  }

  @Override
  public <T> ResultStream<T> map(RowMapper<? extends T> mapper) {
    java.util.Objects.requireNonNull(mapper, "mapper");
    synchronized (this) {
      String consumedWith = style;
      if (consumedWith != null || mapping != Mapping.ROWS) {
        throw new IllegalStateException("map() is allowed once, before consumption starts; this stream is "
            + (consumedWith != null ? "already consumed with " + consumedWith : "already mapped"));
      }
      mapping = Mapping.of(mapper, engine.description());
    }
    return new MappedStream<>(this);
  }

  /** Whether rows are handed out as they are (not through a mapper); the row-typed methods need it. */
  private void checkRows(String name) {
    if (mapping != Mapping.ROWS) {
      throw new IllegalStateException("This RowStream was mapped: consume it through the stream map() "
          + "returned, not with " + name + " of the row stream");
    }
  }

  @Override
  public CompletionStage<Void> forEach(Consumer<? super Row> consumer) {
    checkRows("forEach()");
    return forEachValue(uncheckedConsumer(consumer), true);
  }

  /** {@code rowTyped}: called through the row stream's own method (see {@link #claim}). */
  CompletionStage<Void> forEachValue(Consumer<Object> consumer, boolean rowTyped) {
    java.util.Objects.requireNonNull(consumer, "consumer");
    return push("forEach()", rowTyped,
        handedOut -> result -> ConsumerSink.forRows(engine, listener, handedOut, consumer, result));
  }

  @Override
  public CompletionStage<Void> forEachAsync(Function<? super Row, ? extends CompletionStage<?>> action) {
    checkRows("forEachAsync()");
    return forEachValueAsync(uncheckedFunction(action), true);
  }

  /** {@code rowTyped}: called through the row stream's own method (see {@link #claim}). */
  CompletionStage<Void> forEachValueAsync(Function<Object, ? extends CompletionStage<?>> action, boolean rowTyped) {
    java.util.Objects.requireNonNull(action, "action");
    return push("forEachAsync()", rowTyped,
        handedOut -> result -> new AsyncRowLoop(engine, listener, handedOut, action, result));
  }

  @Override
  public CompletionStage<Void> forEachPage(Consumer<? super Page<Row>> consumer) {
    checkRows("forEachPage()");
    return forEachValuePage(uncheckedConsumer(consumer), true);
  }

  /** {@code rowTyped}: called through the row stream's own method (see {@link #claim}). */
  CompletionStage<Void> forEachValuePage(Consumer<Object> consumer, boolean rowTyped) {
    java.util.Objects.requireNonNull(consumer, "consumer");
    return push("forEachPage()", rowTyped,
        handedOut -> result -> ConsumerSink.forPages(engine, listener, handedOut, consumer, result));
  }

  @SuppressWarnings("unchecked")
  private static Consumer<Object> uncheckedConsumer(Consumer<?> consumer) {
    return (Consumer<Object>) consumer;
  }

  @SuppressWarnings("unchecked")
  private static Function<Object, ? extends CompletionStage<?>> uncheckedFunction(Function<?, ?> function) {
    return (Function<Object, ? extends CompletionStage<?>>) function;
  }

  /** Starts a push style: claims it, wires its sink, and asks for the first page. */
  private CompletionStage<Void> push(String name, boolean rowTyped,
      Function<Mapping, Function<StreamFuture<Void>, PageSink>> sink) {
    Mapping handedOut = claim(name, rowTyped);
    StreamFuture<Void> result = new StreamFuture<>(engine);
    pushResult = result;
    engine.attach(sink.apply(handedOut).apply(result), executor, this);
    if (engine.isOpen()) {
      engine.request();
    }
    return result;
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletionStage<Optional<Page<Row>>> nextPage() {
    checkRows("nextPage()");
    return (CompletionStage<Optional<Page<Row>>>) (CompletionStage<?>) nextValuePage(true);
  }

  /** {@code rowTyped}: called through the row stream's own method (see {@link #claim}). */
  CompletionStage<Optional<Page<?>>> nextValuePage(boolean rowTyped) {
    NextPageSink sink = pull;
    if (sink == null) {
      synchronized (this) {
        sink = pull;
        if (sink == null) {
          sink = new NextPageSink(engine, listener, claim("nextPage()", rowTyped));
          engine.attach(sink, executor, null);
          pull = sink;
        }
      }
    }
    return sink.next();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Flow.Publisher<Row> rows() {
    checkRows("rows()");
    return (Flow.Publisher<Row>) (Flow.Publisher<?>) valueRows(this);
  }

  /** {@code owner}: this stream for its own method, else the mapped stream (see {@link #claim}). */
  Flow.Publisher<Object> valueRows(Object owner) {
    Mapping handedOut = claim("rows()", owner == this);
    return new UnitPublisher<Object>(engine, executor, listener, handedOut::values, false, owner);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Flow.Publisher<Page<Row>> pages() {
    checkRows("pages()");
    return (Flow.Publisher<Page<Row>>) (Flow.Publisher<?>) valuePages(this);
  }

  /** {@code owner}: this stream for its own method, else the mapped stream (see {@link #claim}). */
  Flow.Publisher<Object> valuePages(Object owner) {
    Mapping handedOut = claim("pages()", owner == this);
    return new UnitPublisher<Object>(engine, executor, listener,
        page -> Mapping.Values.single(handedOut.page(page)), true, owner);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Iterator<Row> iterator() {
    checkRows("iterator()");
    return (Iterator<Row>) (Iterator<?>) valueIterator(this);
  }

  Iterator<Object> valueIterator(Object owner) {
    Threads.checkNotDriverThread("RowStream.iterator()");
    BlockingRowIterator iterator = new BlockingRowIterator(engine, listener, claim("iterator()", owner == this),
        owner);
    engine.attach(iterator.sink(), Runnable::run, null);
    return iterator;
  }

  @Override
  public Iterable<Row> blocking() {
    return singleUse(this::iterator);
  }

  /** The single-use {@link Iterable} of {@code blocking()}: its iterator is {@code iterator()}, once. */
  static <T> Iterable<T> singleUse(java.util.function.Supplier<Iterator<T>> iterator) {
    AtomicBoolean used = new AtomicBoolean();
    return () -> {
      if (!used.compareAndSet(false, true)) {
        throw new IllegalStateException("blocking() returns a single-use Iterable; its iterator() was "
            + "already called");
      }
      return iterator.get();
    };
  }

  @Override
  public ResumeToken position() {
    return engine.position().current();
  }

  @Override
  public StreamStats stats() {
    return engine.stats();
  }

  @Override
  public Optional<ColumnDefinitions> columnDefinitions() {
    Optional<ColumnDefinitions> fetched = engine.columnDefinitions();
    return fetched.isPresent() ? fetched : Optional.ofNullable(knownColumns);
  }

  @Override
  public CompletionStage<Void> closeAsync() {
    close();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {
    end(null);
  }

  @Override
  public void closeExceptionally(Throwable cause) {
    end(Objects.requireNonNull(cause, "cause"));
  }

  /** {@link #close()} ({@code cause} null) and {@link #closeExceptionally}. */
  private void end(@Nullable Throwable cause) {
    StreamFuture<?> result = pushResult;
    NextPageSink sink = pull;
    if (engine.endedByItself()) {
      // Its end (the last page, or its failure) is decided and settles the stage on the executor: failing
      // the stage as closed now would replace that outcome, which the listeners already heard.
      engine.awaitOtherClosers();
      cleanable.clean();
      return;
    }
    if (!engine.isOpen() && (result == null || result.isClaimed()) && (sink == null || !sink.hasPending())) {
      // Ended, and no stage waits: nothing to close or fail, so no exception (and its stack trace) to build.
      // An abort that another thread is running (a stage cancelled, a subscription cancelled) is waited for,
      // so that this close returns no earlier than it: nothing is sent after either returns.
      engine.awaitOtherClosers();
      cleanable.clean();
      return;
    }
    Throwable ending = cause != null ? cause
        : new StreamClosedException("The stream over '" + engine.description() + "' was closed");
    Throwable failure = engine.closeWith(ending); // or the cause of an abort that came first (a timeout)
    if (failure == null) {
      cleanable.clean(); // it ended by itself meanwhile: its end settles the stage
      return;
    }
    // Fail pending stages at once, even while a consumer call still runs, but on the stream's executor:
    // close() may come from a driver I/O thread, where dependents must not run.
    if (result != null) {
      result.failOn(executor, failure);
    }
    if (sink != null) {
      sink.failPending(failure, executor);
    }
    cleanable.clean();
  }

  @Override
  public String toString() {
    return "RowStream{'" + engine.description() + "', style=" + style + "}";
  }
}
