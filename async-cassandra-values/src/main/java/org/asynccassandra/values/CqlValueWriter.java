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

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.data.CqlDuration;
import com.datastax.oss.driver.api.core.data.CqlVector;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.ListType;
import com.datastax.oss.driver.api.core.type.MapType;
import com.datastax.oss.driver.api.core.type.SetType;
import com.datastax.oss.driver.api.core.type.TupleType;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import com.datastax.oss.driver.api.core.type.VectorType;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * Writes one CQL value, given its CQL type, as the text of a CSV cell or as JSON: the export's per-type
 * mapping ({@code docs/values.md} has the table). Values are the driver's own Java types, as its default
 * codecs decode them ({@code Integer} for {@code int}, {@code Instant} for {@code timestamp},
 * {@code CqlVector} for {@code vector}, ...).
 *
 * <ul>
 *   <li>Scalars: {@code timestamp} ISO-8601 UTC, {@code date} and {@code time} ISO-8601, {@code blob}
 *       base64 (RFC 4648 with padding), {@code decimal} and {@code varint} exact, {@code duration} as the
 *       driver's standard format ({@code 1y2mo3d4h5m6s7ms}; zero is {@code 0s}), {@code float}/{@code double}
 *       as Java prints them ({@code NaN}, {@code Infinity}, {@code -Infinity} included).
 *   <li>Collections, tuples, UDTs and vectors are JSON: native JSON in NDJSON, JSON text in a CSV cell.
 *   <li>JSON has no NaN or infinities: in JSON they are the strings {@code "NaN"}, {@code "Infinity"},
 *       {@code "-Infinity"}; every other number is a JSON number, exact.
 * </ul>
 *
 * <p>Stateless and thread-safe; nothing blocks.
 */
public final class CqlValueWriter {
  /** ISO-8601 with the seconds always present: {@code 00:00:00}, {@code 13:45:30.1234}. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_LOCAL_TIME;

  private CqlValueWriter() {}

  /**
   * The text of a non-null value in a CSV cell, before CSV quoting: a scalar's plain text, or the JSON text
   * of a collection, tuple, UDT or vector.
   *
   * @param type the column's CQL type, which picks the format
   * @param value the value, never {@code null} (a null cell has no text: write an empty, unquoted field)
   * @return the cell's text, unquoted; {@link CqlValueReader#fromText} reads it back to an equal value
   * @throws IllegalArgumentException when the value is not of the Java type the driver decodes {@code type} to
   */
  public static String toText(DataType type, Object value) {
    String scalar;
    try {
      scalar = scalarText(type, value);
    } catch (ClassCastException wrongType) {
      throw wrongType(type, value, wrongType);
    }
    return scalar != null ? scalar : toJson(type, value);
  }

  /**
   * The JSON text of a value; {@code null} gives {@code null}.
   *
   * @param type the value's CQL type, which picks the JSON form
   * @param value the value, or {@code null}
   * @return the text of one JSON value (the four characters {@code null} for a null value);
   *     {@link CqlValueReader#fromJson} reads it back to an equal value
   * @throws IllegalArgumentException when the value is not of the Java type the driver decodes {@code type} to
   */
  public static String toJson(DataType type, @Nullable Object value) {
    StringBuilder text = new StringBuilder(64);
    try (JsonGenerator json = Json.newGenerator(new StringBuilderWriter(text))) {
      writeJson(json, type, value);
    }
    return text.toString();
  }

  /**
   * Writes a value as one JSON value (a number, a string, a boolean, an array, an object, or null) to a
   * Jackson 3 generator, in whatever context the generator is in (a field's value, an array element).
   *
   * @param json the generator to write to, positioned where a value may go; it is not flushed or closed
   * @param type the value's CQL type, which picks the JSON form
   * @param value the value, or {@code null} for a JSON {@code null}
   * @throws tools.jackson.core.JacksonException when the generator fails to write (an I/O error of its
   *     output, or a value where the generator's context does not allow one)
   * @throws IllegalArgumentException when the value is not of the Java type the driver decodes {@code type} to
   */
  public static void writeJson(JsonGenerator json, DataType type, @Nullable Object value) {
    if (value == null) {
      json.writeNull();
      return;
    }
    try {
      writeNonNullJson(json, type, value);
    } catch (ClassCastException wrongType) {
      throw wrongType(type, value, wrongType);
    }
  }

