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
package org.asynccassandra.vertx;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A Vert.x HTTP client for tests whose requests all start on one context of its own, so that a response's
 * body is read from its first byte.
 *
 * <p>Vert.x 5.0 drops the chunks and end of a response that arrive before {@link HttpClientResponse#body()}
 * was called, and the body's future then never completes. A request started from a test thread has a
 * context of its own, unlike the pooled connection it is sent on, so {@code send()}'s future reached the
 * test's callback in a later task, after a short response had arrived whole: the test then waited for an
 * answer that the server had sent (about one run in two of {@code NdjsonResponseTest}). Started on the
 * client's context, every request and connection share it, and the callback runs as the response's head
 * arrives.
 */
final class ClientExchange implements AutoCloseable {
  private final HttpClient client;
  private final Context context;

  ClientExchange(Vertx vertx) {
    this.client = vertx.createHttpClient();
    this.context = vertx.getOrCreateContext();
  }

  /**
   * Sends a GET of {@code path} to {@code port} on localhost and reads the response with {@code read}, called
   * as its head arrives (it must call {@link HttpClientResponse#body()} or set its handlers at once).
   */
  <T> T get(int port, String path, Function<HttpClientResponse, Future<T>> read, Duration timeout) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(ignored -> client.request(HttpMethod.GET, port, "localhost", path)
        .compose(request -> request.send().compose(read))
        .onComplete(done -> {
          if (done.succeeded()) {
            result.complete(done.result());
          } else {
            result.completeExceptionally(done.cause());
          }
        }));
    return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends a GET of {@code path} and does not wait for its answer. */
  void getAndForget(int port, String path) {
    context.runOnContext(ignored -> client.request(HttpMethod.GET, port, "localhost", path)
        .compose(request -> request.send()));
  }

  @Override
  public void close() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
