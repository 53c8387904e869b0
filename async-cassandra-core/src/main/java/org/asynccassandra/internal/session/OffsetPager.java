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
package org.asynccassandra.internal.session;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.asynccassandra.OffsetLimits;
import org.asynccassandra.OffsetPage;
import org.asynccassandra.PagingLimitExceededException;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;

/**
 * Offset paging on top of a stream: it reads the rows before the page as they stream by without keeping
 * them, keeps the page's rows, reads one more row to know whether the page is the last, and stops. Its fetch
 * size is {@code MIN_FETCH} to {@code MAX_FETCH} rows from the first request, whatever the base
 * configuration's first page size; a request asks for no more than the rows still wanted, but for at least
 * 100 (the engine's cap, see {@code PageEngine.nextPageSize}); its byte target, if any, still applies.
 */
final class OffsetPager {
  /** Pages of at least this many rows are fetched while skipping, to keep the round trips few. */
  private static final int MIN_FETCH = 500;
  private static final int MAX_FETCH = 5_000;

  private OffsetPager() {}

  static CompletionStage<OffsetPage> fetchPage(Statement<?> statement, int pageNumber, int pageSize,
      OffsetLimits limits, BiFunction<Statement<?>, StreamConfig, RowStream> streams, StreamConfig base) {
    if (pageNumber < 1) {
      throw new IllegalArgumentException("pageNumber must be >= 1: " + pageNumber);
    }
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be >= 1: " + pageSize);
    }
    if (pageSize > limits.maxPageSize()) {
      throw new PagingLimitExceededException("maxPageSize", limits.maxPageSize(), pageSize,
          "page " + pageNumber + " of " + pageSize + " rows is not allowed");
    }
    if (pageNumber > limits.maxPageNumber()) {
      throw new PagingLimitExceededException("maxPageNumber", limits.maxPageNumber(), pageNumber,
          "page number " + pageNumber + " is not allowed");
    }
    long skip = (long) (pageNumber - 1) * pageSize;
    if (skip > limits.maxSkippedRows()) {
      throw new PagingLimitExceededException("maxSkippedRows", limits.maxSkippedRows(), skip,
          "page " + pageNumber + " of " + pageSize + " rows needs " + skip + " rows skipped");
    }
    int fetchSize = (int) Math.min(MAX_FETCH, Math.max(MIN_FETCH, Math.min(skip + pageSize + 1, Integer.MAX_VALUE)));
    StreamConfig.Builder builder = base.toBuilder()
        .fetchSize(fetchSize)
        .maxRows(skip + pageSize + 1) // one row past the page tells whether it is the last
        .resumeFrom(null);
    if (base.maxPages().isPresent()) {
      // Not the base's to say: its page limit would end the read early and a page would look like the last.
      // maxRows bounds the read; the builder has no "unset", and this many pages are never reached.
      builder.maxPages(Long.MAX_VALUE);
    }
    if (base.firstPageSize().isPresent()) {
      if (base.targetPageBytes().isPresent()) {
        // Kept (within this fetch size): under a byte target it stands for the probe that measures the row
        // width, and a first page of the whole fetch size would be as large as the rows are wide.
        builder.firstPageSize(Math.min(base.firstPageSize().getAsInt(), fetchSize));
      } else {
        // Nothing is shown before the last row is read, so a small first page would only add requests:
        // full pages from the first one (a first page size equal to the fetch size means no ramp).
        builder.firstPageSize(fetchSize);
      }
    }
    StreamConfig config = builder.build();
    RowStream stream = streams.apply(statement, config);
    List<Row> kept = new ArrayList<>(Math.min(pageSize, MAX_FETCH)); // grows as rows come, not all up front
    long[] seen = new long[1];
    CompletableFuture<OffsetPage> result = new CompletableFuture<>();
    // Whoever completes or cancels the returned stage (a timeout, a client that went away) stops the read.
    result.whenComplete((page, error) -> stream.close());
    stream.forEachPage(page -> {
      for (Row row : page.rows()) {
        long index = seen[0]++;
        if (index >= skip && index < skip + pageSize) {
          kept.add(row);
        }
      }
    }).whenComplete((ignored, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(new OffsetPage(kept, pageNumber, pageSize, seen[0] <= skip + pageSize, stream.stats()));
      }
    });
    return result;
  }
}
