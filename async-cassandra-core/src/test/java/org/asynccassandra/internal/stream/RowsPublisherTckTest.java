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
package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.util.Threads;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;

/** The Reactive Streams TCK for {@link RowStream#rows()}, over a fake page source of 7-row pages. */
public class RowsPublisherTckTest extends FlowPublisherVerification<Row> {
  private final ExecutorService executor = Executors.newFixedThreadPool(2, Threads.daemonFactory("tck-rows"));

  public RowsPublisherTckTest() {
    super(TckSettings.environment(), TckSettings.PUBLISHER_GC_TIMEOUT_MILLIS);
  }

  @AfterClass
  public void stopExecutor() {
    executor.shutdownNow();
  }

  @Override
  public Flow.Publisher<Row> createFlowPublisher(long elements) {
    int rows = (int) elements;
    int pages = Math.max(1, (rows + 6) / 7);
    Integer[] sizes = new Integer[pages];
    for (int i = 0; i < pages; i++) {
      sizes[i] = Math.min(7, rows - i * 7);
    }
    if (rows == 0) {
      sizes[0] = 0;
    }
    FakePageSource source = new FakePageSource(100, sizes);
    source.setAutomatic();
    return stream(source).rows();
  }

  @Override
  public Flow.Publisher<Row> createFailedFlowPublisher() {
    RowStream stream = stream(FakePageSource.automatic(1, 1));
    stream.close();
    return stream.rows();
  }

  @Override
  public long maxElementsFromPublisher() {
    return 1024;
  }

  private RowStream stream(FakePageSource source) {
    return new DefaultRowStream(source, StreamConfig.builder().prefetchPages(1).build(), executor,
        new ManualScheduler(), handle -> {});
  }
}
