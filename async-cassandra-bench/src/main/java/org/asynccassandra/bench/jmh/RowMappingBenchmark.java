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
package org.asynccassandra.bench.jmh;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.oss.driver.api.mapper.MapperContext;
import com.datastax.oss.driver.api.mapper.entity.EntityHelper;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinition;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.driver.internal.core.cql.DefaultRow;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.RowMapper;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.asynccassandra.mapper.EntityMappers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What mapping a row to an object costs, per row (issue 14): {@link RowMapper#record(Class)}, a
 * hand-written lambda, {@link EntityMappers#of} over the driver mapper's generated {@link EntityHelper}, and
 * that helper called directly as the driver's own DAOs do ({@code helper.get(row, false)}), all on the same
 * {@value #ROWS} prebuilt rows of four columns ({@code sensor_id int, seq int, value double, note text}).
 *
 * <p>{@link #mapLoop} times the mapping alone, in a plain loop; {@link #mapStream} times it where users pay
 * it, through {@code RowStream.map(mapper).forEach} with a direct executor over pages of 1,000 rows
 * ({@code none}: mapped by the identity, so that the other mappers' excess over it is their mapping). Rows are decoded on every call, as a driver row is:
 * the prebuilt rows hold the encoded values, so decoding is part of what is measured.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(RowMappingBenchmark.ROWS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RowMappingBenchmark {
  static final int ROWS = 100_000;
  static final int ROWS_PER_PAGE = 1_000;

  private static final TimeoutScheduler NO_TIMEOUTS = (task, delay) -> {
    throw new IllegalStateException("The benchmark configures no timeout, yet one was scheduled: " + delay);
  };

  /** The same columns as {@link Reading}, named as its helper reads them. */
  private static final ColumnDefinitions COLUMNS = DefaultColumnDefinitions.valueOf(List.of(
      column(0, "sensor_id", ProtocolConstants.DataType.INT), column(1, "seq", ProtocolConstants.DataType.INT),
      column(2, "value", ProtocolConstants.DataType.DOUBLE),
      column(3, "note", ProtocolConstants.DataType.VARCHAR)));

  /** The record {@link RowMapper#record(Class)} maps to: its components name the columns. */
  public record ReadingRecord(int sensorId, int seq, double value, String note) {}

  /** The rows, as a list and as a page source, and the mappers: built once. */
  @State(Scope.Benchmark)
  public static class Rows {
    /**
     * {@code none}: the row itself; {@code record}: {@code RowMapper.record}; {@code lambda}: a hand-written
     * mapper by column index; {@code entityMappers}: {@code EntityMappers.of(helper)}; {@code driverHelper}:
     * the generated helper's {@code get(row, false)} called directly, as the driver mapper's DAOs map rows.
     */
    @Param({"none", "record", "lambda", "entityMappers", "driverHelper"})
    public String mapper;

    List<Row> rows;
    PrebuiltPageSource source;
    RowMapper<?> rowMapper;
    StreamConfig config;

    @Setup(Level.Trial)
    public void build() {
      rows = new ArrayList<>(ROWS);
      for (int i = 0; i < ROWS; i++) {
        rows.add(row(i));
      }
      source = new PrebuiltPageSource(rows, ROWS_PER_PAGE);
      EntityHelper<Reading> helper = new ReadingHelper__MapperGenerated(detachedContext());
      rowMapper = switch (mapper) {
        case "none" -> row -> row;
        case "record" -> RowMapper.record(ReadingRecord.class);
        case "lambda" -> row -> new ReadingRecord(row.getInt(0), row.getInt(1), row.getDouble(2), row.getString(3));
        case "entityMappers" -> EntityMappers.of(helper);
        case "driverHelper" -> row -> helper.get(row, false);
        default -> throw new IllegalArgumentException("unknown mapper: " + mapper);
      };
      config = StreamConfig.builder().prefetchPages(1).build();
    }
  }

  /** The mapper alone, over every row: for {@code driverHelper}, the driver mapper's own per-row work. */
  @Benchmark
  public void mapLoop(Rows rows, Blackhole blackhole) {
    RowMapper<?> mapper = rows.rowMapper;
    List<Row> list = rows.rows;
    for (int i = 0, n = list.size(); i < n; i++) {
      blackhole.consume(mapper.map(list.get(i)));
    }
  }

  /** The mapper in a stream: {@code map(mapper).forEach} on a direct executor, as users run it. */
  @Benchmark
  public void mapStream(Rows rows, Blackhole blackhole) {
    new DefaultRowStream(rows.source, rows.config, Runnable::run, NO_TIMEOUTS, handle -> {})
        .map(rows.rowMapper).forEach(blackhole::consume).toCompletableFuture().join();
  }

  private static DefaultColumnDefinition column(int index, String name, int type) {
    return new DefaultColumnDefinition(new ColumnSpec("bench", "reading", name, index,
        RawType.PRIMITIVES.get(type)), AttachmentPoint.NONE);
  }

  private static Row row(int index) {
    return new DefaultRow(COLUMNS, List.of(TypeCodecs.INT.encode(index / 100, ProtocolVersion.DEFAULT),
        TypeCodecs.INT.encode(index % 100, ProtocolVersion.DEFAULT),
        TypeCodecs.DOUBLE.encode(index * 0.5, ProtocolVersion.DEFAULT),
        TypeCodecs.TEXT.encode("reading " + index, ProtocolVersion.DEFAULT)), AttachmentPoint.NONE);
  }

  /**
   * A mapper context with no session behind it: the generated helper's constructor only asks the session
   * for its name (to log), and {@code get(row, lenient)} reads nothing from the context. Every other call
   * answers null.
   */
  private static MapperContext detachedContext() {
    CqlSession session = (CqlSession) Proxy.newProxyInstance(RowMappingBenchmark.class.getClassLoader(),
        new Class<?>[] {CqlSession.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getName", "toString" -> "bench-no-session";
          case "hashCode" -> 0;
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException("the benchmark has no session: " + method);
        });
    return (MapperContext) Proxy.newProxyInstance(RowMappingBenchmark.class.getClassLoader(),
        new Class<?>[] {MapperContext.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getSession" -> session;
          case "toString" -> "bench-mapper-context";
          case "hashCode" -> 0;
          case "equals" -> proxy == args[0];
          case "getKeyspaceId", "getTableId" -> (CqlIdentifier) null;
          default -> null;
        });
  }
}
