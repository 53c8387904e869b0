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
package org.asynccassandra.bench;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One timed read of a query by one mode, checked: a read that returns a different number of rows than
 * the table holds fails the run rather than produce a figure.
 *
 * @param rows rows read
 * @param seconds wall time from the request to the last row consumed
 * @param maxPagesAhead the most pages the driver had received beyond the page the consumer started
 * @param streamMaxBufferedPages async-cassandra's own peak of buffered pages, or -1 for a driver mode
 * @param consumerWaitMillis how long async-cassandra's consumer waited for pages, or -1 for a driver mode
 */
record Reading(long rows, double seconds, long maxPagesAhead, int streamMaxBufferedPages,
    double consumerWaitMillis) {

  static Reading of(BenchContext context, ReadMode mode, SimpleStatement statement, long expectedRows,
      RowSink.PageWork work) throws Exception {
    long tag = context.pageCounter().newTag();
    RowSink sink = new RowSink(statement.getPageSize(), work, context.pageCounter(), tag);
    SimpleStatement tagged = statement.setQueryTimestamp(tag);
    long start = System.nanoTime();
    ReadMode.Outcome outcome;
    try {
      outcome = mode.read(context, tagged, sink);
    } finally {
      context.pageCounter().release(tag);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (sink.rows() != expectedRows) {
      throw new IllegalStateException(mode.name() + " read " + sink.rows() + " rows of " + statement.getQuery()
          + " where " + expectedRows + " were expected");
    }
    return new Reading(sink.rows(), seconds, sink.maxPagesAhead(), outcome.streamMaxBufferedPages(),
        outcome.consumerWaitMillis());
  }

  double rowsPerSecond() {
    return rows / seconds;
  }

  Map<String, Double> metrics() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("rows", (double) rows);
    metrics.put("seconds", seconds);
    metrics.put("rowsPerSecond", rowsPerSecond());
    metrics.put("maxPagesAhead", (double) maxPagesAhead);
    if (streamMaxBufferedPages >= 0) {
      metrics.put("streamMaxBufferedPages", (double) streamMaxBufferedPages);
      metrics.put("consumerWaitMillis", consumerWaitMillis);
    }
    return metrics;
  }
}
