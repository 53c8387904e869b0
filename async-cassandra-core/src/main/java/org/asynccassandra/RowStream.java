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
   * @param <T> the type of the values the mapped stream hands out
   * @param mapper turns each row into a value, not null; called once per row, in order, on the thread
   *     that delivers rows (the stream's executor, or the consumer's own thread for {@link #iterator()})
   * @return the mapped view of this stream, the only one through which it may be consumed from now on
   * @throws IllegalStateException when consumption of this stream already started, or it was already
   *     mapped: {@code map} is allowed once
   * @throws NullPointerException if {@code mapper} is null
   */
  <T> ResultStream<T> map(RowMapper<? extends T> mapper);
}
