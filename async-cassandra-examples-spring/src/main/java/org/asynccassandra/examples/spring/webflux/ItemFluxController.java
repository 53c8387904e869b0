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

import java.util.Arrays;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.QueryStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.examples.spring.AsyncCassandraProperties;
import org.asynccassandra.examples.spring.Item;
import org.asynccassandra.examples.spring.ItemQueries;
import org.asynccassandra.examples.spring.ItemQueries.ItemPage;
import org.asynccassandra.examples.spring.Tables;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WebFlux endpoints over the example table. Nothing here blocks: rows arrive on the stream's executor (the
 * session's callback executor, never a driver I/O thread), are encoded there with Jackson, and Reactor Netty
 * writes them on its event loop.
 *
 * <p>Backpressure runs end to end: Netty asks the {@code Flux} for more only while its channel is writable, the
 * {@code Flux} passes that demand to the stream's {@code Flow.Subscription}, and the stream fetches a page only
 * when its read-ahead ({@code async-cassandra.prefetch-pages}) has room. A client that reads slowly therefore
 * holds the fetching; a client that goes away cancels the subscription, which closes the stream.
 *
 * <p>Errors: the table is looked up in the driver's schema metadata before a stream starts (in memory, no
 * query), so a table that is not there is a 404, as in the MVC example; a stream that Cassandra fails before the
 * response started is a 503 or 504 with a JSON body that says why, and one that fails after the {@code 200} cuts
 * the body short ({@link CassandraErrorAdvice}).
 */
@RestController
public class ItemFluxController {
  private final AsyncSession session;
  private final ItemQueries queries;
  private final AsyncCassandraProperties properties;
  private final JsonMapper json;

  public ItemFluxController(AsyncSession session, ItemQueries queries, AsyncCassandraProperties properties,
      JsonMapper json) {
    this.session = session;
    this.queries = queries;
    this.properties = properties;
    this.json = json;
  }

  /**
   * The whole table, one JSON object per line. The publisher is cold: each subscription (each request, each
   * retry) starts a stream of its own.
   *
   * <p>Each item is encoded here, to a line of its own, and the response is a plain {@code Flux} of buffers,
   * rather than a {@code Flux<Item>} left to Spring's Jackson encoder. For a streaming media type such as NDJSON,
   * Spring writes each element as a group of its own (Reactor Netty's {@code sendGroups}: every element
   * concatenated with a flush marker), and reactor-core 3.8's concatenation can lose a request that races with
   * its switch from the element to the marker: the request reads the element's subscription, the switch brings
   * the outstanding demand back to the value the request read, and the request then adds its demand and asks the
   * finished element instead of the marker. The response then stalls for good, with the stream holding rows and
   * no demand (seen here about once in 1,300 exports under CPU load). A plain {@code Flux} of buffers is written
   * by one sender without that concatenation, and flushed as the socket takes it.
   */
  @GetMapping(value = "/api/items/export.ndjson", produces = "application/x-ndjson")
  public Flux<DataBuffer> export(ServerHttpResponse response) {
    Tables.require(session, properties.keyspace(), properties.table());
    DataBufferFactory buffers = response.bufferFactory();
    return JdkFlowAdapter.flowPublisherToFlux(session.publisher(queries.select(), queries.exportConfig(),
        queries.mapper())).map(item -> buffers.wrap(line(item)));
  }

  /**
   * The export's headers without its body, and no stream: Spring would answer a HEAD with the GET handler and
   * drain its whole body into nothing, so a link checker's HEAD would read the whole table. The table is checked
   * as for a GET (404 when it is not there).
   */
  @RequestMapping(value = "/api/items/export.ndjson", method = RequestMethod.HEAD)
  public ResponseEntity<Void> exportHead() {
    Tables.require(session, properties.keyspace(), properties.table()); // the session's metadata: no I/O
    return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson")).build();
  }

  /** The item as one line of NDJSON. */
  private byte[] line(Item item) {
    byte[] object = json.writeValueAsBytes(item);
    byte[] line = Arrays.copyOf(object, object.length + 1);
    line[object.length] = '\n';
    return line;
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
    Tables.require(session, properties.keyspace(), properties.table());
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
