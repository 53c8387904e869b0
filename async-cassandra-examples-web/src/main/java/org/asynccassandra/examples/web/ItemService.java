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

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.InvalidResumeTokenException;
import org.asynccassandra.OffsetLimits;
import org.asynccassandra.OffsetPage;
import org.asynccassandra.PagingLimitExceededException;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.QueryStream;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.vertx.CassandraReadStream;
import org.asynccassandra.vertx.NdjsonResponse;

/**
 * The HTTP API over one table {@code (pk int, ck int, payload text)}. Every handler runs on its Vert.x
 * event loop and never blocks it: the streams of {@code /api/items} and of the export run their callbacks on
 * the request's own context; {@code /api/items/page/N} reads with {@code fetchPage}, whose stream runs on the
 * session's callback executor, and answers on the event loop. The two streams are named after their endpoint
 * ({@code items}, {@code export}; a page's stream has no name), so the {@code name} tag of the meters at
 * {@code /metrics} tells them apart. Their configuration starts from the session's default
 * ({@link AsyncSession#defaultStreamConfig()}: its retries, timeouts, listener), as the pages' already does.
 *
 * <p>A request that Cassandra failed is answered as {@link CassandraErrorResponse} says, the same as the Spring
 * examples: {@code 503} with {@code Retry-After}, {@code 504}, {@code 404} for a table that is not in the
 * schema, {@code 500}, each with a JSON body that names the reason; so is an export that fails before its first
 * row, and a handler that throws (the router's failure handler). An export that fails after its first row cannot
 * change its status: the connection is closed without the body's end.
 */
