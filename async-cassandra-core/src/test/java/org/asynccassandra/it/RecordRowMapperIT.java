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
package org.asynccassandra.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.data.CqlDuration;
import com.datastax.oss.driver.api.core.data.CqlVector;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.TupleType;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ResultStream;
import org.asynccassandra.RowMapper;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.testkit.CassandraTest;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code RowMapper.record} against real rows of (nearly) every CQL type: native types, collections, a
 * tuple, a user type and a vector, with nulls in boxed components; bound at creation to a prepared
 * statement's columns; and the failures it promises, named.
 */
@CassandraTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordRowMapperIT {
  private static final int ROWS = 600;
  private static final int PAGE = 64;

  /** One row of {@code everything}, component by component in camel case. */
  public record Everything(int id, Long bigValue, Short smallValue, Byte tinyValue, BigInteger varValue,
      BigDecimal decValue, Float floatValue, double doubleValue, Boolean flag, String name, String code,
      UUID uid, UUID timeId, Instant createdAt, LocalDate day, LocalTime clock, CqlDuration span,
      ByteBuffer payload, InetAddress address, List<Integer> numbers, Set<String> tags,
      Map<String, Integer> scores, TupleValue pair, UdtValue location, CqlVector<Float> embedding) {

    /** The same values without the tuple and the user type, whose types compare by more than their values. */
    Everything withoutTupleAndUdt() {
      return new Everything(id, bigValue, smallValue, tinyValue, varValue, decValue, floatValue, doubleValue,
          flag, name, code, uid, timeId, createdAt, day, clock, span, payload, address, numbers, tags, scores,
          null, null, embedding);
    }
  }

  /** A record whose primitive component meets a null. */
  public record PrimitiveBig(int id, long bigValue) {}

  /** A record whose component has no codec for its column. */
  public record WrongType(int id, String bigValue) {}

  private CqlSession session;
  private AsyncSession async;
  private String table;
  private final List<Everything> written = new ArrayList<>();

  @BeforeAll
  void load(CqlSession session, TestKeyspace keyspace) throws UnknownHostException {
    this.session = session;
    session.execute("CREATE TYPE " + keyspace.name() + ".point (x double, y double)");
    table = keyspace.table("everything");
    session.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, big_value bigint, small_value smallint, "
        + "tiny_value tinyint, var_value varint, dec_value decimal, float_value float, double_value double, "
        + "flag boolean, name text, code ascii, uid uuid, time_id timeuuid, created_at timestamp, day date, "
        + "clock time, span duration, payload blob, address inet, numbers list<int>, tags set<text>, "
        + "scores map<text, int>, pair frozen<tuple<int, text>>, location frozen<point>, "
        + "embedding vector<float, 3>)");
    UserDefinedType point = session.getMetadata().getKeyspace(keyspace.identifier()).orElseThrow()
        .getUserDefinedType("point").orElseThrow();
    TupleType pairType = DataTypes.tupleOf(DataTypes.INT, DataTypes.TEXT);
    PreparedStatement insert = session.prepare("INSERT INTO " + table + " (id, big_value, small_value, "
        + "tiny_value, var_value, dec_value, float_value, double_value, flag, name, code, uid, time_id, "
        + "created_at, day, clock, span, payload, address, numbers, tags, scores, pair, location, embedding) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    List<CompletableFuture<?>> inserts = new ArrayList<>();
    for (int id = 0; id < ROWS; id++) {
      boolean nulls = id % 4 == 0; // every boxed component null, collections empty
      Everything row = new Everything(id,
          nulls ? null : id * 1_000_000_007L,
          nulls ? null : (short) (id - 300),
          nulls ? null : (byte) (id % 128),
          nulls ? null : BigInteger.TEN.pow(30).add(BigInteger.valueOf(id)),
          nulls ? null : new BigDecimal(BigInteger.valueOf(id * 31L), 3),
          nulls ? null : id / 4.0f,
          id / 3.0,
          nulls ? null : id % 2 == 0,
          nulls ? null : "name " + id + " é",
          nulls ? null : "code-" + id,
          nulls ? null : new UUID(id, -id),
          nulls ? null : Uuids.startOf(1_700_000_000_000L + id),
          nulls ? null : Instant.ofEpochMilli(1_700_000_000_123L + id * 1_000L),
          nulls ? null : LocalDate.of(2024, 1, 1).plusDays(id),
          nulls ? null : LocalTime.ofNanoOfDay(id * 1_000_000_123L),
          nulls ? null : CqlDuration.newInstance(id % 12, id % 28, id * 1_000L),
          nulls ? null : ByteBuffer.wrap(new byte[] {(byte) id, 1, 2, 3}),
          nulls ? null : InetAddress.getByAddress(new byte[] {10, 0, (byte) (id / 256), (byte) id}),
          nulls ? List.of() : List.of(id, id + 1, id + 2),
          nulls ? Set.of() : Set.of("t" + id, "common"),
          nulls ? Map.of() : Map.of("a", id, "b", -id),
          nulls ? null : pairType.newValue(id, "p" + id),
          nulls ? null : point.newValue(id * 0.5, -id * 0.5),
          nulls ? null : CqlVector.newInstance(id * 1.0f, id * 2.0f, id * 3.0f));
      written.add(row);
      inserts.add(session.executeAsync(insert.bind(row.id(), row.bigValue(), row.smallValue(), row.tinyValue(), row.varValue(),
          row.decValue(), row.floatValue(), row.doubleValue(), row.flag(), row.name(), row.code(), row.uid(),
          row.timeId(), row.createdAt(), row.day(), row.clock(), row.span(), row.payload(), row.address(),
          row.numbers(), row.tags(), row.scores(), row.pair(), row.location(), row.embedding()))
          .toCompletableFuture());
    }
    CompletableFuture.allOf(inserts.toArray(CompletableFuture[]::new)).join();
    async = AsyncSession.wrap(session);
  }

  @AfterAll
  void close() {
    if (async != null) {
      async.close();
    }
  }

  private Statement<?> selectAll() {
    return SimpleStatement.newInstance("SELECT * FROM " + table).setPageSize(PAGE);
  }

  private static <T> List<T> collect(ResultStream<T> stream) throws Exception {
    List<T> seen = Collections.synchronizedList(new ArrayList<>());
    try (stream) {
      stream.forEach(seen::add).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    return seen;
  }

  private void checkEveryRow(List<Everything> read) {
    List<Everything> sorted = new ArrayList<>(read);
    sorted.sort(Comparator.comparingInt(Everything::id));
    assertThat(sorted).hasSize(ROWS);
    for (int i = 0; i < ROWS; i++) {
      Everything actual = sorted.get(i);
      Everything expected = written.get(i);
      assertThat(actual.withoutTupleAndUdt()).isEqualTo(expected.withoutTupleAndUdt());
      if (expected.pair() == null) {
        assertThat(actual.pair()).isNull();
        assertThat(actual.location()).isNull();
      } else {
        assertThat(actual.pair().getInt(0)).isEqualTo(expected.pair().getInt(0));
        assertThat(actual.pair().getString(1)).isEqualTo(expected.pair().getString(1));
        assertThat(actual.location().getDouble("x")).isEqualTo(expected.location().getDouble("x"));
        assertThat(actual.location().getDouble("y")).isEqualTo(expected.location().getDouble("y"));
      }
    }
  }

  @Test
  void should_map_every_type_by_component_name() throws Exception {
    checkEveryRow(collect(async.executeStream(selectAll(), StreamConfig.builder().prefetchPages(2).build(),
        RowMapper.record(Everything.class))));
  }

  @Test
  void should_map_with_a_mapper_bound_to_a_prepared_statements_columns() throws Exception {
    PreparedStatement select = session.prepare("SELECT * FROM " + table);
    RowMapper<Everything> bound = RowMapper.record(Everything.class, select.getResultSetDefinitions(),
        session.getContext().getCodecRegistry());
    List<Everything> read = new ArrayList<>();
    for (Everything row : async.executeStream(select.bind().setPageSize(PAGE), bound).blocking()) {
      read.add(row);
    }
    checkEveryRow(read);
  }

  @Test
  void should_fail_naming_the_column_when_a_null_meets_a_primitive_component() {
    assertThatThrownBy(() -> collect(async.executeStream(selectAll(), RowMapper.record(PrimitiveBig.class))))
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("big_value")
        .hasMessageContaining("Long");
  }

  @Test
  void should_fail_naming_the_column_and_types_without_a_codec() {
    assertThatThrownBy(() -> collect(async.executeStream(selectAll(), RowMapper.record(WrongType.class))))
        .isInstanceOf(java.util.concurrent.ExecutionException.class)
        .hasMessageContaining("big_value")
        .hasMessageContaining("bigint");
    PreparedStatement select = session.prepare("SELECT * FROM " + table);
    assertThatThrownBy(() -> RowMapper.record(WrongType.class, select.getResultSetDefinitions(),
        session.getContext().getCodecRegistry()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("big_value")
        .hasMessageContaining("bigint");
  }

  @Test
  void should_throw_the_mappers_own_exception_from_the_blocking_iterator() {
    // The blocking iterator throws the mapper's own exception, not a wrapper.
    assertThatThrownBy(() -> {
      for (PrimitiveBig ignored : async.executeStream(selectAll(), RowMapper.record(PrimitiveBig.class)).blocking()) {
        // read until the first null big_value
      }
    }).isInstanceOf(IllegalArgumentException.class).isNotInstanceOf(CompletionException.class)
        .hasMessageContaining("big_value");
  }
}
