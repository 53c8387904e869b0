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

import com.datastax.dse.driver.api.core.cql.reactive.ReactiveRow;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The driver's {@code executeReactive} consumed a batch at a time: a subscriber asks for {@code batchSize}
 * rows, hands each full batch to {@code executor}, and asks for the next batch once that one is consumed
 * (the driver reads ahead on its own, whatever is asked).
 */
final class PageBatches {
  private PageBatches() {}

  /**
   * Subscribes to {@code rows} and consumes them a batch at a time.
   *
   * @param perRow run on {@code executor} for each row, one batch at a time
   * @param atEnd run on {@code executor} after the last row, before the result completes
   * @return completed on {@code executor} after {@code atEnd}, or with the error of the publisher, of
   *     {@code perRow} or of {@code atEnd} (the subscription is then cancelled)
   */
  static CompletableFuture<Void> consume(Publisher<ReactiveRow> rows, int batchSize, Executor executor,
      Consumer<Row> perRow, Runnable atEnd) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    rows.subscribe(new Subscriber<ReactiveRow>() {
      private Subscription subscription;
      private List<Row> batch = new ArrayList<>(batchSize); // onNext calls are serial (§1.3)

      @Override
      public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(batchSize);
      }

      @Override
      public void onNext(ReactiveRow row) {
        batch.add(row);
        if (batch.size() == batchSize) {
          hand(false);
        }
      }

      @Override
      public void onError(Throwable error) {
        executor.execute(() -> done.completeExceptionally(error));
      }

      @Override
      public void onComplete() {
        hand(true);
      }

      private void hand(boolean last) {
        List<Row> handed = batch;
        batch = new ArrayList<>(batchSize);
        executor.execute(() -> {
          try {
            handed.forEach(perRow);
            if (last) {
              atEnd.run();
              done.complete(null);
            } else {
              subscription.request(batchSize);
            }
          } catch (RuntimeException failure) {
            subscription.cancel();
            done.completeExceptionally(failure);
          }
        });
      }
    });
    return done;
  }
}
