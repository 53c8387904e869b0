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
package org.asynccassandra.cli;

// The export's hand-written formatting before async-cassandra-values (CqlValues and RowFormat as they were),
// kept only as the baseline of ExportFormatCost.

import com.datastax.oss.driver.api.core.data.CqlDuration;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Renders CQL values as text, faithfully: timestamps as ISO-8601 UTC, blobs as base64, decimals and varints
 * exact, and collections, tuples and UDTs as JSON. One instance per thread; it appends to the caller's
 * builder and allocates nothing per value beyond what formatting needs.
 */
final class HandWrittenFormat {
  private HandWrittenFormat() {}

  /** Appends the plain text form of a non-null scalar, or the JSON form of a collection, tuple or UDT. */
  static void appendText(StringBuilder out, Object value) {
    if (value instanceof Collection || value instanceof Map || value instanceof TupleValue
        || value instanceof UdtValue) {
      appendJson(out, value);
    } else {
      appendScalarText(out, value);
    }
  }

  private static void appendScalarText(StringBuilder out, Object value) {
    if (value instanceof ByteBuffer) {
      ByteBuffer bytes = ((ByteBuffer) value).duplicate();
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      out.append(Base64.getEncoder().encodeToString(copy));
    } else if (value instanceof BigDecimal) {
      out.append(((BigDecimal) value).toPlainString());
    } else if (value instanceof InetAddress) {
      out.append(((InetAddress) value).getHostAddress());
    } else if (value instanceof Instant || value instanceof LocalDate || value instanceof LocalTime
        || value instanceof CqlDuration || value instanceof BigInteger) {
      out.append(value); // ISO-8601 (UTC for Instant), exact integers
    } else {
      out.append(value);
    }
  }

  /** Appends the JSON form of any value: null, a number, a boolean, a string, an array or an object. */
  static void appendJson(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Byte || value instanceof Short || value instanceof Integer
        || value instanceof Long || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof BigDecimal) {
      out.append(((BigDecimal) value).toPlainString());
    } else if (value instanceof Float || value instanceof Double) {
      double number = ((Number) value).doubleValue();
      if (Double.isNaN(number) || Double.isInfinite(number)) {
        appendJsonString(out, value.toString()); // JSON has no NaN or Infinity
      } else {
        out.append(value);
      }
    } else if (value instanceof Map) {
      out.append('{');
      Iterator<? extends Map.Entry<?, ?>> entries = ((Map<?, ?>) value).entrySet().iterator();
      while (entries.hasNext()) {
        Map.Entry<?, ?> entry = entries.next();
        StringBuilder key = new StringBuilder();
        if (entry.getKey() instanceof String) {
          key.append((String) entry.getKey());
        } else {
          appendText(key, entry.getKey());
        }
        appendJsonString(out, key);
        out.append(':');
        appendJson(out, entry.getValue());
        if (entries.hasNext()) {
          out.append(',');
        }
      }
      out.append('}');
    } else if (value instanceof Collection) {
      out.append('[');
      Iterator<?> elements = ((Collection<?>) value).iterator();
      while (elements.hasNext()) {
        appendJson(out, elements.next());
        if (elements.hasNext()) {
          out.append(',');
        }
      }
      out.append(']');
    } else if (value instanceof TupleValue) {
      TupleValue tuple = (TupleValue) value;
      out.append('[');
      for (int i = 0; i < tuple.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        appendJson(out, tuple.getObject(i));
      }
      out.append(']');
    } else if (value instanceof UdtValue) {
      UdtValue udt = (UdtValue) value;
      UserDefinedType type = udt.getType();
      out.append('{');
      for (int i = 0; i < udt.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        appendJsonString(out, type.getFieldNames().get(i).asInternal());
        out.append(':');
        appendJson(out, udt.getObject(i));
      }
      out.append('}');
    } else {
      StringBuilder text = new StringBuilder();
      appendScalarText(text, value);
      appendJsonString(out, text);
    }
  }

  static void appendJsonString(StringBuilder out, CharSequence text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  /** Appends an RFC 4180 field: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
  static void appendCsvField(StringBuilder out, CharSequence field) {
    boolean quote = false;
    for (int i = 0; i < field.length() && !quote; i++) {
      char c = field.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) {
      out.append(field);
      return;
    }
    out.append('"');
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '"') {
        out.append('"');
      }
      out.append(c);
    }
    out.append('"');
  }

  /** The old RowFormat.CSV row. */
  static void csvRow(com.datastax.oss.driver.api.core.cql.Row row, StringBuilder out, StringBuilder scratch) {
    for (int i = 0, n = row.size(); i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      Object value = row.isNull(i) ? null : row.getObject(i);
      if (value != null) {
        scratch.setLength(0);
        appendText(scratch, value);
        appendCsvField(out, scratch);
      }
    }
    out.append("\r\n");
  }

  /** The old RowFormat.NDJSON row. */
  static void ndjsonRow(com.datastax.oss.driver.api.core.cql.Row row, StringBuilder out) {
    com.datastax.oss.driver.api.core.cql.ColumnDefinitions columns = row.getColumnDefinitions();
    out.append('{');
    for (int i = 0, n = row.size(); i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      appendJsonString(out, columns.get(i).getName().asInternal());
      out.append(':');
      appendJson(out, row.isNull(i) ? null : row.getObject(i));
    }
    out.append("}\n");
  }
}
