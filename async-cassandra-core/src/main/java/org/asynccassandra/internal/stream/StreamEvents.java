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

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.asynccassandra.PageEvent;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.internal.util.Threads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one stream, bound to its {@link StreamInfo}: the stream calls it at each step of its
 * life. With no listener it does nothing and builds nothing. Its retry and end events run on the stream's
 * executor (a fallback pool when it rejects them), one task at a time and in the order they happened, the
 * end last; a listener that throws there is logged and ignored. Every call to the listeners of one stream
 * holds the lock of its {@link Calls}, so that no two overlap whatever the executor's threads.
 */
public final class StreamEvents {
  private static final Logger LOG = LoggerFactory.getLogger(StreamEvents.class);
  private static final AtomicLong IDS = new AtomicLong();
  private static final StreamStats NO_STATS = new StreamStats(0, 0, 0, 0, 0, 0, java.time.Duration.ZERO,
      java.time.Duration.ZERO, 0, 0);

  /** How a stream ended. */
  enum Outcome { COMPLETED, FAILED, CLOSED, LEAKED }

  private final Info info;
  private final List<StreamListener> listeners;
  private volatile @Nullable Executor executor;
  /** How the listeners are called; null when there is none, so that a stream nobody listens to builds none. */
  private final @Nullable Calls calls;
  /** Whether the end event was dispatched: a start after it is not told. */
  private volatile boolean endTold;
  /** Whether the end event was told; written and read only by the drain, which tells one event at a time. */
  private boolean endDelivered;
  /** The listeners whose {@code executor()} was called, first ones first: they heard of the stream. */
  private int heard;

  private StreamEvents(Info info, List<StreamListener> listeners) {
    this.info = info;
    this.listeners = listeners;
    this.calls = listeners.isEmpty() ? null : new Calls();
  }

  /** The calls of a stream that has listeners: serialized, the queued ones told in order by one drain. */
  private static final class Calls {
    /** Held by every call to the listeners: the calls of one stream never overlap. */
    final ReentrantLock lock = new ReentrantLock();
    /** Retry and end events not yet told, in order; as many as were dispatched, like an executor's queue. */
    final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    /** Events dispatched and not yet drained; the one that makes it leave 0 schedules the drain. */
    final AtomicInteger undrained = new AtomicInteger();
  }

  /** The calls, on a path that returned already when nobody listens. */
  private Calls calls() {
    return Objects.requireNonNull(calls, "events told to a stream without listeners");
  }

  /** Events for a stream heard by {@code listeners} (none: an inactive instance). */
  public static StreamEvents of(StreamInfo.Kind kind, @Nullable String keyspace, @Nullable String table,
      @Nullable String name, String query, List<StreamListener> listeners) {
    return new StreamEvents(new Info(IDS.incrementAndGet(), kind, keyspace, table, name, query),
        List.copyOf(listeners));
  }

  /** Events of a stream nobody listens to. */
  static StreamEvents none(String description) {
    return new StreamEvents(new Info(IDS.incrementAndGet(), StreamInfo.Kind.QUERY, null, null, null, description),
        List.of());
  }

  /** The stream described, for its listeners. */
  public StreamInfo info() {
    return info;
  }

  /** Binds the live counters once the stream's engine exists. */
  void bindStats(PageEngine engine) {
    info.engine = engine;
  }

  /**
   * The executor of the stream's callbacks: {@code executor} as the listeners wrap it, on the creating thread.
   * When a listener's {@code executor()} throws or returns null, the stream is not built: the listeners asked
   * so far (that one included) hear it failed ({@link #notCreated}), and the failure is thrown.
   */
  Executor wrap(Executor executor) {
    Executor wrapped = executor;
    try {
      for (StreamListener listener : listeners) {
        heard++; // before the call: a listener may keep the stream before it throws
        wrapped = listener.executor(info, wrapped);
        if (wrapped == null) {
          throw new NullPointerException("StreamListener " + listener + " returned a null executor for " + info);
        }
      }
    } catch (Throwable failure) {
      notCreated(failure);
      throw failure;
    }
    this.executor = wrapped;
    return wrapped;
  }

  /**
   * The stream could not be built, with {@code failure} (which its creator throws): every listener that heard of
   * it hears it failed, on this thread and with zero counters, so that none keeps what it kept for the stream
   * (an open-streams gauge, a span's parent context). A listener that throws here is logged and ignored.
   */
  void notCreated(Throwable failure) {
    endTold = true;
    for (int i = 0; i < heard; i++) {
      StreamListener listener = listeners.get(i);
      try {
        listener.onFailure(info, failure, NO_STATS);
      } catch (Throwable listenerFailure) {
        LOG.warn("The StreamListener {} threw from the failure event of stream {}, which could not be built; "
            + "ignored", listener, info, listenerFailure);
      }
    }
    heard = 0;
  }

