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
import org.asynccassandra.Page;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.util.Threads;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;

/**
 * The Reactive Streams TCK for {@link RowStream#pages()}. A query always has at least one (possibly empty)
 * page, so the TCK's zero-element publisher does not exist; those cases are skipped.
 */
public class PagesPublisherTckTest extends FlowPublisherVerification<Page<Row>> {
  private final ExecutorService executor = Executors.newFixedThreadPool(2, Threads.daemonFactory("tck-pages"));

  public PagesPublisherTckTest() {
    super(TckSettings.environment(), TckSettings.PUBLISHER_GC_TIMEOUT_MILLIS);
  }

  @AfterClass
  public void stopExecutor() {
    executor.shutdownNow();
  }

  @Override
  public Flow.Publisher<Page<Row>> createFlowPublisher(long elements) {
    if (elements == 0) {
      throw new SkipException("A query result always has at least one page");
    }
    Integer[] sizes = new Integer[(int) elements];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = i % 3; // empty pages included
    }
    FakePageSource source = new FakePageSource(100, sizes);
    source.setAutomatic();
    return stream(source).pages();
  }

  @Override
  public Flow.Publisher<Page<Row>> createFailedFlowPublisher() {
    RowStream stream = stream(FakePageSource.automatic(1, 1));
    stream.close();
    return stream.pages();
  }

  @Override
  public long maxElementsFromPublisher() {
    return 256;
  }

  private RowStream stream(FakePageSource source) {
    return new DefaultRowStream(source, StreamConfig.builder().prefetchPages(2).build(), executor,
        new ManualScheduler(), handle -> {});
  }
}