  private static IllegalArgumentException wrongType(DataType type, Object value, ClassCastException cause) {
    return new IllegalArgumentException("Not a value of CQL type " + type.asCql(true, true) + ": a "
        + value.getClass().getName(), cause);
  }

  private static void writeNonNullJson(JsonGenerator json, DataType type, Object value) {
    if (type instanceof VectorType vector) {
      json.writeStartArray();
      for (Object element : (CqlVector<?>) value) {
        writeJson(json, vector.getElementType(), element);
      }
      json.writeEndArray();
      return;
    }
    switch (type.getProtocolCode()) {
      case ProtocolConstants.DataType.BOOLEAN:
        json.writeBoolean((Boolean) value);
        return;
      case ProtocolConstants.DataType.TINYINT:
      case ProtocolConstants.DataType.SMALLINT:
      case ProtocolConstants.DataType.INT:
      case ProtocolConstants.DataType.BIGINT:
      case ProtocolConstants.DataType.COUNTER:
      case ProtocolConstants.DataType.VARINT:
      case ProtocolConstants.DataType.DECIMAL:
        json.writeNumber(scalarTextOrFail(type, value));
        return;
      case ProtocolConstants.DataType.FLOAT:
      case ProtocolConstants.DataType.DOUBLE:
        double number = ((Number) value).doubleValue();
        if (Double.isNaN(number) || Double.isInfinite(number)) {
          json.writeString(scalarTextOrFail(type, value)); // JSON has no NaN or Infinity: "NaN", "Infinity", "-Infinity"
        } else {
          json.writeNumber(scalarTextOrFail(type, value));
        }
        return;
      case ProtocolConstants.DataType.LIST:
      case ProtocolConstants.DataType.SET:
        DataType elementType = type instanceof ListType list ? list.getElementType() : ((SetType) type).getElementType();
        json.writeStartArray();
        for (Object element : (Collection<?>) value) {
          writeJson(json, elementType, element);
        }
        json.writeEndArray();
        return;
      case ProtocolConstants.DataType.MAP:
        MapType map = (MapType) type;
        json.writeStartObject();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          Object key = entry.getKey();
          json.writeName(key == null ? "" : toText(map.getKeyType(), key)); // keys are strings in JSON
          writeJson(json, map.getValueType(), entry.getValue());
        }
        json.writeEndObject();
        return;
      case ProtocolConstants.DataType.TUPLE:
        TupleValue tuple = (TupleValue) value;
        List<DataType> components = ((TupleType) type).getComponentTypes();
        json.writeStartArray();
        for (int i = 0; i < components.size(); i++) {
          writeJson(json, components.get(i), element(components.get(i), tuple.getBytesUnsafe(i), tuple.protocolVersion()));
        }
        json.writeEndArray();
        return;
      case ProtocolConstants.DataType.UDT:
        UdtValue udt = (UdtValue) value;
        UserDefinedType udtType = (UserDefinedType) type;
        json.writeStartObject();
        for (int i = 0; i < udtType.getFieldTypes().size(); i++) {
          DataType fieldType = udtType.getFieldTypes().get(i);
          json.writeName(udtType.getFieldNames().get(i).asInternal());
          writeJson(json, fieldType, element(fieldType, udt.getBytesUnsafe(i), udt.protocolVersion()));
        }
        json.writeEndObject();
        return;
      default:
        json.writeString(scalarTextOrFail(type, value));
    }
  }

  /**
   * A tuple's or UDT's element, decoded with the driver's default codecs (not the session's registry,
   * where a custom codec could change the Java type).
   */
  private static @Nullable Object element(DataType type, @Nullable ByteBuffer bytes, ProtocolVersion version) {
    return bytes == null ? null : CodecRegistry.DEFAULT.codecFor(type).decode(bytes, version);
  }

  private static String scalarTextOrFail(DataType type, Object value) {
    String text = scalarText(type, value);
    if (text == null) {
      throw new IllegalStateException("Not a scalar type: " + type.asCql(true, true));
    }
    return text;
  }

  /** The plain text of a scalar, or null for the types written as JSON (collections, tuples, UDTs, vectors). */
  static @Nullable String scalarText(DataType type, Object value) {
    if (type instanceof VectorType) {
      return null;
    }
    switch (type.getProtocolCode()) {
      case ProtocolConstants.DataType.ASCII:
      case ProtocolConstants.DataType.VARCHAR:
        return (String) value;
      // Exact, and ISO-8601 for dates and instants (an Instant prints UTC, its seconds always present).
      case ProtocolConstants.DataType.BOOLEAN:
        return ((Boolean) value).toString();
      case ProtocolConstants.DataType.TINYINT:
        return ((Byte) value).toString();
      case ProtocolConstants.DataType.SMALLINT:
        return ((Short) value).toString();
      case ProtocolConstants.DataType.INT:
        return ((Integer) value).toString();
      case ProtocolConstants.DataType.BIGINT:
      case ProtocolConstants.DataType.COUNTER:
        return ((Long) value).toString();
      case ProtocolConstants.DataType.VARINT:
        return ((BigInteger) value).toString();
      case ProtocolConstants.DataType.FLOAT:
        return ((Float) value).toString();
      case ProtocolConstants.DataType.DOUBLE:
        return ((Double) value).toString();
      case ProtocolConstants.DataType.UUID:
      case ProtocolConstants.DataType.TIMEUUID:
        return ((UUID) value).toString();
      case ProtocolConstants.DataType.DATE:
        return ((LocalDate) value).toString();
      case ProtocolConstants.DataType.TIMESTAMP:
        return ((Instant) value).toString();
      case ProtocolConstants.DataType.DECIMAL:
        return decimal((BigDecimal) value);
      case ProtocolConstants.DataType.TIME:
        return TIME.format((LocalTime) value);
      case ProtocolConstants.DataType.DURATION:
        return duration((CqlDuration) value);
      case ProtocolConstants.DataType.INET:
        return ((InetAddress) value).getHostAddress();
      case ProtocolConstants.DataType.BLOB:
      case ProtocolConstants.DataType.CUSTOM:
        return base64((ByteBuffer) value);
      default:
        return null;
    }
  }

  /**
   * Plain digits when the scale is zero or positive ({@code 12.50}); scientific notation for a negative scale
   * ({@code 1.2E+3}), which plain digits would lose, and for a scale that plain digits would pad with more than
   * {@value #MAX_PLAIN_LEADING_ZEROS} leading zeros ({@code 1E-999999999}, nine bytes stored, is a billion
   * characters in plain digits). Either parses back to an equal {@code BigDecimal}, scale included.
   */
  static String decimal(BigDecimal value) {
    return value.scale() >= 0 && (long) value.scale() - value.precision() <= MAX_PLAIN_LEADING_ZEROS
        ? value.toPlainString() : value.toString();
  }

  /** The most zeros plain digits put between the decimal point and a decimal's first digit. */
  static final int MAX_PLAIN_LEADING_ZEROS = 64;

  /**
   * The driver's standard duration format, which {@link CqlDuration#from} parses; zero is {@code 0s}, never empty.
   *
   * @throws IllegalArgumentException for a part at {@code Integer.MIN_VALUE} or {@code Long.MIN_VALUE}: the
   *     driver's format takes each part's absolute value, which does not exist for those, and would write a
   *     text that does not parse or parses to another duration
   */
  static String duration(CqlDuration value) {
    if (value.getMonths() == Integer.MIN_VALUE || value.getDays() == Integer.MIN_VALUE
        || value.getNanoseconds() == Long.MIN_VALUE) {
      throw new IllegalArgumentException("The duration (" + value.getMonths() + " months, " + value.getDays()
          + " days, " + value.getNanoseconds() + " ns) has a part at its type's minimum, which the duration text"
          + " format cannot hold");
    }
    String text = value.toString();
    return text.isEmpty() ? "0s" : text;
  }

  private static String base64(ByteBuffer value) {
    ByteBuffer bytes = value.duplicate();
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(copy);
    return Base64.getEncoder().encodeToString(copy);
  }
}
