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

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/** A publisher that makes a fresh one-subscriber publisher for each subscriber; see {@link AsyncSession#publisher}. */
final class ColdPublisher<T> implements Flow.Publisher<T> {
  private final Supplier<Flow.Publisher<T>> fresh;

  private ColdPublisher(Supplier<Flow.Publisher<T>> fresh) {
    this.fresh = fresh;
  }

  static <T> Flow.Publisher<T> of(Supplier<Flow.Publisher<T>> fresh) {
    return new ColdPublisher<>(fresh);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber"); // §1.9
    Flow.Publisher<T> publisher;
    try {
      publisher = fresh.get();
    } catch (Exception failure) { // checked ones too (a listener's, thrown undeclared): subscribe never throws
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(failure);
      return;
    }
    publisher.subscribe(subscriber);
  }
}
