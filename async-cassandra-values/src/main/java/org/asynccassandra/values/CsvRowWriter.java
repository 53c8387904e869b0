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
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import de.siegmar.fastcsv.writer.QuoteStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/** {@link RowWriter#csv}: FastCSV for the records, one Jackson generator reused for the JSON cells. */
final class CsvRowWriter implements RowWriter {
  private final CsvWriter csv;
  private final StringBuilder jsonText = new StringBuilder(256);
  private JsonGenerator json = Json.newGenerator(new StringBuilderWriter(jsonText));
  private @Nullable Columns columns;
  /** The row's fields, all made before the record is started: a row that fails leaves nothing behind. */
  private @Nullable String[] fields = new String[0];

  CsvRowWriter(Writer out) {
    this.csv = CsvWriter.builder()
        .lineDelimiter(LineDelimiter.CRLF)
        .quoteStrategy(QuoteStrategies.EMPTY) // "" for an empty string; null stays an empty field
        .build(out);
  }

  @Override
  public void writeHeader(ColumnDefinitions definitions) {
    Columns current = Columns.of(columns, definitions);
    columns = current;
    csv.writeRecord(current.names);
  }

  @Override
  public void writeRow(Row row) {
    Columns current = Columns.of(columns, row.getColumnDefinitions());
    columns = current;
    int n = current.types.length;
    if (fields.length != n) {
      fields = new String[n];
    }
    for (int i = 0; i < n; i++) {
      Object value = current.value(row, i);
      fields[i] = value == null ? null : cell(current, i, value);
    }
    CsvWriter.CsvWriterRecord record = csv.writeRecord();
    for (int i = 0; i < n; i++) {
      record.writeField(fields[i]);
      fields[i] = null;
    }
    record.endRecord();
  }

  private String cell(Columns current, int i, Object value) {
    String scalar = CqlValueWriter.scalarText(current.types[i], value);
    if (scalar != null) {
      return scalar;
    }
    jsonText.setLength(0);
    try {
      CqlValueWriter.writeJson(json, current.types[i], value);
      json.flush();
    } catch (RuntimeException | Error failure) {
      json = Json.newGenerator(new StringBuilderWriter(jsonText)); // the old one is inside the failed value
      throw failure;
    }
    return jsonText.toString();
  }

  @Override
  public void flush() {
    try {
      csv.flush();
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    }
  }

  @Override
  public void close() {
    try {
      csv.close();
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    }
  }
}
