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
package org.asynccassandra;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A page of a {@link RowStream} could not be fetched (in a table scan: a page of one token range, named
 * by {@link #range()}). The driver's exception is the {@linkplain #getCause()
 * cause}.
 *
 * <p>It surfaces only after every row of the earlier pages has been delivered, so {@link #rowsDelivered()}
 * rows were handed to the consumer before it.
 */
public class PageFetchException extends AsyncCassandraException {
  private static final long serialVersionUID = 1L;

  /** The 1-based number of the failed page (within its range for a scan); part of the serialized form. */
  private final int pageNumber;
  /** The rows delivered before the failure surfaced; part of the serialized form. */
  private final long rowsDelivered;
  /** The token range of a scan's failed page, null for a query; part of the serialized form. */
  private final @Nullable ScanRange range;
  /**
   * What to check or tune, appended to the message; null for none. Part of the serialized form (null when read
   * from the form of a version without it).
   */
  private final @Nullable String advice;

  /**
   * A failed page of a query. The library fails the stream with it through the stream's executor, after
   * every row of the earlier pages was delivered.
   *
   * @param pageNumber the 1-based number of the page that failed
   * @param rowsDelivered the rows handed to the consumer before the failure surfaced, {@code >= 0}
   * @param query the CQL text of the stream's statement, for the message
   * @param cause the failure of the last attempt (the driver's exception, or a {@link StreamTimeoutException}),
   *     not null
   */
  public PageFetchException(int pageNumber, long rowsDelivered, String query, Throwable cause) {
    this(pageNumber, rowsDelivered, query, null, cause);
  }

  /**
   * A failed page of a query or, when {@code range} is set, of one token range of a table scan (the page
   * number then counts within the range).
   *
   * @param pageNumber the 1-based number of the page that failed, within {@code range} when it is set
   * @param rowsDelivered the rows handed to the consumer before the failure surfaced (for a scan: of the
   *     whole scan), {@code >= 0}
   * @param query the CQL text of the stream's statement (of a scan: its query), for the message
   * @param range the token range whose page failed, or {@code null} for a query
   * @param cause the failure of the last attempt (the driver's exception, or a {@link StreamTimeoutException}),
   *     not null
   */
  public PageFetchException(int pageNumber, long rowsDelivered, String query, @Nullable ScanRange range,
      Throwable cause) {
    this(pageNumber, rowsDelivered, query, range, cause, null);
  }

  /**
   * A failed page, with {@code advice} (what to check or tune, or {@code null}) appended to the message;
   * the cause stays the failure itself.
   *
   * @param pageNumber the 1-based number of the page that failed, within {@code range} when it is set
   * @param rowsDelivered the rows handed to the consumer before the failure surfaced, {@code >= 0}
   * @param query the CQL text of the stream's statement (of a scan: its query), for the message
   * @param range the token range whose page failed, or {@code null} for a query
   * @param cause the failure of the last attempt (the driver's exception, or a {@link StreamTimeoutException}),
   *     not null
   * @param advice what to check or tune, appended to the message after {@code "; "}; {@code null} for none
   */
  public PageFetchException(int pageNumber, long rowsDelivered, String query, @Nullable ScanRange range,
      Throwable cause, @Nullable String advice) {
    super("Failed to fetch page " + pageNumber + " of '" + query + "'"
        + (range == null ? "" : " in token range " + range) + " after " + rowsDelivered
        + " rows were delivered: " + describe(cause) + (advice == null ? "" : "; " + advice), cause);
    this.pageNumber = pageNumber;
    this.rowsDelivered = rowsDelivered;
    this.range = range;
    this.advice = advice;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /**
   * The page that failed.
   *
   * @return its 1-based number: in the stream for a query, within {@link #range()} for a table scan
   */
  public int pageNumber() {
    return pageNumber;
  }

  /**
   * The token range whose page failed, for a table scan.
   *
   * @return the range as the scan read it then (a piece, if the range was split); empty for a query
   */
  public Optional<ScanRange> range() {
    return Optional.ofNullable(range);
  }

  /**
   * What to check or tune, as the message says it after the failure: a scan's range that kept timing out says
   * why that usually happens and what to raise or lower. It quotes no query text, so a report that must not show
   * the query (a span without the query text) can still give it.
   *
   * @return the advice; empty when the message gives none
   */
  public Optional<String> advice() {
    return Optional.ofNullable(advice);
  }

  /**
   * How many rows of the earlier pages were delivered before this failure surfaced.
   *
   * @return the rows handed to the consumer before it, {@code >= 0}
   */
  public long rowsDelivered() {
    return rowsDelivered;
  }
}
