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
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.Row;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.Test;

/**
 * Reactive Streams §2.13: a subscriber that throws from {@code onComplete} or {@code onError} broke the
 * contract. The publisher hands the throwable to whoever runs its emission (here the executor's task), and its
 * emission loop still ends cleanly: it drops the subscriber (§3.13) and later calls of the subscription run
 * the loop again instead of finding it counted as running for ever.
 */
class UnitPublisherTerminalThrowTest {
  /** The executor's tasks, run when the test says. */
  private final List<Runnable> queued = new CopyOnWriteArrayList<>();
  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();

  /** Runs the queued tasks until none is left; returns what they threw. */
  private List<Throwable> runQueued() {
    List<Throwable> thrown = new ArrayList<>();
    while (!queued.isEmpty()) {
      Runnable task = queued.remove(0);
      try {
        task.run();
      } catch (Throwable failure) {
        thrown.add(failure);
      }
    }
    return thrown;
  }

  @Test
  void should_rethrow_what_on_complete_throws_and_release_the_subscriber() {
    IllegalStateException broken = new IllegalStateException("onComplete broke §2.13");
    WeakReference<Object> subscriber = subscribe(10, broken);

    assertThat(runQueued()).containsExactly(broken);
    assertLoopEndedAndReleased(subscriber);
  }

  @Test
  void should_rethrow_what_on_error_throws_and_release_the_subscriber() {
    IllegalStateException broken = new IllegalStateException("onError broke §2.13");
    WeakReference<Object> subscriber = subscribe(0, broken); // §3.9: request(0) is answered with onError

    assertThat(runQueued()).containsExactly(broken);
    assertLoopEndedAndReleased(subscriber);
  }

  /** A late request still runs the loop (it was not left counted), and nothing keeps the subscriber. */
  private void assertLoopEndedAndReleased(WeakReference<Object> subscriber) {
    subscription.get().request(1);
    assertThat(queued).as("the emission loop a late request starts").hasSize(1);
    assertThat(runQueued()).isEmpty();
    await().until(() -> {
      System.gc();
      return subscriber.get() == null;
    });
  }

  /** Subscribes to the rows of a stream of one page of 2 rows; the subscriber throws {@code broken} at its end. */
  private WeakReference<Object> subscribe(long firstRequest, RuntimeException broken) {
    FakePageSource source = FakePageSource.pages(2);
    source.setAutomatic();
    DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.defaults(), queued::add,
        new ManualScheduler(), handle -> {});
    Flow.Subscriber<Row> throwing = new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription given) {
        subscription.set(given);
        given.request(firstRequest);
      }

      @Override
      public void onNext(Row item) {}

      @Override
      public void onError(Throwable throwable) {
        throw broken;
      }

      @Override
      public void onComplete() {
        throw broken;
      }
    };
    stream.rows().subscribe(throwing);
    return new WeakReference<>(throwing);
  }
}
