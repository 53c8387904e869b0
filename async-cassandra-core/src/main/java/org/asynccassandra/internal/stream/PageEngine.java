package org.asynccassandra.internal.stream;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.internal.util.Retryable;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch-and-buffer state machine behind a {@link DefaultRowStream}: it decides when to request the
 * next page, buffers what arrives, and hands pages to the stream's {@link PageSink} one at a time.
 *
 * <p>All decisions are made in {@link #drain()}, a loop that one thread at a time runs (a work-in-progress
 * counter hands pending work to the thread already in it), so that futures that complete synchronously
 * never recurse. State changes happen under {@link #lock}; futures are completed, requests sent and sink
 * calls dispatched outside it. No user code ever runs under the lock.
 *
 * <p>Read-ahead rule: pages fetched beyond the one the consumer holds (buffered plus in flight) never
 * exceed {@code prefetchPages}; a page the consumer waits for is always fetched; read-ahead stops while
 * the held and buffered response bytes reach {@code maxBufferedBytes}; at most one fetch is in flight.
 */
final class PageEngine {
  private static final Logger LOG = LoggerFactory.getLogger(PageEngine.class);

  private final PageSource source;
  private final TimeoutScheduler scheduler;
  private final int prefetchPages;
  private final long maxBufferedBytes; // 0: no byte budget
  private final long maxPages; // 0: unlimited
  private final long maxRows; // 0: unlimited
  private final Duration firstPageTimeout; // null: none
  private final Duration pageTimeout; // null: none
  private final Duration totalTimeout; // null: none
  private final int maxRetries;
  private final Duration retryBackoff;
  private final Position position;
  private final Runnable onTerminate;

  /** Written once by attach() before the first request(); read by sink dispatches. */
  private volatile PageSink sink;
  private volatile Executor executor;
  /** Set to true when the stream is aborted; read per row by consumers so that close() stops them fast. */
  private volatile boolean aborted;
  /** The columns of the first page, once it arrived. */
  private volatile ColumnDefinitions columns;
  /** A strong reference that keeps a self-driving stream reachable until it ends (see DefaultRowStream). */
  private volatile Object anchor;

  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicLong rowsDelivered = new AtomicLong();

  private final Object lock = new Object();
  // ---- guarded by lock ----
  /** Fetched pages not yet handed to the sink; never more than prefetchPages + 1. */
  private final ArrayDeque<DefaultPage> buffer = new ArrayDeque<>();
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
  /** A fetch is in flight (possibly before inFlight is assigned); at most one. */
  private boolean fetching;
  private CompletableFuture<SourcePage> inFlight;
  private TimeoutScheduler.Timeout fetchTimer = TimeoutScheduler.NONE;
  private TimeoutScheduler.Timeout totalTimer = TimeoutScheduler.NONE;
  private ByteBuffer nextPagingState;
  /** No more page will be fetched: the last page arrived, a limit was reached, or the stream failed. */
  private boolean sourceDone;
  /** A failed fetch, handed to the sink only after every buffered page. */
  private Throwable fetchFailure;
  /** An abort (close, total timeout, consumer failure), handed to the sink at once. */
  private Throwable abortCause;
  private boolean abortSilently;
  /** The terminal signal was decided; nothing is handed to the sink after it. */
  private boolean terminated;
  private int pagesFetched;
  private long rowsFetched;
  private long bytesFetched;
  private int maxBuffered;
  private int consumedPageNumber;
  private long waitStartNanos;
  private long consumerWaitNanos;
  private long pageIdleNanos;
  private long retries;
  /** Retries already spent on the page being fetched. */
  private int pageRetries;
  /** Pages handed to the buffer so far: the number of the last one. */
  private int pagesBuffered;
  /** Rows still to skip at the start of the result (a resume token's offset). */
  private int skipRemaining;

  PageEngine(PageSource source, StreamConfig config, TimeoutScheduler scheduler, Runnable onTerminate) {
    this.source = source;
    this.scheduler = scheduler;
    this.prefetchPages = config.prefetchPages();
    this.maxBufferedBytes = config.maxBufferedBytes().orElse(0);
    this.maxPages = config.maxPages().orElse(0);
    this.maxRows = config.maxRows().orElse(0);
    this.firstPageTimeout = config.firstPageTimeout().orElse(null);
    this.pageTimeout = config.pageTimeout().orElse(null);
    this.totalTimeout = config.totalTimeout().orElse(null);
    this.maxRetries = config.maxRetries();
    this.retryBackoff = config.retryBackoff();
    this.onTerminate = onTerminate;
    ResumeToken start = config.resumeFrom().orElse(null);
    if (start != null) {
      this.nextPagingState = start.pagingState().orElse(null);
      this.skipRemaining = start.rowOffset();
      this.sourceDone = start.isEnd();
    }
    this.position = new Position(source::fingerprint, nextPagingState, skipRemaining, sourceDone);
  }

  /** Where the consumer is; the styles report to it as they hand rows over. */
  Position position() {
    return position;
  }

  /**
   * Connects the consumer side. Sink calls are dispatched to {@code executor}. On an engine that already
   * ended (closed before consumption started), the sink receives the terminal signal at once.
   */
  void attach(PageSink sink, Executor executor, Object anchor) {
    this.executor = executor;
    this.sink = sink;
    this.anchor = anchor;
    drain();
  }

  /** The consumer is ready for the next page (and releases the one it held). */
  void request() {
    boolean startTotalTimer = false;
    synchronized (lock) {
      if (demand) {
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
    if (startTotalTimer) {
      TimeoutScheduler.Timeout timer = scheduler.schedule(this::onTotalTimeout, totalTimeout);
      synchronized (lock) {
        if (terminated || abortCause != null) {
          timer.cancel();
        } else {
          totalTimer = timer;
        }
      }
    }
    drain();
  }

  /**
   * Ends the stream at once: cancels the in-flight fetch, drops buffered pages, and hands {@code cause}
   * to the sink as soon as no sink call is running (never, when {@code silent}).
   *
   * @return false when the stream had already ended or was already aborted
   */
  boolean abort(Throwable cause, boolean silent) {
    CompletableFuture<SourcePage> cancelled;
    synchronized (lock) {
      if (terminated || abortCause != null) {
        return false;
      }
      abortCause = cause;
      abortSilently = silent;
      aborted = true;
      fetchTimer.cancel(); // a page timeout, or the wait before a retry
      fetchTimer = TimeoutScheduler.NONE;
      cancelled = inFlight;
      inFlight = null;
      fetching = false;
      sourceDone = true;
      buffer.clear();
      bufferedBytes = 0;
    }
    if (cancelled != null) {
      cancelled.cancel(false);
    }
    drain();
    return true;
  }

  /** Whether the stream was aborted (closed); cheap enough to call per row. */
  boolean isAborted() {
    return aborted;
  }

  /** Whether the stream has neither ended nor been aborted. */
  boolean isOpen() {
    synchronized (lock) {
      return !terminated && abortCause == null;
    }
  }

  void addDelivered(long rows) {
    if (rows > 0) {
      rowsDelivered.addAndGet(rows);
    }
  }

  void addRetry() {
    synchronized (lock) {
      retries++;
    }
  }

  Optional<ColumnDefinitions> columnDefinitions() {
    return Optional.ofNullable(columns);
  }

  String description() {
    return source.description();
  }

  Executor executor() {
    return executor;
  }

  StreamStats stats() {
    synchronized (lock) {
      return new StreamStats(pagesFetched, rowsFetched, rowsDelivered.get(), buffer.size(), maxBuffered,
          bytesFetched, Duration.ofNanos(consumerWaitNanos), Duration.ofNanos(pageIdleNanos), retries);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // The drain loop

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      Runnable action;
      while ((action = nextAction()) != null) {
        action.run();
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Decides the next step under the lock; the returned action runs outside it. */
  private Runnable nextAction() {
    synchronized (lock) {
      if (terminated || sink == null) {
        return null;
      }
      if (abortCause != null) {
        if (busy) {
          return null; // handed over once the running sink call returns
        }
        terminated = true;
        Throwable cause = abortCause;
        boolean silent = abortSilently;
        return () -> {
          finish();
          if (!silent) {
            dispatchTerminal(() -> sink.onError(cause));
          }
        };
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
          consumerWaitNanos += Math.max(0, now - waitStartNanos);
          pageIdleNanos += Math.max(0, now - page.arrivalNanos);
          // Request the next page before the consumer sees this one, so that it is read ahead even
          // when the consumer runs inline (a direct executor).
          Runnable readAhead = decideFetch();
          if (readAhead == null) {
            return () -> dispatchPage(page);
          }
          return () -> {
            readAhead.run();
            dispatchPage(page);
          };
        }
        if (fetchFailure != null) {
          terminated = true;
          Throwable failure = fetchFailure;
          return () -> {
            finish();
            dispatchTerminal(() -> sink.onError(failure));
          };
        }
        if (sourceDone && !fetching) {
          terminated = true;
          return () -> {
            finish();
            dispatchTerminal(() -> sink.onComplete());
          };
        }
      }
      return decideFetch();
    }
  }

  /** Marks a fetch as started when the read-ahead rule allows one; called under the lock. */
  private Runnable decideFetch() {
    if (started && !fetching && !sourceDone && mayFetch()) {
      fetching = true;
      int number = pagesFetched + 1;
      ByteBuffer state = nextPagingState;
      return () -> startFetch(number, state);
    }
    return null;
  }

  /** The read-ahead rule; called under the lock. */
  private boolean mayFetch() {
    int limit = holding ? prefetchPages : prefetchPages + 1;
    if (buffer.size() >= limit) {
      return false;
    }
    boolean needed = !holding && buffer.isEmpty();
    return needed || maxBufferedBytes == 0 || bufferedBytes + heldBytes < maxBufferedBytes;
  }

  private void dispatchPage(DefaultPage page) {
    dispatch(() -> {
      try {
        sink.onPage(page);
      } catch (Throwable error) {
        abort(error, false);
      } finally {
        synchronized (lock) {
          busy = false;
        }
        drain();
      }
    }, false);
  }

  private void dispatchTerminal(Runnable signal) {
    dispatch(signal, true);
  }

  private void dispatch(Runnable task, boolean terminal) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException rejected) {
      if (terminal) {
        task.run(); // the last signal must still arrive; the executor is gone, so run it here
      } else {
        synchronized (lock) {
          busy = false;
        }
        abort(new AsyncCassandraException("The stream's executor rejected a page delivery for '"
            + source.description() + "'; was its session or executor shut down?", rejected), false);
      }
    }
  }

  /** Runs once, when the terminal signal was decided. */
  private void finish() {
    TimeoutScheduler.Timeout fetch;
    TimeoutScheduler.Timeout total;
    synchronized (lock) {
      fetch = fetchTimer;
      total = totalTimer;
      fetchTimer = TimeoutScheduler.NONE;
      totalTimer = TimeoutScheduler.NONE;
      buffer.clear();
      bufferedBytes = 0;
    }
    fetch.cancel();
    total.cancel();
    anchor = null;
    source.close();
    onTerminate.run();
  }

  // ---------------------------------------------------------------------------------------------------
  // Fetching

  private void startFetch(int number, ByteBuffer state) {
    synchronized (lock) {
      if (abortCause != null || terminated) {
        return; // aborted while this fetch was being decided or waited for its retry
      }
    }
    long startNanos = System.nanoTime();
    CompletableFuture<SourcePage> future;
    try {
      future = source.fetch(state);
    } catch (Throwable error) {
      future = CompletableFuture.failedFuture(error);
    }
    synchronized (lock) {
      if (abortCause != null || terminated) {
        future.cancel(false);
        return;
      }
      inFlight = future;
    }
    Duration timeout = number == 1 ? firstPageTimeout : pageTimeout;
    if (timeout != null) {
      CompletableFuture<SourcePage> timed = future;
      TimeoutScheduler.Timeout timer =
          scheduler.schedule(() -> onFetchTimeout(timed, number, state, timeout), timeout);
      synchronized (lock) {
        if (inFlight == future) {
          fetchTimer = timer;
          timer = null;
        }
      }
      if (timer != null) {
        timer.cancel();
      }
    }
    CompletableFuture<SourcePage> fetched = future;
    fetched.whenComplete((page, error) -> onFetched(fetched, number, state, startNanos, page, error));
  }

  private void onFetched(CompletableFuture<SourcePage> future, int number, ByteBuffer state, long startNanos,
      SourcePage page, Throwable error) {
    TimeoutScheduler.Timeout timer;
    Runnable retry = null;
    synchronized (lock) {
      if (inFlight != future) {
        return; // it timed out or the stream was aborted: the outcome is already decided
      }
      inFlight = null;
      fetching = false;
      timer = fetchTimer;
      fetchTimer = TimeoutScheduler.NONE;
      if (error != null) {
        Throwable failure = unwrap(error);
        if (pageRetries < maxRetries && Retryable.isRetryable(failure)) {
          retry = scheduleRetry(number, state, failure);
        } else {
          fetchFailure = toFetchFailure(failure, number);
          sourceDone = true;
        }
      } else {
        long now = System.nanoTime();
        pagesFetched = number;
        pageRetries = 0;
        bytesFetched += Math.max(0, page.responseBytes());
        nextPagingState = page.pagingState();
        if (columns == null) {
          columns = page.columnDefinitions();
        }
        int offset = Math.min(skipRemaining, page.size());
        skipRemaining -= offset;
        int size = page.size() - offset;
        boolean limitReached = maxPages > 0 && pagesBuffered + 1 >= maxPages;
        if (maxRows > 0 && rowsFetched + size >= maxRows) {
          size = (int) (maxRows - rowsFetched);
          limitReached = true;
        }
        rowsFetched += size;
        sourceDone = !page.hasMorePages() || limitReached;
        // A response whose every row was delivered before a resume has nothing to hand over.
        boolean skippedWhole = size == 0 && offset > 0 && !sourceDone;
        if (!skippedWhole) {
          DefaultPage fetchedPage = new DefaultPage(page, position, ++pagesBuffered, offset, size, sourceDone,
              state, rowsFetched, now - startNanos, now);
          buffer.add(fetchedPage);
          bufferedBytes += fetchedPage.responseBytes();
          // A page that a waiting consumer takes at once is only passing through: count real read-ahead.
          int waitingForConsumer = buffer.size() - (demand && !busy ? 1 : 0);
          maxBuffered = Math.max(maxBuffered, waitingForConsumer);
        }
      }
    }
    timer.cancel();
    if (retry != null) {
      retry.run();
    }
    drain();
  }

  /**
   * Marks a retry of page {@code number} as under way (a fetch stays in flight) and returns the action
   * that schedules it; called under the lock.
   */
  private Runnable scheduleRetry(int number, ByteBuffer state, Throwable failure) {
    pageRetries++;
    retries++;
    fetching = true;
    int attempt = pageRetries;
    Duration delay = retryBackoff.multipliedBy(1L << Math.min(attempt - 1, 16));
    return () -> {
      LOG.info("Retrying page {} of '{}' (retry {} of {}) in {} ms after {}", number, source.description(),
          attempt, maxRetries, delay.toMillis(), failure.toString());
      if (delay.isZero()) {
        startFetch(number, state);
      } else {
        TimeoutScheduler.Timeout wait = scheduler.schedule(() -> startFetch(number, state), delay);
        synchronized (lock) {
          fetchTimer = wait; // cancelled like a fetch timer by abort/finish
        }
      }
    };
  }

  private Throwable toFetchFailure(Throwable error, int number) {
    if (error instanceof AsyncCassandraException) {
      return error;
    }
    if (error instanceof CancellationException) {
      error = new AsyncCassandraException("The request was cancelled outside the stream", error);
    }
    return new PageFetchException(number, rowsFetched, source.description(), error);
  }

  private void onFetchTimeout(CompletableFuture<SourcePage> future, int number, ByteBuffer state,
      Duration timeout) {
    Runnable retry = null;
    synchronized (lock) {
      if (inFlight != future) {
        return;
      }
      inFlight = null;
      fetching = false;
      fetchTimer = TimeoutScheduler.NONE;
      StreamTimeoutException.Kind kind =
          number == 1 ? StreamTimeoutException.Kind.FIRST_PAGE : StreamTimeoutException.Kind.PAGE;
      StreamTimeoutException timedOut = new StreamTimeoutException(kind, timeout, number, source.description());
      if (pageRetries < maxRetries) {
        retry = scheduleRetry(number, state, timedOut);
      } else {
        fetchFailure = timedOut;
        sourceDone = true;
      }
    }
    future.cancel(false);
    if (retry != null) {
      retry.run();
    }
    drain();
  }

  private void onTotalTimeout() {
    int page;
    synchronized (lock) {
      page = Math.max(consumedPageNumber, 1);
    }
    abort(new StreamTimeoutException(StreamTimeoutException.Kind.TOTAL, totalTimeout, page,
        source.description()), false);
  }

  static Throwable unwrap(Throwable error) {
    while (error instanceof CompletionException && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }
}
