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

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code rows()}' promise that {@code onComplete} follows the last row without further demand, when the last
 * page was full: Cassandra then says more may follow and answers one more, empty, page. A subscriber that
 * requested exactly the rows there were waited for ever, though the empty page had been read ahead.
 */
class UnitPublisherEndTest {
  private final List<String> signals = new CopyOnWriteArrayList<>();
  private Flow.Subscription subscription;

  private FakePageSource subscribe(int prefetchPages) {
    FakePageSource source = FakePageSource.pages(3, 0); // a full last page, then the empty one
    DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.builder().prefetchPages(prefetchPages)
        .build(), Runnable::run, new ManualScheduler(), handle -> { });
    stream.rows().subscribe(new Flow.Subscriber<Row>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        UnitPublisherEndTest.this.subscription = subscription;
      }

      @Override
      public void onNext(Row item) {
        signals.add("row " + FakePageSource.value(item));
      }

      @Override
      public void onError(Throwable throwable) {
        signals.add("onError " + throwable);
      }

      @Override
      public void onComplete() {
        signals.add("onComplete");
      }
    });
    return source;
  }

  @Test
  void should_complete_without_demand_when_the_empty_last_page_arrives_after_the_last_row() {
    FakePageSource source = subscribe(1);
    subscription.request(3);
    source.completeNext(); // the three rows; the empty page is read ahead
    assertThat(signals).containsExactly("row 0", "row 1", "row 2");

    source.completeNext();

    assertThat(signals).containsExactly("row 0", "row 1", "row 2", "onComplete");
    assertThat(source.fetchCount()).isEqualTo(2);
  }

  @Test
  void should_complete_without_demand_when_the_empty_last_page_arrived_before_the_last_row() {
    FakePageSource source = subscribe(1);
    subscription.request(2);
    source.completeNext();
    source.completeNext(); // the empty page, read ahead while a row still waits
    assertThat(signals).containsExactly("row 0", "row 1");

    subscription.request(1);

    assertThat(signals).containsExactly("row 0", "row 1", "row 2", "onComplete");
  }

  @Test
  void should_ask_for_the_empty_last_page_only_on_demand_without_read_ahead() {
    FakePageSource source = subscribe(0);
    subscription.request(3);
    source.completeNext();
    assertThat(signals).containsExactly("row 0", "row 1", "row 2");
    assertThat(source.fetchCount()).as("no read-ahead: nothing asked without demand").isEqualTo(1);

    subscription.request(1);
    source.completeNext();

    assertThat(signals).containsExactly("row 0", "row 1", "row 2", "onComplete");
  }
}
