package org.asynccassandra;

import com.datastax.oss.driver.api.core.cql.Row;

/**
 * The driver's rows of one query ({@link QueryStream}) or of a whole table ({@link TableScan}), fetched
 * page by page with read-ahead; see {@link ResultStream} for the consumption styles and their promises.
 * {@link #map} turns it into a stream of the user's type.
 */
public interface RowStream extends ResultStream<Row> {
  /**
   * This stream with each row mapped by {@code mapper}: every consumption style and every promise of this
   * stream (read-ahead, bounds, threads, close), for values of type {@code T}. The two are one stream:
   * consume it through the mapped one, and ask this one for its {@link QueryStream#position() position},
   * {@link TableScan#checkpoint() checkpoint} or {@link #stats() stats}; closing either closes both. A
   * mapper that throws counts as a consumer that throws: the stream fails with its exception.
   *
   * @throws IllegalStateException when consumption of this stream already started
   */
  <T> ResultStream<T> map(RowMapper<? extends T> mapper);
}
