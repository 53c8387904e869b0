package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.asynccassandra.Page;
import org.asynccassandra.PageEvent;

/**
 * A fetched page as the engine buffers it and the consumer sees it: the source's response, its number,
 * the row count after any {@code maxRows} cut, and the bookkeeping of its fetch.
 */
final class DefaultPage implements Page {
  private final SourcePage source;
  private final int number;
  private final int size;
  private final boolean last;
  private final ByteBuffer requestPagingState;
  private final long rowsThrough;
  private final long fetchNanos;
  final long arrivalNanos;

  DefaultPage(SourcePage source, int number, int size, boolean last, ByteBuffer requestPagingState,
      long rowsThrough, long fetchNanos, long arrivalNanos) {
    this.source = source;
    this.number = number;
    this.size = size;
    this.last = last;
    this.requestPagingState = requestPagingState;
    this.rowsThrough = rowsThrough;
    this.fetchNanos = fetchNanos;
    this.arrivalNanos = arrivalNanos;
  }

  @Override
  public List<Row> rows() {
    List<Row> rows = source.rows();
    return size == rows.size() ? rows : rows.subList(0, size);
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

  /** The response's size in bytes, 0 when unknown (so that it never counts against a budget). */
  long responseBytes() {
    return Math.max(0, source.responseBytes());
  }

  /** The paging state this page was requested with: {@code null} for the first page. */
  ByteBuffer requestPagingState() {
    return requestPagingState;
  }

  /** The paging state of the next page, or {@code null}. */
  ByteBuffer nextPagingState() {
    return source.pagingState();
  }

  /** The event for the page listener. */
  PageEvent event() {
    return new PageEvent(number, size, rowsThrough, Duration.ofNanos(fetchNanos), source.responseBytes(), last);
  }

  @Override
  public String toString() {
    return "Page{number=" + number + ", size=" + size + ", last=" + last + "}";
  }
}
