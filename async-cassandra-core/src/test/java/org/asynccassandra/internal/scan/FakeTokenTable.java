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
package org.asynccassandra.internal.scan;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.token.Token;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinition;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.driver.internal.core.cql.DefaultRow;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanRange;
import org.asynccassandra.internal.stream.SourcePage;

/**
 * A table on a ring of long tokens, served the way Cassandra pages a token-range query: partition
 * {@code t} (for {@code t} in {@code 1..partitions}) has token {@code t} and rows {@code ck = 0..rowsPerPartition-1},
 * the paging state holds the (token, ck) of the last row returned, and a request for {@code (start, end]}
 * with a paging state continues after that row up to {@code end}, whatever range the paging state came
 * from. A row is the int {@code token * 1000 + ck} in column {@code v}; requests the test's predicate
 * picks fail with a timeout at once, the others are answered at once.
 */
class FakeTokenTable implements RangeRequests {
  static final ColumnDefinitions COLUMNS = DefaultColumnDefinitions.valueOf(List.of(new DefaultColumnDefinition(
      new ColumnSpec("ks", "t", "v", 0, RawType.PRIMITIVES.get(DataTypes.INT.getProtocolCode())),
      AttachmentPoint.NONE)));

  /** One request as the server sees it: the range, and where the paging state puts it (its start if none). */
  record Request(ScanRange range, long position, int pageSize, boolean continued) {
    long start() {
      return Long.parseLong(range.start());
    }

    long end() {
      return Long.parseLong(range.end());
    }
  }

  final int partitions;
  final int rowsPerPartition;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Predicate<Request> timesOut = request -> false;
  /** The response bytes of each row of partition {@code token}. */
  private volatile java.util.function.IntToLongFunction rowBytes = token -> 16;

  FakeTokenTable(int partitions, int rowsPerPartition) {
    this.partitions = partitions;
    this.rowsPerPartition = rowsPerPartition;
  }

  FakeTokenTable timingOut(Predicate<Request> predicate) {
    this.timesOut = predicate;
    return this;
  }

  /** Makes each row of partition {@code token} {@code rowBytes(token)} response bytes wide (16 by default). */
  FakeTokenTable rowBytes(java.util.function.IntToLongFunction widths) {
    this.rowBytes = widths;
    return this;
  }

  /** One planned range, not yet read. */
  PlannedRange range(int index, long start, long end) {
    return new PlannedRange(index, ScanRange.of(String.valueOf(start), String.valueOf(end)), null,
        ScanCheckpoint.State.PENDING, null, 0, 0);
  }

  /** Every row of the table, in token order. */
  List<Integer> allValues() {
    List<Integer> all = new ArrayList<>();
    for (int token = 1; token <= partitions; token++) {
      for (int ck = 0; ck < rowsPerPartition; ck++) {
        all.add(token * 1000 + ck);
      }
    }
    return all;
  }

  @Override
  public CompletableFuture<SourcePage> fetch(PlannedRange range, ByteBuffer pagingState, int pageSize) {
    long start = Long.parseLong(range.range.start());
    long end = Long.parseLong(range.range.end());
    // The row after which to go on: (token, ck) of the paging state, or the last row of partition start.
    long afterToken = pagingState == null ? start : pagingState.getLong(pagingState.position());
    int afterCk = pagingState == null ? rowsPerPartition - 1 : pagingState.getInt(pagingState.position() + 8);
    Request request = new Request(range.range, afterToken, pageSize, pagingState != null);
    requests.add(request);
    if (timesOut.test(request)) {
      return CompletableFuture.failedFuture(
          new com.datastax.oss.driver.api.core.DriverTimeoutException("Query timed out (fake)"));
    }
    List<Row> rows = new ArrayList<>();
    long token = afterToken;
    int ck = afterCk;
    while (rows.size() < pageSize) {
      ck++;
      if (ck >= rowsPerPartition) {
        token++;
        ck = 0;
      }
      if (token > end || token > partitions) {
        break;
      }
      rows.add(row((int) token * 1000 + ck));
    }
    boolean more = rows.size() == pageSize && !(token >= Math.min(end, partitions) && ck == rowsPerPartition - 1);
    ByteBuffer next = more ? ByteBuffer.allocate(12).putLong(0, token).putInt(8, ck) : null;
    return CompletableFuture.completedFuture(page(rows, next));
  }

  @Override
  public String lastToken(List<Row> rows) {
    return rows.isEmpty() ? null : String.valueOf(rows.get(rows.size() - 1).getInt(0) / 1000);
  }

  @Override
  public List<ScanRange> split(ScanRange range, String after, int pieces) {
    long from = after == null ? Long.parseLong(range.start()) : Long.parseLong(after);
    long end = Long.parseLong(range.end());
    List<ScanRange> cut = new ArrayList<>();
    long width = end - from;
    long previous = from;
    for (int i = 1; i <= pieces; i++) {
      long bound = i == pieces ? end : from + width * i / pieces;
      if (bound > previous) {
        cut.add(ScanRange.of(String.valueOf(previous), String.valueOf(bound)));
        previous = bound;
      }
    }
    return cut;
  }

  @Override
  public Token routingToken(ScanRange range) {
    return null;
  }

  static Row row(int value) {
    return new DefaultRow(COLUMNS, List.of(TypeCodecs.INT.encode(value, ProtocolVersion.DEFAULT)),
        AttachmentPoint.NONE);
  }

  private SourcePage page(List<Row> rows, ByteBuffer next) {
    List<Row> frozen = List.copyOf(rows);
    long bytes = 0;
    for (Row row : frozen) {
      bytes += rowBytes.applyAsLong(row.getInt(0) / 1000);
    }
    long responseBytes = bytes;
    return new SourcePage() {
      /** Handed over once and then forgotten, as the driver's response does (see SourcePage#rows). */
      private List<Row> untaken = frozen;

      @Override
      public int size() {
        return frozen.size();
      }

      @Override
      public List<Row> rows() {
        List<Row> taken = untaken;
        if (taken == null) {
          throw new IllegalStateException("the rows of this response were read twice");
        }
        untaken = null;
        return taken;
      }

      @Override
      public boolean hasMorePages() {
        return next != null;
      }

      @Override
      public ByteBuffer pagingState() {
        return next;
      }

      @Override
      public long responseBytes() {
        return responseBytes;
      }

      @Override
      public ExecutionInfo executionInfo() {
        return null;
      }

      @Override
      public ColumnDefinitions columnDefinitions() {
        return COLUMNS;
      }
    };
  }
}
