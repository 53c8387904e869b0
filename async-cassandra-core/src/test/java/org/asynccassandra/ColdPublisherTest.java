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

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.asynccassandra.internal.util.Undeclared;
import org.junit.jupiter.api.Test;

/** {@link ColdPublisher} whose stream cannot be made: the subscriber hears why, and subscribe never throws. */
class ColdPublisherTest {

  @Test
  void should_signal_a_checked_exception_thrown_undeclared_while_making_the_stream() {
    // A listener's executor() in Kotlin throws checked exceptions undeclared: subscribe() threw it (§1.9).
    List<String> signals = new CopyOnWriteArrayList<>();
    Flow.Publisher<Object> publisher = ColdPublisher.of(() -> {
      throw Undeclared.sneakyThrow(new java.io.IOException("no MDC"));
    });
    publisher.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        signals.add("subscribe");
      }

      @Override
      public void onNext(Object item) {
        signals.add("next");
      }

      @Override
      public void onError(Throwable error) {
        signals.add("error " + error);
      }

      @Override
      public void onComplete() {
        signals.add("complete");
      }
    });
    assertThat(signals).containsExactly("subscribe", "error java.io.IOException: no MDC");
  }
}
