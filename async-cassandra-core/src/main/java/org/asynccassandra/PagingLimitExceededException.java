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

  private final String limit;
  private final long allowed;
  private final long requested;

  public PagingLimitExceededException(String limit, long allowed, long requested, String detail) {
    super(detail + ": " + requested + " is over " + limit + " " + allowed);
    this.limit = limit;
    this.allowed = allowed;
    this.requested = requested;
  }

  /** The name of the limit: {@code maxPageNumber} or {@code maxSkippedRows}. */
  public String limit() {
    return limit;
  }

  public long allowed() {
    return allowed;
  }

  public long requested() {
    return requested;
  }
}
