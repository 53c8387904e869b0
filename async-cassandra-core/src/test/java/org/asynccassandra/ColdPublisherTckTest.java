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
package org.asynccassandra;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.stream.FakePageSource;
import org.asynccassandra.internal.stream.ManualScheduler;
import org.asynccassandra.internal.stream.TckSettings;
import org.asynccassandra.internal.util.Threads;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;

/**
 * The Reactive Streams TCK for the cold publisher of {@link AsyncSession#publisher}: every subscriber gets a
 * fresh mapped stream over a fresh fake page source of 7-row pages; the failed publisher is one that cannot
 * make a stream (as when the session is closed).
 */
public class ColdPublisherTckTest extends FlowPublisherVerification<ColdPublisherTckTest.Item> {
  /** A mapped row. */
  public record Item(int value) {}

  private static final RowMapper<Item> TO_ITEM = row -> new Item(FakePageSource.value(row));

  private final ExecutorService executor = Executors.newFixedThreadPool(2, Threads.daemonFactory("tck-cold"));

  public ColdPublisherTckTest() {
    super(TckSettings.environment(), TckSettings.PUBLISHER_GC_TIMEOUT_MILLIS);
  }

  @AfterClass
  public void stopExecutor() {
    executor.shutdownNow();
  }

  @Override
  public Flow.Publisher<Item> createFlowPublisher(long elements) {
    int rows = (int) elements;
    return ColdPublisher.of(() -> new DefaultRowStream(sevenRowPages(rows),
        StreamConfig.builder().prefetchPages(1).build(), executor, new ManualScheduler(), handle -> {})
        .map(TO_ITEM).rows());
  }

  @Override
  public Flow.Publisher<Item> createFailedFlowPublisher() {
    return ColdPublisher.of(() -> {
      throw new IllegalStateException("This AsyncSession is closed");
    });
  }

  @Override
  public long maxElementsFromPublisher() {
    return 1024;
  }

  /** Pages of 7 rows holding {@code rows} rows in all (one empty page for none), completing at once. */
  private static FakePageSource sevenRowPages(int rows) {
    int pages = Math.max(1, (rows + 6) / 7);
    Integer[] sizes = new Integer[pages];
    for (int i = 0; i < pages; i++) {
      sizes[i] = Math.max(0, Math.min(7, rows - i * 7));
    }
    FakePageSource source = FakePageSource.pages(sizes);
    source.setAutomatic();
    return source;
  }
}
