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
package org.asynccassandra.internal.scan;

import org.asynccassandra.internal.stream.DefaultReadAheadBudget;
import org.asynccassandra.internal.stream.PageSizer;
import org.asynccassandra.internal.stream.PageSource;
import org.asynccassandra.internal.stream.SourcePage;
import org.asynccassandra.internal.stream.SourcePage.FetchTiming;
import org.asynccassandra.internal.stream.StreamEvents;
import org.asynccassandra.internal.util.Retryable;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ReadLimiter;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamStats;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.internal.util.RetryPolicy;
import org.asynccassandra.internal.util.SendGate;
import org.asynccassandra.internal.util.Threads;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page source of a table scan: it reads up to {@code parallelism} token ranges at once and hands their
 * pages to the scan's engine in arrival order, one per {@link #fetch} call.
 *
 * <p>Memory bound: a range is <em>open</em> from its first request until its last page was taken by the
 * engine (not merely received), at most {@code parallelism} ranges are open, and an open range owns at
 * most {@code 1 + prefetchPages} pages (in flight plus queued here). So at most {@code parallelism × (1 +
 * prefetchPages)} pages wait here, whatever the sizes of the ranges; the next range opens only when the
 * consumer took the last page of an earlier one. The scan's engine reads no further ahead, so the consumer
 * holds one more page at most. With {@code maxBufferedBytes}, no read-ahead request goes out (of any range)
 * while the pages queued here and the estimated sizes of the read-ahead in flight reach it; the request the
 * consumer waits for always does. So about {@code maxBufferedBytes} plus a page (two with the consumer's)
 * wait here, however many ranges are open: a small bound reads the ranges one request at a time.
 *
 * <p>Page sizes: each range asks for the fetch size, or, with a byte target ({@code targetPageBytes}), for
 * as many rows as fit in it at the width its last page measured, through its own {@link PageSizer}; a
 * range that measured nothing yet takes the width the scan measured last (from any range), so only the
 * ranges opened before any page arrived ask for the probe. A timeout caps the size (below).
 *
 * <p>Session budget: with a {@link DefaultReadAheadBudget}, every request except the one the consumer
 * needs (it waits, and nothing is in flight or queued) is read-ahead and reserves its estimate (the range's
 * last page, else the scan's) first, then its real size when it arrives, until the engine takes the page.
 * A request the budget refuses waits in its queue, and the source pumps again when woken.
 *
 * <p>Trouble on a range: a range whose request times out asks for pages at most half as big as the one
 * that timed out from then on (down to {@link PageSizer#MIN_TIMEOUT_PAGE_SIZE} rows, same paging state, so no row is
 * repeated), since a smaller page answers sooner; a byte target sizes pages below that cap. When a page of
 * at most that floor times out, the part of it not yet read is split: the range is narrowed to
 * end at the first of {@link #SPLIT_PIECES} equal pieces of what is left after its last row (it goes on
 * from its paging state, so the rest of the partition it was in is read by it), and the other pieces
 * become new ranges of the scan, read next. Pieces split again the same way, {@link #MAX_SPLIT_DEPTH}
 * times at most; only then do the timeouts count against the retry budget, and the range fails with
 * advice. These steps are taken only while retries are allowed ({@code retry(0, ...)} turns them off), and
 * a range whose position is unknown (its partition key is not among the scan's columns, or its last page
 * was empty) is not split. The checkpoint lists the narrowed range and its pieces from the moment of the
 * split, so a resume reads each of them from where it is.
 *
 * <p>Each range request has the scan's page timeout (the first request of a range: the first-page
 * timeout) and the shared {@link RetryPolicy}. All state is guarded by {@link #lock}; requests are sent,
 * timers set and futures completed outside it.
 */
final class ScanPageSource implements PageSource {
  private static final Logger LOG = LoggerFactory.getLogger(ScanPageSource.class);
  private static final ByteBuffer MORE = ByteBuffer.allocate(1).asReadOnlyBuffer();

  private final RangeRequests requests;
  private final ScanRanges scanRanges;
  private final int parallelism;
  private final int ownedPerRange;
  private final RetryPolicy retryPolicy;
  private final @Nullable Duration firstPageTimeout;
  private final @Nullable Duration pageTimeout;
  private final TimeoutScheduler scheduler;
  private final @Nullable ReadLimiter rowLimiter;
  private final @Nullable ReadLimiter byteLimiter;
  private final int rowsPerRequest;
  private final long targetPageBytes; // 0: pages are not sized by bytes
  private final long maxBufferedBytes; // 0: read-ahead is bounded in pages only
  private final String description;
  private final StreamEvents events;
  /** The session's read-ahead budget, or null. */
  private final @Nullable DefaultReadAheadBudget budget;
  /** This scan's place in the budget's queue; woken on a pool thread (wake-ups must not nest). */
  /** For tests: runs after a refusal of the budget, before the wait, where another pump may come first. */
  @Nullable Runnable beforeBudgetWait;

  private final DefaultReadAheadBudget.Waiter budgetWaiter =
      new DefaultReadAheadBudget.Waiter(() -> Threads.fallbackExecutor().execute(this::pump));

  private final Object lock = new Object();
  // ---- guarded by lock ----
  private final List<Reader> readers = new ArrayList<>();
  private final ArrayDeque<RangePage> ready = new ArrayDeque<>();
  private @Nullable CompletableFuture<@Nullable SourcePage> waiting;
  private int nextToStart;
  /**
   * The readers of the ranges opened and not yet released (at most parallelism), in the order they were opened
   * (the order of {@link #readers}): what the pump and the read-ahead bounds look at, so that each step costs
   * the ranges open, not every range started (a scan of 40,000 one-page ranges spent 7 s of its consumer's time
   * going over the finished ones).
   */
  private final List<Reader> live = new ArrayList<>();
  private @Nullable Throwable failure;
  /** The failure of a range, with the rows delivered before it as given; null until a range failed. */
  private @Nullable LongFunction<PageFetchException> failureAt;
  private boolean closed;
  /**
   * The threads handing a range's request to the driver right now (send, between its two checks): close()
   * waits for them, so that nothing is sent after it returns.
   */
  private final SendGate sending = new SendGate(lock);
  private long retries;
  private long splits;
  private long rowsTaken;
  /** The latest page with rows and a known size, of any range: the width a range that measured none takes. */
  private int measuredRows;
  private long measuredBytes;
  /** The size of the latest response, of any range: the budget's estimate for a range that had none. */
  private long lastPageBytes;
  private int lastRequestedPageSize;
  /** The most pages that waited in {@link #ready} at once. */
  private int maxReady;
  /**
   * Fetched pages the engine never takes, which still count as fetched: those close() dropped from
   * {@link #ready}, and a range's empty responses that are not its last (no rows, more to read: a server
   * that skipped tombstones, say), which are never queued.
   */
  private int untakenPages;
  private long untakenRows;
  private long untakenBytes;
  /** No request goes out before this System.nanoTime(): the debt of the bytes read so far. */
  private long notBeforeNanos = System.nanoTime();

  ScanPageSource(RangeRequests requests, String description, ScanRanges ranges, int parallelism,
      int prefetchPages, RetryPolicy retryPolicy, @Nullable Duration firstPageTimeout,
      @Nullable Duration pageTimeout, TimeoutScheduler scheduler, @Nullable ReadLimiter rowLimiter,
      @Nullable ReadLimiter byteLimiter, int rowsPerRequest, long targetPageBytes, long maxBufferedBytes,
      StreamEvents events, @Nullable DefaultReadAheadBudget budget) {
    this.events = events;
    this.targetPageBytes = targetPageBytes;
    this.maxBufferedBytes = maxBufferedBytes;
    this.budget = budget;
    this.rowLimiter = rowLimiter;
    this.byteLimiter = byteLimiter;
    this.rowsPerRequest = rowsPerRequest;
    this.requests = requests;
    this.parallelism = parallelism;
    this.ownedPerRange = 1 + prefetchPages;
    this.retryPolicy = retryPolicy;
    this.firstPageTimeout = firstPageTimeout;
    this.pageTimeout = pageTimeout;
    this.scheduler = scheduler;
    this.description = description;
    this.scanRanges = ranges;
    for (PlannedRange range : ranges.snapshot()) {
      readers.add(new Reader(range, rowsPerRequest, targetPageBytes));
    }
  }

  /** One range: where it is, and what it has in flight or queued; guarded by the source's lock. */
  static final class Reader {
    volatile PlannedRange range; // narrowed by a split, under the lock
    int depth; // how many times this range and its ancestors were split
    /** The token of the last row received, or null when unknown or nothing was received yet. */
    @Nullable String lastToken;
    @Nullable ByteBuffer pagingState; // the next request's
    int skip; // rows of the next response already delivered (resume)
    boolean finished; // its last page was received
    boolean inFlight; // a request is in flight or waits for its retry
    int owned; // pages in flight or queued
    int pageRetries;
    int pagesReceived;
    /** Sizes its pages: the fetch size, or by bytes. */
    final PageSizer sizer;
    int pageCap; // the most rows a request asks for: the fetch size, halved after each timeout, to the floor
    int asked; // the rows its latest request asked for
    long reserved; // budget bytes reserved for its request in flight (0: none, or one the consumer needed)
    long expected; // the estimated size of its read-ahead in flight, for maxBufferedBytes (0: none)
    long lastPageBytes; // the size of its latest response, the budget's estimate of its next one
    int timeouts; // timeouts of its current page
    @Nullable CompletableFuture<SourcePage> request; // the request in flight, for timeouts and close()
    TimeoutScheduler.Timeout timer = TimeoutScheduler.NONE; // the timeout of its request in flight
    /**
     * The wait before its next request goes out (the read limiters', or before a retry); apart from
     * {@link #timer}, which that request's send sets, as it may run before the wait's scheduler returns.
     */
    TimeoutScheduler.Timeout sendTimer = TimeoutScheduler.NONE;
    /** The wait before a retry; apart from sendTimer, which the retry's own limiter wait may set first. */
    TimeoutScheduler.Timeout retryTimer = TimeoutScheduler.NONE;

    Reader(PlannedRange range, int maxPageSize, long targetPageBytes) {
      this.sizer = new PageSizer(maxPageSize, targetPageBytes);
      this.pageCap = maxPageSize;
      this.range = range;
      this.pagingState = range.initialPagingState;
      this.skip = range.initialSkip;
      this.finished = range.initialState == ScanCheckpoint.State.DONE;
    }
  }

  /** A response of one range, as the scan's engine sees it. */
  static final class RangePage implements SourcePage {
    final PlannedRange range;
    final @Nullable ByteBuffer requestPagingState;
    final @Nullable ByteBuffer nextPagingState;
    /** Rows at the start of the response skipped because a resumed scan delivered them before. */
    final int skipped;
    final boolean rangeFinished;
    /** The token of its last row, as {@link RangeRequests#lastToken} gives it; null when not known. */
    final @Nullable String lastToken;
    private final SourcePage response;
    /** The response's rows, when decoded already; handed over (and forgotten) by rows(). */
    private @Nullable List<Row> decoded;
    private final Reader reader;
    private final int requestedPageSize;
    private final FetchTiming timing;
    private volatile boolean lastOfScan;
    /** Budget bytes it holds while queued here; the source's lock. */
    long budgetBytes;

    RangePage(Reader reader, @Nullable ByteBuffer requestPagingState, SourcePage response,
        @Nullable List<Row> decoded, @Nullable String lastToken, int skipped, int requestedPageSize,
        FetchTiming timing) {
      this.reader = reader;
      this.lastToken = lastToken;
      this.timing = timing;
      this.decoded = decoded;
      this.requestedPageSize = requestedPageSize;
      this.range = reader.range;
      this.requestPagingState = requestPagingState;
      this.response = response;
      this.nextPagingState = response.pagingState();
      this.rangeFinished = !response.hasMorePages();
      this.skipped = skipped;
    }

    @Override
    public int size() {
      return response.size() - skipped;
    }

    @Override
    public List<Row> rows() {
      List<Row> rows = decoded;
      if (rows == null) {
        rows = response.rows(); // throws on a second call, as the driver's response does
      } else {
        decoded = null; // handed over: this page, which the scan's futures may still reference, keeps none
      }
      return skipped == 0 ? rows : rows.subList(skipped, rows.size());
    }

    @Override
    public boolean hasMorePages() {
      return !lastOfScan;
    }

    @Override
    public @Nullable ByteBuffer pagingState() {
      return lastOfScan ? null : MORE;
    }

    @Override
    public long responseBytes() {
      return response.responseBytes();
    }

    @Override
    public ExecutionInfo executionInfo() {
      return response.executionInfo();
    }

    @Override
    public int requestedPageSize() {
      return requestedPageSize;
    }

    @Override
    public ColumnDefinitions columnDefinitions() {
      return response.columnDefinitions();
    }

    /** The range's own request and response: the page may wait here long after both. */
    @Override
    public FetchTiming fetchTiming() {
      return timing;
    }
  }

  /** Into how many pieces the rest of a range that keeps timing out is cut. */
  static final int SPLIT_PIECES = 4;
  /** How many times a range (with its pieces) is split at most: into at most 16 pieces. */
  static final int MAX_SPLIT_DEPTH = 2;

  /** How many times a range was split around trouble. */
  long splits() {
    synchronized (lock) {
      return splits;
    }
  }

  /**
   * The engine's statistics with what the range readers hold: their queued pages count as fetched and
   * buffered, the pages the engine never takes (dropped by close(), or empty) as fetched, and the retries
   * and page sizes are the ranges'. The engine counts a page once it takes it, so a page moving to the
   * engine while the two snapshots are taken may be missed by this one.
   */
  @Override
  public StreamStats stats(StreamStats engine) {
    synchronized (lock) {
      long rows = untakenRows;
      long bytes = untakenBytes;
      for (RangePage page : ready) {
        rows += page.size();
        bytes += Math.max(0, page.responseBytes());
      }
      return new StreamStats(engine.pagesFetched() + ready.size() + untakenPages, engine.rowsFetched() + rows,
          engine.rowsDelivered(), engine.bufferedPages() + ready.size(),
          Math.max(engine.maxBufferedPages(), maxReady), engine.bytesFetched() + bytes, engine.consumerWaitTime(),
          engine.pageIdleTime(), retries, lastRequestedPageSize);
    }
  }

  /** Pages in flight or queued here now, over every range (for tests of the memory bound). */
  /** For tests: a pump, as a wake of the session budget runs one on its pool. */
  void pumpForTests() {
    pump();
  }

  /** For tests: whether the scan waits in the session budget's queue. */
  boolean waitsForBudget() {
    return budgetWaiter.isQueued();
  }

  int pagesOwned() {
    synchronized (lock) {
      return readers.stream().mapToInt(reader -> reader.owned).sum();
    }
  }

  @Override
  public boolean resumable() {
    return false;
  }

  @Override
  public CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer ignored) {
    CompletableFuture<@Nullable SourcePage> future = new CompletableFuture<>();
    RangePage page;
    Throwable failed = null;
    boolean end = false;
    long released = 0;
    synchronized (lock) {
      page = takeReady();
      if (page != null) {
        released = takeBudget(page);
      } else {
        if (failure != null) {
          failed = failureAt != null ? failureAt.apply(rowsTaken) : failure; // nothing is ready: rowsTaken is all
        } else if (allDone()) {
          end = true;
        } else {
          waiting = future;
        }
      }
    }
    release(released);
    if (page != null) {
      future.complete(page);
    } else if (failed != null) {
      future.completeExceptionally(failed);
    } else if (end) {
      completeEnd(future);
    }
    pump();
    return future;
  }

  /**
   * Ends the scan, after checking that every range was read to its last page: a scan never ends
   * successfully with a range missing, whatever bug might let it think so.
   */
  private void completeEnd(CompletableFuture<@Nullable SourcePage> future) {
    List<String> missing = new ArrayList<>();
    synchronized (lock) {
      for (Reader reader : readers) {
        if (!reader.finished) {
          missing.add(reader.range.toString());
        }
      }
    }
    if (missing.isEmpty()) {
      future.complete(null);
    } else {
      future.completeExceptionally(new AsyncCassandraException("The " + description + " was about to end with "
          + missing.size() + " ranges not read in full: " + String.join(", ", missing.subList(0,
              Math.min(10, missing.size()))) + "; this is a bug, please report it"));
    }
  }

  /** Takes a queued page and marks whether it is the last of the whole scan; under the lock. */
  private @Nullable RangePage takeReady() {
    RangePage page = ready.poll();
    if (page != null) {
      Reader reader = page.reader;
      reader.owned--;
      rowsTaken += page.size();
      if (reader.finished && reader.owned == 0) {
        release(reader);
      }
      page.lastOfScan = ready.isEmpty() && allDone();
    }
    return page;
  }

  /** The budget bytes a page taken by the engine gives back (it is no longer read ahead); under the lock. */
  private static long takeBudget(RangePage page) {
    long bytes = page.budgetBytes;
    page.budgetBytes = 0;
    return bytes;
  }

  private void release(long bytes) {
    DefaultReadAheadBudget sessionBudget = budget;
    if (sessionBudget != null && bytes != 0) {
      sessionBudget.adjust(bytes);
    }
  }

  /**
   * Whether the next request is read-ahead, which the budget must allow: all but the one the consumer
   * waits for while nothing is in flight or queued; under the lock.
   */
  private boolean isReadAhead() {
    if (waiting == null || !ready.isEmpty()) {
      return true;
    }
    for (Reader reader : live) { // the others own nothing
      if (reader.owned > 0) {
        return true;
      }
    }
    return false;
  }

  /** A range read in full and whose pages were all taken: it leaves the open ones; under the lock. */
  private void release(Reader reader) {
    live.remove(reader);
  }

  /**
   * The read-ahead {@code maxBufferedBytes} bounds, under the lock: the response bytes queued here, and the
   * estimated sizes of the read-ahead requests in flight (the page the engine holds is the consumer's).
   */
  private long bufferedBytes() {
    long bytes = 0;
    for (RangePage page : ready) {
      bytes += Math.max(0, page.responseBytes());
    }
    for (Reader reader : live) { // the others have no request in flight
      bytes += reader.expected;
    }
    return bytes;
  }

  /**
   * The budget's estimate of the reader's next response, under the lock: the rows it will ask for at the row
   * width measured (its own, else the scan's), since pages sized by bytes or cut after a timeout vary in rows;
   * the latest response's size when no width is known.
   */
  private long estimateBytes(Reader reader) {
    int rows = nextPageSize(reader);
    long estimate = reader.sizer.estimateBytes(rows);
    if (estimate <= 0 && measuredRows > 0 && rows > 0) {
      estimate = PageSizer.bytesOf(rows, measuredRows, measuredBytes);
    }
    if (estimate <= 0) {
      estimate = reader.lastPageBytes > 0 ? reader.lastPageBytes
          : lastPageBytes > 0 ? lastPageBytes : DefaultReadAheadBudget.FIRST_ESTIMATE;
    }
    return estimate;
  }

  /** The rows the reader's next request asks for; under the lock. */
  private int nextPageSize(Reader reader) {
    if (measuredRows > 0) {
      reader.sizer.seed(measuredRows, measuredBytes); // nothing once it measured a page of its own
    }
    return Math.min(reader.pageCap, reader.sizer.next());
  }

  /** Whether every range was read and its pages taken; under the lock. */
  private boolean allDone() {
    if (!live.isEmpty()) {
      return false;
    }
    for (int i = nextToStart; i < readers.size(); i++) {
      if (!readers.get(i).finished) {
        return false;
      }
    }
    return true;
  }

  /** Opens ranges and sends whatever requests the bounds allow. */
  private void pump() {
    List<Runnable> starts = new ArrayList<>();
    boolean awaitBudget = false;
    DefaultReadAheadBudget sessionBudget = budget;
    boolean ended;
    synchronized (lock) {
      ended = closed || failure != null;
      while (!ended && live.size() < parallelism && nextToStart < readers.size()) {
        Reader reader = readers.get(nextToStart++);
        if (!reader.finished) {
          live.add(reader);
        }
      }
      for (int i = 0; i < live.size() && !ended; i++) {
        Reader reader = live.get(i);
        if (mayRequest(reader)) {
          boolean readAhead = (sessionBudget != null || maxBufferedBytes != 0) && isReadAhead();
          long estimate = readAhead ? estimateBytes(reader) : 0;
          if (readAhead && ownByteBoundReached()) {
            break; // the scan's own byte bound: read-ahead goes on once the consumer took pages (fetch pumps)
          }
          if (readAhead && sessionBudget != null) {
            if (!sessionBudget.tryReserve(budgetWaiter, estimate)) {
              awaitBudget = true; // first come, first served: no other range of this scan goes before
              break;
            }
            reader.reserved = estimate;
          }
          reader.expected = maxBufferedBytes != 0 ? estimate : 0;
          reader.inFlight = true;
          reader.owned++;
          ByteBuffer state = reader.pagingState;
          starts.add(() -> sendWhenAllowed(reader, state));
        }
      }
    }
    boolean again = false;
    if (sessionBudget != null) {
      if (awaitBudget) {
        Runnable hook = beforeBudgetWait;
        if (hook != null) {
          hook.run();
        }
        sessionBudget.await(budgetWaiter);
        // Another pump may have come since the refusal: a close or a failure (whose own leave may have run
        // before this await), or one that read ahead what was refused here. A scan left in line wanting
        // nothing would hold back every other stream of the session (first come, first served).
        again = leaveUnlessWanting(sessionBudget);
      } else if (budgetWaiter.isQueued()) {
        // Nothing more is held back, or the scan ended or failed. Another pump may have been refused and
        // queued the scan since this one's look: it is asked again after the leave.
        sessionBudget.leave(budgetWaiter);
        synchronized (lock) {
          again = wantsBudgetLocked();
        }
      }
    }
    starts.forEach(Runnable::run);
    if (again) {
      pump(); // tries again: it reads ahead, or waits in line once more
    }
  }

  /** Leaves the budget's queue when the scan wants nothing of it now; whether it wants something again since. */
  private boolean leaveUnlessWanting(DefaultReadAheadBudget sessionBudget) {
    synchronized (lock) {
      if (wantsBudgetLocked()) {
        return false;
      }
    }
    sessionBudget.leave(budgetWaiter);
    synchronized (lock) {
      return wantsBudgetLocked();
    }
  }

  /** Whether {@code reader} may send its next request as far as its own state goes; under the lock. */
  private boolean mayRequest(Reader reader) {
    return !reader.finished && !reader.inFlight && reader.owned < ownedPerRange;
  }

  /** Whether the scan's own {@code maxBufferedBytes} stops read-ahead now; under the lock. */
  private boolean ownByteBoundReached() {
    return maxBufferedBytes != 0 && bufferedBytes() >= maxBufferedBytes;
  }

  /**
   * Whether a range would read ahead now if the session's budget allowed it, as {@link #pump} decides; under
   * the lock. Only then may the scan wait in the budget's queue.
   */
  private boolean wantsBudgetLocked() {
    if (closed || failure != null || !isReadAhead()
        || ownByteBoundReached()) {
      return false;
    }
    for (Reader reader : live) {
      if (mayRequest(reader)) {
        return true;
      }
    }
    return false;
  }

  /** Sends once the read limiters allow it: at once, or later from the timer thread (never sleeping). */
  private void sendWhenAllowed(Reader reader, @Nullable ByteBuffer state) {
    int pageSize;
    synchronized (lock) {
      if (closed || failure != null) {
        return; // nothing more is sent (see send): charge no limiter, which other scans may share
      }
      pageSize = nextPageSize(reader); // the size charged is the size sent, whatever is measured meanwhile
    }
    long wait;
    try {
      wait = rowLimiter == null ? 0 : rowLimiter.reserve(pageSize);
    } catch (Throwable limiterFailure) { // checked ones too, thrown undeclared: never lost on a driver thread
      send(reader, state, pageSize, limiterFailure); // the range fails (or retries) with it, as a failed request
      return;
    }
    if (wait == Long.MAX_VALUE) {
      send(reader, state, pageSize, never("row", pageSize, "rows", "the fetch size"));
      return;
    }
    synchronized (lock) {
      wait = Math.max(wait, notBeforeNanos - System.nanoTime());
    }
    if (wait <= 0) {
      send(reader, state, pageSize, null);
      return;
    }
    TimeoutScheduler.Timeout timer =
        scheduler.schedule(() -> send(reader, state, pageSize, null), Duration.ofNanos(wait));
    boolean cancel;
    synchronized (lock) {
      cancel = closed;
      if (!cancel) {
        reader.sendTimer = timer; // cancelled by close()
      }
    }
    if (cancel) {
      timer.cancel();
    }
  }

  /** A read limiter's answer of {@link Long#MAX_VALUE}: a wait that never ends, which fails the range instead. */
  private static AsyncCassandraException never(String limiter, long permits, String what, String bound) {
    return new AsyncCassandraException("The scan's " + limiter + " limiter answered that " + permits + " " + what
        + " can never be read (a wait of Long.MAX_VALUE, as Bucket4j answers a charge above its capacity): give"
        + " it a capacity of at least " + bound);
  }

  /**
   * Sends the range's next request, of {@code pageSize} rows (what the row limiter was charged); with
   * {@code failedBefore} (a read limiter threw, or can never allow it), none: the request fails with it at
   * once, and the range retries or fails as after any failed request.
   */
  private void send(Reader reader, @Nullable ByteBuffer state, int pageSize,
      @Nullable Throwable failedBefore) {
    synchronized (lock) {
      if (closed || failure != null) {
        return; // closed, or failed: the scan ends, so nothing more is asked (retries included)
      }
      sending.begin(); // close() now waits until this request is handed over
    }
    CompletableFuture<SourcePage> response;
    long sentNanos = System.nanoTime(); // the page's fetch latency starts here
    boolean stillSending = true;
    try {
      try {
        PlannedRange range;
        synchronized (lock) {
          reader.asked = pageSize;
          lastRequestedPageSize = pageSize;
          range = reader.range;
        }
        response = failedBefore != null ? CompletableFuture.failedFuture(failedBefore)
            : requests.fetch(range, state, pageSize);
      } catch (RuntimeException error) {
        response = CompletableFuture.failedFuture(error);
      }
      boolean cancel;
      synchronized (lock) {
        cancel = closed;
        if (!cancel) {
          reader.request = response;
          sending.end();
          stillSending = false;
        }
      }
      if (cancel) {
        response.cancel(false); // before the close() waiting for this send returns
        return;
      }
    } finally {
      if (stillSending) {
        synchronized (lock) {
          sending.end();
        }
      }
    }
    Duration timeout = reader.pagesReceived == 0 ? firstPageTimeout : pageTimeout;
    CompletableFuture<SourcePage> sent = response;
    if (timeout != null) {
      TimeoutScheduler.Timeout timer =
          scheduler.schedule(() -> onTimeout(reader, sent, state, sentNanos, timeout), timeout);
      synchronized (lock) {
        if (reader.request == sent) {
          reader.timer = timer;
          timer = null;
        }
      }
      if (timer != null) {
        timer.cancel();
      }
    }
    sent.whenComplete((page, error) -> onResponse(reader, sent, state, sentNanos, page, error));
  }

  private void onTimeout(Reader reader, CompletableFuture<SourcePage> sent, @Nullable ByteBuffer state,
      long sentNanos, Duration timeout) {
    StreamTimeoutException.Kind kind =
        reader.pagesReceived == 0 ? StreamTimeoutException.Kind.FIRST_PAGE : StreamTimeoutException.Kind.PAGE;
    onResponse(reader, sent, state, sentNanos, null, new StreamTimeoutException(kind, timeout,
        reader.pagesReceived + 1, description + " in token range " + reader.range));
    sent.cancel(false);
  }

  private void onResponse(Reader reader, CompletableFuture<SourcePage> sent, @Nullable ByteBuffer state,
      long sentNanos, @Nullable SourcePage response, @Nullable Throwable error) {
    long receivedNanos = System.nanoTime();
    long byteDebt = 0;
    if (byteLimiter != null && response != null && error == null) {
      try {
        byteDebt = byteLimiter.reserve(Math.max(0, response.responseBytes()));
        if (byteDebt == Long.MAX_VALUE) {
          throw never("byte", Math.max(0, response.responseBytes()), "bytes", "the largest response");
        }
      } catch (Throwable limiterFailure) { // checked ones too, thrown undeclared
        // Not lost in the response's callback: the page is asked again or the range fails with it.
        error = limiterFailure;
        response = null;
      }
    }
    // Decoded here once when the range's position needs its last row; the RangePage then hands them over.
    List<Row> decoded = null;
    String lastToken = null;
    try {
      decoded = response != null && error == null && response.size() > 0 ? response.rows() : null;
      lastToken = decoded != null ? requests.lastToken(decoded) : null;
    } catch (Throwable undecodable) { // checked ones too, thrown undeclared
      // Not lost in the response's callback (the range would wait for an answer for good, and the scan's stage
      // never complete): the page is asked again or the range fails with it, as for any failed response.
      error = undecodable;
      response = null;
      decoded = null;
      lastToken = null;
    }
    String adaptation = null;
    CompletableFuture<@Nullable SourcePage> handOver = null;
    RangePage handed = null;
    Throwable failed = null;
    boolean end = false;
    Duration retryDelay = null;
    int attempt = 0;
    long released = 0;
    TimeoutScheduler.Timeout timer;
    synchronized (lock) {
      if (closed || reader.request != sent) {
        return; // closed, or this request already timed out
      }
      reader.request = null;
      timer = reader.timer;
      reader.timer = TimeoutScheduler.NONE;
      reader.inFlight = false;
      if (error != null) {
        Throwable cause = Retryable.unwrap(error);
        // Another range failed already: the scan ends with that failure (the first), and asks nothing more.
        boolean scanFailed = failure != null;
        if (Retryable.isTimeout(cause)) {
          reader.timeouts++;
          if (retryPolicy.maxRetries() > 0 && !scanFailed) {
            adaptation = adaptToTimeout(reader);
          }
        }
        if (adaptation != null) {
          retries++;
          reader.inFlight = true; // the request goes out again, and keeps the slot
          retryDelay = retryPolicy.delay(1);
        } else if (!scanFailed && retryPolicy.shouldRetry(reader.pageRetries, cause)) {
          attempt = ++reader.pageRetries;
          retries++;
          reader.inFlight = true; // the retry keeps the slot
          retryDelay = retryPolicy.delay(attempt);
        } else if (scanFailed) {
          reader.owned--; // its slot and its bytes go back; the failure handed over stays the first one
          // Not dropped without a word: a node lost under several ranges at once fails them with other errors.
          LOG.warn("A page of the {} in range {} failed too, after the scan had failed: {}", description,
              reader.range, cause.toString());
          released = reader.reserved;
          reader.reserved = 0;
          reader.expected = 0;
        } else {
          reader.owned--;
          released = reader.reserved;
          reader.reserved = 0;
          reader.expected = 0;
          long delivered = rowsTaken + ready.stream().mapToLong(RangePage::size).sum();
          String advice = reader.timeouts == 0 ? null : "it timed out " + reader.timeouts + " times, the last "
              + "time with pages of " + reader.asked + " rows" + (reader.depth == 0 ? "" : ", after the scan "
              + "split it " + reader.depth + " times") + "; a range that keeps timing out usually holds a huge "
              + "partition (a single partition cannot be split by tokens) or many tombstones: raise the request "
              + "timeout or the server's range_request_timeout, or lower the fetch size";
          int failedPage = reader.pagesReceived + 1;
          ScanRange failedRange = reader.range.range;
          // Made again with the rows taken when it is handed over: other ranges' pages that arrive after it,
          // and are handed over before it, are delivered too.
          failureAt = rows -> new PageFetchException(failedPage, rows, description, failedRange, cause, advice);
          failure = failureAt.apply(delivered);
          if (ready.isEmpty() && waiting != null) {
            failed = failure;
            handOver = waiting;
            waiting = null;
          }
        }
      } else {
        // A request completes with a page or an error: no error here means a page.
        SourcePage received = Objects.requireNonNull(response, "a page request completed with neither page nor error");
        if (byteDebt > 0) {
          long now = System.nanoTime();
          // Saturated: a debt of centuries must hold requests back, not overflow into the past.
          long until = byteDebt > Long.MAX_VALUE - Math.max(0, now) ? Long.MAX_VALUE : now + byteDebt;
          notBeforeNanos = Math.max(notBeforeNanos, until);
        }
        reader.pageRetries = 0;
        reader.timeouts = 0;
        reader.pagesReceived++;
        long bytes = received.responseBytes();
        reader.sizer.observe(received.size(), bytes);
        if (received.size() > 0 && bytes > 0) {
          measuredRows = received.size();
          measuredBytes = bytes;
        }
        if (bytes > 0) {
          reader.lastPageBytes = bytes;
          lastPageBytes = bytes;
        }
        long reservedForIt = reader.reserved;
        reader.reserved = 0;
        reader.expected = 0; // its bytes are queued here now, or it was empty
        if (received.size() > 0) {
          reader.lastToken = lastToken;
        } else if (received.hasMorePages()) {
          reader.lastToken = null; // the server went on past rows it did not return: its position is unknown
        }
        int skipped = Math.min(reader.skip, received.size());
        reader.skip -= skipped;
        RangePage page = new RangePage(reader, state, received, decoded, received.size() > 0 ? lastToken : null,
            skipped, reader.asked,
            new FetchTiming(sentNanos, receivedNanos));
        reader.pagingState = page.nextPagingState;
        reader.finished = page.rangeFinished;
        if (page.size() == 0 && !page.rangeFinished) {
          reader.owned--; // nothing to hand over: the next request goes out at once
          released = reservedForIt;
          untakenPages++;
          untakenBytes += Math.max(0, bytes);
        } else {
          ready.add(page);
          if (reservedForIt > 0) { // read ahead: it holds its real size until the engine takes it
            page.budgetBytes = Math.max(0, bytes);
            released = reservedForIt - page.budgetBytes;
          } else if (budget != null) {
            // Asked for as the page the consumer waited for (nothing reserved), it came after another range's
            // page was handed over: it waits in the queue as a page read ahead does, and is charged as one
            // until taken (handed over below at once, it is given back there).
            page.budgetBytes = Math.max(0, bytes);
            released = -page.budgetBytes;
          }
        }
        if (reader.finished && reader.owned == 0) {
          release(reader);
        }
        if (waiting != null) {
          handed = takeReady();
          if (handed != null) {
            released += takeBudget(handed);
          }
          end = handed == null && allDone();
          if (handed != null || end) {
            handOver = waiting;
            waiting = null;
          }
        }
        maxReady = Math.max(maxReady, ready.size()); // a page handed to a waiting consumer is not read ahead
      }
    }
    timer.cancel();
    release(released);
    if (retryDelay != null) {
      Throwable cause = Retryable.unwrap(Objects.requireNonNull(error, "a retry without a failure"));
      scheduleRetry(reader, state, retryDelay, adaptation != null ? "(" + adaptation + ") after " + cause
          : "(retry " + attempt + " of " + retryPolicy.maxRetries() + ") after " + cause, cause);
      if (adaptation != null) {
        pump(); // the new pieces of a split range may open now
      }
      return;
    }
    if (handOver != null) {
      if (failed != null) {
        handOver.completeExceptionally(failed);
      } else {
        if (handed == null) {
          completeEnd(handOver);
        } else {
          handOver.complete(handed);
        }
      }
    }
    pump();
  }

  private void scheduleRetry(Reader reader, @Nullable ByteBuffer state, Duration delay, String why,
      Throwable cause) {
    LOG.info("Asking again for a page of the {} in range {} in {} ms {}", description, reader.range,
        delay.toMillis(), why);
    events.retry(reader.pagesReceived + 1, Math.max(1, reader.pageRetries), cause);
    // Through the read limiters, as every request: a storm of retries is exactly when they matter.
    TimeoutScheduler.Timeout wait = scheduler.schedule(() -> sendWhenAllowed(reader, state), delay);
    boolean cancel;
    synchronized (lock) {
      cancel = closed;
      if (!cancel) {
        // Apart from sendTimer: the wait may have run already, and recorded the limiter's wait there.
        reader.retryTimer = wait; // cancelled by close()
      }
    }
    if (cancel) {
      wait.cancel();
    }
  }

  /**
   * The step a range takes after a timeout, before any retry counts: smaller pages, then a split of what
   * is left of it; under the lock.
   *
   * @return what was done, for the log, or {@code null} when nothing is left to try
   */
  private @Nullable String adaptToTimeout(Reader reader) {
    int smaller = PageSizer.afterTimeout(reader.asked);
    if (smaller < reader.asked) {
      reader.pageCap = smaller;
      return "with pages of at most " + reader.pageCap + " rows";
    }
    PlannedRange old = reader.range;
    if (reader.depth >= MAX_SPLIT_DEPTH || old.fullRing() || (reader.pagingState != null && reader.lastToken == null)) {
      return null;
    }
    if (reader.skip > 0) {
      // Resumed, it still skips rows it delivered before, whose tokens it does not know: new ranges from a
      // split point could read some of them again. It retries instead, with the smallest pages.
      return null;
    }
    List<ScanRange> pieces = requests.split(old.range, reader.pagingState == null ? null : reader.lastToken,
        SPLIT_PIECES);
    if (pieces.size() < 2) {
      return null;
    }
    ScanRange narrowedRange = ScanRange.of(old.range.start(), pieces.get(0).end());
    // The pieces together are worth exactly what the range was: the narrowed one takes what a division leaves.
    long share = old.share / pieces.size();
    PlannedRange narrowed = old.narrowedTo(narrowedRange, requests.routingToken(narrowedRange),
        old.share - share * (pieces.size() - 1));
    List<PlannedRange> added = new ArrayList<>();
    List<Reader> addedReaders = new ArrayList<>();
    for (ScanRange piece : pieces.subList(1, pieces.size())) {
      PlannedRange planned = new PlannedRange(scanRanges.newIndex(), piece, requests.routingToken(piece),
          ScanCheckpoint.State.PENDING, null, 0, 0, share);
      Reader child = new Reader(planned, rowsPerRequest, targetPageBytes);
      child.pageCap = reader.pageCap;
      if (reader.sizer.measured()) {
        child.sizer.seed(measuredRows, measuredBytes);
      }
      child.depth = reader.depth + 1;
      added.add(planned);
      addedReaders.add(child);
    }
    scanRanges.replace(old, narrowed, added);
    reader.range = narrowed;
    reader.depth++;
    readers.addAll(nextToStart, addedReaders); // read next, before the ranges not yet started
    splits++;
    return "split: it now ends at " + narrowedRange.end() + ", and " + added.size() + " new ranges read the rest ("
        + added.get(0).range.start() + ", " + old.range.end() + "]";
  }

  @Override
  public void close() {
    List<CompletableFuture<SourcePage>> inFlight = new ArrayList<>();
    List<TimeoutScheduler.Timeout> timers = new ArrayList<>();
    long released = 0;
    synchronized (lock) {
      closed = true;
      for (RangePage page : ready) {
        released += takeBudget(page);
        untakenPages++;
        untakenRows += page.size();
        untakenBytes += Math.max(0, page.responseBytes());
      }
      ready.clear();
      for (Reader reader : readers) {
        released += reader.reserved;
        reader.reserved = 0;
        reader.expected = 0;
        if (reader.request != null) {
          inFlight.add(reader.request);
          reader.request = null;
        }
        timers.add(reader.timer);
        timers.add(reader.sendTimer);
        timers.add(reader.retryTimer);
        reader.timer = TimeoutScheduler.NONE;
        reader.sendTimer = TimeoutScheduler.NONE;
        reader.retryTimer = TimeoutScheduler.NONE;
      }
      sending.awaitOthers(); // a request being handed over now is cancelled by its sender before this returns
    }
    release(released);
    DefaultReadAheadBudget sessionBudget = budget;
    if (sessionBudget != null) {
      sessionBudget.leave(budgetWaiter);
    }
    timers.forEach(TimeoutScheduler.Timeout::cancel);
    inFlight.forEach(response -> response.cancel(false));
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public byte[] fingerprint() {
    throw new UnsupportedOperationException("A table scan resumes from its checkpoint, not from a token");
  }
}
