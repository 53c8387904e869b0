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
import java.io.Writer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * {@link RowWriter#ndjson}: a Jackson generator writes each row into a line of its own, which goes to the
 * output ({@link LineOutput}) only once it is whole, so that a row that fails halfway leaves nothing behind (a
 * generator that wrote straight to the output had half an object there, and the next row went on inside it).
 * A row holds its line in memory once (a row of a 50 MB blob: its JSON text, once).
 */
final class NdjsonRowWriter implements RowWriter {
  private final LineOutput out;
  private final CharLine line = new CharLine();
  private JsonGenerator json = Json.newGenerator(line);
  private @Nullable Columns columns;

  NdjsonRowWriter(Writer out) {
    this.out = new LineOutput(out);
  }

  @Override
  public void writeHeader(ColumnDefinitions definitions) {}

  @Override
  public void writeRow(Row row) {
    Columns current = Columns.of(columns, row.getColumnDefinitions());
    if (current.duplicateName != null) {
      // Written, the line would hold the name twice: most readers keep the last value, strict ones refuse it.
      throw new IllegalArgumentException("Two columns are named '" + current.duplicateName + "', and a JSON object"
          + " holds a name once: give one of them another name in the query (SELECT ... AS ...)");
    }
    columns = current;
    line.clear();
    int column = -1; // the column being written, if any
    try {
      json.writeStartObject();
      for (int i = 0, n = current.types.length; i < n; i++) {
        column = i;
        json.writeName(current.jsonNames[i]);
        CqlValueWriter.writeJson(json, current.types[i], current.value(row, i));
      }
      column = -1;
      json.writeEndObject();
      json.flush(); // into the line, which never fails
    } catch (RuntimeException | Error failure) {
      json = Json.newGenerator(line); // the old one is inside the failed row's object
      if (failure instanceof RuntimeException && column >= 0) {
        throw current.failure(column, (RuntimeException) failure);
      }
      throw failure;
    }
    line.escapeJsonLineBreaks();
    line.write('\n');
    out.write(line);
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
