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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.Test;

/**
 * Reactive Streams §1.3: a publisher's signals never overlap. A request made inside {@code onSubscribe} runs on
 * the stream's executor, whose other threads may start at once: its signal must still wait for
 * {@code onSubscribe} to return.
 */
class UnitPublisherSignalOrderTest {
  /** The executor's tasks, run when the test says: by another thread of a pool, as far as the stream knows. */
  private final List<Runnable> queued = new CopyOnWriteArrayList<>();

  private void runQueued() {
    while (!queued.isEmpty()) {
      new ArrayList<>(queued).forEach(task -> {
        queued.remove(task);
        task.run();
      });
    }
  }

  private void subscribeAndRequest(long n, List<String> signals) {
    FakePageSource source = FakePageSource.pages(2, 2);
    source.setAutomatic();
    DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.defaults(), queued::add,
        new ManualScheduler(), handle -> {});
    stream.rows().subscribe(new Flow.Subscriber<Row>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        signals.add("onSubscribe");
        subscription.request(n);
        runQueued(); // the pool's other threads run what the request started, while this one still runs
        signals.add("onSubscribe returns");
      }

      @Override
      public void onNext(Row item) {
        signals.add("onNext");
      }

      @Override
      public void onError(Throwable throwable) {
        signals.add("onError");
      }

      @Override
      public void onComplete() {
        signals.add("onComplete");
      }
    });
    runQueued();
  }

  @Test
  void should_signal_the_error_of_a_bad_request_made_in_on_subscribe_only_after_it_returned() {
    List<String> signals = new CopyOnWriteArrayList<>();
    subscribeAndRequest(0, signals);
    assertThat(signals).containsExactly("onSubscribe", "onSubscribe returns", "onError");
  }

  @Test
  void should_signal_rows_requested_in_on_subscribe_only_after_it_returned() {
    List<String> signals = new CopyOnWriteArrayList<>();
    subscribeAndRequest(10, signals);
    assertThat(signals).containsExactly("onSubscribe", "onSubscribe returns", "onNext", "onNext", "onNext",
        "onNext", "onComplete");
  }
}
