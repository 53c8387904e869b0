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

import org.asynccassandra.internal.stream.DriverPage;
import org.asynccassandra.internal.stream.SourcePage;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.token.Token;
import com.datastax.oss.driver.api.core.metadata.token.TokenRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.asynccassandra.ScanRange;
import org.jspecify.annotations.Nullable;

/**
 * Sends the page requests of a table scan's ranges, and does the token arithmetic a scan needs to split a
 * range around trouble; the driver's implementation builds each range's query, unit tests complete the
 * futures by hand.
 */
interface RangeRequests {
  /**
   * Requests one page of {@code range}.
   *
   * @param pagingState {@code null} for the range's first page
   * @param pageSize the rows to ask for
   * @return a future of the response; cancelling it must cancel the request
   */
  CompletableFuture<SourcePage> fetch(PlannedRange range, @Nullable ByteBuffer pagingState, int pageSize);

  /**
   * The token of the partition of the last of {@code rows} (a response's, decoded), formatted as {@link
   * ScanRange} bounds are, or {@code null} when there are no rows or the scan's columns leave out part of
   * the partition key.
   */
  @Nullable String lastToken(List<Row> rows);

  /**
   * Cuts the part of {@code range} after the token {@code after} (the whole range when {@code null}) into
   * at most {@code pieces} non-empty consecutive ranges, in token order; fewer than two when it cannot be
   * cut (too narrow, the full ring, or a partitioner without token arithmetic).
   */
  List<ScanRange> split(ScanRange range, @Nullable String after, int pieces);

  /** The token a range's requests are routed by (its end), or {@code null} for none. */
  @Nullable Token routingToken(ScanRange range);

  /** The driver's requests: each range query carries its routing token and keyspace, and is idempotent. */
  static RangeRequests driver(CqlSession session, ScanPlanner planner) {
    return new RangeRequests() {
      @Override
      public CompletableFuture<SourcePage> fetch(PlannedRange range, @Nullable ByteBuffer pagingState,
          int pageSize) {
        SimpleStatement statement = SimpleStatement.newInstance(planner.query(range))
            .setPageSize(pageSize)
            .setIdempotent(true)
            .setRoutingKeyspace(planner.keyspace);
        if (range.end != null) {
          statement = statement.setRoutingToken(range.end);
        }
        if (pagingState != null) {
          statement = statement.setPagingState(pagingState);
        }
        return DriverPage.execute(session, statement);
      }

      @Override
      public @Nullable String lastToken(List<Row> rows) {
        TokenMap tokens = planner.tokens;
        if (tokens == null || rows.isEmpty()) {
          return null;
        }
        Row last = rows.get(rows.size() - 1);
        ByteBuffer[] key = new ByteBuffer[planner.partitionKey.size()];
        for (int i = 0; i < key.length; i++) {
          CqlIdentifier column = planner.partitionKey.get(i);
          if (!last.getColumnDefinitions().contains(column)) {
            return null;
          }
          ByteBuffer bytes = last.getBytesUnsafe(column);
          if (bytes == null) {
            return null;
          }
          key[i] = bytes;
        }
        return tokens.format(tokens.newToken(key));
      }

      @Override
      public @Nullable Token routingToken(ScanRange range) {
        return planner.tokens == null || range.isFullRing() ? null : planner.tokens.parse(range.end());
      }

      @Override
      public List<ScanRange> split(ScanRange range, @Nullable String after, int pieces) {
        TokenMap tokens = planner.tokens;
        if (tokens == null || range.isFullRing()) {
          return List.of();
        }
        try {
          Token start = tokens.parse(range.start());
          Token end = tokens.parse(range.end());
          Token from = after == null ? start : tokens.parse(after);
          TokenRange whole = tokens.newTokenRange(start, end);
          if (from.equals(end) || !(from.equals(start) || whole.contains(from))) {
            return List.of(); // nothing left after it, or not inside the range at all
          }
          List<ScanRange> cut = new ArrayList<>();
          for (TokenRange piece : tokens.newTokenRange(from, end).splitEvenly(pieces)) {
            if (!piece.isEmpty() && !piece.isFullRing()) {
              cut.add(ScanRange.of(tokens.format(piece.getStart()), tokens.format(piece.getEnd())));
            }
          }
          return cut;
        } catch (RuntimeException noArithmetic) {
          return List.of(); // e.g. a partitioner whose ranges cannot be split evenly
        }
      }
    };
  }
}
