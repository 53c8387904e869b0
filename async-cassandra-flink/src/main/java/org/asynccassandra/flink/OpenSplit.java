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

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.flink.metrics.Counter;
import org.asynccassandra.Page;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.TableScan;
import org.jspecify.annotations.Nullable;

/**
 * One split being read by a {@link CassandraSourceReader}: its {@link TableScan}, the page the reader is
 * emitting, and the position of the next row not emitted yet, which is what a Flink checkpoint stores.
 *
 * <p>Threads: everything runs on the reader's task thread except the completion of {@link TableScan#nextPage()},
 * which stores its outcome in {@link #arrival} (volatile) and calls the reader's wake-up; the task thread
 * takes it from there. At most one {@code nextPage()} call is pending, and none while a page is being
 * emitted: the scan's own read-ahead (at most {@code 1 + prefetchPages} pages) runs meanwhile.
 */
final class OpenSplit {
  /** What a completed {@code nextPage()} brought: a page, the end ({@code page == null}), or a failure. */
  private record Arrival(@Nullable Page<Row> page, @Nullable Throwable failure) {}

  /** What {@link #poll} found. */
  enum Status { ROW, WAITING, FINISHED }

  private final CassandraSplit split;
  private final TableScan scan;
  private final Runnable wakeUp;
  private final Counter pagesCounter;

  // ---- task thread only ----
  /** The position of the next row to emit while no page is held: the scan's checkpoint before nextPage(). */
  private ScanCheckpoint base;
  private @Nullable List<Row> rows; // the page being emitted, or null
  private int emitted; // rows of that page emitted
  private @Nullable ScanCheckpoint afterPage; // the scan's checkpoint once that page was handed over
  private boolean fetching; // a nextPage() call is pending or its outcome not taken yet
  private boolean finished;
  private long pagesReceived;

  /** Set by the completion of nextPage() (any thread), taken by the task thread; null while none waits. */
  private volatile @Nullable Arrival arrival;

  OpenSplit(CassandraSplit split, TableScan scan, Runnable wakeUp, Counter pagesCounter) {
    this.split = split;
    this.scan = scan;
    this.wakeUp = wakeUp;
    this.pagesCounter = pagesCounter;
    this.base = scan.checkpoint();
  }

  /** Asks for the first page. */
  void start() {
    fetch();
  }

  CassandraSplit split() {
    return split;
  }

  TableScan scan() {
    return scan;
  }

  long pagesReceived() {
    return pagesReceived;
  }

  /** Whether a page is held with rows left, or an outcome waits to be taken: {@link #poll} has work. */
  boolean hasWork() {
    return (rows != null && emitted < rows.size()) || arrival != null || finished;
  }

  /**
   * Takes what arrived, if anything, and says whether a row can be emitted now.
   *
   * @throws Exception the scan's failure, unwrapped
   */
  Status poll() throws Exception {
    while (true) {
      if (finished) {
        return Status.FINISHED;
      }
      List<Row> held = rows;
      if (held != null && emitted < held.size()) {
        return Status.ROW;
      }
      Arrival arrived = arrival;
      if (arrived == null) {
        return Status.WAITING;
      }
      arrival = null;
      fetching = false;
      if (arrived.failure() != null) {
        throw unwrap(arrived.failure());
      }
      Page<Row> page = arrived.page();
      if (page == null) {
        finished = true;
        rows = null;
        afterPage = null;
        base = scan.checkpoint();
        return Status.FINISHED;
      }
      pagesReceived++;
      pagesCounter.inc();
      rows = page.rows();
      emitted = 0;
      afterPage = scan.checkpoint();
      if (page.size() == 0) {
        fetch(); // an empty last page of a range: nothing to emit, go on
      }
    }
  }

  /** The next row to emit; call only after {@link #poll} said {@link Status#ROW}. */
  Row row() {
    return java.util.Objects.requireNonNull(rows, "no page held").get(emitted);
  }

  /** The row from {@link #row()} was emitted; asks for the next page after the last row of this one. */
  void emitted() {
    emitted++;
    if (emitted == java.util.Objects.requireNonNull(rows, "no page held").size()) {
      fetch();
    }
  }

  /** This split at the row after the last one emitted: for the reader's checkpoint. */
  CassandraSplit position() {
    List<Row> held = rows;
    ScanCheckpoint after = afterPage;
    if (held == null || after == null) {
      return split.at(base);
    }
    return split.at(PagePositions.within(base, after, held.size(), emitted));
  }

  /** Closes the scan; idempotent. */
  void close() {
    scan.close();
  }

  private void fetch() {
    if (fetching || finished) {
      return;
    }
    // Any page held was emitted in full: the scan's place is right after it (pieces split off included).
    base = scan.checkpoint();
    rows = null;
    afterPage = null;
    emitted = 0;
    fetching = true;
    scan.nextPage().whenComplete((page, failure) -> {
      arrival = failure != null ? new Arrival(null, failure) : new Arrival(page.orElse(null), null);
      wakeUp.run();
    });
  }

  private static Exception unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Exception) {
      return (Exception) cause;
    }
    if (cause instanceof Error) {
      throw (Error) cause;
    }
    return new RuntimeException(cause);
  }

  @Override
  public String toString() {
    return "OpenSplit{" + split.splitId() + ", " + pagesReceived + " pages}";
  }
}
