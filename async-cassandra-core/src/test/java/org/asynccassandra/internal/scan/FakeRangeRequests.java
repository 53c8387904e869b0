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

import org.asynccassandra.internal.stream.FakePageSource;
import com.datastax.oss.driver.api.core.cql.Row;
import org.asynccassandra.internal.stream.SourcePage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanRange;

/**
 * Hand-driven range requests for unit tests of table scans: range {@code i} is a {@link FakePageSource}
 * whose rows count up from {@code i * 1000}. Every request is recorded by its range's source.
 */
final class FakeRangeRequests implements RangeRequests {
  final List<FakePageSource> sources = new ArrayList<>();
  final List<PlannedRange> ranges = new ArrayList<>();

  /** {@code count} ranges of the given page sizes each. */
  static FakeRangeRequests of(int count, boolean automatic, Integer... pageSizes) {
    FakeRangeRequests requests = new FakeRangeRequests();
    for (int i = 0; i < count; i++) {
      FakePageSource source = FakePageSource.pages(pageSizes).firstValue(i * 1000);
      if (automatic) {
        source.setAutomatic();
      }
      requests.sources.add(source);
      requests.ranges.add(new PlannedRange(i, range(i), null, ScanCheckpoint.State.PENDING, null, 0, 0));
    }
    return requests;
  }

  static ScanRange range(int index) {
    return ScanRange.of(String.valueOf(index * 10), String.valueOf(index * 10 + 10));
  }

  /** The page size of each request, in order. */
  final List<Integer> pageSizes = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<SourcePage> fetch(PlannedRange range, ByteBuffer pagingState, int pageSize) {
    pageSizes.add(pageSize);
    return sources.get(range.index).fetch(pagingState);
  }

  /** Its rows carry no partition key: the position of a range is never known, so it is never split. */
  @Override
  public String lastToken(List<Row> rows) {
    return null;
  }

  @Override
  public List<ScanRange> split(ScanRange range, String after, int pieces) {
    return List.of();
  }

  @Override
  public com.datastax.oss.driver.api.core.metadata.token.Token routingToken(ScanRange range) {
    return null;
  }

  /** Requests sent so far, over every range. */
  int sent() {
    return sources.stream().mapToInt(FakePageSource::fetchCount).sum();
  }

  /** Requests still waiting for their response. */
  List<FakePageSource> pendingSources() {
    return sources.stream().filter(FakePageSource::hasPending).collect(Collectors.toList());
  }

  /** Every row value of the table, sorted. */
  List<Integer> allValues() {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      int base = i * 1000;
      IntStream.range(0, sources.get(i).totalRows()).forEach(j -> all.add(base + j));
    }
    return all;
  }
}
