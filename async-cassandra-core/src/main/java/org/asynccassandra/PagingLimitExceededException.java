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

/**
 * An offset page request went over its {@link OffsetLimits}; thrown before any query runs. The message
 * names the limit, its value and the request's value. In a web service, map it to HTTP 400.
 */
public class PagingLimitExceededException extends AsyncCassandraException {
  private static final long serialVersionUID = 1L;

  /** The name of the limit that was exceeded; part of the serialized form. */
  private final String limit;
  /** The limit's configured value; part of the serialized form. */
  private final long allowed;
  /** The value the request asked for; part of the serialized form. */
  private final long requested;

  /**
   * A request over a limit. The library throws it on the caller's thread from the offset paging methods,
   * before any query runs; the message reads {@code "detail: requested is over limit allowed"}.
   *
   * @param limit the limit's name: {@code maxPageNumber}, {@code maxSkippedRows} or {@code maxPageSize}
   * @param allowed the limit's configured value
   * @param requested the value the request asked for, greater than {@code allowed}
   * @param detail what was asked, for the start of the message (for example {@code "page 5000 of size 20"})
   */
  public PagingLimitExceededException(String limit, long allowed, long requested, String detail) {
    super(detail + ": " + requested + " is over " + limit + " " + allowed);
    this.limit = limit;
    this.allowed = allowed;
    this.requested = requested;
  }

  /**
   * The name of the limit that was exceeded, as in {@link OffsetLimits}.
   *
   * @return {@code "maxPageNumber"}, {@code "maxSkippedRows"} or {@code "maxPageSize"}
   */
  public String limit() {
    return limit;
  }

  /**
   * The limit's configured value, from the {@link OffsetLimits} in use.
   *
   * @return the largest value the limit accepts
   */
  public long allowed() {
    return allowed;
  }

  /**
   * What the request asked for: a page number, the number of rows that reaching the page would skip, or a
   * page size.
   *
   * @return the requested value, greater than {@link #allowed()}
   */
  public long requested() {
    return requested;
  }
}
