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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.internal.util.RetryPolicy;
import org.asynccassandra.internal.util.Retryable;
import org.asynccassandra.internal.util.SendGate;
import org.asynccassandra.internal.util.Threads;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch-and-buffer state machine behind a {@link DefaultRowStream}: it decides when to request the
 * next page, buffers what arrives, and hands pages to the stream's {@link PageSink} one at a time.
 *
 * <p>All decisions are made in {@link #drain()}, a loop that one thread at a time runs (a work-in-progress
 * counter hands pending work to the thread already in it), so that futures that complete synchronously
 * never recurse. State changes happen under the lock, the engine's own monitor; futures are completed,
 * requests sent and sink calls dispatched outside it. No user code ever runs under the lock, and no sink
 * call runs on the thread that completed a fetch: every sink call goes through the stream's executor.
 *
 * <p>No request after an abort: a request is sent outside the lock, so an abort that comes while another
 * thread is handing one to the source waits for that hand-over ({@link #sending}; the source only queues
 * the request, it never waits for I/O), and the request is then cancelled before the abort returns; the
 * abort also closes the source, which sends requests of its own (a scan's ranges) the same way. From the
 * moment {@code close()} returns, the stream sends nothing.
 *
 * <p>Read-ahead rule: pages fetched beyond the one the consumer holds (buffered plus in flight) never
 * exceed {@code prefetchPages}; a page the consumer waits for is always fetched; read-ahead stops while
 * the held and buffered response bytes reach {@code maxBufferedBytes}; at most one fetch is in flight.
 *
 * <p>Page sizes: each request asks for the rows its {@link PageSizer} chose when it was decided, from the
 * pages that had arrived by then (all of them, since fetches are sequential), and never for more rows than
 * {@code maxRows} still allows (plus those a resume still skips), or {@link #MIN_LIMITED_PAGE_SIZE} if more. A
 * retry asks for the same, except after a timeout ({@link Retryable#isTimeout}: a page or first-page timeout
 * of the stream, the driver's request timeout, a replica's read timeout) of a page of more than {@link
 * PageSizer#MIN_TIMEOUT_PAGE_SIZE} rows: it then asks for half of them (down to that floor), with the same
 * paging state, and every later page of the stream for at most that ({@link PageSizer#cap}), since a smaller
 * page answers sooner. Such a retry counts against the retry budget like any other (unlike the halving of a
 * table scan's range, which comes before its retries). The paging state does not depend on the page size, so
 * no row is repeated or lost and resume tokens stay exact; the retry keeps the budget bytes reserved for the
 * page, and the bytes that arrive settle them as for any page.
 *
 * <p>Ending: the terminal signal (complete, failure, abort) is decided once. An abort freezes the
 * {@link Position} at once, so no further row is handed over, drops buffered pages, cancels the request in
 * flight, closes the source (so that a scan's ranges send nothing more) and, once no sink call runs, ends
 * the stream, also when no sink was ever attached (a stream closed without being consumed), so that the
 * session forgets it. A sink attached after that gets the terminal failure at once.
 */
final class PageEngine {
  private static final Logger LOG = LoggerFactory.getLogger(PageEngine.class);
  private static final VarHandle ROWS_DELIVERED;
  private static final VarHandle WIP;
  private static final VarHandle AWAITING_BUDGET;

  static {
    try {
      ROWS_DELIVERED = MethodHandles.lookup().findVarHandle(PageEngine.class, "rowsDelivered", long.class);
      WIP = MethodHandles.lookup().findVarHandle(PageEngine.class, "wip", int.class);
      AWAITING_BUDGET = MethodHandles.lookup().findVarHandle(PageEngine.class, "awaitingBudget", boolean.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

  private final PageSource source;
  private final TimeoutScheduler scheduler;
  private final int prefetchPages;
  private final long maxBufferedBytes; // 0: no byte budget
  private final @Nullable Duration firstPageTimeout;
  private final @Nullable Duration pageTimeout;
  private final @Nullable Duration totalTimeout;
  private final RetryPolicy retryPolicy;
  private final Position position;
  /** Told once when the stream ended (the leak check deregistered, the session told). */
  private final DefaultRowStream.Handle handle;
  private final StreamEvents events;
  /** The session's read-ahead budget, or null. */
  private final @Nullable DefaultReadAheadBudget budget;
  /**
   * The fewest rows a request asks for because of {@code maxRows}: the server pages an aggregate
   * ({@code count(*)}) internally by the page size it is sent, and runs a query with {@code IN} and
   * {@code ORDER BY} unpaged only while its {@code LIMIT} fits in one page, so a request of a few rows could
   * make the one crawl and the other fail; a few rows more than the limit cost little.
   */
  static final int MIN_LIMITED_PAGE_SIZE = 100;

  /**
   * Set under the lock when a read-ahead was held back by the budget: drain() then queues this engine. Taken
   * by drain() in one atomic step (a read, then a write, lost a refusal set by a drain that ran in between:
   * that stream was refused and never queued).
   */
  private volatile boolean awaitingBudget;
  /** The place of an engine without a budget: never queued (no budget to queue in), shared. */
  private static final DefaultReadAheadBudget.Waiter NO_BUDGET_WAITER = new DefaultReadAheadBudget.Waiter(() -> {});
  /**
   * This engine's place in the budget's queue. Woken on a pool thread, never inline (wake-ups would nest).
   * Without a budget the shared {@link #NO_BUDGET_WAITER}, so that a stream allocates none.
   */
  private final DefaultReadAheadBudget.Waiter budgetWaiter;
  /** Set by the leak detector before it aborts the stream: the stream ends as leaked. */
  private volatile @Nullable Throwable leakedAt;

  /** Written once by attach(), under the lock; read by sink dispatches after that. */
  private volatile @Nullable PageSink sink;
  private volatile @Nullable Executor executor;
  /** Set to true when the stream is aborted: the iterator and the publisher check it before asking for more. */
  private volatile boolean aborted;
  /** The columns of the first page, once it arrived. */
  private volatile @Nullable ColumnDefinitions columns;
  /** A strong reference that keeps a self-driving stream reachable until it ends (see DefaultRowStream). */
  private volatile @Nullable Object anchor;
  /** The executor thread running a page delivery of this stream and the drain after it; see dispatchTerminal. */
  private volatile @Nullable Thread deliveringOn;
  /** What a terminal signal run inline threw; touched only by the {@link #deliveringOn} thread. */
  private @Nullable Throwable terminalThrew;

  /** Work-in-progress count of the drain loop; through {@link #WIP}. */
  @SuppressWarnings("UnusedVariable") // read and written through the VarHandle
  private volatile int wip;
  /**
   * Rows handed to the consumer. One writer at a time: rows are handed over one after another, each after the
   * position's compare-and-set took it, and a hand-over to another thread goes through the lock or the
   * executor; so a plain read and a release write count exactly, without a locked instruction per row (an
   * atomic add here cost a third of forEach's own per-row time: RowPathBenchmark.forEachDirect went from
   * 12.8 to 8.6 ns per row without it). Readers read it as a volatile.
   */
  private volatile long rowsDelivered;

  // ---- guarded by the lock: this engine's monitor (no other class synchronizes on an engine) ----
  /** Fetched pages not yet handed to the sink; never more than prefetchPages + 1, so sized for that. */
  private final ArrayDeque<DefaultPage> buffer;
  private final PageCut cut;
  private final PageSizer sizer;
  /** The rows the latest request asked for; 0 before the first, or when the source sizes its own pages. */
  private int requestedPageSize;
  private long bufferedBytes;
  /** Response bytes of the page the consumer holds. */
  private long heldBytes;
  /** The consumer holds a page: one was handed over and request() was not called since. */
  private boolean holding;
  /** The consumer asked for a page that it has not received yet. */
  private boolean demand;
  /** A sink call is running; sink calls never overlap. */
  private boolean busy;
  private boolean started;
  /** A fetch is in flight (possibly before inFlight is assigned, or waiting for its retry); at most one. */
  private boolean fetching;
  private @Nullable CompletableFuture<@Nullable SourcePage> inFlight;
  /**
   * The thread handing a request to the source right now (startFetch, between its two checks); an abort
   * from another thread waits until it is done, so that nothing is sent after the abort returns.
   */
  private final SendGate sending = new SendGate(this);
  /**
   * The thread running an abort past its lock (cancelling the request in flight, closing the source), until
   * it is done; another closer waits for it, so that no closing call returns before the first one's work is
   * done. Never a wait for user code: the abort clears it before it signals the sink.
   */
  private @Nullable Thread aborting;
  private TimeoutScheduler.Timeout fetchTimer = TimeoutScheduler.NONE;
  /**
   * The wait before a retry. Apart from {@link #fetchTimer}: the wait may fire, and the retried request record
   * its own timer there, before the thread that scheduled the wait records it.
   */
  private TimeoutScheduler.Timeout retryTimer = TimeoutScheduler.NONE;
  private TimeoutScheduler.Timeout totalTimer = TimeoutScheduler.NONE;
  private @Nullable ByteBuffer nextPagingState;
  /** No more page will be fetched: the last page arrived, a limit was reached, or the stream failed. */
  private boolean sourceDone;
  /** A failed fetch, handed to the sink only after every buffered page. */
  private @Nullable Throwable fetchFailure;
  /** An abort (close, total timeout, consumer failure), handed to the sink at once. */
  private @Nullable Throwable abortCause;
  private boolean abortSilently;
  /** The terminal signal was decided; nothing is handed to the sink after it. */
  private boolean terminated;
  /** The failure a sink attached after the end receives (null once ended normally). */
  private @Nullable Throwable terminalFailure;
  private int pagesFetched;
  /** Budget bytes reserved for the fetch in flight (0 for a fetch the consumer needs). */
  private long inFlightReserved;
  /** The size of the latest page, the estimate of the next one for the budget. */
  private long lastPageBytes;
  private long bytesFetched;
  private int maxBuffered;
  private int consumedPageNumber;
  private long waitStartNanos;
  private long consumerWaitNanos;
  private long pageIdleNanos;
  private long retries;
  /** Retries already spent on the page being fetched. */
  private int pageRetries;

  PageEngine(PageSource source, StreamConfig config, TimeoutScheduler scheduler,
      Position.@Nullable Tracker tracker, DefaultRowStream.Handle handle, StreamEvents events,
      @Nullable DefaultReadAheadBudget budget) {
    this.events = events;
    this.budget = budget;
    this.source = source;
    this.scheduler = scheduler;
    this.prefetchPages = config.prefetchPages();
    this.buffer = new ArrayDeque<>(prefetchPages + 1);
    this.budgetWaiter = budget == null ? NO_BUDGET_WAITER
        : new DefaultReadAheadBudget.Waiter(() -> Threads.fallbackExecutor().execute(this::drain));
    this.maxBufferedBytes = config.maxBufferedBytes().orElse(0);
    this.firstPageTimeout = config.firstPageTimeout().orElse(null);
    this.pageTimeout = config.pageTimeout().orElse(null);
    this.totalTimeout = config.totalTimeout().orElse(null);
    this.retryPolicy = RetryPolicy.of(config, source.safeToRetry());
    this.handle = handle;
    ResumeToken start = config.resumeFrom().orElse(null);
    int skip = 0;
    if (start != null) {
      this.nextPagingState = start.pagingState().orElse(null);
      skip = start.rowOffset();
      this.sourceDone = start.isEnd();
    } else {
      this.nextPagingState = source.initialPagingState();
    }
    this.cut = new PageCut(config.maxPages().orElse(0), config.maxRows().orElse(0), skip);
    this.sizer = new PageSizer(config, source.pageSize(), skip, source.heldPageSize() > 0);
    this.position = new Position(source.resumable() ? source::fingerprint : null, nextPagingState, skip,
        sourceDone, tracker);
  }

  /** Where the consumer is; the styles report to it as they hand rows over. */
  Position position() {
    return position;
  }

  /**
   * Connects the consumer side. Sink calls are dispatched to {@code executor}. On an engine that already
   * ended (closed before consumption started), the sink receives the terminal failure at once.
   */
  void attach(PageSink sink, Executor executor, @Nullable Object anchor) {
    Throwable ended;
    synchronized (this) {
      if (this.sink != null) {
        throw new IllegalStateException("The stream already has a consumer");
      }
      this.executor = executor;
      this.sink = sink;
      ended = terminated ? terminalFailure : null;
      if (!terminated) {
        this.anchor = anchor;
      }
    }
    if (ended != null) {
      Threads.executeOrFallback(executor, () -> sink.onError(ended));
      return;
    }
    drain();
  }

  /** The consumer is ready for the next page (and releases the one it held). */
  void request() {
    boolean startTotalTimer = false;
    synchronized (this) {
      // Demand left over from a call that close() already failed (the end reaches the sink later, on the
      // executor) is not a misuse: the end answers this request too.
      if (demand && abortCause == null && !terminated) {
        throw new IllegalStateException("A page was already requested and not yet delivered");
      }
      demand = true;
      holding = false;
      heldBytes = 0;
      waitStartNanos = System.nanoTime();
      if (!started) {
        started = true;
        startTotalTimer = totalTimeout != null && !terminated && abortCause == null;
      }
    }
    if (startTotalTimer && totalTimeout != null) { // startTotalTimer implies a totalTimeout
      TimeoutScheduler.Timeout timer = null;
      try {
        timer = scheduler.schedule(this::onTotalTimeout, totalTimeout);
      } catch (RuntimeException timerFailed) {
        // A broken timer, or one shut down by its session's close racing this first request: the stream ends
        // with the failure (or as closed, when the close came first) rather than throw here and stay open.
        abort(new AsyncCassandraException("The stream over '" + source.description() + "' could not start its "
            + "total timeout: its timer failed: " + timerFailed, timerFailed), false);
      }
      if (timer != null) {
        synchronized (this) {
          if (terminated || abortCause != null) {
            timer.cancel();
          } else {
            totalTimer = timer;
          }
        }
      }
    }
    drain();
  }

  /**
   * Ends the stream with {@code error}, which user code threw (a consumer, a listener, a mapper, a subscriber,
   * the stage of a {@code forEachAsync} row), as {@link #abort} does. When the stream had already ended (closed
   * from another thread, timed out, its stage completed from outside) and the caller's stage does not carry
   * the error either, nothing can report it any more: it is logged, so that no error is lost without a trace.
   *
   * @param carried whether the caller fails its stage with {@code error} (then it is not logged)
   * @return false when the stream had already ended
   */
  boolean abortByUser(Throwable error, boolean silent, boolean carried) {
    if (abort(error, silent)) {
      return true;
    }
    if (!carried && abortCause() != error) {
      LOG.warn("User code of the stream over '{}' failed after the stream had ended; nothing else can report "
          + "this failure", source.description(), error);
    }
    return false;
  }

  /**
   * Ends the stream at once: freezes the position (no further row is handed over), cancels the in-flight
   * fetch, drops buffered pages, and hands {@code cause} to the sink as soon as no sink call is running
   * (never, when {@code silent}).
   *
   * @return false when the stream had already ended or was already aborted
   */
  boolean abort(Throwable cause, boolean silent) {
    CompletableFuture<@Nullable SourcePage> cancelled;
    long released;
    Throwable undelivered = null;
    synchronized (this) {
      if (terminated || abortCause != null) {
        awaitOtherClosersLocked(); // a second close() racing the first one returns no earlier than it either
        return false;
      }
      abortCause = cause;
      Throwable known = fetchFailure;
      if (known != null && known != cause) {
        // A page failed while the consumer was still on an earlier one: the stream now ends with this cause, and
        // the failure would be dropped without a word. Kept with the library's own endings (a total timeout, a
        // close), which nobody else holds; logged with any other (the consumer's own failure, or another
        // stream's, which must not change under its other holders).
        if (cause instanceof StreamTimeoutException || cause instanceof StreamClosedException) {
          cause.addSuppressed(known);
        } else {
          undelivered = known;
        }
      }
      abortSilently = silent;
      aborted = true;
      fetchTimer.cancel(); // a page timeout
      fetchTimer = TimeoutScheduler.NONE;
      retryTimer.cancel(); // the wait before a retry
      retryTimer = TimeoutScheduler.NONE;
      cancelled = inFlight;
      inFlight = null;
      fetching = false;
      sourceDone = true;
      released = takeReservationsLocked();
      buffer.clear();
      bufferedBytes = 0;
      // Before the wait below, which releases the lock: a closer racing this one, woken by the same hand-over's
      // end, must wait for the whole abort (the position frozen, the source closed), not find none running.
      aborting = Thread.currentThread();
    }
    if (undelivered != null) {
      LOG.warn("The stream over '{}' ended with {} while a later page's failure had not reached its consumer: {}",
          source.description(), cause, undelivered.toString());
    }
    try {
      synchronized (this) {
        sending.awaitOthers(); // a request being handed over now is cancelled by its sender before this returns
      }
      releaseBudget(released);
      position.freeze();
      if (cancelled != null) {
        cancelled.cancel(false);
      }
      // Now, not once the consumer's call returns: a source of its own requests (a scan's ranges) sends no more.
      source.close();
    } finally {
      synchronized (this) {
        aborting = null;
        notifyAll(); // once per stream: a closer racing this one waits for it
      }
    }
    drain();
    return true;
  }

  /**
   * Closes the stream as its own {@code close()} does, for its session's close: aborts it, and fails the
   * stage waiting for its sink at once, even while a consumer call still runs. A stream whose own end was
   * decided keeps it.
   */
  void close(StreamClosedException closed) {
    if (endedByItself()) {
      awaitOtherClosers();
      return;
    }
    Throwable failure = closeWith(closed);
    if (failure == null) {
      return; // it ended by itself meanwhile: its end settles the stage
    }
    PageSink target = sink;
    if (target != null) {
      target.failPending(failure, executor());
    }
  }

  /**
   * Returns once no other thread is closing this stream: neither handing a request over nor running an
   * abort. A close() that finds the stream already ended calls it, so that it returns no earlier than a
   * racing one.
   */
  void awaitOtherClosers() {
    synchronized (this) {
      awaitOtherClosersLocked();
    }
  }

  private void awaitOtherClosersLocked() {
    Thread current = Thread.currentThread();
    boolean interrupted = false;
    while (true) {
      sending.awaitOthers();
      Thread running = aborting;
      // Not on a driver thread: the abort running elsewhere cancels a driver request, which may take a driver
      // lock this thread holds (see SendGate.awaitOthers).
      if (running == null || running == current || Threads.isDriverThread()) {
        break;
      }
      try {
        wait(); // the wait releases the lock; the abort notifies once it is done
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      current.interrupt();
    }
  }

  /**
   * Whether the stream ended by itself, to its end or with a failure of its own (not aborted): its end
   * signal is decided and on its way to the sink, which settles any pending stage with it.
   */
  boolean endedByItself() {
    synchronized (this) {
      return terminated && abortCause == null;
    }
  }

  /** This engine's place in the session budget's queue (a shared one without a budget); for tests. */
  DefaultReadAheadBudget.Waiter budgetWaiter() {
    return budgetWaiter;
  }

  /**
   * Aborts the stream with {@code ending}, for a close (a {@link StreamClosedException}, or the consumer's
   * failure for {@code closeExceptionally}), and returns what its pending stages fail with: {@code ending}; or
   * the cause of an abort that came first (a timeout, a rejected delivery, a listener),
   * whose end the listeners heard and which has not reached the stages yet; or null when the stream ended by
   * itself meanwhile, whose end settles them.
   */
  @Nullable Throwable closeWith(Throwable ending) {
    return abort(ending, false) ? ending : abortCause();
  }

  /** What the stream was aborted with (a close, a timeout, a consumer's failure), or null when it was not. */
  @Nullable Throwable abortCause() {
    synchronized (this) {
      return abortCause;
    }
  }

  /** Whether the stream was aborted (closed); rows are stopped by the frozen position, not by this. */
  boolean isAborted() {
    return aborted;
  }

  /**
   * Whether the stream's next delivery is its end, known already: the source ended with nothing buffered, or
   * the one page buffered is an empty last one (Cassandra answers one after a last page that was full).
   * Asking for it sends nothing.
   */
  boolean endIsNext() {
    synchronized (this) {
      return endIsNextLocked();
    }
  }

  /** {@link #endIsNext}, under the lock. */
  private boolean endIsNextLocked() {
    if (abortCause != null || fetching || terminated) {
      return false;
    }
    if (buffer.isEmpty()) {
      return sourceDone;
    }
    DefaultPage next = buffer.peekFirst();
    return buffer.size() == 1 && next.size() == 0 && next.isLast();
  }

  /** Whether the stream has neither ended nor been aborted. */
  boolean isOpen() {
    synchronized (this) {
      return !terminated && abortCause == null;
    }
  }

  void addDelivered(long rows) {
    if (rows > 0) {
      ROWS_DELIVERED.setRelease(this, (long) ROWS_DELIVERED.get(this) + rows); // one writer: see the field
    }
  }

  Optional<ColumnDefinitions> columnDefinitions() {
    return Optional.ofNullable(columns);
  }

  String description() {
    return source.description();
  }

  /** The executor of sink calls; the session's default before a style attached. */
  Executor executor() {
    Executor current = executor;
    if (current == null) {
      throw new IllegalStateException("No consumer is attached yet");
    }
    return current;
  }

  /** The engine's counters, with the pages its source holds for the consumer (see {@link PageSource#stats}). */
  StreamStats stats() {
    StreamStats own;
    synchronized (this) {
      own = new StreamStats(pagesFetched, cut.rowsKept(), rowsDelivered, buffer.size(), maxBuffered,
          bytesFetched, Duration.ofNanos(consumerWaitNanos), Duration.ofNanos(pageIdleNanos), retries,
          requestedPageSize);
    }
    return source.stats(own);
  }

  // ---------------------------------------------------------------------------------------------------
  // The drain loop

  private void drain() {
    if ((int) WIP.getAndAdd(this, 1) != 0) {
      return;
    }
    int missed = 1;
    do {
      Runnable action;
      while ((action = nextAction()) != null) {
        try {
          action.run();
        } catch (Throwable unexpected) {
          failFromDrain(unexpected);
        }
      }
      missed = (int) WIP.getAndAdd(this, -missed) - missed;
    } while (missed != 0);
    DefaultReadAheadBudget sessionBudget = budget;
    if (sessionBudget != null) {
      boolean refused = (boolean) AWAITING_BUDGET.getAndSet(this, false);
      // Queued only while it still wants read-ahead: a stream at the head that never reserves (it fetches a
      // page its consumer needs, or its own byte bound stops it) would hold back every other stream's.
      if (wantsReadAhead()) {
        if (refused) {
          sessionBudget.await(budgetWaiter);
          if (!wantsReadAhead()) {
            // Closed (or its read-ahead began) since the check: that thread's drain may have found it not yet
            // queued, and a closed stream left in line would hold back every other stream's read-ahead.
            sessionBudget.leave(budgetWaiter);
          }
        }
      } else if (budgetWaiter.isQueued()) {
        sessionBudget.leave(budgetWaiter); // it ended, its consumer caught up, or its own bounds stop it
        if (wantsReadAhead()) {
          // A drain on another thread (a page arrived) was refused and queued it since the look above, and
          // the leave took that place: it tries again, and reads ahead or waits in line once more.
          drain();
        }
      }
    }
  }

  /**
   * An action of the drain loop threw, which none should (each catches what user code and the source throw):
   * the stream fails with it rather than stay with its loop stuck and its stage pending for ever; after the
   * end it is logged, never lost.
   */
  private void failFromDrain(Throwable unexpected) {
    AsyncCassandraException failure = new AsyncCassandraException("The stream over '" + source.description()
        + "' failed unexpectedly: " + unexpected, unexpected);
    if (!abort(failure, false)) { // its drain() call returns at once: this loop goes on and ends the stream
      LOG.error("The stream over '{}' failed after its end", source.description(), unexpected);
    }
  }

  /**
   * Whether this stream is still open and would read ahead if the budget allowed: it fetches nothing now and
   * its own bounds (pages, bytes) leave room; see {@link #mayFetch}.
   */
  private boolean wantsReadAhead() {
    synchronized (this) {
      if (terminated || abortCause != null || fetching || sourceDone) {
        return false;
      }
      int limit = holding ? prefetchPages : prefetchPages + 1;
      return buffer.size() < limit && (maxBufferedBytes == 0 || bufferedBytes + heldBytes < maxBufferedBytes);
    }
  }

  /** The budget bytes of the fetch in flight and of the buffered pages, now given up; under the lock. */
  private long takeReservationsLocked() {
    long total = inFlightReserved;
    inFlightReserved = 0;
    for (DefaultPage page : buffer) {
      total += page.budgetBytes;
      page.budgetBytes = 0;
    }
    return total;
  }

  private void releaseBudget(long bytes) {
    DefaultReadAheadBudget sessionBudget = budget;
    if (sessionBudget != null && bytes != 0) {
      sessionBudget.adjust(bytes);
    }
  }

  /** Decides the next step under the lock; the returned action runs outside it. */
  private @Nullable Runnable nextAction() {
    synchronized (this) {
      if (terminated) {
        return null;
      }
      PageSink target = sink;
      if (abortCause != null) {
        if (busy) {
          return null; // handed over once the running sink call returns
        }
        terminated = true;
        Throwable cause = abortCause;
        terminalFailure = cause;
        PageSink receiver = abortSilently ? null : target; // null: end silently
        return () -> {
          finish(cause);
          if (receiver != null) {
            dispatchError(receiver, cause);
          }
        };
      }
      if (target == null) {
        return null;
      }
      if (demand && !busy) {
        DefaultPage page = buffer.poll();
        if (page != null) {
          demand = false;
          busy = true;
          holding = true;
          heldBytes = page.responseBytes();
          bufferedBytes -= heldBytes;
          consumedPageNumber = page.number();
          long now = System.nanoTime();
          long waited = Math.max(0, now - waitStartNanos);
          consumerWaitNanos += waited;
          page.consumerWaitNanos = waited; // read by the sink after the dispatch, which publishes it
          long taken = page.budgetBytes; // a page the consumer takes is no longer read ahead
          page.budgetBytes = 0;
          pageIdleNanos += Math.max(0, now - page.arrivalNanos);
          // Request the next page before the consumer sees this one, so that it is read ahead even when the
          // consumer runs inline (a direct executor); decided once the page's budget bytes went back, so that
          // the stream's own page does not hold back its next read-ahead (a hold-back that is none).
          return () -> {
            try {
              releaseBudget(taken);
              Runnable readAhead;
              synchronized (this) {
                readAhead = decideFetch();
              }
              if (readAhead != null) {
                readAhead.run();
              }
            } finally {
              dispatchPage(target, page); // whatever happened: the delivery ends the sink call the lock marked busy
            }
          };
        }
        if (fetchFailure != null) {
          terminated = true;
          Throwable failure = fetchFailure;
          terminalFailure = failure;
          return () -> {
            finish(failure);
            dispatchTerminal(() -> target.onError(failure));
          };
        }
        if (sourceDone && !fetching) {
          terminated = true;
          return () -> {
            finish(null);
            dispatchTerminal(target::onComplete);
          };
        }
      }
      return decideFetch();
    }
  }

  /**
   * The rows the next request asks for: what the sizer chose, but no more than {@code maxRows} still allows
   * (with the rows a resume still skips before them) or {@link #MIN_LIMITED_PAGE_SIZE}, whichever is more, so
   * that a stream of a few rows does not make the server read and send a whole fetch size; called under the
   * lock. 0 when the source sizes its own pages.
   */
  private int nextPageSize() {
    int size = sizer.next();
    long wanted = Math.max(MIN_LIMITED_PAGE_SIZE, cut.rowsWanted());
    return size > 0 && wanted < size ? (int) wanted : size;
  }

  /** Marks a fetch as started when the read-ahead rule allows one; called under the lock. */
  private @Nullable Runnable decideFetch() {
    if (started && !fetching && !sourceDone && mayFetch()) {
      fetching = true;
      int number = pagesFetched + 1;
      ByteBuffer state = nextPagingState;
      int pageSize = nextPageSize();
      requestedPageSize = pageSize;
      return () -> startFetch(number, state, pageSize);
    }
    return null;
  }

  /**
   * The read-ahead rule; called under the lock. A page the consumer needs is always fetched; reading
   * ahead needs room in the stream's own bounds and then in the session's budget, which it reserves.
   */
  private boolean mayFetch() {
    int limit = holding ? prefetchPages : prefetchPages + 1;
    if (buffer.size() >= limit) {
      return false;
    }
    boolean needed = !holding && buffer.isEmpty();
    if (needed) {
      return true;
    }
    if (maxBufferedBytes != 0 && bufferedBytes + heldBytes >= maxBufferedBytes) {
      return false;
    }
    DefaultReadAheadBudget sessionBudget = budget;
    if (sessionBudget == null) {
      return true;
    }
    // The rows about to be asked for (decideFetch asks for nextPageSize()) at the width of the rows measured:
    // pages of a ramp or a byte target vary in rows, so the size of the previous page is no estimate.
    long estimate = sizer.estimateBytes(nextPageSize());
    if (estimate <= 0) {
      estimate = lastPageBytes > 0 ? lastPageBytes : DefaultReadAheadBudget.FIRST_ESTIMATE;
    }
    if (sessionBudget.tryReserve(budgetWaiter, estimate)) {
      inFlightReserved = estimate;
      return true;
    }
    awaitingBudget = true;
    return false;
  }

  private void dispatchPage(PageSink target, DefaultPage page) {
    Executor current = executor(); // a page is dispatched only to an attached sink
    @Nullable Throwable failed = Threads.tryExecute(current, () -> {
      deliveringOn = Thread.currentThread();
      try {
        target.onPage(page);
      } catch (Throwable error) {
        abortByUser(error, false, false);
      } finally {
        synchronized (this) {
          busy = false;
        }
        try {
          drain();
        } finally {
          deliveringOn = null;
        }
        Throwable thrown = terminalThrew;
        if (thrown != null) {
          terminalThrew = null;
          throw Threads.unchecked(thrown); // to the executor, as if the signal had had a task of its own
        }
      }
    });
    if (failed != null) {
      // The executor did not take the delivery: rejected (shut down, or its queue full), or it failed (a pool
      // that cannot start a thread). The sink call the lock marked busy never runs: unmark it, or the stream
      // would never end.
      synchronized (this) {
        busy = false;
      }
      abort(new AsyncCassandraException("The stream over '" + source.description() + "' failed: its executor "
          + Threads.describeRefusal(current, failed, "the delivery of page " + page.number()), failed), false);
    }
  }

  /**
   * Runs a terminal signal on the executor, or on a fallback pool when it rejects it. It runs inline only
   * when the calling thread is in this stream's page delivery, which already runs on the executor: the
   * signal then needs no task of its own (one task, and often one thread wake-up, fewer per stream).
   */
  private void dispatchTerminal(Runnable signal) {
    Thread current = Thread.currentThread();
    if (deliveringOn == current) {
      try {
        signal.run();
      } catch (Throwable failure) {
        terminalThrew = failure; // rethrown by the delivery task once the drain loop is done
      }
      return;
    }
    Threads.executeOrFallback(executor(), signal); // terminal signals go only to an attached sink
  }

  private void dispatchError(PageSink target, Throwable cause) {
    dispatchTerminal(() -> target.onError(cause));
  }

  /** Runs once, when the terminal signal was decided; {@code cause} is null for an end with every row. */
  private void finish(@Nullable Throwable cause) {
    long released;
    TimeoutScheduler.Timeout fetch;
    TimeoutScheduler.Timeout total;
    synchronized (this) {
      fetch = fetchTimer;
      retryTimer.cancel();
      retryTimer = TimeoutScheduler.NONE;
      total = totalTimer;
      fetchTimer = TimeoutScheduler.NONE;
      totalTimer = TimeoutScheduler.NONE;
      released = takeReservationsLocked();
      buffer.clear();
      bufferedBytes = 0;
    }
    releaseBudget(released);
    fetch.cancel();
    total.cancel();
    position.freeze();
    anchor = null;
    source.close();
    handle.terminated();
    Throwable leak = leakedAt;
    events.ended(StreamEvents.outcome(cause, leak != null), cause, leak, this::stats);
  }

  /** Marks the stream as leaked, before the leak detector aborts it. */
  void leaked(Throwable createdAt) {
    leakedAt = createdAt;
  }

  // ---------------------------------------------------------------------------------------------------
  // Fetching

  private void startFetch(int number, @Nullable ByteBuffer state, int pageSize) {
    synchronized (this) {
      if (abortCause != null || terminated) {
        return; // aborted while this fetch was being decided or waited for its retry
      }
      sending.begin(); // an abort from now on waits until the request is handed over
    }
    long startNanos = System.nanoTime();
    CompletableFuture<@Nullable SourcePage> future = handToSource(state, pageSize);
    if (abortedWhileSending(future)) {
      return; // an abort came meanwhile: the request was cancelled before that abort returned
    }
    Duration timeout = number == 1 ? firstPageTimeout : pageTimeout;
    if (timeout != null) {
      CompletableFuture<@Nullable SourcePage> timed = future;
      TimeoutScheduler.Timeout timer =
          scheduler.schedule(() -> {
            try {
              onFetchTimeout(timed, number, state, pageSize, timeout);
            } catch (Throwable unexpected) { // the timer's thread would only log it, if that
              failFromDrain(unexpected);
            }
          }, timeout);
      synchronized (this) {
        if (inFlight == future) {
          fetchTimer = timer;
          timer = null;
        }
      }
      if (timer != null) {
        timer.cancel();
      }
    }
    CompletableFuture<@Nullable SourcePage> fetched = future;
    fetched.whenComplete((page, error) -> {
      try {
        onFetched(fetched, number, state, pageSize, startNanos, page, error);
      } catch (Throwable unexpected) { // nobody reads whenComplete's future: never lost there
        failFromDrain(unexpected);
      }
    });
  }

  /** Asks the source for a page; whatever it throws fails the page's future instead. */
  private CompletableFuture<@Nullable SourcePage> handToSource(@Nullable ByteBuffer state, int pageSize) {
    boolean handed = false;
    try {
      CompletableFuture<@Nullable SourcePage> future;
      try {
        future = source.fetch(state, pageSize);
      } catch (Throwable error) {
        future = CompletableFuture.failedFuture(error);
      }
      handed = true;
      return future;
    } finally {
      if (!handed) { // an Error while failing the future: an abort must not wait for this send for ever
        synchronized (this) {
          sending.end();
        }
      }
    }
  }

  /**
   * Ends the hand-over of {@code future} to the source: cancels it when the stream was aborted meanwhile,
   * else makes it the fetch in flight; then lets an abort waiting for the hand-over go on.
   *
   * @return whether the stream was aborted meanwhile (the request was cancelled)
   */
  private boolean abortedWhileSending(CompletableFuture<@Nullable SourcePage> future) {
    boolean abortedMeanwhile;
    synchronized (this) {
      abortedMeanwhile = abortCause != null || terminated;
      if (!abortedMeanwhile) {
        inFlight = future;
        sending.end();
        return false;
      }
    }
    try {
      future.cancel(false); // before the waiting abort may return
    } finally {
      synchronized (this) {
        sending.end();
      }
    }
    return true;
  }

  private void onFetched(CompletableFuture<@Nullable SourcePage> future, int number, @Nullable ByteBuffer state,
      int pageSize, long startNanos, @Nullable SourcePage page, @Nullable Throwable error) {
    TimeoutScheduler.Timeout timer;
    Runnable retry = null;
    long budgetDelta = 0; // bytes to give back (negative: to take) once the response is known
    synchronized (this) {
      if (inFlight != future) {
        return; // it timed out or the stream was aborted: the outcome is already decided
      }
      inFlight = null;
      fetching = false;
      long reservedForIt = inFlightReserved;
      timer = fetchTimer;
      fetchTimer = TimeoutScheduler.NONE;
      if (error != null) {
        Throwable failure = Retryable.unwrap(error);
        if (retryPolicy.shouldRetry(pageRetries, failure)) {
          retry = scheduleRetry(number, state, pageSize, failure); // it keeps the reservation
        } else {
          fetchFailure = toFetchFailure(failure);
          sourceDone = true;
          inFlightReserved = 0;
          budgetDelta = reservedForIt;
        }
      } else if (page == null) {
        sourceDone = true; // the source ended without a further page
        inFlightReserved = 0;
        budgetDelta = reservedForIt;
      } else {
        inFlightReserved = 0;
        DefaultPage buffered;
        long actual;
        int pageNumber = pageNumberOfNextFetch(); // before buffer() counts the page
        long rowsBefore = cut.rowsKept();
        try {
          buffered = buffer(page, number, state, pageSize, startNanos);
          actual = Math.max(0, page.responseBytes());
        } catch (Throwable unreadable) { // checked ones too, thrown undeclared
          // Not lost in the response's callback, whose future nobody reads: the stream would wait for this
          // page for good, holding its reservation. The page fails as a response that could not be read.
          buffered = null;
          actual = 0;
          fetchFailure = new PageFetchException(pageNumber, rowsBefore, source.description(), unreadable);
          sourceDone = true;
        }
        lastPageBytes = actual > 0 ? actual : lastPageBytes;
        if (reservedForIt > 0) {
          if (buffered != null) {
            buffered.budgetBytes = actual;
            budgetDelta = reservedForIt - actual;
          } else {
            budgetDelta = reservedForIt; // skipped whole (a resumed stream), or unreadable: nothing is held
          }
        }
      }
    }
    releaseBudget(budgetDelta);
    timer.cancel();
    runRetry(retry);
    drain();
    tellEndKnown();
  }

  /** Tells the sink that the end is known while it asked for nothing ({@link PageSink#onEndKnown}). */
  private void tellEndKnown() {
    PageSink target;
    synchronized (this) { // once per response: one look under the lock
      target = sink;
      if (target == null || demand || busy || !endIsNextLocked()) {
        return;
      }
    }
    target.onEndKnown();
  }

  /** Runs a retry's action (on the thread that saw the failure, perhaps a driver thread): nothing it throws is lost. */
  private void runRetry(@Nullable Runnable retry) {
    if (retry != null) {
      try {
        retry.run();
      } catch (Throwable unexpected) {
        failFromDrain(unexpected);
      }
    }
  }

  /** Cuts and buffers a fetched page; called under the lock. Returns the page buffered, or null when skipped. */
  private @Nullable DefaultPage buffer(SourcePage page, int number, @Nullable ByteBuffer state, int pageSize,
      long startNanos) {
    long now = System.nanoTime();
    pagesFetched = number;
    pageRetries = 0;
    bytesFetched += Math.max(0, page.responseBytes());
    PageCut.Cut kept = cut.cut(page.size(), page.hasMorePages());
    // Also for a page a resumed stream skips whole.
    sizer.observe(page.size(), page.responseBytes(), cut.skipRemaining());
    nextPagingState = page.pagingState();
    if (columns == null) {
      columns = source.keptColumns(page.columnDefinitions());
    }
    sourceDone = !page.hasMorePages() || kept.limitReached();
    if (kept.skippedWhole()) {
      return null;
    }
    // A scan's range sized it itself; a held first page (continueStream) was asked for before the stream.
    int requested = number == 1 && source.heldPageSize() > 0 ? source.heldPageSize()
        : pageSize > 0 ? pageSize : page.requestedPageSize();
    // A page the source kept for a while (a scan's range read it ahead) was fetched, and began to wait for the
    // consumer, before the engine asked for it.
    SourcePage.FetchTiming timing = page.fetchTiming();
    long fetchNanos = timing == null ? now - startNanos : timing.receivedNanos() - timing.sentNanos();
    long arrivalNanos = timing == null ? now : timing.receivedNanos();
    DefaultPage fetchedPage = new DefaultPage(page, position, cut.pagesKept(), kept.offset(), kept.size(),
        sourceDone, state, requested, cut.rowsKept(), fetchNanos, arrivalNanos);
    buffer.add(fetchedPage);
    bufferedBytes += fetchedPage.responseBytes();
    // The page a consumer asked for is not read ahead, whether it takes it at once or once its previous call
    // (which asked for it) returns: count real read-ahead only.
    int waitingForConsumer = buffer.size() - (demand ? 1 : 0);
    maxBuffered = Math.max(maxBuffered, waitingForConsumer);
    return fetchedPage;
  }

  /**
   * Marks a retry of page {@code number}, which asked for {@code pageSize} rows, as under way (a fetch stays
   * in flight) and returns the action that schedules it; called under the lock. After a timeout the retry
   * asks for fewer rows, and so does every later page (see the class comment); it counts against the
   * retry budget all the same.
   */
  private Runnable scheduleRetry(int number, @Nullable ByteBuffer state, int pageSize, Throwable failure) {
    int shown = pageNumberOfNextFetch();
    pageRetries++;
    fetching = true;
    int attempt = pageRetries;
    Duration delay = retryPolicy.delay(attempt);
    int retrySize = Retryable.isTimeout(failure) ? PageSizer.afterTimeout(pageSize) : pageSize;
    if (retrySize != pageSize) {
      sizer.cap(retrySize);
      requestedPageSize = retrySize;
    }
    String size = retrySize == pageSize ? "" : " for " + retrySize + " rows instead of " + pageSize
        + " (and at most that for every later page)";
    return () -> {
      synchronized (this) {
        if (abortCause != null || terminated) {
          return; // closed since the retry was decided: no retry is counted, logged, told or sent
        }
        retries++;
      }
      LOG.info("Retrying page {} of '{}' (retry {} of {}) in {} ms{} after {}", shown, source.description(),
          attempt, retryPolicy.maxRetries(), delay.toMillis(), size, failure.toString());
      events.retry(shown, attempt, failure); // not told if the end is told first (a close from now on)
      if (delay.isZero()) {
        startFetch(number, state, retrySize);
      } else {
        TimeoutScheduler.Timeout wait = scheduler.schedule(() -> startFetch(number, state, retrySize), delay);
        boolean cancelNow;
        synchronized (this) {
          cancelNow = abortCause != null || terminated;
          if (!cancelNow) {
            retryTimer = wait; // cancelled by abort/finish; it may have run already (cancelling is then harmless)
          }
        }
        if (cancelNow) {
          wait.cancel();
        }
      }
    };
  }

  private Throwable toFetchFailure(Throwable error) {
    if (error instanceof AsyncCassandraException) {
      return error;
    }
    if (error instanceof CancellationException) {
      error = new AsyncCassandraException("The request was cancelled outside the stream", error);
    }
    return new PageFetchException(pageNumberOfNextFetch(), cut.rowsKept(), source.description(), error);
  }

  /**
   * The number the page being fetched will have for the consumer ({@link org.asynccassandra.Page#number()},
   * the events): the pages kept so far, plus one. A fetch's own number also counts the responses a resumed
   * stream skips whole, which no consumer sees; under the lock.
   */
  private int pageNumberOfNextFetch() {
    return cut.pagesKept() + 1;
  }

  private void onFetchTimeout(CompletableFuture<@Nullable SourcePage> future, int number,
      @Nullable ByteBuffer state, int pageSize, Duration timeout) {
    Runnable retry = null;
    long released = 0;
    synchronized (this) {
      if (inFlight != future) {
        return;
      }
      inFlight = null;
      fetching = false;
      fetchTimer = TimeoutScheduler.NONE;
      StreamTimeoutException.Kind kind =
          number == 1 ? StreamTimeoutException.Kind.FIRST_PAGE : StreamTimeoutException.Kind.PAGE;
      StreamTimeoutException timedOut =
          new StreamTimeoutException(kind, timeout, pageNumberOfNextFetch(), source.description());
      if (retryPolicy.shouldRetry(pageRetries, timedOut)) {
        retry = scheduleRetry(number, state, pageSize, timedOut); // the retry keeps the reservation
      } else {
        fetchFailure = timedOut;
        sourceDone = true;
        released = inFlightReserved;
        inFlightReserved = 0;
      }
    }
    releaseBudget(released);
    future.cancel(false);
    runRetry(retry);
    drain();
  }

  private void onTotalTimeout() {
    int page;
    synchronized (this) {
      page = Math.max(consumedPageNumber, 1);
    }
    abort(new StreamTimeoutException(StreamTimeoutException.Kind.TOTAL,
        Objects.requireNonNull(totalTimeout, "a total timer without a totalTimeout"), page,
        source.description()), false);
  }
}
