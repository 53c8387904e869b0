package org.asynccassandra.cli;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;

/** The export formats: how a header and a row become text. Not thread-safe: one per writer. */
enum RowFormat {
  /** RFC 4180: a header line, CRLF line ends, null as an empty field. */
  CSV {
    @Override
    void header(ColumnDefinitions columns, StringBuilder out) {
      for (int i = 0; i < columns.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        CqlValues.appendCsvField(out, columns.get(i).getName().asInternal());
      }
      out.append("\r\n");
    }

    @Override
    void row(Row row, StringBuilder out, StringBuilder scratch) {
      for (int i = 0, n = row.size(); i < n; i++) {
        if (i > 0) {
          out.append(',');
        }
        Object value = row.isNull(i) ? null : row.getObject(i);
        if (value != null) {
          scratch.setLength(0);
          CqlValues.appendText(scratch, value);
          CqlValues.appendCsvField(out, scratch);
        }
      }
      out.append("\r\n");
    }
  },

  /** One JSON object per line, native JSON types, null as null. */
  NDJSON {
    @Override
    void header(ColumnDefinitions columns, StringBuilder out) {}

    @Override
    void row(Row row, StringBuilder out, StringBuilder scratch) {
      ColumnDefinitions columns = row.getColumnDefinitions();
      out.append('{');
      for (int i = 0, n = row.size(); i < n; i++) {
        if (i > 0) {
          out.append(',');
        }
        CqlValues.appendJsonString(out, columns.get(i).getName().asInternal());
        out.append(':');
        // CQL stores an empty collection as null, and the driver reads null collections as empty ones:
        // isNull() tells the truth.
        CqlValues.appendJson(out, row.isNull(i) ? null : row.getObject(i));
      }
      out.append("}\n");
    }
  };

  abstract void header(ColumnDefinitions columns, StringBuilder out);

  abstract void row(Row row, StringBuilder out, StringBuilder scratch);
}
