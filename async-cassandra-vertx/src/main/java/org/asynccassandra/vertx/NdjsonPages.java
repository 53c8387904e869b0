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
package org.asynccassandra.vertx;

import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.buffer.Buffer;
import java.io.Writer;
import java.util.function.Function;
import org.asynccassandra.Page;
import org.asynccassandra.values.RowWriter;
import org.jspecify.annotations.Nullable;

/**
 * One stream's pages as NDJSON buffers, for {@link CassandraReadStream#ndjson}: one {@link RowWriter} for the
 * whole stream (it looks the columns up once per result, not per page) over a text buffer that each page
 * empties. Called on the adapter's context only, one page at a time.
 */
final class NdjsonPages implements Function<Page<Row>, @Nullable Buffer> {
  private final StringBuilder text = new StringBuilder();
  private final RowWriter writer = RowWriter.ndjson(new TextWriter(text));

  @Override
  public @Nullable Buffer apply(Page<Row> page) {
    if (page.size() == 0) {
      return null;
    }
    text.setLength(0);
    for (Row row : page.rows()) {
      writer.writeRow(row);
    }
    writer.flush();
    Buffer lines = Buffer.buffer(text.toString());
    if (text.length() > 1 << 20) {
      text.setLength(0);
      text.trimToSize(); // keep no large page's buffer between pages
    }
    return lines;
  }

  /** Appends to the text buffer; nothing to flush or close. */
  private static final class TextWriter extends Writer {
    private final StringBuilder text;

    TextWriter(StringBuilder text) {
      this.text = text;
    }

    @Override
    public void write(char[] buffer, int offset, int length) {
      text.append(buffer, offset, length);
    }

    @Override
    public void write(String string, int offset, int length) {
      text.append(string, offset, offset + length);
    }

    @Override
    public void write(int character) {
      text.append((char) character);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
