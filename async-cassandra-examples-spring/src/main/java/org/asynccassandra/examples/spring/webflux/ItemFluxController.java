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
package org.asynccassandra.examples.spring.webflux;

import org.asynccassandra.AsyncSession;
import org.asynccassandra.QueryStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.examples.spring.Item;
import org.asynccassandra.examples.spring.ItemQueries;
import org.asynccassandra.examples.spring.ItemQueries.ItemPage;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The WebFlux endpoints over the example table. Nothing here blocks: rows arrive on the stream's executor (the
 * session's callback executor, never a driver I/O thread), are encoded there by Jackson, and Reactor Netty
 * writes them on its event loop.
 *
 * <p>Backpressure runs end to end: Netty asks the {@code Flux} for more only while its channel is writable, the
 * {@code Flux} passes that demand to the stream's {@code Flow.Subscription}, and the stream fetches a page only
 * when its read-ahead ({@code async-cassandra.prefetch-pages}) has room. A client that reads slowly therefore
 * holds the fetching; a client that goes away cancels the subscription, which closes the stream.
 */
@RestController
public class ItemFluxController {
  private final AsyncSession session;
  private final ItemQueries queries;

  public ItemFluxController(AsyncSession session, ItemQueries queries) {
    this.session = session;
    this.queries = queries;
  }

  /**
   * The whole table, one JSON object per line. The publisher is cold: each subscription (each request, each
   * retry) starts a stream of its own.
   */
  @GetMapping(value = "/api/items/export.ndjson", produces = "application/x-ndjson")
  public Flux<Item> export() {
    return JdkFlowAdapter.flowPublisherToFlux(session.publisher(queries.select(), queries.exportConfig(),
        queries.mapper()));
  }

  /**
   * A page of {@code limit} rows from {@code token}, and the token of the next page. A token that was changed is
   * refused with 400 before any query starts. {@code take(limit)} cancels the stream once the page is full,
   * before the extra row is handed over, so the stream's position is the first row of the next page.
   */
  @GetMapping("/api/items")
  public Mono<ItemPage> items(@RequestParam(name = "limit", required = false) @Nullable String limitParam,
      @RequestParam(name = "token", required = false) @Nullable String token) {
    int limit = ItemQueries.limit(limitParam);
    StreamConfig config = queries.pageConfig(limit, token);
    return Mono.defer(() -> {
      QueryStream stream = session.executeStream(queries.select(), config);
      return JdkFlowAdapter.flowPublisherToFlux(stream.map(queries.mapper()).rows())
          .take(limit, true)
          .collectList()
          .map(items -> queries.page(items, limit, stream))
          .doFinally(signal -> stream.close());
    });
  }
}
