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
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import org.asynccassandra.internal.mapping.RecordRowMapper;

/**
 * Turns a driver {@link Row} into a value of the user's type, for a typed stream ({@link
 * RowStream#map}, {@link AsyncSession#executeStream(com.datastax.oss.driver.api.core.cql.Statement,
 * StreamConfig, RowMapper)}).
 *
 * <p>A stream calls its mapper on the thread that delivers rows to the consumer: the stream's executor for
 * the callback styles and publishers, the consumer's own thread for {@link ResultStream#iterator()};
 * never a driver I/O thread, unless the stream's executor runs tasks on the calling thread ({@code
 * StreamConfig.Builder.executor(Runnable::run)}). A mapper that throws fails the stream with that exception: the styles that hand
 * out rows one at a time deliver every earlier row first; those that hand out whole pages ({@code
 * forEachPage}, {@code nextPage}, {@code pages()}) map a page before handing it out, and deliver every earlier
 * page but not the earlier rows of the failing one. Either way the position stays before the row that failed
 * (for the page styles, at the start of its page), so that a resume delivers it again.
 * It is called once per row, in order, from one thread at a time.
 *
 * @param <T> the type of the values
 */
@FunctionalInterface
public interface RowMapper<T> {
  /**
   * Maps one row.
   *
   * @param row the next row of the stream, never null
   * @return the value; a stream of {@code null} values is not allowed (publishers cannot carry them)
   */
  T map(Row row);

  /**
   * A mapper to a Java record by component name: component {@code userId} reads column {@code userId},
   * {@code userid} or {@code user_id}, whichever the result has (a run of capitals is one word: {@code userID}
   * reads {@code user_id}), through the driver's codec for the
   * column's CQL type and the component's Java type. The columns and codecs are looked up on the first row
   * (with the row's codec registry), and again only for other columns or another session's registry (a
   * mapper shared by streams remembers up to 16 such shapes); each row then costs one decode per column and
   * a constructor call, with no reflection. A missing column or codec fails
   * the stream on its first row, naming both; a null in a primitive component fails it naming the column
   * and the component.
   *
   * @param <R> the record type
   * @param type the record class; its canonical constructor must be accessible to this library (a public
   *     record with a public canonical constructor in a package its module exports, or any record in a
   *     package open to {@code org.asynccassandra}; on the class path every package is open)
   * @return a new mapper, bound to the columns of the first row it maps
   * @throws IllegalArgumentException when {@code type} is not a record, or its canonical constructor cannot
   *     be called
   */
  static <R extends Record> RowMapper<R> record(Class<R> type) {
    return RecordRowMapper.lazy(type);
  }

  /**
   * A mapper to a Java record, checked now against known columns (for example a prepared statement's
   * {@code getResultSetDefinitions()}) and a session's codec registry ({@code
   * session.getContext().getCodecRegistry()}); otherwise as {@link #record(Class)}.
   *
   * @param <R> the record type
   * @param type the record class; its canonical constructor must be accessible to this library
   * @param columns the columns the rows will have, in the order of the result
   * @param codecs the registry to find each component's codec in
   * @return a new mapper, already bound: its rows must have {@code columns}
   * @throws IllegalArgumentException when {@code type} is not a record or its canonical constructor cannot
   *     be called, or a component has no column or no codec, naming the component, the column and the
   *     types
   */
  static <R extends Record> RowMapper<R> record(Class<R> type, ColumnDefinitions columns, CodecRegistry codecs) {
    return RecordRowMapper.bound(type, columns, codecs);
  }
}
