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
  public OffsetPage {
    rows = List.copyOf(rows);
  }
}