  /**
   * Consumption started; a listener that throws fails the stream (the caller aborts it). Not told once the end
   * was: a stream consumed after it ended (closed unconsumed, or its session closed) fails at once, and its
   * listeners, which forgot it at the end, would hear a start with no end after it.
   */
  void started(String style) {
    if (listeners.isEmpty()) {
      return;
    }
    ReentrantLock lock = calls().lock;
    lock.lock();
    try {
      if (endTold) {
        return;
      }
      for (StreamListener listener : listeners) {
        listener.onStart(info, style);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The sinks' page observer: null when nobody listens, so that no event is built. */
  @Nullable PageObserver pageObserver() {
    if (listeners.isEmpty()) {
      return null;
    }
    ReentrantLock lock = calls().lock;
    return event -> {
      lock.lock();
      try {
        for (StreamListener listener : listeners) {
          listener.onPage(info, event);
        }
      } finally {
        lock.unlock();
      }
    };
  }

  /**
   * A page request failed and will be retried; told on the stream's executor, unless the end was told before
   * it (a close that came between the retry's decision and this call): nothing follows the end.
   */
  public void retry(int pageNumber, int attempt, Throwable error) {
    if (!listeners.isEmpty()) {
      dispatch("onRetry", listener -> {
        if (!endDelivered) {
          listener.onRetry(info, pageNumber, attempt, error);
        }
      });
    }
  }

  /**
   * The stream ended; told once, on the stream's executor. {@code endStats} is read here, at the end, and only
   * when somebody listens.
   */
  void ended(Outcome outcome, @Nullable Throwable error, @Nullable Throwable createdAt,
      Supplier<StreamStats> endStats) {
    if (listeners.isEmpty()) {
      return;
    }
    StreamStats stats = endStats.get();
    endTold = true; // before the dispatch: a start that comes later is not told (see started)
    dispatch(outcome.name(), listener -> {
      endDelivered = true; // read by the events told after this one, in the same serial drain
      switch (outcome) {
        case COMPLETED -> listener.onComplete(info, stats);
        case CLOSED -> listener.onClose(info, stats);
        case LEAKED -> listener.onLeak(info, Objects.requireNonNull(createdAt, "a leak without its creation site"),
            stats);
        case FAILED -> listener.onFailure(info, Objects.requireNonNull(error, "a failure without its error"), stats);
      }
    });
  }

  /** How a stream that ended with {@code cause} (null: to its end) ended. */
  static Outcome outcome(@Nullable Throwable cause, boolean leaked) {
    if (leaked) {
      return Outcome.LEAKED;
    }
    if (cause == null) {
      return Outcome.COMPLETED;
    }
    return cause instanceof StreamClosedException ? Outcome.CLOSED : Outcome.FAILED;
  }

  /**
   * Tells {@code event} on the stream's executor after every event dispatched before it. The events queue
   * here and one drain at a time tells them, so that a multi-threaded executor can neither reorder them nor
   * run two at once; a thread that dispatches never waits for a listener.
   */
  private void dispatch(String event, java.util.function.Consumer<StreamListener> call) {
    Calls serial = calls();
    serial.pending.add(() -> {
      for (StreamListener listener : listeners) {
        try {
          call.accept(listener);
        } catch (Throwable failure) { // checked ones too, thrown undeclared: the drain goes on
          LOG.warn("The StreamListener {} threw from its {} event of stream {}; ignored", listener, event, info,
              failure);
        }
      }
    });
    if (serial.undrained.getAndIncrement() != 0) {
      return; // a drain is scheduled or running, and will tell this event too
    }
    Executor target = executor;
    if (target == null) {
      drain(); // never wrapped: only a stream built without an executor (none in practice)
    } else {
      Threads.executeOrFallback(target, this::drain);
    }
  }

  private void drain() {
    Calls serial = calls();
    int told = serial.undrained.get(); // at least this many events are queued: each was queued before it counted
    while (true) {
      for (int i = 0; i < told; i++) {
        Runnable next = Objects.requireNonNull(serial.pending.poll(), "an event counted but not queued");
        serial.lock.lock();
        try {
          next.run();
        } finally {
          serial.lock.unlock();
        }
      }
      told = serial.undrained.addAndGet(-told);
      if (told == 0) {
        return;
      }
    }
  }

  /**
   * Binds a scan's live checkpoint once the scan exists. {@code checkpoint} must not refer to the scan
   * object (only to its engine's parts), so that a dropped scan stays collectable and its leak is found.
   */
  public void bindScanCheckpoint(Supplier<ScanCheckpoint> checkpoint) {
    info.checkpoint = checkpoint;
  }

  /** The {@link StreamInfo} of one stream. */
  private static final class Info implements StreamInfo {
    private final long id;
    private final Kind kind;
    private final @Nullable String keyspace;
    private final @Nullable String table;
    private final @Nullable String name;
    private final String query;
    /** The stream's engine, whose live counters {@link #stats()} reads; null until bound. */
    private volatile @Nullable PageEngine engine;
    /** A scan's checkpoint; null for a query stream (set once, after creation, for a scan). */
    private volatile @Nullable Supplier<ScanCheckpoint> checkpoint;

    Info(long id, Kind kind, @Nullable String keyspace, @Nullable String table, @Nullable String name,
        String query) {
      this.id = id;
      this.kind = kind;
      this.keyspace = keyspace;
      this.table = table;
      this.name = name;
      this.query = query;
    }

    @Override
    public long id() {
      return id;
    }

    @Override
    public Kind kind() {
      return kind;
    }

    @Override
    public Optional<String> keyspace() {
      return Optional.ofNullable(keyspace);
    }

    @Override
    public Optional<String> table() {
      return Optional.ofNullable(table);
    }

    @Override
    public Optional<String> name() {
      return Optional.ofNullable(name);
    }

    @Override
    public String query() {
      return query;
    }

    @Override
    public StreamStats stats() {
      PageEngine current = engine;
      return current == null ? NO_STATS : current.stats();
    }

    @Override
    public Optional<ScanCheckpoint> scanCheckpoint() {
      Supplier<ScanCheckpoint> current = checkpoint;
      return current == null ? Optional.empty() : Optional.of(current.get());
    }

    @Override
    public String toString() {
      return "Stream#" + id + "{" + kind + (keyspace == null ? "" : " " + keyspace + (table == null ? "" : "." + table))
          + (name == null ? "" : " '" + name + "'") + "}";
    }
  }
}
