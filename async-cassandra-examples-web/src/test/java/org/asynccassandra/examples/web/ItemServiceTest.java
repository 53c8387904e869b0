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
package org.asynccassandra.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpServerResponse;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

class ItemServiceTest {
  @Test
  void should_say_an_export_that_ended_meanwhile_waits_for_nothing() {
    // /metrics.json read the last export's response on another event loop: ended() said no, the export ended,
    // and writeQueueFull() threw "Response has already been written", answered as a 500.
    HttpServerResponse endedBetween = response(false, () -> {
      throw new IllegalStateException("Response has already been written");
    });

    assertThat(ItemService.waitingForDrain(endedBetween)).isFalse();
    assertThat(ItemService.waitingForDrain(response(false, () -> true))).isTrue();
    assertThat(ItemService.waitingForDrain(response(false, () -> false))).isFalse();
    assertThat(ItemService.waitingForDrain(response(true, () -> true))).as("ended").isFalse();
  }

  /** A response that is {@code ended} or not, open, whose write queue is as {@code full} says. */
  private static HttpServerResponse response(boolean ended, java.util.function.BooleanSupplier full) {
    return (HttpServerResponse) Proxy.newProxyInstance(ItemServiceTest.class.getClassLoader(),
        new Class<?>[] {HttpServerResponse.class}, (proxy, method, args) -> switch (method.getName()) {
          case "ended" -> ended;
          case "closed" -> false;
          case "writeQueueFull" -> full.getAsBoolean();
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
