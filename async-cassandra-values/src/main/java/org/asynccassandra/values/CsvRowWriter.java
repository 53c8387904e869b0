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
import de.siegmar.fastcsv.writer.QuoteStrategy;
import java.io.Writer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * {@link RowWriter#csv}: FastCSV makes each record into a line of its own, which goes to the output ({@link
 * LineOutput}) only once it is whole; one Jackson generator, reused, makes the JSON cells.
 */
final class CsvRowWriter implements RowWriter {
  /** The record being made; it goes to the output ({@link LineOutput}) only once it is whole. */
  private final CharLine line = new CharLine();
  private final CsvWriter csv;
  private final LineOutput out;
  private final StringBuilder jsonText = new StringBuilder(256);
  private JsonGenerator json = Json.newGenerator(new StringBuilderWriter(jsonText));
  private @Nullable Columns columns;
  /** The row's fields, all made before the record is started: a row that fails leaves nothing behind. */
  private @Nullable String[] fields = new String[0];

  /**
   * Quotes an empty string (a null stays an empty field, as PostgreSQL's {@code COPY ... CSV} writes them) and
   * the value {@code \.}: alone on its line (a one-column export), PostgreSQL before 18 reads it unquoted as the
   * end of the data and drops the rows after it; its own CSV output quotes it too.
   */
  private static final QuoteStrategy QUOTES = new QuoteStrategy() {
    @Override
    public boolean quoteEmpty(int lineNo, int fieldIdx) {
      return true;
    }

    @Override
    public boolean quoteValue(int lineNo, int fieldIdx, String value) {
      return value.equals("\\.");
    }
  };

  CsvRowWriter(Writer out) {
    this.out = new LineOutput(out);
    this.csv = CsvWriter.builder()
        .lineDelimiter(LineDelimiter.CRLF)
        .quoteStrategy(QUOTES) // "" for an empty string; null stays an empty field
        .bufferSize(0) // straight into the line
        .build(line);
  }

  @Override
  public void writeHeader(ColumnDefinitions definitions) {
    Columns current = Columns.of(columns, definitions);
    columns = current;
    line.clear();
    csv.writeRecord(current.names);
    out.write(line);
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
      try {
        Object value = current.value(row, i);
        fields[i] = value == null ? null : cell(current, i, value);
      } catch (RuntimeException failure) {
        java.util.Arrays.fill(fields, null); // the row is not written: keep none of its cells
        throw current.failure(i, failure);
      }
    }
    line.clear();
    CsvWriter.CsvWriterRecord record = csv.writeRecord();
    for (int i = 0; i < n; i++) {
      record.writeField(fields[i]);
      fields[i] = null;
    }
    record.endRecord();
    out.write(line);
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
    out.flush();
  }

  @Override
  public void close() {
    out.close();
  }
}
