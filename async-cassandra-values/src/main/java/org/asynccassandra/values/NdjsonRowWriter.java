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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.exc.JacksonIOException;

/** {@link RowWriter#ndjson}: one Jackson generator for the whole output, a line end after each object. */
final class NdjsonRowWriter implements RowWriter {
  private final Writer out;
  private final JsonGenerator json;
  private @Nullable Columns columns;

  NdjsonRowWriter(Writer out) {
    this.out = out;
    this.json = Json.newGenerator(out);
  }

  @Override
  public void writeHeader(ColumnDefinitions definitions) {}

  @Override
  public void writeRow(Row row) {
    Columns current = Columns.of(columns, row.getColumnDefinitions());
    columns = current;
    try {
      json.writeStartObject();
      for (int i = 0, n = current.types.length; i < n; i++) {
        json.writeName(current.jsonNames[i]);
        CqlValueWriter.writeJson(json, current.types[i], current.value(row, i));
      }
      json.writeEndObject();
      json.writeRaw('\n');
    } catch (JacksonIOException failure) {
      throw unchecked(failure);
    }
  }

  @Override
  public void flush() {
    try {
      json.flush();
    } catch (JacksonIOException failure) {
      throw unchecked(failure);
    }
  }

  @Override
  public void close() {
    try (Writer closing = out) {
      json.close();
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    } catch (JacksonIOException failure) {
      throw unchecked(failure);
    }
  }

  /** Jackson 3 wraps the Writer's IOException in its own unchecked exception; RowWriter promises this one. */
  private static UncheckedIOException unchecked(JacksonIOException failure) {
    IOException cause = failure.getCause();
    return cause != null ? new UncheckedIOException(failure.getMessage(), cause)
        : new UncheckedIOException(new IOException(failure.getMessage(), failure));
  }
}
