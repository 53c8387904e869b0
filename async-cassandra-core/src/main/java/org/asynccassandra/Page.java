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

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.Optional;

/**
 * One page of a {@link ResultStream}: the rows that one response of the server carried, or, for a mapped
 * stream, their values.
 *
 * <p>A page is handed to one consumer and is not thread-safe: read it on the thread it was delivered to,
 * or hand it over with a happens-before edge. Its rows stay valid after the stream moved on or was closed.
 * A page in the middle of a stream may be empty (the server may answer so); only the last page ends it.
 *
 * @param <T> the type of its values: {@link Row} for a {@link RowStream}
 */
public interface Page<T> {
  /**
   * The rows of this page (of a mapped stream: their values), in server order.
   *
   * @return an unmodifiable list, empty for an empty page, never null
   */
  List<T> rows();

  /**
   * The number of rows in this page.
   *
   * @return the size of {@link #rows()}, {@code >= 0}
   */
  int size();

  /**
   * The 1-based number of this page in its stream.
   *
   * @return 1 for the first page handed to the consumer, then one more for each page
   */
  int number();

  /**
   * Whether this is the last page of the stream: the server has no more, or a stream limit was reached. A
   * table scan may learn that it ended only after its last page was handed over (the last range to finish
   * was not the one of that page): its last page may then say false, and the stream ends after it without
   * a further page.
   *
   * @return true when no page follows this one; false when more may follow
   */
  boolean isLast();

  /**
   * The driver's execution info of the request that fetched this page.
   *
   * @return the info of that response (coordinator, warnings, tracing id, paging state), never null
   */
  ExecutionInfo executionInfo();

  /**
   * The columns of the rows (of a mapped stream: of the rows it mapped).
   *
   * @return the column definitions of the response that carried this page, never null
   */
  ColumnDefinitions columnDefinitions();

  /**
   * The place right after this page's last row, for a page of a {@link QueryStream}: a stream resumed from
   * it starts with the next page's first row (or ends at once, when this page ended the result). Empty for
   * a page of a {@link TableScan}, which resumes from {@link TableScan#checkpoint()} instead.
   *
   * @return the token after this page for a query stream; empty for a table scan
   * @throws IllegalStateException when the driver's paging state after this page is longer than a token holds
   *     (256 KiB: the last row's partition key and clustering values are that large)
   */
  Optional<ResumeToken> resumeToken();
}