public final class ItemService {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ItemService.class);
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  /**
   * The longest next-page token taken: this table's keys are two ints, so its tokens are short, and a
   * service bounds what a client may send more tightly than the library's limit, which allows keys of 64 KiB.
   */
  static final int MAX_TOKEN_CHARS = 1024;
  static final OffsetLimits PAGE_LIMITS = OffsetLimits.of(100, 5_000, MAX_LIMIT);
  static final int EXPORT_FETCH_SIZE = 500;
  static final int EXPORT_PREFETCH = 1;

  private final Vertx vertx;
  private final AsyncSession session;
  private final ResumeTokenSigner signer;
  private final SimpleStatement query;
  /** The table's keyspace and name, to find it in the schema metadata; null keyspace: not checked. */
  private final String tableKeyspace;
  private final String tableName;
  private final IntSupplier inFlightRequests;
  private final PrometheusMeterRegistry metrics;

  // Export statistics for /metrics.json.
  private final AtomicInteger activeExports = new AtomicInteger();
  private final AtomicLong exportsStarted = new AtomicLong();
  private final AtomicLong exportsCompleted = new AtomicLong();
  private final AtomicLong exportsClosedByClient = new AtomicLong();
  private final AtomicLong exportsFailed = new AtomicLong();
  private volatile CassandraReadStream<Buffer> lastExport;
  private volatile HttpServerResponse lastExportResponse;
  /** Runs on the event loop right after an export closed its stream because the client went away. */
  private volatile Runnable exportClosedByClientListener = () -> {};

  /**
   * The service over {@code table}; {@code metrics} is what {@code /metrics} shows (bind
   * {@code AsyncCassandraMetrics} of {@code session} to it to see the streams).
   */
  public ItemService(Vertx vertx, AsyncSession session, String table, ResumeTokenSigner signer,
      IntSupplier inFlightRequests, PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.session = session;
    this.signer = signer;
    this.query = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table);
    int dot = table.indexOf('.');
    this.tableKeyspace = dot < 0 ? session.cqlSession().getKeyspace().map(keyspace -> keyspace.asCql(true)).orElse(null)
        : table.substring(0, dot);
    this.tableName = dot < 0 ? table : table.substring(dot + 1);
    this.inFlightRequests = inFlightRequests;
    this.metrics = metrics;
  }

  /**
   * Sets what runs, on the event loop, right after an export's stream was closed because its client went
   * away (replacing the previous listener); for tests that check what happens after the close.
   */
  void onExportClosedByClient(Runnable listener) {
    exportClosedByClientListener = Objects.requireNonNull(listener, "listener");
  }

  public Router router() {
    Router router = Router.router(vertx);
    router.route("/api/*").handler(ItemService::decodeQuery);
    router.get("/api/items").handler(this::items);
    router.get("/api/items/page/:number").handler(this::page);
    router.get("/api/items/export.ndjson").handler(this::export);
    router.head("/api/items/export.ndjson").handler(this::exportHead);
    router.get("/metrics").handler(this::prometheus);
    router.get("/metrics.json").handler(this::exportMetrics);
    // HEAD of the other routes: the GET's status and headers, and no body (Vert.x writes none for a HEAD),
    // as Spring answers it; they fell through to the static files and were a 404.
    router.head("/api/items").handler(this::items);
    router.head("/api/items/page/:number").handler(this::page);
    router.head("/metrics").handler(this::prometheus);
    router.head("/metrics.json").handler(this::exportMetrics);
    router.route("/*").handler(StaticHandler.create("webroot"));
    // A handler that threw (the table not in the schema, a closed session): JSON, not vertx-web's text page.
    router.route().failureHandler(ItemService::handlerFailed);
    return router;
  }

  /**
   * Answers 400 for a query string that cannot be decoded ({@code ?limit=%zz}): the parameters are decoded when
   * a handler first reads one, and the decoder's {@code IllegalArgumentException} reached the failure handler
   * as a 500, logged with its stack trace at ERROR, for any client that sent a bad escape.
   */
  private static void decodeQuery(RoutingContext ctx) {
    try {
      ctx.request().params();
    } catch (IllegalArgumentException undecodable) {
      badRequest(ctx, new JsonObject().put("error", "the query string cannot be decoded: "
          + undecodable.getMessage()).put("reason", "BAD_QUERY_STRING"));
      return;
    }
    ctx.next();
  }

  private static void handlerFailed(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure == null || failure instanceof io.vertx.ext.web.handler.HttpException) {
      // A status without an exception (ctx.fail(404), say), or vertx-web's own with a status: its own answer.
      ctx.next();
      return;
    }
    CassandraErrorResponse.answer(ctx.response(), failure);
  }

  /**
   * Throws {@link TableNotFoundException} when the driver's schema metadata (kept in memory: no query) does not
   * have the table, as the Spring examples check theirs, so that the answer is a 404 rather than the query's
   * {@code InvalidQueryException} (a 500). Not checked without schema metadata or a known keyspace.
   */
  private void requireTable() {
    if (tableKeyspace == null || !session.cqlSession().isSchemaMetadataEnabled()) {
      return;
    }
    CqlIdentifier keyspace;
    CqlIdentifier table;
    try {
      keyspace = CqlIdentifier.fromCql(tableKeyspace);
      table = CqlIdentifier.fromCql(tableName);
    } catch (IllegalArgumentException notAName) {
      return; // the query says what is wrong with it
    }
    if (session.cqlSession().getMetadata().getKeyspace(keyspace).flatMap(found -> found.getTable(table)).isEmpty()) {
      throw new TableNotFoundException(tableKeyspace, tableName);
    }
  }

  /** Runs stream callbacks on this request's event loop. */
  private Executor loop() {
    return CassandraReadStream.executor(vertx.getOrCreateContext());
  }

  private static JsonObject json(Row row) {
    return new JsonObject().put("pk", row.getInt(0)).put("ck", row.getInt(1)).put("payload", row.getString(2));
  }

  private static void badRequest(RoutingContext ctx, JsonObject body) {
    ctx.response().setStatusCode(400).putHeader("content-type", "application/json").end(body.encode());
  }

  private static void failed(RoutingContext ctx, Throwable error) {
    CassandraErrorResponse.answer(ctx.response(), error);
  }

  private static Optional<Integer> intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String text = ctx.request().getParam(name);
    if (text == null || text.isEmpty()) {
      return Optional.of(fallback);
    }
    try {
      int value = Integer.parseInt(text);
      return value < min || value > max ? Optional.empty() : Optional.of(value);
    } catch (NumberFormatException notANumber) {
      return Optional.empty();
    }
  }

  // ---- GET /api/items?limit=N&after=TOKEN: forward paging with signed tokens -------------------------

  private void items(RoutingContext ctx) {
    Optional<Integer> limitParam = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    if (limitParam.isEmpty()) {
      badRequest(ctx, new JsonObject().put("error", "limit must be a whole number from 1 to " + MAX_LIMIT + ": "
          + ctx.request().getParam("limit")).put("limit", "maxLimit"));
      return;
    }
    int limit = limitParam.get();
    // One row more than the page, to know whether another page follows.
    StreamConfig.Builder config = session.defaultStreamConfig().toBuilder().name("items").fetchSize(limit + 1)
        .maxRows(limit + 1).prefetchPages(0).executor(loop());
    String after = ctx.request().getParam("after");
    if (after != null && after.length() > MAX_TOKEN_CHARS) {
      badRequest(ctx, new JsonObject().put("error", "the next-page token has " + after.length()
          + " characters; this service's tokens have at most " + MAX_TOKEN_CHARS).put("reason", "TOO_LARGE"));
      return;
    }
    requireTable();
    QueryStream stream;
    try {
      if (after != null) {
        config.resumeFrom(signer.decode(after));
      }
      stream = session.executeStream(query, config.build());
    } catch (InvalidResumeTokenException bad) {
      badRequest(ctx, new JsonObject().put("error", bad.getMessage()).put("reason", bad.reason().name()));
      return;
    }
    // A client that goes away stops the read: its stream is closed (and its request cancelled), and nothing is
    // answered to it.
    ctx.response().closeHandler(closed -> stream.close());
    JsonArray items = new JsonArray();
    AtomicBoolean answered = new AtomicBoolean();
    Runnable answer = () -> {
      if (answered.compareAndSet(false, true) && !ctx.response().closed()) {
        ResumeToken next = stream.position();
        boolean more = items.size() == limit && !next.isEnd();
        ctx.response().putHeader("content-type", "application/json").end(new JsonObject()
            .put("items", items).put("next", more ? signer.encode(next) : null).encode());
      }
    };
    stream.rows().subscribe(new Flow.Subscriber<>() {
      private Flow.Subscription subscription;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(limit);
      }

      @Override
      public void onNext(Row row) {
        items.add(json(row));
        if (items.size() == limit) {
          subscription.cancel(); // the position now points at the first row of the next page
          answer.run();
        }
      }

      @Override
      public void onError(Throwable error) {
        if (answered.compareAndSet(false, true) && !ctx.response().closed()) {
          failed(ctx, error);
        }
      }

      @Override
      public void onComplete() {
        answer.run();
      }
    });
  }

  // ---- GET /api/items/page/{n}?size=N: page numbers with enforced limits -------------------------------

  private void page(RoutingContext ctx) {
    int number;
    try {
      number = Integer.parseInt(ctx.pathParam("number"));
    } catch (NumberFormatException notANumber) {
      badRequest(ctx, new JsonObject().put("error", "the page number must be a whole number: " + ctx.pathParam("number")));
      return;
    }
    Optional<Integer> size = intParam(ctx, "size", DEFAULT_LIMIT, 1, MAX_LIMIT);
    if (size.isEmpty() || number < 1) {
      JsonObject body = new JsonObject().put("error", "page must be >= 1 and size from 1 to " + MAX_LIMIT);
      if (size.isEmpty() && intParam(ctx, "size", DEFAULT_LIMIT, MAX_LIMIT + 1, Integer.MAX_VALUE).isPresent()) {
        body.put("limit", "maxPageSize"); // a size over the limit is named, as the other limits are
      }
      badRequest(ctx, body);
      return;
    }
    requireTable();
    Executor loop = loop();
    try {
      CompletionStage<OffsetPage> reading = session.fetchPage(query, number, size.get(), PAGE_LIMITS);
      // A client that goes away stops the read: cancelling the stage closes its stream (and cancels its request).
      ctx.response().closeHandler(closed -> reading.toCompletableFuture().cancel(false));
      reading.whenCompleteAsync((page, error) -> {
        if (ctx.response().closed()) {
          return; // the client went away: nobody to answer, and the read was stopped for it
        }
        if (error != null) {
          failed(ctx, error);
          return;
        }
        JsonArray items = new JsonArray();
        page.rows().forEach(row -> items.add(json(row)));
        ctx.response().putHeader("content-type", "application/json").end(new JsonObject()
            .put("page", page.pageNumber()).put("size", page.pageSize()).put("last", page.isLast())
            .put("items", items).encode());
      }, loop);
    } catch (PagingLimitExceededException overLimit) {
      badRequest(ctx, new JsonObject().put("error", overLimit.getMessage()).put("limit", overLimit.limit())
          .put("allowed", overLimit.allowed()));
    }
  }

  // ---- GET /api/items/export.ndjson: the whole table with end-to-end backpressure ---------------------

  /**
   * The export's headers without its body, and no stream, as the Spring examples answer a HEAD (404 when the
   * table is not there). Without this route a HEAD fell through to the static files and was a 404.
   */
  private void exportHead(RoutingContext ctx) {
    requireTable();
    ctx.response().putHeader("Content-Type", NdjsonResponse.CONTENT_TYPE).end();
  }

  /**
   * The whole table as NDJSON through the Vert.x adapter: the response's write queue pauses the stream while
   * the client reads slowly (no further page is asked for), and a client that goes away closes the stream.
   */
  private void export(RoutingContext ctx) {
    requireTable();
    Context context = vertx.getOrCreateContext();
    HttpServerResponse response = ctx.response();
    response.setWriteQueueMaxSize(64 * 1024);
    RowStream stream = session.executeStream(query, session.defaultStreamConfig().toBuilder().name("export")
        .fetchSize(EXPORT_FETCH_SIZE).prefetchPages(EXPORT_PREFETCH).executor(CassandraReadStream.executor(context))
        .build());
    CassandraReadStream<Buffer> body = CassandraReadStream.ndjson(context, stream);
    activeExports.incrementAndGet();
    exportsStarted.incrementAndGet();
    lastExport = body;
    lastExportResponse = response;
    AtomicBoolean answered = new AtomicBoolean();
    NdjsonResponse.send(response, body, (failedResponse, failure) -> {
      // Before its first row: the status and JSON of any other request that Cassandra failed (logged there).
      answered.set(true);
      CassandraErrorResponse.answer(failedResponse, failure);
    }).onComplete(result -> {
      activeExports.decrementAndGet();
      if (result.succeeded()) {
        exportsCompleted.incrementAndGet();
      } else if (result.cause() instanceof HttpClosedException) {
        // The client went away: the stream was closed and its request cancelled.
        exportsClosedByClient.incrementAndGet();
        exportClosedByClientListener.run();
      } else {
        exportsFailed.incrementAndGet();
        if (!answered.get()) {
          // After its first rows: the response was reset, so the client sees a body cut short. Never silently.
          LOG.warn("An export of '{}' failed after its first rows", query.getQuery(), result.cause());
        }
      }
    });
  }

  // ---- GET /metrics: Prometheus text; GET /metrics.json: the export's own counters ----------------------

  private void prometheus(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
  }

  /**
   * Whether {@code response}, an export's on another event loop, waits for its client to read. It may end
   * between any two calls from here, and {@code writeQueueFull()} then throws: an ended response waits for
   * nothing.
   */
  static boolean waitingForDrain(HttpServerResponse response) {
    try {
      return !response.ended() && !response.closed() && response.writeQueueFull();
    } catch (IllegalStateException endedMeanwhile) {
      return false;
    }
  }

  private void exportMetrics(RoutingContext ctx) {
    JsonObject exports = new JsonObject()
        .put("active", activeExports.get())
        .put("started", exportsStarted.get())
        .put("completed", exportsCompleted.get())
        .put("closedByClient", exportsClosedByClient.get())
        .put("failed", exportsFailed.get());
    CassandraReadStream<Buffer> last = lastExport;
    HttpServerResponse lastResponse = lastExportResponse;
    if (last != null && lastResponse != null) {
      StreamStats stats = last.stats();
      exports.put("last", new JsonObject()
          .put("pagesFetched", stats.pagesFetched())
          .put("pagesWritten", last.delivered()) // one buffer per page
          .put("waitingForDrain", waitingForDrain(lastResponse))
          .put("rowsDelivered", stats.rowsDelivered())
          .put("maxBufferedPages", stats.maxBufferedPages())
          .put("prefetchPages", EXPORT_PREFETCH));
    }
    ctx.response().putHeader("content-type", "application/json").end(new JsonObject()
        .put("exports", exports).put("inFlightRequests", inFlightRequests.getAsInt()).encode());
  }
}
