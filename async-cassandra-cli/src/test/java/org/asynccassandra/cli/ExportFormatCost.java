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

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinition;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.driver.internal.core.cql.DefaultRow;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.values.RowWriter;

/**
 * How much the export's formatting costs with async-cassandra-values (FastCSV, Jackson) against the
 * hand-written code it replaced: formats 200,000 in-memory rows in pages of 5,000, as PageFormatter does, on
 * one thread, in alternating rounds, and prints the median ns per row. Not a test (no assertion on time):
 * run it with {@code java -cp <test classpath> org.asynccassandra.cli.ExportFormatCost}.
 */
public final class ExportFormatCost {
  private static final int ROWS = 200_000;
  private static final int PAGE = 5_000;
  private static final int ROUNDS = 9;

  private ExportFormatCost() {}

  public static void main(String[] args) {
    shape("sample (pk int, ck int, payload text ~100 B)", sampleRows());
    shape("mixed (int, bigint, text, timestamp, double, uuid, list<text>)", mixedRows());
  }

  private static void shape(String name, List<Row> rows) {
    String[] modes = {"csv hand-written", "csv values", "ndjson hand-written", "ndjson values"};
    double[][] nanos = new double[modes.length][ROUNDS];
    long sink = 0;
    for (int round = -2; round < ROUNDS; round++) { // two warm-up rounds
      for (int mode = 0; mode < modes.length; mode++) {
        long start = System.nanoTime();
        sink += format(mode, rows);
        if (round >= 0) {
          nanos[mode][round] = (System.nanoTime() - start) / (double) rows.size();
        }
      }
    }
    System.out.println(name + " (" + sink % 10 + ")");
    double[] medians = new double[modes.length];
    for (int mode = 0; mode < modes.length; mode++) {
      double[] sorted = nanos[mode].clone();
      Arrays.sort(sorted);
      medians[mode] = sorted[ROUNDS / 2];
      System.out.printf(Locale.ROOT, "  %-20s median %6.0f ns/row  (min %6.0f, max %6.0f)%n", modes[mode], medians[mode],
          sorted[0], sorted[ROUNDS - 1]);
    }
    System.out.printf(Locale.ROOT, "  values / hand-written: csv %.2fx, ndjson %.2fx%n", medians[1] / medians[0],
        medians[3] / medians[2]);
  }

  /** Formats every row in pages; returns the characters written (kept, so nothing is optimized away). */
  private static long format(int mode, List<Row> rows) {
    long chars = 0;
    for (int first = 0; first < rows.size(); first += PAGE) {
      List<Row> page = rows.subList(first, Math.min(rows.size(), first + PAGE));
      StringBuilder text = new StringBuilder(page.size() * 128);
      if (mode == 0 || mode == 2) {
        StringBuilder scratch = new StringBuilder(256);
        for (Row row : page) {
          if (mode == 0) {
            HandWrittenFormat.csvRow(row, text, scratch);
          } else {
            HandWrittenFormat.ndjsonRow(row, text);
          }
        }
      } else {
        try (RowWriter writer = (mode == 1 ? RowFormat.CSV : RowFormat.NDJSON).newWriter(new TextWriter(text))) {
          for (Row row : page) {
            writer.writeRow(row);
          }
        }
      }
      chars += text.length();
    }
    return chars;
  }

  private static List<Row> sampleRows() {
    ColumnDefinitions columns = columns(column("pk", ProtocolConstants.DataType.INT),
        column("ck", ProtocolConstants.DataType.INT), column("payload", ProtocolConstants.DataType.VARCHAR));
    List<Row> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      rows.add(row(columns, encode(TypeCodecs.INT, i / 5000), encode(TypeCodecs.INT, i % 5000),
          encode(TypeCodecs.TEXT, TestData.payload(i / 5000, i % 5000))));
    }
    return rows;
  }

  private static List<Row> mixedRows() {
    ColumnDefinitions columns = columns(column("id", ProtocolConstants.DataType.INT),
        column("big", ProtocolConstants.DataType.BIGINT), column("name", ProtocolConstants.DataType.VARCHAR),
        column("at", ProtocolConstants.DataType.TIMESTAMP), column("score", ProtocolConstants.DataType.DOUBLE),
        column("uid", ProtocolConstants.DataType.UUID),
        new DefaultColumnDefinition(new ColumnSpec("ks", "t", "tags", 6,
            new RawType.RawList(RawType.PRIMITIVES.get(ProtocolConstants.DataType.VARCHAR))), AttachmentPoint.NONE));
    TypeCodec<List<String>> tags = TypeCodecs.listOf(TypeCodecs.TEXT);
    List<Row> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      rows.add(row(columns, encode(TypeCodecs.INT, i), encode(TypeCodecs.BIGINT, i * 7_919L),
          encode(TypeCodecs.TEXT, "name, \"" + i + "\""), encode(TypeCodecs.TIMESTAMP, Instant.ofEpochMilli(i * 1_000L)),
          encode(TypeCodecs.DOUBLE, i / 3.0), encode(TypeCodecs.UUID, new java.util.UUID(i, -i)),
          encode(tags, List.of("a", "b" + i))));
    }
    return rows;
  }

  private static ColumnDefinition column(String name, int protocolType) {
    return new DefaultColumnDefinition(new ColumnSpec("ks", "t", name, 0, RawType.PRIMITIVES.get(protocolType)),
        AttachmentPoint.NONE);
  }

  private static ColumnDefinitions columns(ColumnDefinition... columns) {
    return DefaultColumnDefinitions.valueOf(List.of(columns));
  }

  private static <T> ByteBuffer encode(TypeCodec<T> codec, T value) {
    return codec.encode(value, ProtocolVersion.DEFAULT);
  }

  private static Row row(ColumnDefinitions columns, ByteBuffer... values) {
    return new DefaultRow(columns, Arrays.asList(values), AttachmentPoint.NONE);
  }
}
