package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.internal.util.Retryable;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page source of a table scan: it reads up to {@code parallelism} token ranges at once and hands their
 * pages to the scan's engine in arrival order, one per {@link #fetch} call.
 *
 * <p>Each range reader owns at most {@code 1 + prefetchPages} pages (in flight plus queued), so at most
 * {@code parallelism × (1 + prefetchPages)} pages wait here. All state is guarded by {@link #lock}; range
 * requests are sent and futures completed outside it.
 */
final class ScanPageSource implements PageSource {
  private static final Logger LOG = LoggerFactory.getLogger(ScanPageSource.class);
  private static final ByteBuffer MORE = ByteBuffer.allocate(1).asReadOnlyBuffer();

  private final CqlSession session;
  private final ScanPlanner planner;
  private final int parallelism;
  private final int ownedPerRange;
  private final int fetchSize;
  private final int maxRetries;
  private final Duration retryBackoff;
  private final TimeoutScheduler scheduler;
  private final String description;

  private final Object lock = new Object();
  // ---- guarded by lock ----
  private final List<Reader> readers = new ArrayList<>();
  private final ArrayDeque<RangePage> ready = new ArrayDeque<>();
  private CompletableFuture<SourcePage> waiting;
  private int nextToStart;
  private int active;
  private Throwable failure;
  private boolean closed;
  private long retries;

  ScanPageSource(CqlSession session, ScanPlanner planner, List<ScanRange> ranges, int parallelism,
      int prefetchPages, int fetchSize, int maxRetries, Duration retryBackoff, TimeoutScheduler scheduler) {
    this.session = session;
    this.planner = planner;
    this.parallelism = parallelism;
    this.ownedPerRange = 1 + prefetchPages;
    this.fetchSize = fetchSize;
    this.maxRetries = maxRetries;
    this.retryBackoff = retryBackoff;
    this.scheduler = scheduler;
    this.description = "scan of " + planner.keyspace + "." + planner.table;
    for (ScanRange range : ranges) {
      readers.add(new Reader(range));
    }
  }

  /** One range: where it is, and what it has in flight or queued. */
  final class Reader {
    final ScanRange range;
    ByteBuffer pagingState; // the next request's
    int skip; // rows of the next response already delivered (resume)
    boolean finished; // its last page was received
    boolean inFlight;
    int owned; // pages in flight or queued
    int pageRetries;
    CompletableFuture<AsyncResultSet> response; // the request in flight, for close()

    Reader(ScanRange range) {
      this.range = range;
      this.pagingState = range.initialPagingState;
      this.skip = range.initialSkip;
      this.finished = range.initialState == ScanCheckpoint.State.DONE;
    }
  }

  /** A response of one range, as the scan's engine sees it. */
  static final class RangePage implements SourcePage {
    final Reader reader;
    final ByteBuffer requestPagingState;
    final ByteBuffer nextPagingState;
    final int skipped;
    final boolean rangeFinished;
    private final List<Row> rows;
    private final AsyncResultSet resultSet;
    volatile boolean lastOfScan;

    RangePage(Reader reader, ByteBuffer requestPagingState, AsyncResultSet resultSet, List<Row> rows,
        int skipped) {
      this.reader = reader;
      this.requestPagingState = requestPagingState;
      this.resultSet = resultSet;
      this.nextPagingState = resultSet == null ? null : resultSet.getExecutionInfo().getPagingState();
      this.rangeFinished = resultSet == null || !resultSet.hasMorePages();
      this.rows = rows;
      this.skipped = skipped;
    }

    @Override
    public int size() {
      return rows.size();
    }

    @Override
    public List<Row> rows() {
      return rows;
    }

    @Override
    public boolean hasMorePages() {
      return !lastOfScan;
    }

    @Override
    public ByteBuffer pagingState() {
      return lastOfScan ? null : MORE;
    }

    @Override
    public long responseBytes() {
      return resultSet == null ? 0 : resultSet.getExecutionInfo().getResponseSizeInBytes();
    }

    @Override
    public ExecutionInfo executionInfo() {
      return resultSet == null ? null : resultSet.getExecutionInfo();
    }

    @Override
    public ColumnDefinitions columnDefinitions() {
      return resultSet == null ? null : resultSet.getColumnDefinitions();
    }
  }

  List<Reader> readers() {
    synchronized (lock) {
      return List.copyOf(readers);
    }
  }

  long retries() {
    synchronized (lock) {
      return retries;
    }
  }

  @Override
  public CompletableFuture<SourcePage> fetch(ByteBuffer ignored) {
    CompletableFuture<SourcePage> future = new CompletableFuture<>();
    RangePage page = null;
    Throwable failed;
    boolean end = false;
    synchronized (lock) {
      failed = failure;
      if (failed == null) {
        page = takeReady();
        if (page == null) {
          if (allFinished()) {
            end = true;
          } else {
            waiting = future;
          }
        }
      }
    }
    if (failed != null) {
      future.completeExceptionally(failed);
    } else if (page != null) {
      future.complete(page);
    } else if (end) {
      RangePage empty = new RangePage(null, null, null, List.of(), 0);
      empty.lastOfScan = true;
      future.complete(empty);
    }
    pump();
    return future;
  }

  /** Takes a queued page and marks whether it is the last of the whole scan; under the lock. */
  private RangePage takeReady() {
    RangePage page = ready.poll();
    if (page != null) {
      page.reader.owned--;
      page.lastOfScan = ready.isEmpty() && allFinished();
    }
    return page;
  }

  private boolean allFinished() {
    for (Reader reader : readers) {
      if (!reader.finished || reader.inFlight) {
        return false;
      }
    }
    return true;
  }

  /** Starts whatever requests the bounds allow. */
  private void pump() {
    List<Runnable> starts = new ArrayList<>();
    synchronized (lock) {
      if (closed || failure != null) {
        return;
      }
      while (active < parallelism && nextToStart < readers.size()) {
        Reader reader = readers.get(nextToStart++);
        if (!reader.finished) {
          active++;
        }
      }
      for (int i = 0; i < nextToStart; i++) {
        Reader reader = readers.get(i);
        if (!reader.finished && !reader.inFlight && reader.owned < ownedPerRange) {
          reader.inFlight = true;
          reader.owned++;
          ByteBuffer state = reader.pagingState;
          starts.add(() -> send(reader, state));
        }
      }
    }
    starts.forEach(Runnable::run);
  }

  private void send(Reader reader, ByteBuffer state) {
    synchronized (lock) {
      if (closed) {
        return;
      }
    }
    SimpleStatement statement = SimpleStatement.newInstance(planner.query(reader.range))
        .setPageSize(fetchSize)
        .setIdempotent(true)
        .setRoutingKeyspace(planner.keyspace);
    if (!reader.range.fullRing()) {
      statement = statement.setRoutingToken(reader.range.end);
    }
    if (state != null) {
      statement = statement.setPagingState(state);
    }
    CompletableFuture<AsyncResultSet> response;
    try {
      response = session.executeAsync(statement).toCompletableFuture();
    } catch (RuntimeException error) {
      response = CompletableFuture.failedFuture(error);
    }
    synchronized (lock) {
      reader.response = response;
    }
    response.whenComplete((resultSet, error) -> onResponse(reader, state, resultSet, error));
  }

  private void onResponse(Reader reader, ByteBuffer state, AsyncResultSet resultSet, Throwable error) {
    CompletableFuture<SourcePage> handOver = null;
    RangePage handed = null;
    Throwable failed = null;
    boolean retry = false;
    int attempt = 0;
    synchronized (lock) {
      reader.inFlight = false;
      reader.response = null;
      if (closed) {
        return;
      }
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (reader.pageRetries < maxRetries && Retryable.isRetryable(cause)) {
          reader.pageRetries++;
          retries++;
          attempt = reader.pageRetries;
          reader.inFlight = true; // the retry keeps the slot
          retry = true;
        } else {
          reader.owned--;
          failure = new AsyncCassandraException("The " + description + " failed in token range " + reader.range
              + ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
              cause);
          failed = failure;
          handOver = waiting;
          waiting = null;
        }
      } else {
        reader.pageRetries = 0;
        List<Row> rows = new ArrayList<>(resultSet.remaining());
        for (Row row : resultSet.currentPage()) {
          rows.add(row);
        }
        int skipped = Math.min(reader.skip, rows.size());
        reader.skip -= skipped;
        List<Row> kept = skipped == 0 ? rows : rows.subList(skipped, rows.size());
        RangePage page = new RangePage(reader, state, resultSet, Collections.unmodifiableList(kept), skipped);
        reader.pagingState = page.nextPagingState;
        if (page.rangeFinished) {
          reader.finished = true;
          active--;
        }
        if (kept.isEmpty() && !page.rangeFinished) {
          reader.owned--; // nothing to hand over: the next request goes out at once
        } else {
          ready.add(page);
        }
        if (waiting != null) {
          handed = takeReady();
          if (handed == null && allFinished()) {
            handed = new RangePage(null, null, null, List.of(), 0);
            handed.lastOfScan = true;
          }
          if (handed != null) {
            handOver = waiting;
            waiting = null;
          }
        }
      }
    }
    if (retry) {
      Duration delay = retryBackoff.multipliedBy(1L << Math.min(attempt - 1, 16));
      LOG.info("Retrying {} range {} (retry {} of {}) in {} ms after {}", description, reader.range, attempt,
          maxRetries, delay.toMillis(), error.toString());
      scheduler.schedule(() -> send(reader, state), delay);
      return;
    }
    if (handOver != null) {
      if (failed != null) {
        handOver.completeExceptionally(failed);
      } else {
        handOver.complete(handed);
      }
    }
    pump();
  }

  @Override
  public void close() {
    List<CompletableFuture<AsyncResultSet>> inFlight = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      ready.clear();
      for (Reader reader : readers) {
        if (reader.response != null) {
          inFlight.add(reader.response);
        }
      }
    }
    inFlight.forEach(response -> response.cancel(false));
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public byte[] fingerprint() {
    return new byte[16]; // scans resume from checkpoints, not row tokens
  }
}
