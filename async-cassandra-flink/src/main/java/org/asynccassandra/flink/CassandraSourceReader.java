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
package org.asynccassandra.flink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.TableScan;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source reader: reads up to {@code splitsPerReader} splits at once, each with its own
 * {@link org.asynccassandra.TableScan} (one token range read at a time, with the scan's read-ahead, retries
 * and page timeouts), and emits one row per {@link #pollNext} call through the user's mapper.
 *
 * <p><b>Never blocking the task thread.</b> Pages are asked for with {@code nextPage()}; its completion, on
 * the session's callback executor, only stores the page and completes the future of {@link #isAvailable()},
 * so Flink's mailbox thread comes back when there is something to emit and never waits on a fetch. The
 * connection is made the same way ({@code buildAsync()}).
 *
 * <p><b>Checkpoints.</b> {@link #snapshotState} runs on the task thread between two {@code pollNext} calls,
 * so it sees exactly which rows were emitted: each open split is stored at the row after the last one
 * emitted (see {@link PagePositions}), never at the fetch position with its read-ahead; splits assigned but
 * not opened yet are stored as they came.
 *
 * <p><b>Memory.</b> At most {@code splitsPerReader} scans are open, each holds at most {@code 1 +
 * prefetchPages} pages, and the reader holds the one page it is emitting per open split.
 *
 * <p><b>Failures</b> name the table and, where one is at fault, the split and its token range: a failed
 * connection, a scan that cannot be opened or fails (a {@link PageFetchException} of a range is thrown as it
 * is, the split noted as a suppressed exception; any other failure is wrapped, as the cause of an
 * {@link AsyncCassandraException}), a mapper that fails, and a split planned for another query
 * ({@link QueryFingerprint}), refused when it is added.
 *
 * <p>Every method runs on the task thread, except the callbacks noted above. Not thread-safe otherwise.
 */
final class CassandraSourceReader<T> implements SourceReader<T, CassandraSplit> {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraSourceReader.class);

  private final SourceReaderContext context;
  private final SourceSettings settings;
  private final CassandraRowMapper<T> mapper;
  private final ScanOpener opener;
  private final String query; // the QueryFingerprint that splits must carry, if they carry one

  // ---- task thread only ----
  private final ArrayDeque<CassandraSplit> waiting = new ArrayDeque<>(); // assigned, not opened yet
  /** Copy-on-write: the metric gauges read it from the reporter's thread. */
  private final List<OpenSplit> open = new CopyOnWriteArrayList<>();
  private @Nullable OpenSplit current; // the split whose page is being emitted
  private int cursor; // where the search for a row starts among the open splits
  private int requested; // split requests sent and not answered yet
  private boolean started;
  private boolean noMoreSplits;
  private @Nullable CompletableFuture<Void> connection;
  private final AtomicLong finishedRetries = new AtomicLong(); // read by the retries gauge

  /**
   * Completed when pollNext has work: a page or an end arrived, the session connected, splits came. Replaced
   * (by the task thread) only once completed; completed by any thread.
   */
  private volatile CompletableFuture<Void> available = new CompletableFuture<>();

  private final Counter pagesReceived;
  private final Counter rowsSkippedOnResume;
  private final Counter splitsResumed;
  private final Counter splitsFinished;

  CassandraSourceReader(SourceReaderContext context, SourceSettings settings, CassandraRowMapper<T> mapper,
      ScanOpener opener) {
    this.context = context;
    this.settings = settings;
    this.mapper = mapper;
    this.opener = opener;
    this.query = QueryFingerprint.of(settings);
    MetricGroup metrics = context.metricGroup().addGroup("cassandra");
    this.pagesReceived = metrics.counter("pagesReceived");
    this.rowsSkippedOnResume = metrics.counter("rowsSkippedOnResume");
    this.splitsResumed = metrics.counter("splitsResumed");
    this.splitsFinished = metrics.counter("splitsFinished");
    metrics.gauge("openSplits", open::size);
    metrics.gauge("retries", this::retries);
  }

  @Override
  public void start() {
    started = true;
    CompletableFuture<Void> connecting = opener.connect();
    connection = connecting;
    CompletionStage<Void> connected = connecting;
    connected.whenComplete((ignored, failure) -> wakeUp()); // a failure is thrown by pollNext
    requestSplits();
  }

  @Override
  public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
    if (open.isEmpty() && waiting.isEmpty() && noMoreSplits) {
      // A reader left without a split (more readers than splits) ends whatever its connection does: a failed
      // or slow one would fail or hold the task, and the job, though every row was read elsewhere.
      return InputStatus.END_OF_INPUT;
    }
    CompletableFuture<Void> connecting = connection;
    if (connecting == null || !connecting.isDone()) {
      return waitForWork();
    }
    joinConnection(connecting); // throws when the connection failed: the task fails and Flink restarts it
    openWaiting();
    int tried = 0;
    while (!open.isEmpty() && tried < open.size()) {
      // floorMod: the cursor only grows, and wraps to negative values after 2^31 splits found waiting.
      OpenSplit split = current != null ? current : open.get(Math.floorMod(cursor, open.size()));
      switch (poll(split)) {
        case ROW -> {
          T record = map(split);
          output.collect(record);
          split.emitted(); // only now does the row count as emitted, in the checkpoint too
          current = split;
          return InputStatus.MORE_AVAILABLE;
        }
        case FINISHED -> {
          current = null;
          finish(split);
          openWaiting();
          tried = 0;
        }
        case WAITING -> {
          current = null;
          cursor++;
          tried++;
        }
      }
    }
    if (open.isEmpty() && waiting.isEmpty() && noMoreSplits) {
      return InputStatus.END_OF_INPUT;
    }
    return waitForWork();
  }

  @Override
  public List<CassandraSplit> snapshotState(long checkpointId) {
    List<CassandraSplit> state = new ArrayList<>(open.size() + waiting.size());
    for (OpenSplit split : open) {
      try {
        state.add(split.position());
      } catch (RuntimeException unplaced) { // declines the checkpoint: say which one, and where
        throw new AsyncCassandraException("Checkpoint " + checkpointId + " of subtask "
            + context.getIndexOfSubtask() + " cannot place the position of " + where(split) + ": "
            + unplaced.getMessage(), unplaced);
      }
    }
    state.addAll(waiting);
    if (LOG.isDebugEnabled()) {
      LOG.debug("Checkpoint {} of subtask {}: {}", checkpointId, context.getIndexOfSubtask(), state);
    }
    return state;
  }

  /**
   * The mapper's record of the split's current row; a mapper that throws, or returns null, fails the task with
   * an exception that names the table, the split and its token range (Flink restarts from the last checkpoint,
   * where the row was not emitted, so a row no mapper can take fails every attempt: the name tells which).
   */
  private T map(OpenSplit split) {
    T record;
    try {
      record = mapper.map(split.row());
    } catch (Exception failure) { // an Error passes as it is
      throw new AsyncCassandraException("The CassandraRowMapper failed on a row of " + where(split) + ": "
          + failure, failure);
    }
    if (record == null) {
      throw new AsyncCassandraException("The CassandraRowMapper returned null for a row of " + where(split)
          + "; a mapper must return a record for every row");
    }
    return record;
  }

  private String where(OpenSplit split) {
    return where(split.split());
  }

  private String where(CassandraSplit split) {
    return settings.qualifiedTable() + ", split " + split.splitId() + ", token range " + split.range();
  }

  /**
   * {@link OpenSplit#poll}, its failure named: a {@link PageFetchException} of a range, whose message names the
   * table and the range, is thrown as it is (the docs name that type), the split added as a suppressed
   * exception; any other failure (a total timeout of the split's scan, say) becomes the cause of an
   * {@link AsyncCassandraException} that names the table, the split and its token range.
   */
  private OpenSplit.Status poll(OpenSplit split) throws Exception {
    try {
      return split.poll();
    } catch (PageFetchException failure) {
      if (failure.range().isEmpty()) {
        throw new AsyncCassandraException("Reading " + where(split) + " failed: " + failure, failure);
      }
      failure.addSuppressed(new AsyncCassandraException("The failed page belongs to " + where(split)));
      throw failure;
    } catch (Exception failure) {
      throw new AsyncCassandraException("Reading " + where(split) + " failed: " + failure, failure);
    }
  }

  /** Returns once connected; throws the connection's failure, unwrapped, as the cause of one naming the table. */
  private void joinConnection(CompletableFuture<Void> connecting) {
    try {
      connecting.join();
    } catch (CompletionException | CancellationException failed) {
      Throwable cause = failed;
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new AsyncCassandraException("Subtask " + context.getIndexOfSubtask() + " of the source of "
          + settings.qualifiedTable() + " could not connect to Cassandra: " + cause, cause);
    }
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    return available;
  }

  @Override
  public void addSplits(List<CassandraSplit> splits) {
    for (CassandraSplit split : splits) { // all checked before any is taken
      QueryFingerprint.check(split, query, settings.qualifiedTable());
    }
    for (CassandraSplit split : splits) {
      if (split.isFinished()) {
        splitsFinished.inc();
      } else {
        waiting.add(split);
      }
    }
    if (started) {
      requested = Math.max(0, requested - splits.size());
      // Splits that came finished take no place: ask again for theirs, or a reader answered only with finished
      // splits (a state restored by hand, say) would wait for good, with no split and no "no more splits".
      requestSplits();
    }
    LOG.debug("Subtask {} got {} splits ({} restored)", context.getIndexOfSubtask(), splits.size(),
        started ? 0 : splits.size());
    available.complete(null);
  }

  @Override
  public void notifyNoMoreSplits() {
    noMoreSplits = true;
    available.complete(null);
  }

  @Override
  public void close() {
    for (OpenSplit split : open) {
      split.close();
    }
    open.clear();
    waiting.clear();
    opener.close();
  }

  /** Opens waiting splits while fewer than {@code splitsPerReader} are open. */
  private void openWaiting() {
    while (open.size() < settings.splitsPerReader() && !waiting.isEmpty()) {
      CassandraSplit split = waiting.poll();
      long skip = rowsToSkip(split);
      if (split.position().isPresent() && split.position().get().rowsDelivered() > 0) {
        splitsResumed.inc();
      }
      if (skip > 0) {
        rowsSkippedOnResume.inc(skip);
        LOG.info("Split {} resumes after {} rows; the first response of its range is read again from its paging "
            + "state and its first {} rows, emitted before, are skipped", split.splitId(),
            split.position().map(ScanCheckpoint::rowsDelivered).orElse(0L), skip);
      }
      TableScan scan;
      try {
        scan = opener.open(split);
      } catch (RuntimeException failure) { // a position of another scan, say
        throw new AsyncCassandraException("Cannot open the scan of " + where(split) + ": " + failure, failure);
      }
      OpenSplit reading = new OpenSplit(split, scan, this::wakeUp, pagesReceived);
      open.add(reading);
      reading.start();
    }
  }

  private void finish(OpenSplit split) {
    open.remove(split);
    finishedRetries.addAndGet(split.scan().stats().retries());
    split.close();
    splitsFinished.inc();
    LOG.debug("Subtask {} finished split {}", context.getIndexOfSubtask(), split.split());
    requestSplits();
  }

  private void requestSplits() {
    while (started && !noMoreSplits && open.size() + waiting.size() + requested < settings.splitsPerReader()) {
      requested++;
      context.sendSplitRequest();
    }
  }

  /** Hands Flink a future that completes when there is work, and re-checks (a page may have come just now). */
  private InputStatus waitForWork() {
    CompletableFuture<Void> next = available;
    if (next.isDone()) {
      next = new CompletableFuture<>();
      available = next;
    }
    // A completion that read the old future ran before the write above: look again for what it brought. A
    // failed connection is work of its own: pollNext throws it.
    CompletableFuture<Void> connecting = connection;
    boolean work = (open.isEmpty() && waiting.isEmpty() && noMoreSplits)
        || (connecting != null && connecting.isDone()
            && (connecting.isCompletedExceptionally() || open.stream().anyMatch(OpenSplit::hasWork)
                || (!waiting.isEmpty() && open.size() < settings.splitsPerReader())));
    if (work) {
      next.complete(null);
    }
    return InputStatus.NOTHING_AVAILABLE;
  }

  /** Called by page and connection completions, on any thread. */
  private void wakeUp() {
    available.complete(null);
  }

  private long retries() {
    long retries = finishedRetries.get();
    for (OpenSplit split : open) {
      retries += split.scan().stats().retries();
    }
    return retries;
  }

  private static long rowsToSkip(CassandraSplit split) {
    return split.position().map(position -> position.ranges().stream()
        .filter(range -> range.state() == ScanCheckpoint.State.IN_PROGRESS)
        .mapToLong(ScanCheckpoint.Range::rowsToSkip).sum()).orElse(0L);
  }
}
