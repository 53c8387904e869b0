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

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Every CQL type with its edge values, written to a real Cassandra, read with a plain SELECT, exported by
 * the row writers, and read back by the documented reader of each type: each value must equal the
 * driver's own decoded value (null where the driver says the column is null).
 */
@ExtendWith(CassandraExtension.class)
class CqlValuesRoundTripIT {
  @Test
  void should_read_back_every_exported_value_as_the_driver_decodes_it(CqlSession session, TestKeyspace keyspace)
      throws Exception {
    String ks = keyspace.name();
    session.execute("CREATE TYPE IF NOT EXISTS " + ks + ".addr (street text, zip int)");
    UserDefinedType addr = session.getMetadata().getKeyspace(ks).orElseThrow().getUserDefinedType("addr").orElseThrow();

    // One column per type (counter aside: it cannot share a table), its edge values down the rows.
    Map<DataType, List<Object>> valuesByType = new LinkedHashMap<>();
    for (Object[] each : CqlValueRoundTripTest.cases(addr)) {
      DataType type = (DataType) each[0];
      if (!type.equals(DataTypes.COUNTER)) {
        valuesByType.computeIfAbsent(type, t -> new ArrayList<>()).add(each[1]);
      }
    }
    List<DataType> types = new ArrayList<>(valuesByType.keySet());
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + ks + ".every_type (id int PRIMARY KEY");
    for (int i = 0; i < types.size(); i++) {
      ddl.append(", c").append(i).append(' ').append(types.get(i).asCql(true, false));
    }
    session.execute(ddl.append(')').toString());

    int rows = valuesByType.values().stream().mapToInt(List::size).max().orElse(0) + 1; // the last: all null
    StringBuilder insert = new StringBuilder("INSERT INTO " + ks + ".every_type (id");
    for (int i = 0; i < types.size(); i++) {
      insert.append(", c").append(i);
    }
    insert.append(") VALUES (?").append(", ?".repeat(types.size())).append(')');
    PreparedStatement prepared = session.prepare(insert.toString());
    for (int id = 0; id < rows; id++) {
      BoundStatementBuilder bound = prepared.boundStatementBuilder().setInt(0, id);
      for (int i = 0; i < types.size(); i++) {
        List<Object> values = valuesByType.get(types.get(i));
        if (id < values.size()) {
          bound = bound.set(i + 1, values.get(id), CodecRegistry.DEFAULT.codecFor(types.get(i)));
        } else {
          bound = bound.setToNull(i + 1);
        }
      }
      session.execute(bound.build());
    }

    List<Row> selected = session.execute("SELECT * FROM " + ks + ".every_type").all();
    assertThat(selected).hasSize(rows);
    ColumnDefinitions columns = selected.get(0).getColumnDefinitions();

    StringWriter csv = new StringWriter();
    StringWriter ndjson = new StringWriter();
    try (RowWriter csvWriter = RowWriter.csv(csv); RowWriter ndjsonWriter = RowWriter.ndjson(ndjson)) {
      csvWriter.writeHeader(columns);
      for (Row row : selected) {
        csvWriter.writeRow(row);
        ndjsonWriter.writeRow(row);
      }
    }

    List<List<String>> records = new ArrayList<>();
    try (CsvRecordReader reader = CsvRecordReader.of(new StringReader(csv.toString()))) {
      reader.forEach(records::add);
    }
    assertThat(records).hasSize(rows + 1);
    List<String> lines = ndjson.toString().lines().toList();
    assertThat(lines).hasSize(rows);
    int compared = 0;
    for (int r = 0; r < rows; r++) {
      Row row = selected.get(r);
      Map<String, Object> fromJson = readLine(lines.get(r), columns);
      for (int i = 0; i < columns.size(); i++) {
        DataType type = columns.get(i).getType();
        String name = columns.get(i).getName().asInternal();
        Object driver = row.isNull(i) ? null : row.getObject(i);
        assertThat(CqlValueReader.fromText(type, records.get(r + 1).get(i)))
            .as("CSV row %d column %s %s: %s", r, name, type.asCql(true, true), records.get(r + 1).get(i))
            .isEqualTo(driver);
        assertThat(fromJson).containsKey(name);
        assertThat(fromJson.get(name)).as("NDJSON row %d column %s %s", r, name, type.asCql(true, true))
            .isEqualTo(driver);
        compared += driver == null ? 0 : 1;
      }
    }
    assertThat(compared).as("non-null values compared").isGreaterThan(100);
  }

  /**
   * What docs/values.md says of an empty value of a non-text type: CQL still writes one, the row does not call
   * it null, and both writers write it as null (the driver's codecs decode it to null).
   */
  @Test
  void should_write_an_empty_int_as_null_as_the_docs_say(CqlSession session, TestKeyspace keyspace) {
    String table = keyspace.name() + ".empty_values";
    session.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int)");
    session.execute("INSERT INTO " + table + " (id, v) VALUES (1, blobAsInt(0x))");
    Row row = session.execute("SELECT id, v FROM " + table).one();
    assertThat(row).isNotNull();
    assertThat(row.isNull(1)).as("an empty value is not a null").isFalse();
    assertThat(row.getBytesUnsafe(1)).isNotNull().satisfies(bytes -> assertThat(bytes.remaining()).isZero());
    StringWriter csv = new StringWriter();
    try (RowWriter writer = RowWriter.csv(csv)) {
      writer.writeRow(row);
    }
    StringWriter ndjson = new StringWriter();
    try (RowWriter writer = RowWriter.ndjson(ndjson)) {
      writer.writeRow(row);
    }
    assertThat(csv.toString()).isEqualTo("1,\r\n");
    assertThat(ndjson.toString()).isEqualTo("{\"id\":1,\"v\":null}\n");
  }

  private static Map<String, Object> readLine(String line, ColumnDefinitions columns) {
    Map<String, Object> values = new LinkedHashMap<>();
    try (JsonParser parser = CqlValueReader.jsonParser(new StringReader(line))) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        values.put(name, CqlValueReader.readJson(parser, columns.get(name).getType()));
      }
    }
    return values;
  }
}
