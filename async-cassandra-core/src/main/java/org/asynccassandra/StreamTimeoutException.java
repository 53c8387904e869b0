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

import java.time.Duration;

/**
 * A stream timeout fired. {@link #kind()} says which one; the stream's in-flight request was cancelled.
 *
 * <p>First-page and page timeouts surface after every row of the pages fetched before them has been
 * delivered, like any failed page. The total timeout is a whole-stream deadline: it ends the stream at once
 * and drops pages that were buffered but not yet delivered.
 */
public class StreamTimeoutException extends AsyncCassandraException {
  private static final long serialVersionUID = 1L;

  /** Which of the {@link StreamConfig} timeouts fired. */
  public enum Kind {
    /** {@link StreamConfig#firstPageTimeout()}: the first page did not arrive in time. */
    FIRST_PAGE,
    /** {@link StreamConfig#pageTimeout()}: a later page did not arrive in time. */
    PAGE,
    /** {@link StreamConfig#totalTimeout()}: the whole stream did not end in time. */
    TOTAL
  }

  /** Which timeout fired; part of the serialized form. */
  private final Kind kind;
  /** The configured value of that timeout; part of the serialized form. */
  private final Duration timeout;
  /** The 1-based page being fetched or consumed when it fired; part of the serialized form. */
  private final int pageNumber;

  /**
   * A timeout that fired. The library fails the stream with it through the stream's executor, after it has
   * cancelled the in-flight request; the message names the timeout, its value, the page and the query.
   *
   * @param kind which timeout fired
   * @param timeout the configured value of that timeout
   * @param pageNumber the 1-based number of the page being fetched or consumed
   * @param query the CQL text of the stream's statement, for the message
   */
  public StreamTimeoutException(Kind kind, Duration timeout, int pageNumber, String query) {
    super(message(kind, timeout, pageNumber, query));
    this.kind = kind;
    this.timeout = timeout;
    this.pageNumber = pageNumber;
  }

  private static String message(Kind kind, Duration timeout, int pageNumber, String query) {
    switch (kind) {
      case FIRST_PAGE:
        return "First page of '" + query + "' did not arrive within firstPageTimeout " + timeout
            + "; the request was cancelled";
      case PAGE:
        return "Page " + pageNumber + " of '" + query + "' did not arrive within pageTimeout " + timeout
            + "; the request was cancelled";
      default:
        return "Stream over '" + query + "' did not end within totalTimeout " + timeout
            + " (while on page " + pageNumber + "); the stream was closed";
    }
  }

  /**
   * Which timeout fired.
   *
   * @return {@link Kind#FIRST_PAGE}, {@link Kind#PAGE} or {@link Kind#TOTAL}, never null
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The configured value of the timeout that fired.
   *
   * @return the duration from the stream's {@link StreamConfig} that was exceeded
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The page that was being fetched or consumed when the timeout fired.
   *
   * @return its 1-based number: 1 for {@link Kind#FIRST_PAGE}
   */
  public int pageNumber() {
    return pageNumber;
  }
}
