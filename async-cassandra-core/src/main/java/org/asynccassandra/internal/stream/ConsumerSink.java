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
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.asynccassandra.Page;
import org.jspecify.annotations.Nullable;

/**
 * The sink of {@code forEach} and {@code forEachPage}: runs the consumer over each page on the stream's
 * executor, then asks for the next page. Each row (or page) is handed over only after the position took
 * it, so that close() stops the loop at the next row and no row is handed over uncounted.
 */
final class ConsumerSink implements PageSink {
  private final PageEngine engine;
  private final @Nullable PageObserver listener;
  private final @Nullable Consumer<Object> rowConsumer; // null for forEachPage
  private final @Nullable Consumer<Object> pageConsumer; // null for forEach
  private final StreamFuture<Void> result;
  private final Mapping mapping;

  private ConsumerSink(PageEngine engine, @Nullable PageObserver listener, Mapping mapping,
      @Nullable Consumer<Object> rowConsumer, @Nullable Consumer<Object> pageConsumer,
      StreamFuture<Void> result) {
    this.engine = engine;
    this.mapping = mapping;
    this.listener = listener;
    this.rowConsumer = rowConsumer;
    this.pageConsumer = pageConsumer;
    this.result = result;
  }

  static ConsumerSink forRows(PageEngine engine, @Nullable PageObserver listener, Mapping mapping,
      Consumer<Object> consumer, StreamFuture<Void> result) {
    return new ConsumerSink(engine, listener, mapping, consumer, null, result);
  }

  static ConsumerSink forPages(PageEngine engine, @Nullable PageObserver listener, Mapping mapping,
      Consumer<Object> consumer, StreamFuture<Void> result) {
    return new ConsumerSink(engine, listener, mapping, null, consumer, result);
  }

  @Override
  public void onPage(DefaultPage page) {
    if (result.isClaimed()) {
      return; // completed from outside: the stream is closing
    }
    try {
      if (listener != null) {
        listener.onPage(page.event());
      }
      Position position = engine.position();
      if (!position.enter(page)) {
        return; // closed meanwhile: the terminal signal follows
      }
      if (pageConsumer != null) {
        Object handed = mapping.page(page); // mapped before it counts as received
        if (!position.received(page, page.size())) {
          return;
        }
        engine.addDelivered(page.size());
        pageConsumer.accept(handed);
      } else if (!deliverRows(page, position)) {
        return;
      }
    } catch (Throwable error) {
      // User code threw: the stream ends with that very exception, then the stage fails with it (reserved
      // first, so that a racing close() does not fail it as closed; ended before it is settled, so that a
      // dependent that closes the stream does not turn the end the listeners hear into a close).
      boolean reserved = result.reserve();
      engine.abortByUser(error, true, reserved);
      if (reserved) {
        result.settleExceptionally(error);
      }
      return;
    }
    engine.request();
  }

  /** Hands the page's rows over; false when the stream was closed on the way. */
  private boolean deliverRows(DefaultPage page, Position position) {
    Mapping.Values values = mapping.values(page);
    // One of the two consumers is set: forEachPage has the page consumer, forEach this one.
    Consumer<Object> consumer = Objects.requireNonNull(rowConsumer, "neither a row nor a page consumer");
    for (int i = 0, n = values.size(); i < n; i++) {
      Object value = values.next(); // mapped before it counts as received
      if (!position.received(page, i + 1)) {
        return false;
      }
      engine.addDelivered(1);
      consumer.accept(value);
    }
    return true;
  }

  @Override
  public void failPending(Throwable error, Executor executor) {
    result.failOn(executor, error);
  }

  @Override
  public void onComplete() {
    if (result.reserve()) {
      result.settle(null);
    }
  }

  @Override
  public void onError(Throwable error) {
    if (result.reserve()) {
      result.settleExceptionally(error);
    }
  }
}
