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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.CqlDuration;
import com.datastax.oss.driver.api.core.data.CqlVector;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.TupleType;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.driver.internal.core.cql.DefaultRow;
import com.datastax.oss.driver.internal.core.type.UserDefinedTypeBuilder;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

class CqlValueRoundTripTest {
  static final UserDefinedType ADDR = new UserDefinedTypeBuilder("ks", "addr")
      .withField("street", DataTypes.TEXT).withField("zip", DataTypes.INT).build();
  static final TupleType PAIR = DataTypes.tupleOf(DataTypes.INT, DataTypes.TEXT);

  /** Every type with its edge values, as the driver's default codecs decode them. */
  static List<Object[]> cases() throws Exception {
    return cases(ADDR);
  }

  /** The cases, with {@code addr} for the UDT (the IT's comes from the schema). */
  static List<Object[]> cases(UserDefinedType addr) throws Exception {
    List<Object[]> cases = new ArrayList<>();
    add(cases, DataTypes.TEXT, "", "plain", "comma, \"quote\"\nnewline\r\n", "héllo ✓ \t 😀", "null", "\"\"", "#hash",
        " lead and trail ");
    add(cases, DataTypes.ASCII, "", "a,b\"c");
    add(cases, DataTypes.BOOLEAN, true, false);
    add(cases, DataTypes.TINYINT, (byte) 0, Byte.MIN_VALUE, Byte.MAX_VALUE);
    add(cases, DataTypes.SMALLINT, (short) 0, Short.MIN_VALUE, Short.MAX_VALUE);
    add(cases, DataTypes.INT, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    add(cases, DataTypes.BIGINT, 0L, Long.MIN_VALUE, Long.MAX_VALUE);
    add(cases, DataTypes.COUNTER, 0L, Long.MAX_VALUE);
    add(cases, DataTypes.VARINT, BigInteger.ZERO, BigInteger.TWO.pow(20_000).negate(),
        BigInteger.TEN.pow(5_000).add(BigInteger.ONE));
    add(cases, DataTypes.DECIMAL, BigDecimal.ZERO, new BigDecimal("0.00"), new BigDecimal("1E+3"),
        new BigDecimal("-1.5E-10"), new BigDecimal("12345678901234567890.000000000000000001"),
        new BigDecimal(BigInteger.TEN.pow(3_000), 2_000));
    add(cases, DataTypes.FLOAT, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
        Float.MAX_VALUE, -Float.MAX_VALUE, 0.1f, 1e10f, 1.5f);
    add(cases, DataTypes.DOUBLE, 0d, -0d, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE, Double.MAX_VALUE, 0.1, Math.PI);
    add(cases, DataTypes.BLOB, ByteBuffer.allocate(0), ByteBuffer.wrap(new byte[] {(byte) 0xca, (byte) 0xfe, 0, -1}));
    add(cases, DataTypes.UUID, new UUID(0, 0), UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    add(cases, DataTypes.TIMEUUID, UUID.fromString("5f7cc1a0-c9c4-11f0-9c7b-0242ac120002"));
    add(cases, DataTypes.DATE, LocalDate.of(1970, 1, 1), LocalDate.of(-5877641, 6, 23), LocalDate.of(5881580, 7, 11),
        LocalDate.of(2026, 11, 25));
    add(cases, DataTypes.TIME, LocalTime.MIDNIGHT, LocalTime.MAX, LocalTime.of(13, 45, 30, 123_400_000));
    add(cases, DataTypes.TIMESTAMP, Instant.EPOCH, Instant.ofEpochMilli(Long.MIN_VALUE),
        Instant.ofEpochMilli(Long.MAX_VALUE), Instant.parse("2026-11-25T06:29:25.123Z"));
    add(cases, DataTypes.DURATION, CqlDuration.newInstance(0, 0, 0), CqlDuration.newInstance(1, 2, 3),
        CqlDuration.newInstance(-1, -2, -3), CqlDuration.newInstance(Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE),
        CqlDuration.newInstance(Integer.MIN_VALUE + 1, Integer.MIN_VALUE + 1, Long.MIN_VALUE + 1));
    add(cases, DataTypes.INET, InetAddress.getByName("192.168.0.1"), InetAddress.getByName("::1"),
        InetAddress.getByName("2001:db8::ff00:42:8329"));
    add(cases, DataTypes.vectorOf(DataTypes.FLOAT, 3), CqlVector.newInstance(0f, -1.5f, 3.4028235e38f),
        CqlVector.newInstance(Float.NaN, Float.NEGATIVE_INFINITY, -0f));
    add(cases, DataTypes.listOf(DataTypes.TEXT), List.of(), List.of("x", "y,z", "q\"q", ""));
    add(cases, DataTypes.setOf(DataTypes.INT), new LinkedHashSet<>(List.of(1, 2, 3)));
    Map<String, Integer> map = new LinkedHashMap<>();
    map.put("k\"2", 2);
    map.put("", 0);
    add(cases, DataTypes.mapOf(DataTypes.TEXT, DataTypes.INT), map);
    add(cases, DataTypes.mapOf(DataTypes.TEXT, DataTypes.INT), Map.of("k".repeat(50_001), 1)); // a long JSON name
    Map<Instant, Double> byTime = new LinkedHashMap<>();
    byTime.put(Instant.EPOCH, Double.NaN);
    add(cases, DataTypes.mapOf(DataTypes.TIMESTAMP, DataTypes.DOUBLE), byTime);
    Map<List<Integer>, Map<String, List<String>>> nested = new LinkedHashMap<>();
    nested.put(List.of(1, 2), Map.of("a", List.of("b", "")));
    add(cases, DataTypes.mapOf(DataTypes.frozenListOf(DataTypes.INT),
        DataTypes.frozenMapOf(DataTypes.TEXT, DataTypes.frozenListOf(DataTypes.TEXT))), nested);
    add(cases, DataTypes.listOf(DataTypes.frozenSetOf(DataTypes.BLOB)),
        List.of(new LinkedHashSet<>(List.of(ByteBuffer.allocate(0))), new LinkedHashSet<>()));
    add(cases, PAIR, PAIR.newValue(7, "seven"), PAIR.newValue(null, ""), PAIR.newValue());
    add(cases, addr, addr.newValue("Main St, 1", 12345), addr.newValue(null, null));
    return cases;
  }

  private static void add(List<Object[]> cases, DataType type, Object... values) {
    for (Object value : values) {
      cases.add(new Object[] {type, value});
    }
  }

  @Test
  void should_read_back_every_value_from_its_csv_text_and_its_json() throws Exception {
    for (Object[] each : cases()) {
      DataType type = (DataType) each[0];
      Object value = each[1];
      String text = CqlValueWriter.toText(type, value);
      String json = CqlValueWriter.toJson(type, value);
      assertThat(CqlValueReader.fromText(type, text)).as("%s %s as text %s", type, value, text).isEqualTo(value);
      assertThat(CqlValueReader.fromJson(type, json)).as("%s %s as JSON %s", type, value, json).isEqualTo(value);
    }
  }

  @Test
  void should_write_a_decimal_whose_plain_digits_would_be_huge_in_scientific_notation() {
    // Nine bytes stored; as plain digits, a billion characters (an OutOfMemoryError in any export).
    BigDecimal tiny = new BigDecimal("1E-999999999");
    String text = CqlValueWriter.toText(DataTypes.DECIMAL, tiny);
    assertThat(text).isEqualTo("1E-999999999");
    assertThat(CqlValueReader.fromText(DataTypes.DECIMAL, text)).isEqualTo(tiny);
    assertThat(CqlValueWriter.toJson(DataTypes.DECIMAL, tiny)).hasSizeLessThan(64);
    BigDecimal edge = BigDecimal.ONE.movePointLeft(64); // 63 zeros after the point: still plain
    assertThat(CqlValueWriter.toText(DataTypes.DECIMAL, edge)).startsWith("0.000").hasSize(66);
    assertThat(CqlValueWriter.toText(DataTypes.DECIMAL, BigDecimal.ONE.movePointLeft(66))).isEqualTo("1E-66");
  }

  @Test
  void should_write_the_documented_forms() {
    assertThat(CqlValueWriter.toText(DataTypes.DURATION, CqlDuration.newInstance(0, 0, 0))).isEqualTo("0s");
    assertThat(CqlValueWriter.toJson(DataTypes.DURATION, CqlDuration.newInstance(0, 0, 0))).isEqualTo("\"0s\"");
    assertThat(CqlValueWriter.toJson(DataTypes.vectorOf(DataTypes.FLOAT, 3), CqlVector.newInstance(1f, -2.5f, 0f)))
        .isEqualTo("[1.0,-2.5,0.0]");
    assertThat(CqlValueWriter.toJson(DataTypes.DOUBLE, Double.NaN)).isEqualTo("\"NaN\"");
    assertThat(CqlValueWriter.toJson(DataTypes.FLOAT, Float.NEGATIVE_INFINITY)).isEqualTo("\"-Infinity\"");
    assertThat(CqlValueWriter.toText(DataTypes.DOUBLE, Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(CqlValueWriter.toText(DataTypes.DECIMAL, new BigDecimal("1E+3"))).isEqualTo("1E+3");
    assertThat(CqlValueWriter.toText(DataTypes.DECIMAL, new BigDecimal("0.000000010"))).isEqualTo("0.000000010");
    assertThat(CqlValueWriter.toText(DataTypes.TIME, LocalTime.MIDNIGHT)).isEqualTo("00:00:00");
    assertThat(CqlValueWriter.toText(DataTypes.TIMESTAMP, Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(CqlValueWriter.toText(DataTypes.BLOB, ByteBuffer.wrap(new byte[] {(byte) 0xca, (byte) 0xfe})))
        .isEqualTo("yv4=");
    assertThat(CqlValueWriter.toJson(PAIR, PAIR.newValue(7, null))).isEqualTo("[7,null]");
    assertThat(CqlValueWriter.toJson(ADDR, ADDR.newValue("x", 1))).isEqualTo("{\"street\":\"x\",\"zip\":1}");
    assertThat(CqlValueWriter.toJson(DataTypes.mapOf(DataTypes.INT, DataTypes.TEXT), Map.of(1, "a")))
        .isEqualTo("{\"1\":\"a\"}");
  }

  /** Java's parsers took " 1.5 ", "1.5f", "2d" and "0x1p3" as floats, and "1e39" as a float's Infinity. */
  @Test
  void should_reject_float_text_that_is_not_a_number_as_written_or_beyond_the_type() {
    for (String notANumber : List.of(" 1.5 ", "1.5f", "2d", "0x1p3", "+1", "1.", "e5", "infinity")) {
      if (notANumber.equals("1.")) {
        assertThat(CqlValueReader.fromText(DataTypes.FLOAT, notANumber)).as("Java's own text of 1").isEqualTo(1f);
        continue;
      }
      assertThatThrownBy(() -> CqlValueReader.fromText(DataTypes.FLOAT, notANumber)).as(notANumber)
          .isInstanceOf(IllegalArgumentException.class).hasMessage("Not a value of CQL type float: '" + notANumber
              + "'");
      assertThatThrownBy(() -> CqlValueReader.fromText(DataTypes.DOUBLE, notANumber)).as(notANumber)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> CqlValueReader.fromText(DataTypes.FLOAT, "1e39"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Not a value of CQL type float: '1e39'");
    assertThat(CqlValueReader.fromText(DataTypes.DOUBLE, "1e39")).isEqualTo(1e39);
    assertThat(CqlValueReader.fromText(DataTypes.FLOAT, "-Infinity")).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(CqlValueReader.fromText(DataTypes.DOUBLE, "NaN")).isEqualTo(Double.NaN);
    assertThat(CqlValueReader.fromText(DataTypes.DOUBLE, "-1.5E-7")).isEqualTo(-1.5e-7);
  }

  @Test
  void should_reject_a_value_of_another_type_naming_type_and_value() {
    assertThatThrownBy(() -> CqlValueReader.fromText(DataTypes.INT, "1.5"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Not a value of CQL type int: '1.5'");
    assertThatThrownBy(() -> CqlValueReader.fromText(DataTypes.INT, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Not a value of CQL type int: ''");
    assertThatThrownBy(() -> CqlValueReader.fromJson(DataTypes.DOUBLE, "\"nan\""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("double");
    assertThatThrownBy(() -> CqlValueReader.fromText(DataTypes.INET, "localhost"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Not a value of CQL type inet: 'localhost'");
    // Texts that only resemble a literal are refused before InetAddress, which would look them up as host
    // names (its UnknownHostException was the cause).
    for (String lookalike : List.of("999.1.1.1", "1.2.3.256", "g:x", "host:80")) {
      assertThatThrownBy(() -> CqlValueReader.fromText(DataTypes.INET, lookalike)).as(lookalike)
          .isInstanceOf(IllegalArgumentException.class).hasMessage("Not a value of CQL type inet: '" + lookalike + "'")
          .hasNoCause();
    }
    assertThat(CqlValueReader.fromText(DataTypes.INET, "255.0.0.1")).hasToString("/255.0.0.1");
    assertThat(CqlValueReader.fromText(DataTypes.INET, "::1")).hasToString("/0:0:0:0:0:0:0:1");
    assertThatThrownBy(() -> CqlValueWriter.toText(DataTypes.INT, "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int");
  }

  @Test
  void should_reject_a_vector_of_another_dimension_or_with_a_null_naming_type_and_value() {
    // A vector of another size was read (the driver failed only when it was bound), and a null or a short vector
    // in a UDT gave the driver's bare error, naming neither the type nor the value.
    DataType vector = DataTypes.vectorOf(DataTypes.FLOAT, 3);
    assertThatThrownBy(() -> CqlValueReader.fromText(vector, "[1.0,2.0]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a value of CQL type vector<float, 3>: '[1.0, 2.0]' (2 elements for 3 dimensions)");
    assertThatThrownBy(() -> CqlValueReader.fromJson(vector, "[]"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 elements for 3 dimensions");
    assertThatThrownBy(() -> CqlValueReader.fromJson(vector, "[1.0,null,2.0]"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vector<float, 3>")
        .hasMessageContaining("a vector holds no null");
    UserDefinedType holder = new com.datastax.oss.driver.internal.core.type.UserDefinedTypeBuilder("ks", "holder")
        .withField("v", vector).build();
    assertThatThrownBy(() -> CqlValueReader.fromJson(holder, "{\"v\":[1.0]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 elements for 3 dimensions");
    assertThat(CqlValueReader.fromJson(vector, "[1.0,2.0,3.0]")).isEqualTo(CqlVector.newInstance(1f, 2f, 3f));
  }

  @Test
  void should_write_rows_as_csv_that_reads_back_null_apart_from_empty() throws Exception {
    ColumnDefinitions columns = columns(DataTypes.TEXT, DataTypes.BLOB, DataTypes.listOf(DataTypes.INT),
        DataTypes.frozenListOf(DataTypes.INT), DataTypes.DURATION, DataTypes.vectorOf(DataTypes.FLOAT, 3));
    List<Row> rows = List.of(
        row(columns, "", ByteBuffer.allocate(0), null, List.of(), CqlDuration.newInstance(0, 0, 0),
            CqlVector.newInstance(1f, 2f, 3f)),
        row(columns, null, null, List.of(1), null, null, null),
        row(columns, "a,\"b\"\r\nc", ByteBuffer.wrap(new byte[] {1}), null, List.of(2), CqlDuration.from("1h"),
            CqlVector.newInstance(Float.NaN, 0f, -0f)));
    StringWriter out = new StringWriter();
    try (RowWriter writer = RowWriter.csv(out)) {
      writer.writeHeader(columns);
      rows.forEach(writer::writeRow);
    }
    assertThat(out.toString()).isEqualTo("c0,c1,c2,c3,c4,c5\r\n"
        + "\"\",\"\",,[],0s,\"[1.0,2.0,3.0]\"\r\n"
        + ",,[1],,,\r\n"
        + "\"a,\"\"b\"\"\r\nc\",AQ==,,[2],1h,\"[\"\"NaN\"\",0.0,-0.0]\"\r\n");

    List<List<String>> records = new ArrayList<>();
    try (CsvRecordReader reader = CsvRecordReader.of(new StringReader(out.toString()))) {
      reader.forEach(records::add);
    }
    assertThat(records.get(0)).containsExactly("c0", "c1", "c2", "c3", "c4", "c5");
    for (int r = 0; r < rows.size(); r++) {
      for (int i = 0; i < columns.size(); i++) {
        Object expected = rows.get(r).isNull(i) ? null : rows.get(r).getObject(i);
        assertThat(CqlValueReader.fromText(columns.get(i).getType(), records.get(r + 1).get(i)))
            .as("row %d column %d", r, i).isEqualTo(expected);
      }
    }
  }

  @Test
  void should_write_rows_as_ndjson_with_native_json_values() {
    ColumnDefinitions columns = columns(DataTypes.TEXT, DataTypes.vectorOf(DataTypes.FLOAT, 3), DataTypes.DURATION,
        DataTypes.listOf(DataTypes.INT), DataTypes.DOUBLE);
    StringWriter out = new StringWriter();
    try (RowWriter writer = RowWriter.ndjson(out)) {
      writer.writeHeader(columns);
      writer.writeRow(row(columns, "", CqlVector.newInstance(1f, 2f, 3f), CqlDuration.newInstance(0, 0, 0), null,
          Double.NEGATIVE_INFINITY));
      writer.writeRow(row(columns, null, null, null, List.of(1), 0.5));
    }
    assertThat(out.toString()).isEqualTo(
        "{\"c0\":\"\",\"c1\":[1.0,2.0,3.0],\"c2\":\"0s\",\"c3\":null,\"c4\":\"-Infinity\"}\n"
            + "{\"c0\":null,\"c1\":null,\"c2\":null,\"c3\":[1],\"c4\":0.5}\n");
  }

  @Test
  void should_escape_the_line_breaks_json_allows_raw_so_that_each_row_stays_one_line_for_any_reader() {
    ColumnDefinitions columns = columns(DataTypes.TEXT, DataTypes.listOf(DataTypes.TEXT));
    String text = "a\u0085b\u2028c\u2029d\ne\u00e9\u4e2d";
    StringWriter out = new StringWriter();
    try (RowWriter writer = RowWriter.ndjson(out)) {
      writer.writeRow(row(columns, text, List.of(text)));
    }

    String line = out.toString();
    // Python's str.splitlines() splits at each of these; the row stays one line, with the other characters raw.
    assertThat(line).isEqualTo("{\"c0\":\"a\\u0085b\\u2028c\\u2029d\\ne\u00e9\u4e2d\",\"c1\":[\"a\\u0085b\\u2028c"
        + "\\u2029d\\ne\u00e9\u4e2d\"]}\n");
    assertThat(line.chars().filter(c -> c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029)).containsExactly((int) '\n');
    try (JsonParser parser = Json.newParser(line)) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      assertThat(parser.nextName()).isEqualTo("c0");
      assertThat(parser.nextStringValue()).isEqualTo(text);
    }
    // Many at the ends of a value longer than the line's first room, one after another.
    String many = "\u2028".repeat(600) + "x\u0085";
    StringWriter wide = new StringWriter();
    try (RowWriter writer = RowWriter.ndjson(wide)) {
      writer.writeRow(row(columns(DataTypes.TEXT), many));
    }
    assertThat(wide.toString()).isEqualTo("{\"c0\":\"" + "\\u2028".repeat(600) + "x\\u0085\"}\n");
    try (JsonParser parser = Json.newParser(wide.toString())) {
      parser.nextToken();
      parser.nextName();
      assertThat(parser.nextStringValue()).isEqualTo(many);
    }
  }

  @Test
  void should_refuse_ndjson_rows_of_two_columns_of_one_name_naming_it_and_write_nothing() {
    // SELECT v, v wrote {"v":1,"v":1}: most readers keep the last value, strict ones refuse the line.
    ColumnDefinitions twice = DefaultColumnDefinitions.valueOf(List.of(
        new Column(CqlIdentifier.fromInternal("v"), DataTypes.INT),
        new Column(CqlIdentifier.fromInternal("w"), DataTypes.INT),
        new Column(CqlIdentifier.fromInternal("v"), DataTypes.INT)));
    ColumnDefinitions distinct = columns(DataTypes.INT);
    StringWriter out = new StringWriter();
    try (RowWriter writer = RowWriter.ndjson(out)) {
      assertThatThrownBy(() -> writer.writeRow(row(twice, 1, 2, 1))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'v'").hasMessageContaining("AS");
      writer.writeRow(row(distinct, 3)); // the writer goes on with rows it can write
    }
    assertThat(out.toString()).isEqualTo("{\"c0\":3}\n");
    StringWriter csv = new StringWriter(); // CSV has no such rule: the header says v twice
    try (RowWriter writer = RowWriter.csv(csv)) {
      writer.writeHeader(twice);
      writer.writeRow(row(twice, 1, 2, 1));
    }
    assertThat(csv.toString()).isEqualTo("v,w,v\r\n1,2,1\r\n");
  }

  @Test
  void should_read_back_a_csv_field_longer_than_16_m_characters() {
    String field = "A".repeat(16_777_217); // the base64 of a 12.6 MB blob
    List<List<String>> records = new ArrayList<>();
    try (CsvRecordReader reader = CsvRecordReader.of(new StringReader(field + "\r\n"))) {
      reader.forEach(records::add);
    }
    assertThat(records).hasSize(1);
    assertThat(records.get(0)).hasSize(1);
    assertThat(records.get(0).get(0)).hasSize(field.length());
  }

  @Test
  void should_refuse_to_write_a_duration_whose_text_would_change_it() {
    for (CqlDuration unwritable : List.of(CqlDuration.newInstance(Integer.MIN_VALUE, 0, 0),
        CqlDuration.newInstance(-1, Integer.MIN_VALUE, -5), CqlDuration.newInstance(0, 0, Long.MIN_VALUE))) {
      assertThatThrownBy(() -> CqlValueWriter.toText(DataTypes.DURATION, unwritable)).as("%s", unwritable)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimum");
    }
  }

  @Test
  void should_write_nothing_of_a_row_that_fails_and_go_on_with_the_next_in_both_formats() {
    // A value that cannot be written, after the row's first columns were: the NDJSON writer nested the next
    // row inside the broken one without an error, the CSV writer refused every later row.
    ColumnDefinitions columns = columns(DataTypes.TEXT, DataTypes.DURATION, DataTypes.listOf(DataTypes.DURATION));
    CqlDuration month = CqlDuration.newInstance(1, 0, 0);
    CqlDuration unwritable = CqlDuration.newInstance(Integer.MIN_VALUE, 0, 0);
    Row inCell = row(columns, "a", unwritable, List.of(month));
    Row inJsonCell = row(columns, "b", month, List.of(month, unwritable));
    Row good = row(columns, "c", month, List.of(month));
    for (boolean csv : List.of(true, false)) {
      StringWriter out = new StringWriter();
      try (RowWriter writer = csv ? RowWriter.csv(out) : RowWriter.ndjson(out)) {
        for (Row bad : List.of(inCell, inJsonCell)) {
          assertThatThrownBy(() -> writer.writeRow(bad)).as(csv ? "csv" : "ndjson")
              .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimum")
              .hasMessageStartingWith(bad == inCell ? "Column 'c1' (duration): " : "Column 'c2' (list<duration>): ");
        }
        writer.writeRow(good);
      }
      assertThat(out.toString()).as(csv ? "csv" : "ndjson").isEqualTo(csv ? "c,1mo,\"[\"\"1mo\"\"]\"\r\n"
          : "{\"c0\":\"c\",\"c1\":\"1mo\",\"c2\":[\"1mo\"]}\n");
    }
  }

  @Test
  void should_read_a_one_column_null_as_an_empty_line() {
    ColumnDefinitions columns = columns(DataTypes.TEXT);
    StringWriter out = new StringWriter();
    try (RowWriter writer = RowWriter.csv(out)) {
      writer.writeRow(row(columns, (Object) null));
      writer.writeRow(row(columns, ""));
    }
    List<List<String>> records = new ArrayList<>();
    try (CsvRecordReader reader = CsvRecordReader.of(new StringReader(out.toString()))) {
      reader.forEach(records::add);
    }
    assertThat(records).containsExactly(Arrays.asList((String) null), List.of(""));
  }

  /**
   * A one-column value {@code \.} was written unquoted, alone on its line: PostgreSQL's COPY ... CSV (before 18)
   * reads that as the end of the data, and lost every row after it.
   */
  @Test
  void should_quote_the_value_that_postgresql_reads_as_the_end_of_the_data() {
    ColumnDefinitions columns = columns(DataTypes.TEXT);
    StringWriter out = new StringWriter();
    try (RowWriter writer = RowWriter.csv(out)) {
      writer.writeRow(row(columns, "\\."));
      writer.writeRow(row(columns, "a\\."));
    }
    assertThat(out.toString()).isEqualTo("\"\\.\"\r\na\\.\r\n");
    List<List<String>> records = new ArrayList<>();
    try (CsvRecordReader reader = CsvRecordReader.of(new StringReader(out.toString()))) {
      reader.forEach(records::add);
    }
    assertThat(records).containsExactly(List.of("\\."), List.of("a\\."));
  }

  @Test
  void should_throw_write_failures_as_unchecked_io_exceptions_in_both_formats() {
    ColumnDefinitions columns = columns(DataTypes.TEXT);
    String text = "x".repeat(100_000); // more than either writer buffers, so the row reaches the Writer
    for (java.util.function.Function<java.io.Writer, RowWriter> format
        : List.<java.util.function.Function<java.io.Writer, RowWriter>>of(RowWriter::csv, RowWriter::ndjson)) {
      FailingWriter sink = new FailingWriter();
      RowWriter writer = format.apply(sink);
      assertThatThrownBy(() -> {
        writer.writeRow(row(columns, text));
        writer.flush();
      }).isInstanceOf(java.io.UncheckedIOException.class).hasRootCauseMessage("disk full");
      assertThatThrownBy(writer::close).isInstanceOf(java.io.UncheckedIOException.class)
          .hasRootCauseMessage("disk full");
      assertThat(sink.closeCalled).as("the output closed, though it failed").isTrue();
    }
  }

  @Test
  void should_hand_the_output_whole_lines_only_and_write_nothing_more_after_a_failed_write() {
    // A buffer that kept the part of a line that did not fit wrote half a row: before the next row once the
    // output recovered, or at the end when the writer was closed.
    ColumnDefinitions columns = columns(DataTypes.TEXT);
    for (boolean csv : List.of(true, false)) {
      FailingOnWriter sink = new FailingOnWriter(2); // the second write to the output fails
      RowWriter writer = csv ? RowWriter.csv(sink) : RowWriter.ndjson(sink);
      writer.writeRow(row(columns, "a".repeat(5_000))); // buffered
      writer.writeRow(row(columns, "b".repeat(5_000))); // does not fit: the first line goes out whole
      assertThatThrownBy(() -> writer.writeRow(row(columns, "c".repeat(10_000)))) // the second: it fails
          .as(csv ? "csv" : "ndjson").isInstanceOf(java.io.UncheckedIOException.class).hasRootCauseMessage("disk full");
      assertThatThrownBy(() -> writer.writeRow(row(columns, "d"))).isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining("An earlier write to the output failed");
      writer.close();
      String expected = csv ? "a".repeat(5_000) + "\r\n" : "{\"c0\":\"" + "a".repeat(5_000) + "\"}\n";
      assertThat(sink.text.toString()).as(csv ? "csv" : "ndjson").isEqualTo(expected);
      assertThat(sink.closed).isTrue();
    }
  }

  @Test
  void should_refuse_a_row_after_close_in_both_formats() {
    ColumnDefinitions columns = columns(DataTypes.TEXT, DataTypes.TEXT);
    for (boolean csv : List.of(true, false)) {
      StringWriter out = new StringWriter();
      RowWriter writer = csv ? RowWriter.csv(out) : RowWriter.ndjson(out);
      writer.writeRow(row(columns, "é", "x".repeat(20_000))); // wider than Latin-1, longer than the buffer
      writer.close();
      assertThatThrownBy(() -> writer.writeRow(row(columns, "a", "b"))).as(csv ? "csv" : "ndjson")
          .isInstanceOf(IllegalStateException.class).hasMessage("The writer was closed");
      assertThat(out.toString()).as("the row, whole, and nothing after the close")
          .isEqualTo(csv ? "é," + "x".repeat(20_000) + "\r\n" : "{\"c0\":\"é\",\"c1\":\"" + "x".repeat(20_000) + "\"}\n");
    }
  }

  /** A Writer whose n-th write fails (a disk that was full for a moment), and which takes the rest. */
  private static final class FailingOnWriter extends java.io.Writer {
    final StringBuilder text = new StringBuilder();
    private final int failing;
    private int writes;
    boolean closed;

    FailingOnWriter(int failing) {
      this.failing = failing;
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws java.io.IOException {
      if (++writes == failing) {
        throw new java.io.IOException("disk full");
      }
      text.append(buffer, offset, length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A Writer whose every write, flush and close fails, as on a full disk. */
  private static final class FailingWriter extends java.io.Writer {
    boolean closeCalled;

    @Override
    public void write(char[] buffer, int offset, int length) throws java.io.IOException {
      throw new java.io.IOException("disk full");
    }

    @Override
    public void flush() throws java.io.IOException {
      throw new java.io.IOException("disk full");
    }

    @Override
    public void close() throws java.io.IOException {
      closeCalled = true;
      throw new java.io.IOException("disk full");
    }
  }

  static ColumnDefinitions columns(DataType... types) {
    List<com.datastax.oss.driver.api.core.cql.ColumnDefinition> definitions = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      definitions.add(new Column(CqlIdentifier.fromInternal("c" + i), types[i]));
    }
    return DefaultColumnDefinitions.valueOf(definitions);
  }

  /** A column of any type, without the wire form the driver's own definitions are built from. */
  private record Column(CqlIdentifier getName, DataType getType)
      implements com.datastax.oss.driver.api.core.cql.ColumnDefinition {
    @Override
    public CqlIdentifier getKeyspace() {
      return CqlIdentifier.fromInternal("ks");
    }

    @Override
    public CqlIdentifier getTable() {
      return CqlIdentifier.fromInternal("t");
    }

    @Override
    public boolean isDetached() {
      return false;
    }

    @Override
    public void attach(AttachmentPoint attachmentPoint) {}
  }

  static Row row(ColumnDefinitions columns, Object... values) {
    List<ByteBuffer> encoded = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      encoded.add(values[i] == null ? null
          : CodecRegistry.DEFAULT.codecFor(columns.get(i).getType()).encode(values[i], ProtocolVersion.DEFAULT));
    }
    return new DefaultRow(columns, encoded, AttachmentPoint.NONE);
  }
}
