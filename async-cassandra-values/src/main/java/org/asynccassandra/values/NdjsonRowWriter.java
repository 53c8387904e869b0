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
  /** A line buffer grown past this by a wide row is dropped after it, not kept for the writer's life. */
  private static final int KEPT_LINE_CAPACITY = 1 << 20;
  private final LineOutput out;
  private StringBuilder line = new StringBuilder(512);
  private JsonGenerator json = Json.newGenerator(new StringBuilderWriter(line));
  private @Nullable Columns columns;

  NdjsonRowWriter(Writer out) {
    this.out = new LineOutput(out);
  }

  @Override
  public void writeHeader(ColumnDefinitions definitions) {}

  @Override
  public void writeRow(Row row) {
    Columns current = Columns.of(columns, row.getColumnDefinitions());
    columns = current;
    line.setLength(0);
    try {
      json.writeStartObject();
      for (int i = 0, n = current.types.length; i < n; i++) {
        json.writeName(current.jsonNames[i]);
        CqlValueWriter.writeJson(json, current.types[i], current.value(row, i));
      }
      json.writeEndObject();
      json.flush(); // into the line: a StringBuilder, which never fails
    } catch (RuntimeException | Error failure) {
      newLine(); // the generator is inside the failed row's object: a new one for the next row
      throw failure;
    }
    line.append('\n');
    out.write(line);
    if (line.capacity() > KEPT_LINE_CAPACITY) {
      newLine();
    }
  }

  private void newLine() {
    line = new StringBuilder(512);
    json = Json.newGenerator(new StringBuilderWriter(line));
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
