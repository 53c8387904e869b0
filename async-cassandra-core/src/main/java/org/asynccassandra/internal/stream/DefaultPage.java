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
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.asynccassandra.Page;
import org.asynccassandra.PageEvent;
import org.asynccassandra.ResumeToken;
import org.jspecify.annotations.Nullable;

/**
 * A fetched page as the engine buffers it and the consumer sees it: the source's response, its number,
 * the row count after any {@code maxRows} cut, and the bookkeeping of its fetch.
 */
public final class DefaultPage implements Page<Row> {
  private final SourcePage source;
  private final Position position;
  private final int number;
  /** Rows at the start of the response that a resumed stream skips (already delivered before). */
  private final int offset;
  private final int size;
  private final boolean last;
  private final @Nullable ByteBuffer requestPagingState;
  /** The rows the request for this page asked for; 0 when the source sized it itself. */
  private final int requestedPageSize;
  private final long rowsThrough;
  private final long fetchNanos;
  final long arrivalNanos;
  /** How long the consumer waited for this page; set by the engine before it hands the page over. */
  long consumerWaitNanos;
  /**
   * The rows, taken from the response at first use and kept here, not in the response: the completed
   * future of the request still references the response, and when that future was promoted to the old
   * generation while it waited for the server, rows it referenced would outlive their page until the next
   * old collection (at a thousand concurrent streams, most of the collector's work).
   */
  private @Nullable List<Row> rows;
  /** The rows were handed out one at a time ({@link #rowIterator()}): they cannot be listed any more. */
  private boolean iterated;
  /** Bytes of the session's read-ahead budget this page holds while it waits for its consumer; engine's lock. */
  long budgetBytes;

  DefaultPage(SourcePage source, Position position, int number, int offset, int size, boolean last,
      @Nullable ByteBuffer requestPagingState, int requestedPageSize, long rowsThrough, long fetchNanos,
      long arrivalNanos) {
    this.source = source;
    this.position = position;
    this.number = number;
    this.offset = offset;
    this.size = size;
    this.last = last;
    this.requestPagingState = requestPagingState;
    this.requestedPageSize = requestedPageSize;
    this.rowsThrough = rowsThrough;
    this.fetchNanos = fetchNanos;
    this.arrivalNanos = arrivalNanos;
  }

  @Override
  public List<Row> rows() {
    List<Row> taken = rows;
    if (taken == null) {
      if (iterated) {
        throw new IllegalStateException("The rows of page " + number + " were handed out one at a time, "
            + "to a consumer that reads each row once; they cannot be listed afterwards");
      }
      List<Row> all = source.rows();
      taken = offset == 0 && size == all.size() ? all : all.subList(offset, offset + size);
      rows = taken;
    }
    return taken;
  }

  /**
   * The page's rows one at a time, the ones a resumed stream skips already passed, for a consumer that reads
   * each once, in order (forEach, forEachAsync and the blocking iterator): each is decoded as it is reached,
   * and no list of them is built. The caller takes at most {@link #size()} rows, which a {@code maxRows} cut
   * may make fewer than the response holds. Once called, {@link #rows()} throws, unless it ran before.
   */
  Iterator<Row> rowIterator() {
    List<Row> listed = rows;
    if (listed != null) {
      return listed.iterator();
    }
    if (iterated) {
      throw new IllegalStateException("The rows of page " + number + " were already handed out one at a time");
    }
    iterated = true;
    Iterator<Row> all = source.rowIterator();
    for (int i = 0; i < offset; i++) {
      all.next(); // delivered before the stream was resumed
    }
    return all;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int number() {
    return number;
  }

  @Override
  public boolean isLast() {
    return last;
  }

  @Override
  public ExecutionInfo executionInfo() {
    return source.executionInfo();
  }

  @Override
  public ColumnDefinitions columnDefinitions() {
    return source.columnDefinitions();
  }

  @Override
  public Optional<ResumeToken> resumeToken() {
    return position.resumable() ? Optional.of(position.tokenAt(this, size)) : Optional.empty();
  }

  /** The response this page was made of. */
  public SourcePage source() {
    return source;
  }

  /** Rows of the response skipped before this page's first row. */
  int offset() {
    return offset;
  }

  /** Whether the page holds every row of its response after the offset (no maxRows cut). */
  boolean complete() {
    return offset + size == source.size();
  }

  /** Whether the server has pages after this one. */
  boolean sourceHasMore() {
    return source.hasMorePages();
  }

  /** The response's size in bytes, 0 when unknown (so that it never counts against a budget). */
  long responseBytes() {
    return Math.max(0, source.responseBytes());
  }

  /** The paging state this page was requested with: {@code null} for the first page. */
  @Nullable ByteBuffer requestPagingState() {
    return requestPagingState;
  }

  /** The paging state of the next page, or {@code null}. */
  @Nullable ByteBuffer nextPagingState() {
    return source.pagingState();
  }

  /** The event for the page listener. */
  PageEvent event() {
    return new PageEvent(number, size, rowsThrough, Duration.ofNanos(fetchNanos), source.responseBytes(), last,
        requestedPageSize, Duration.ofNanos(consumerWaitNanos));
  }

  @Override
  public String toString() {
    return "Page{number=" + number + ", size=" + size + ", last=" + last + "}";
  }
}
