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
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads a value written by {@link CqlValueWriter} (or a {@link RowWriter}) back into the Java value the
 * driver's default codecs decode its CQL type to: {@code fromText} for a CSV cell, {@code fromJson} and
 * {@code readJson} for JSON. Reading back what was written gives a value {@code equals} to the original
 * (for {@code float} and {@code double} too: {@code NaN}, infinities and {@code -0.0} included).
 *
 * <p>Stateless and thread-safe; nothing blocks (an {@code inet} is parsed as a literal, never looked up).
 * A value that is not of the type fails with {@link IllegalArgumentException} naming the type and the value.
 */
public final class CqlValueReader {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private CqlValueReader() {}

  /**
   * The value of a CSV cell's text: {@code null} (an empty, unquoted field, as {@link CsvRecordReader}
   * gives it) is null; {@code ""} is an empty text or blob; containers are parsed as JSON.
   *
   * @param type the column's CQL type, which picks the parser and the Java class of the result
   * @param text the cell's text as {@link CqlValueWriter#toText} wrote it; {@code null} for a null cell
   * @return the driver's Java value for {@code type} ({@code String}, {@code Integer}, {@code Instant},
   *     {@code List}, {@code UdtValue}, ...), or {@code null} when {@code text} is {@code null}
   * @throws IllegalArgumentException if {@code text} is not a value of {@code type}; the message names both
   */
  public static @Nullable Object fromText(DataType type, @Nullable String text) {
    if (text == null) {
      return null;
    }
    try {
      return parseText(type, text);
    } catch (InvalidValueException bad) {
      throw bad;
    } catch (RuntimeException bad) {
      throw invalid(type, text, bad);
    }
  }

  /**
   * The value of one JSON value's text ({@code null} gives null).
   *
   * @param type the CQL type of the value, which picks the Java class of the result
   * @param json exactly one JSON value (a scalar, array or object, as {@link CqlValueWriter#toJson} wrote
   *     it); anything after it fails
   * @return the driver's Java value for {@code type}, or {@code null} for the JSON literal {@code null}
   * @throws IllegalArgumentException if {@code json} is not well-formed JSON, holds more than one value, or
   *     is not a value of {@code type}; the message names the type and the text
   */
  public static @Nullable Object fromJson(DataType type, String json) {
    try (JsonParser parser = Json.newParser(json)) {
      parser.nextToken();
      Object value = readJson(parser, type);
      if (parser.nextToken() != null) {
        throw invalid(type, json, null);
      }
      return value;
    } catch (InvalidValueException bad) {
      throw bad;
    } catch (RuntimeException bad) { // JSON that is not well-formed, or a value the driver refuses to build
      throw invalid(type, json, bad);
    }
  }

  /**
   * A Jackson parser of {@code in} that reads any CQL value: unlike Jackson's defaults (1,000 digits, 20 M
   * characters) it puts no limit on a number's or a string's length, so a long varint or a large blob reads
   * back. Use it to read an NDJSON export line by line with {@link #readJson}. Not thread-safe (a parser).
   *
   * @param in the characters to parse; the parser reads it as it advances and closes it when closed
   * @return a new parser positioned before the first token (call {@code nextToken()} first)
   */
  public static JsonParser jsonParser(java.io.Reader in) {
    return Json.newParser(in);
  }

