package org.asynccassandra.values;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

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
    json.writeStartObject();
    for (int i = 0, n = current.types.length; i < n; i++) {
      json.writeName(current.jsonNames[i]);
      CqlValueWriter.writeJson(json, current.types[i], current.value(row, i));
    }
    json.writeEndObject();
    json.writeRaw('\n');
  }

  @Override
  public void flush() {
    json.flush();
  }

  @Override
  public void close() {
    try (Writer closing = out) {
      json.close();
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    }
  }
}
