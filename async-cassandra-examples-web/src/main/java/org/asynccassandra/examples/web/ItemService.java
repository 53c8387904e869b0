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
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.InvalidResumeTokenException;
import org.asynccassandra.OffsetLimits;
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
 * event loop and never blocks it: streams run their callbacks on the request's own context. Streams are
 * named after their endpoint ({@code items}, {@code export}), so the {@code name} tag of the meters at
 * {@code /metrics} tells them apart.
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
    router.get("/api/items").handler(this::items);
    router.get("/api/items/page/:number").handler(this::page);
    router.get("/api/items/export.ndjson").handler(this::export);
    router.get("/metrics").handler(this::prometheus);
    router.get("/metrics.json").handler(this::exportMetrics);
    router.route("/*").handler(StaticHandler.create("webroot"));
    return router;
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
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(500).putHeader("content-type", "application/json")
          .end(new JsonObject().put("error", String.valueOf(error.getMessage())).encode());
    }
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
    StreamConfig.Builder config = StreamConfig.builder().name("items").fetchSize(limit + 1).maxRows(limit + 1)
        .prefetchPages(0).executor(loop());
    String after = ctx.request().getParam("after");
    if (after != null && after.length() > MAX_TOKEN_CHARS) {
      badRequest(ctx, new JsonObject().put("error", "the next-page token has " + after.length()
          + " characters; this service's tokens have at most " + MAX_TOKEN_CHARS).put("reason", "TOO_LARGE"));
      return;
    }
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
    JsonArray items = new JsonArray();
    AtomicBoolean answered = new AtomicBoolean();
    Runnable answer = () -> {
      if (answered.compareAndSet(false, true)) {
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
        if (answered.compareAndSet(false, true)) {
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
      badRequest(ctx, new JsonObject().put("error", "page must be >= 1 and size from 1 to " + MAX_LIMIT));
      return;
    }
    Executor loop = loop();
    try {
      session.fetchPage(query, number, size.get(), PAGE_LIMITS).whenCompleteAsync((page, error) -> {
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
   * The whole table as NDJSON through the Vert.x adapter: the response's write queue pauses the stream while
   * the client reads slowly (no further page is asked for), and a client that goes away closes the stream.
   */
  private void export(RoutingContext ctx) {
    Context context = vertx.getOrCreateContext();
    HttpServerResponse response = ctx.response();
    response.setWriteQueueMaxSize(64 * 1024);
    RowStream stream = session.executeStream(query, StreamConfig.builder().name("export").fetchSize(EXPORT_FETCH_SIZE)
        .prefetchPages(EXPORT_PREFETCH).executor(CassandraReadStream.executor(context)).build());
    CassandraReadStream<Buffer> body = CassandraReadStream.ndjson(context, stream);
    activeExports.incrementAndGet();
    exportsStarted.incrementAndGet();
    lastExport = body;
    lastExportResponse = response;
    NdjsonResponse.send(response, body).onComplete(result -> {
      activeExports.decrementAndGet();
      if (result.succeeded()) {
        exportsCompleted.incrementAndGet();
      } else if (result.cause() instanceof HttpClosedException) {
        // The client went away: the stream was closed and its request cancelled.
        exportsClosedByClient.incrementAndGet();
        exportClosedByClientListener.run();
      } else {
        // Cassandra failed (the response was reset, or answered 500 before its first row): never silently.
        exportsFailed.incrementAndGet();
        LOG.warn("An export of '{}' failed", query.getQuery(), result.cause());
      }
    });
  }

  // ---- GET /metrics: Prometheus text; GET /metrics.json: the export's own counters ----------------------

  private void prometheus(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
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
          .put("waitingForDrain", !lastResponse.ended() && lastResponse.writeQueueFull())
          .put("rowsDelivered", stats.rowsDelivered())
          .put("maxBufferedPages", stats.maxBufferedPages())
          .put("prefetchPages", EXPORT_PREFETCH));
    }
    ctx.response().putHeader("content-type", "application/json").end(new JsonObject()
        .put("exports", exports).put("inFlightRequests", inFlightRequests.getAsInt()).encode());
  }
}