  /**
   * Reads the JSON value the parser is on (its current token: a scalar, or the start of an array or
   * object) and leaves the parser on the value's last token, as Jackson's own readers do.
   *
   * @param parser a parser from {@link #jsonParser}, on the first token of the value to read
   * @param type the CQL type of the value, which picks the Java class of the result
   * @return the driver's Java value for {@code type}, or {@code null} for a JSON {@code null}
   * @throws IllegalArgumentException if the parser is on no token (the input ended) or the value is not
   *     of {@code type}
   * @throws tools.jackson.core.JacksonException if the input is not well-formed JSON
   */
  public static @Nullable Object readJson(JsonParser parser, DataType type) {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new IllegalArgumentException("No JSON value for CQL type " + cql(type) + ": the input ended");
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (type instanceof VectorType vector) {
      List<@Nullable Object> elements = readArray(parser, vector.getElementType(), type);
      if (elements.size() != vector.getDimensions() || elements.contains(null)) {
        // The driver builds a vector of any size, and fails only when it is bound; it refuses nulls barely.
        throw new InvalidValueException("Not a value of CQL type " + cql(type) + ": '" + elements + "' ("
            + (elements.contains(null) ? "a vector holds no null" : elements.size() + " elements for "
            + vector.getDimensions() + " dimensions") + ")", null);
      }
      return CqlVector.newInstance(elements);
    }
    switch (type.getProtocolCode()) {
      case ProtocolConstants.DataType.BOOLEAN:
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
          throw invalid(type, parser.getString(), null);
        }
        return token == JsonToken.VALUE_TRUE;
      case ProtocolConstants.DataType.TINYINT:
      case ProtocolConstants.DataType.SMALLINT:
      case ProtocolConstants.DataType.INT:
      case ProtocolConstants.DataType.BIGINT:
      case ProtocolConstants.DataType.COUNTER:
      case ProtocolConstants.DataType.VARINT:
        if (token != JsonToken.VALUE_NUMBER_INT) {
          throw invalid(type, parser.getString(), null);
        }
        return fromText(type, parser.getString());
      case ProtocolConstants.DataType.DECIMAL:
        if (!token.isNumeric()) {
          throw invalid(type, parser.getString(), null);
        }
        return fromText(type, parser.getString());
      case ProtocolConstants.DataType.FLOAT:
      case ProtocolConstants.DataType.DOUBLE:
        String number = parser.getString();
        if (!token.isNumeric() && !(token == JsonToken.VALUE_STRING
            && (number.equals("NaN") || number.equals("Infinity") || number.equals("-Infinity")))) {
          throw invalid(type, number, null);
        }
        return fromText(type, number);
      case ProtocolConstants.DataType.LIST:
        return readArray(parser, ((ListType) type).getElementType(), type);
      case ProtocolConstants.DataType.SET:
        return new LinkedHashSet<>(readArray(parser, ((SetType) type).getElementType(), type));
      case ProtocolConstants.DataType.MAP:
        return readMap(parser, (MapType) type);
      case ProtocolConstants.DataType.TUPLE:
        return readTuple(parser, (TupleType) type);
      case ProtocolConstants.DataType.UDT:
        return readUdt(parser, (UserDefinedType) type);
      default:
        if (token != JsonToken.VALUE_STRING) {
          throw invalid(type, parser.getString(), null);
        }
        return fromText(type, parser.getString());
    }
  }

  private static Object parseText(DataType type, String text) {
    if (type instanceof VectorType) {
      return nonNull(fromJson(type, text), type, text);
    }
    switch (type.getProtocolCode()) {
      case ProtocolConstants.DataType.ASCII:
      case ProtocolConstants.DataType.VARCHAR:
        return text;
      case ProtocolConstants.DataType.BOOLEAN:
        if (text.equals("true") || text.equals("false")) {
          return Boolean.valueOf(text);
        }
        throw invalid(type, text, null);
      case ProtocolConstants.DataType.TINYINT:
        return Byte.parseByte(text);
      case ProtocolConstants.DataType.SMALLINT:
        return Short.parseShort(text);
      case ProtocolConstants.DataType.INT:
        return Integer.parseInt(text);
      case ProtocolConstants.DataType.BIGINT:
      case ProtocolConstants.DataType.COUNTER:
        return Long.parseLong(text);
      case ProtocolConstants.DataType.VARINT:
        return new BigInteger(text);
      case ProtocolConstants.DataType.DECIMAL:
        return new BigDecimal(text);
      case ProtocolConstants.DataType.FLOAT: {
        float value = Float.parseFloat(floating(type, text));
        if (Float.isInfinite(value) && !text.endsWith("Infinity")) {
          throw invalid(type, text, null); // beyond a float's range: not that value
        }
        return value;
      }
      case ProtocolConstants.DataType.DOUBLE: {
        double value = Double.parseDouble(floating(type, text));
        if (Double.isInfinite(value) && !text.endsWith("Infinity")) {
          throw invalid(type, text, null);
        }
        return value;
      }
      case ProtocolConstants.DataType.UUID:
      case ProtocolConstants.DataType.TIMEUUID:
        return UUID.fromString(text);
      case ProtocolConstants.DataType.DATE:
        return LocalDate.parse(text);
      case ProtocolConstants.DataType.TIME:
        return LocalTime.parse(text);
      case ProtocolConstants.DataType.TIMESTAMP:
        return Instant.parse(text);
      case ProtocolConstants.DataType.DURATION:
        return CqlDuration.from(text);
      case ProtocolConstants.DataType.INET:
        return inet(type, text);
      case ProtocolConstants.DataType.BLOB:
      case ProtocolConstants.DataType.CUSTOM:
        return ByteBuffer.wrap(Base64.getDecoder().decode(text));
      default:
        return nonNull(fromJson(type, text), type, text);
    }
  }

  /**
   * An IP literal only: {@link InetAddress#getByName} never looks a literal up, but it looks up what only
   * resembles one ({@code 999.1.1.1}, or a text with a colon that does not start as an IPv6 address does), so
   * those are refused first.
   */
  private static InetAddress inet(DataType type, String text) {
    boolean ipv4 = IPV4.matcher(text).matches() && Arrays.stream(text.split("\\.")).allMatch(
        octet -> Integer.parseInt(octet) <= 255);
    boolean ipv6 = text.indexOf(':') >= 0 && (text.charAt(0) == ':' || Character.digit(text.charAt(0), 16) >= 0);
    if (!ipv4 && !ipv6) {
      throw invalid(type, text, null);
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException bad) {
      throw invalid(type, text, bad);
    }
  }

  private static List<@Nullable Object> readArray(JsonParser parser, DataType elementType, DataType type) {
    expect(parser, JsonToken.START_ARRAY, type);
    List<@Nullable Object> elements = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      elements.add(readJson(parser, elementType));
    }
    return elements;
  }

  private static Map<Object, @Nullable Object> readMap(JsonParser parser, MapType type) {
    expect(parser, JsonToken.START_OBJECT, type);
    Map<Object, @Nullable Object> map = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String key = parser.currentName();
      parser.nextToken();
      map.put(nonNull(fromText(type.getKeyType(), key), type.getKeyType(), key), readJson(parser, type.getValueType()));
    }
    return map;
  }

  private static TupleValue readTuple(JsonParser parser, TupleType type) {
    List<@Nullable Object> elements = readTupleElements(parser, type);
    TupleValue tuple = type.newValue();
    for (int i = 0; i < elements.size(); i++) {
      tuple = set(tuple, i, type.getComponentTypes().get(i), elements.get(i));
    }
    return tuple;
  }

  private static List<@Nullable Object> readTupleElements(JsonParser parser, TupleType type) {
    List<DataType> components = type.getComponentTypes();
    expect(parser, JsonToken.START_ARRAY, type);
    List<@Nullable Object> elements = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (elements.size() == components.size()) {
        throw invalid(type, "more than " + components.size() + " elements", null);
      }
      elements.add(readJson(parser, components.get(elements.size())));
    }
    return elements;
  }

  private static UdtValue readUdt(JsonParser parser, UserDefinedType type) {
    expect(parser, JsonToken.START_OBJECT, type);
    UdtValue udt = type.newValue();
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = parser.currentName();
      int index = type.firstIndexOf(com.datastax.oss.driver.api.core.CqlIdentifier.fromInternal(field));
      if (index < 0) {
        throw invalid(type, "no field " + field, null);
      }
      parser.nextToken();
      udt = set(udt, index, type.getFieldTypes().get(index), readJson(parser, type.getFieldTypes().get(index)));
    }
    return udt;
  }

  private static <T extends com.datastax.oss.driver.api.core.data.SettableByIndex<T>> T set(T target, int index,
      DataType type, @Nullable Object value) {
    if (value == null) {
      return target.setToNull(index);
    }
    TypeCodec<Object> codec = CodecRegistry.DEFAULT.codecFor(type);
    return target.set(index, value, codec);
  }

  private static void expect(JsonParser parser, JsonToken token, DataType type) {
    if (parser.currentToken() != token) {
      throw invalid(type, String.valueOf(parser.getString()), null);
    }
  }

  private static Object nonNull(@Nullable Object value, DataType type, String text) {
    if (value == null) {
      throw invalid(type, text, null);
    }
    return value;
  }

  private static String cql(DataType type) {
    return type.asCql(true, true);
  }

  /** A decimal number as JSON writes one, or NaN, Infinity or -Infinity (as the writers write them). */
  private static final Pattern FLOATING = Pattern.compile(
      "-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|NaN|-?Infinity");

  /**
   * {@code text} when it is a float or double as the writers write one: Java's parsers also take blanks around
   * it, a type suffix ({@code 1.5f}, {@code 2d}) and hexadecimal ({@code 0x1p3}), which the integer types refuse.
   */
  private static String floating(DataType type, String text) {
    if (!FLOATING.matcher(text).matches()) {
      throw invalid(type, text, null);
    }
    return text;
  }

  private static InvalidValueException invalid(DataType type, @Nullable String text, @Nullable Throwable cause) {
    String shown = text == null ? "null" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return new InvalidValueException("Not a value of CQL type " + cql(type) + ": '" + shown + "'", cause);
  }

  /** Already names the type and the value: passed on as it is by the outer calls. */
  private static final class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidValueException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }
}
