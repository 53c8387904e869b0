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

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;

/**
 * One page of offset paging. A page past the end of the result is empty and {@link #isLast()}: a
 * page-number UI can show "no more rows" instead of an error.
 *
 * @param rows the page's rows, in server order (unmodifiable)
 * @param pageNumber the 1-based page number asked for
 * @param pageSize the page size asked for
 * @param isLast whether no row follows this page
 * @param stats the counters of the stream that read it (rows skipped, pages fetched, buffered at most)
 */
public record OffsetPage(List<Row> rows, int pageNumber, int pageSize, boolean isLast, StreamStats stats) {
  /**
   * Copies {@code rows} into an unmodifiable list, so that the page does not change when the list it was
   * built from does.
   *
   * @param rows the page's rows, in server order; copied, so the caller may change its list afterwards
   * @param pageNumber the 1-based page number asked for
   * @param pageSize the page size asked for
   * @param isLast whether no row follows this page (true for a page past the end, which is empty)
   * @param stats the counters of the stream that read it
   * @throws NullPointerException if {@code rows} is null or holds a null row
   */
  public OffsetPage {
    rows = List.copyOf(rows);
  }
}
