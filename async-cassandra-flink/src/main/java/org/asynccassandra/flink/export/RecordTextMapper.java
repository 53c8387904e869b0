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
package org.asynccassandra.flink.export;

import com.datastax.oss.driver.api.core.cql.Row;
import java.io.StringWriter;
import org.asynccassandra.flink.CassandraRowMapper;
import org.asynccassandra.values.RowWriter;
import org.jspecify.annotations.Nullable;

/**
 * A row as the text of one record of an {@link ExportFormat}, line end included: the values module's
 * {@link RowWriter} writes it into a buffer that is reused from row to row. Runs on the reader's task thread,
 * one row at a time; the writer is created there, on the first row.
 */
public final class RecordTextMapper implements CassandraRowMapper<String> {
  private static final long serialVersionUID = 1L;

  /** The format of the records; the only serialized state (the writer is created on the task thread). */
  private final ExportFormat format;
  private transient @Nullable StringWriter text;
  private transient @Nullable RowWriter writer;

  /**
   * A mapper to records of {@code format}; it creates its writer lazily, on the task thread, so it can be
   * built and serialized on the client.
   *
   * @param format CSV or NDJSON
   */
  public RecordTextMapper(ExportFormat format) {
    this.format = format;
  }

  @Override
  public String map(Row row) {
    StringWriter buffer = text;
    RowWriter records = writer;
    if (buffer == null || records == null) {
      buffer = new StringWriter(256);
      records = format.writer(buffer);
      text = buffer;
      writer = records;
    }
    records.writeRow(row);
    records.flush();
    String record = buffer.toString();
    buffer.getBuffer().setLength(0);
    return record;
  }
}
