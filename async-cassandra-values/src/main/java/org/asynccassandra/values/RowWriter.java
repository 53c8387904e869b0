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
package org.asynccassandra.values;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.Closeable;
import java.io.Flushable;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes driver rows as text, one record per row, with every column's value mapped by its CQL type as
 * {@link CqlValueWriter} says. Two formats:
 *
 * <ul>
 *   <li>{@link #csv CSV}: RFC 4180 with CRLF line ends, a header of column names, minimal quoting (a field
 *       is quoted when it holds a comma, a quote, CR or LF); a null is an empty field and an empty string
 *       is {@code ""}, so the two differ ({@link CsvRecordReader} reads them back apart).
 *   <li>{@link #ndjson NDJSON}: one JSON object per line ({@code \n}), the row's columns in order, native
 *       JSON values, null as {@code null}; no header. A result with two columns of one name
 *       ({@code SELECT v, v}) cannot be written: each row is refused with an {@link IllegalArgumentException}
 *       that names the column (alias one of them).
 * </ul>
 *
 * <p>A column is null when the row says so ({@link Row#isNull}): an empty non-frozen collection, which
 * Cassandra does not store, is null, though the driver decodes it as an empty collection. So is an empty
 * (zero-byte) value of a type other than text and blob, which the driver's codecs decode to null although
 * {@link Row#isNull} is false. Values are decoded with the driver's default codecs, whatever codecs the
 * session registered.
 *
 * <p>Not thread-safe: one writer per thread (several writers on several threads may each format part of a
 * result). The writer buffers: {@link #flush()} hands everything to the underlying {@link Writer},
 * {@link #close()} flushes and closes it. Write failures are {@link UncheckedIOException}s; a value that
 * does not match its column's type is an {@link IllegalArgumentException}.
 *
 * <p>Whole records only: a row that fails (a value that cannot be written) leaves nothing of it behind, and the
 * next row is written as usual; the writer hands the output whole lines, never part of one (a line longer than
 * its buffer goes straight through). A write to the output that fails leaves the writer failed: every later
 * call but {@link #close()} throws, and {@code close()} closes the output without writing the lines still
 * buffered.
 */
public interface RowWriter extends Flushable, Closeable {
  /**
   * A CSV writer to {@code out}.
   *
   * @param out where the records go; the returned writer buffers in front of it, and owns it: its
   *     {@link #close()} closes {@code out}
   * @return a new CSV writer that has written nothing yet (call {@link #writeHeader} first for a header)
   */
  static RowWriter csv(Writer out) {
    return new CsvRowWriter(out);
  }

  /**
   * An NDJSON writer to {@code out}.
   *
   * @param out where the lines go; the returned writer buffers in front of it, and owns it: its
   *     {@link #close()} closes {@code out}
   * @return a new NDJSON writer that has written nothing yet
   */
  static RowWriter ndjson(Writer out) {
    return new NdjsonRowWriter(out);
  }

  /**
   * Writes the header record: the columns' names (CSV); writes nothing in NDJSON.
   *
   * @param columns the result's columns, in order; each name is written as Cassandra stores it (its
   *     internal form, unquoted)
   */
  void writeHeader(ColumnDefinitions columns);

  /**
   * Writes one row as one record.
   *
   * @param row the row to write; its own column definitions give the names and types, so rows of
   *     different results may follow each other
   * @throws IllegalArgumentException if a value does not match its column's type, or (NDJSON) two columns
   *     share a name
   */
  void writeRow(Row row);

  /** Writes what is buffered to the underlying writer and flushes it. */
  @Override
  void flush();

  /**
   * Flushes (unless a write to the output failed before), then closes the underlying writer, also when the
   * flush fails.
   */
  @Override
  void close();
}
