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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.QueryStream;
import org.asynccassandra.ResultStream;
import org.asynccassandra.RowMapper;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.FaultProxy;
import org.asynccassandra.testkit.RequestCounter;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.asynccassandra.values.RowWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The adapter against the real Cassandra, on a Vert.x with one event loop: {@value #ROWS} rows in pages of
 * {@value #FETCH_SIZE}. The session counts its requests, so that a test can tell that nothing was sent
 * after a stream was closed, and goes through a {@link FaultProxy}, so that a test can hold Cassandra's answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class CassandraReadStreamIT {
  static final int ROWS = 5_000;
  static final int FETCH_SIZE = 100;
  static final Duration WAIT = Duration.ofSeconds(30);

  record Item(int pk, int ck, String payload) {}

  private final RequestCounter counter = new RequestCounter();
  private FaultProxy proxy;
  private CqlSession session;
  private AsyncSession async;
  private Vertx vertx;
  private SimpleStatement query;
  private List<String> expectedKeys;
  private String expectedNdjson;

  @BeforeAll
  void start(CassandraServer server, TestKeyspace keyspace, CqlSession direct) {
    String table = keyspace.table("items");
    TestData.createSampleTable(direct, table);
    TestData.loadSampleRows(direct, table, ROWS, 1_000);
    query = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table);
    expectedKeys = new ArrayList<>();
    StringWriter ndjson = new StringWriter();
    try (RowWriter writer = RowWriter.ndjson(ndjson)) {
      for (Row row : direct.execute(query.setPageSize(1_000))) {
        expectedKeys.add(row.getInt(0) + "/" + row.getInt(1));
        writer.writeRow(row);
      }
    }
    expectedNdjson = ndjson.toString();
    proxy = FaultProxy.start(server.contactPoint());
    session = counter.addTo(proxy.sessionBuilder(server.localDatacenter())).build();
    async = AsyncSession.wrap(session);
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      async.close();
      session.close();
      proxy.close();
    }
  }

  private StreamConfig config(Context context, int prefetchPages) {
    return StreamConfig.builder().fetchSize(FETCH_SIZE).prefetchPages(prefetchPages)
        .executor(CassandraReadStream.executor(context)).build();
  }

  /** Collects the keys of the rows an adapter hands out, and whether each came on the context. */
  private static final class Collector {
    final List<String> keys = new CopyOnWriteArrayList<>();
    final AtomicBoolean offContext = new AtomicBoolean();
    final CompletableFuture<Void> done = new CompletableFuture<>();

    <T> CassandraReadStream<T> attach(CassandraReadStream<T> stream, java.util.function.Function<T, String> key) {
      Context context = stream.context();
      return stream.exceptionHandler(done::completeExceptionally)
          .endHandler(ignored -> done.complete(null))
          .handler(item -> {
            if (Vertx.currentContext() != context || !Context.isOnEventLoopThread()) {
              offContext.set(true);
            }
            keys.add(key.apply(item));
          });
    }
  }

  private static String key(Row row) {
    return row.getInt(0) + "/" + row.getInt(1);
  }

  /** Waits until {@code stream}'s pages fetched stay the same for {@code quiet}, and returns its statistics. */
  private static StreamStats settled(CassandraReadStream<?> stream, Duration quiet) {
    long[] last = {-1};
    await().atMost(WAIT).pollInterval(quiet).until(() -> {
      long fetched = stream.stats().pagesFetched();
      boolean same = fetched == last[0];
      last[0] = fetched;
      return same;
    });
    return stream.stats();
  }

  /** Checks that no further page is fetched for a while: {@code fetched} pages the whole time. */
  private static void assertFetchesNoMore(Supplier<StreamStats> stats, long fetched, Duration quiet) {
    await().during(quiet).atMost(quiet.plus(WAIT)).until(() -> stats.get().pagesFetched() == fetched);
  }

  /** The underlying stream is closed: a further pull fails with StreamClosedException. */
  private static void assertClosed(ResultStream<?> stream) {
    assertThat(stream.nextPage()).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(StreamClosedException.class);
  }

  @Test
  void should_deliver_every_row_once_in_order_on_the_event_loop() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<String> outcome = new CompletableFuture<>();
    StreamListener ends = new StreamListener() {
      @Override
      public void onComplete(StreamInfo stream, StreamStats stats) {
        outcome.complete("completed");
      }

      @Override
      public void onClose(StreamInfo stream, StreamStats stats) {
        outcome.complete("closed");
      }
    };
    QueryStream rows = async.executeStream(query, StreamConfig.builder().fetchSize(FETCH_SIZE).prefetchPages(1)
        .executor(CassandraReadStream.executor(context)).listener(ends).build());
    Collector collector = new Collector();
    collector.attach(CassandraReadStream.of(context, rows), CassandraReadStreamIT::key);
    collector.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(collector.keys).isEqualTo(expectedKeys);
    assertThat(collector.offContext).as("a handler ran off the event loop context").isFalse();
    assertThat(rows.stats().rowsDelivered()).isEqualTo(ROWS);
    assertThat(outcome).as("a stream read to its end is heard completed, not closed")
        .succeedsWithin(WAIT).isEqualTo("completed");
  }

  @Test
  void should_deliver_mapped_values_of_a_typed_stream() throws Exception {
    Context context = vertx.getOrCreateContext();
    ResultStream<Item> items = async.executeStream(query, config(context, 1), RowMapper.record(Item.class));
    Collector collector = new Collector();
    collector.attach(CassandraReadStream.of(context, items), item -> item.pk() + "/" + item.ck());
    collector.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(collector.keys).isEqualTo(expectedKeys);
    assertThat(collector.offContext).isFalse();
  }

  @Test
  void should_stop_reading_ahead_at_the_bound_while_paused() throws Exception {
    int prefetch = 2;
    Context context = vertx.getOrCreateContext();
    CassandraReadStream<Row> stream = CassandraReadStream.of(context, async.executeStream(query, config(context, prefetch)));
    Collector collector = new Collector();
    // Paused before the handler is set, then a demand of one row: one row, then nothing. (Setting a flowing
    // handler and replacing it with a pausing one raced with the first page: when the page came between the
    // two, the first handler took every row and the wait for exactly one row timed out.)
    collector.attach(stream.pause(), CassandraReadStreamIT::key);
    stream.fetch(1);
    await().atMost(WAIT).until(() -> !collector.keys.isEmpty());
    // Wait for the pages expected, then for quiet: a page slower than the quiet period cannot pass for the end.
    await().atMost(WAIT).until(() -> stream.stats().pagesFetched() >= 1 + prefetch);
    StreamStats paused = settled(stream, Duration.ofMillis(500));
    assertThat(paused.pagesFetched()).as("the page held plus the read-ahead").isEqualTo(1 + prefetch);
    assertThat(paused.bufferedPages()).isEqualTo(prefetch);
    assertThat(paused.maxBufferedPages()).isLessThanOrEqualTo(prefetch);
    assertThat(collector.keys).hasSize(1);

    stream.resume();
    collector.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(collector.keys).isEqualTo(expectedKeys);
    assertThat(stream.stats().maxBufferedPages()).isLessThanOrEqualTo(prefetch);
  }

  @Test
  void should_end_strictly_after_the_last_row_under_pause_and_fetch_n_issue_25() throws Exception {
    // Pages of 7 rows (the last one short), one read ahead; demand of 1 to 5 rows at a time, each given by a
    // later task while the stream is paused, so that pages (the last one too) arrive while it is paused.
    Context context = vertx.getOrCreateContext();
    CassandraReadStream<Row> stream = CassandraReadStream.of(context, async.executeStream(query, StreamConfig.builder()
        .fetchSize(7).prefetchPages(1).executor(CassandraReadStream.executor(context)).build()));
    List<String> keys = new CopyOnWriteArrayList<>();
    AtomicBoolean rowAfterEnd = new AtomicBoolean();
    CompletableFuture<Integer> ended = new CompletableFuture<>();
    AtomicInteger step = new AtomicInteger();
    AtomicInteger left = new AtomicInteger();
    Runnable demand = () -> {
      int n = 1 + step.getAndIncrement() % 5;
      left.set(n);
      stream.fetch(n);
    };
    stream.pause()
        .exceptionHandler(ended::completeExceptionally)
        .endHandler(ignored -> ended.complete(keys.size()))
        .handler(row -> {
          if (ended.isDone()) {
            rowAfterEnd.set(true);
          }
          keys.add(key(row));
          if (left.decrementAndGet() == 0) {
            context.runOnContext(ignored -> demand.run());
          }
        });
    context.runOnContext(ignored -> demand.run());
    assertThat(ended.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("rows handed over when the end came").isEqualTo(ROWS);
    assertThat(keys).isEqualTo(expectedKeys);
    assertThat(rowAfterEnd).as("a row after the end").isFalse();
  }

  @Test
  void should_not_grow_the_stack_over_pages_of_one_row_with_a_handler_that_fetches_one_issue_47() throws Exception {
    // Fetch size 1: a page per row. The handler asks for the next row synchronously, inside the delivery.
    Context context = vertx.getOrCreateContext();
    CassandraReadStream<Row> stream = CassandraReadStream.of(context, async.executeStream(query, StreamConfig.builder()
        .fetchSize(1).prefetchPages(1).executor(CassandraReadStream.executor(context)).build()));
    List<String> keys = new CopyOnWriteArrayList<>();
    AtomicInteger firstDepth = new AtomicInteger();
    AtomicInteger deepest = new AtomicInteger();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    stream.pause()
        .exceptionHandler(ended::completeExceptionally)
        .endHandler(ignored -> ended.complete(null))
        .handler(row -> {
          int depth = Thread.currentThread().getStackTrace().length;
          firstDepth.compareAndSet(0, depth);
          deepest.accumulateAndGet(depth, Math::max);
          keys.add(key(row));
          stream.fetch(1);
        });
    context.runOnContext(ignored -> stream.fetch(1));
    ended.get(120, TimeUnit.SECONDS);
    assertThat(keys).isEqualTo(expectedKeys);
    assertThat(stream.stats().pagesFetched()).as("a page per row").isGreaterThanOrEqualTo(ROWS);
    assertThat(deepest.get() - firstDepth.get()).as("stack growth over %d pages", ROWS).isLessThan(50);
  }

  @Test
  void should_honour_fetch() throws Exception {
    Context context = vertx.getOrCreateContext();
    CassandraReadStream<Row> stream = CassandraReadStream.of(context, async.executeStream(query, config(context, 1)));
    Collector collector = new Collector();
    collector.attach(stream.pause(), CassandraReadStreamIT::key);
    assertFetchesNoMore(stream::stats, 0, Duration.ofMillis(300)); // no demand, no page

    stream.fetch(5);
    await().atMost(WAIT).until(() -> collector.keys.size() >= 5);
    settled(stream, Duration.ofMillis(300));
    assertThat(collector.keys).hasSize(5);
    assertThat(stream.delivered()).isEqualTo(5);

    stream.fetch(150); // past the first page's end
    await().atMost(WAIT).until(() -> collector.keys.size() >= 155 && stream.stats().pagesFetched() >= 3);
    StreamStats stats = settled(stream, Duration.ofMillis(300));
    assertThat(collector.keys).hasSize(155);
    assertThat(stats.pagesFetched()).as("the page held (2nd) plus one read ahead").isEqualTo(3);

    stream.resume();
    collector.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(collector.keys).isEqualTo(expectedKeys);
  }

  @Test
  void should_signal_a_throwing_handler_and_close_the_stream_as_failed() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    StreamListener ends = new StreamListener() {
      @Override
      public void onFailure(StreamInfo stream, Throwable error, StreamStats stats) {
        outcome.complete(error);
      }

      @Override
      public void onClose(StreamInfo stream, StreamStats stats) {
        outcome.complete("closed");
      }
    };
    QueryStream rows = async.executeStream(query, StreamConfig.builder().fetchSize(FETCH_SIZE).prefetchPages(1)
        .executor(CassandraReadStream.executor(context)).listener(ends).build());
    CassandraReadStream<Row> stream = CassandraReadStream.of(context, rows);
    IllegalStateException broken = new IllegalStateException("row 250 is not welcome");
    AtomicReference<Long> markAtFailure = new AtomicReference<>();
    List<String> keys = new CopyOnWriteArrayList<>();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    stream.endHandler(ignored -> failed.completeExceptionally(new AssertionError("ended")))
        .exceptionHandler(error -> {
          markAtFailure.set(counter.mark()); // the stream is closed by now
          failed.complete(error);
        })
        .handler(row -> {
          keys.add(key(row));
          if (keys.size() == 250) {
            throw broken;
          }
        });
    assertThat(failed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isSameAs(broken);
    assertThat(keys).isEqualTo(expectedKeys.subList(0, 250));
    assertThat(outcome).as("the handler's failure is the stream's, for its listeners (metrics, traces)")
        .succeedsWithin(WAIT).isSameAs(broken);
    assertThat(rows.nextPage()).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class); // ended: a new page is refused
    long fetched = rows.stats().pagesFetched();
    assertFetchesNoMore(rows::stats, fetched, Duration.ofMillis(500));
    assertThat(fetched).isLessThanOrEqualTo(4);
    assertThat(counter.sentSince(markAtFailure.get())).as("requests sent after the failure").isZero();
    assertThat(keys).hasSize(250);
  }

  // ---- through a real HTTP server ---------------------------------------------------------------------

  /**
   * Serves the table as NDJSON: /pipe with plain pipeTo, /send with NdjsonResponse.send, /failing with
   * NdjsonResponse.send over a stream whose mapper throws on row 250, /late with NdjsonResponse.send once the
   * client has gone away.
   */
  private final class Server {
    final AtomicReference<CassandraReadStream<Buffer>> lastBody = new AtomicReference<>();
    final AtomicReference<ResultStream<Row>> lastRows = new AtomicReference<>();
    final AtomicReference<Future<Void>> lastSend = new AtomicReference<>();
    final AtomicInteger requests = new AtomicInteger();
    final HttpServer http;

    Server(HttpServerOptions options) throws Exception {
      http = vertx.createHttpServer(options).requestHandler(this::handle).listen(0)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    void handle(HttpServerRequest request) {
      requests.incrementAndGet();
      if (request.path().equals("/late")) {
        request.connection().closeHandler(closed -> serve(request)); // answers once the client went away
        return;
      }
      serve(request);
    }

    void serve(HttpServerRequest request) {
      Context context = Vertx.currentContext();
      QueryStream rows = async.executeStream(query, config(context, 1));
      ResultStream<Row> mapped = rows;
      if (request.path().equals("/failing")) {
        AtomicInteger seen = new AtomicInteger();
        mapped = rows.map(row -> {
          if (seen.incrementAndGet() == 250) {
            throw new IllegalStateException("row 250 cannot be written");
          }
          return row;
        });
      }
      CassandraReadStream<Buffer> body = CassandraReadStream.ndjson(context, mapped);
      lastRows.set(mapped);
      lastBody.set(body);
      if (request.path().equals("/pipe")) {
        request.response().setChunked(true).putHeader("content-type", NdjsonResponse.CONTENT_TYPE);
        lastSend.set(body.pipeTo(request.response()));
      } else {
        lastSend.set(NdjsonResponse.send(request.response(), body));
      }
    }

    void close() throws Exception {
      http.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private String download(Server server, String path) throws Exception {
    try (ClientExchange client = new ClientExchange(vertx)) {
      return client.get(server.http.actualPort(), path, response -> {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("content-type")).isEqualTo(NdjsonResponse.CONTENT_TYPE);
        return response.body().map(Buffer::toString);
      }, WAIT);
    }
  }

  @Test
  void should_pipe_every_row_as_ndjson_to_an_http_response() throws Exception {
    Server server = new Server(new HttpServerOptions());
    try {
      assertThat(download(server, "/pipe")).isEqualTo(expectedNdjson);
      assertThat(download(server, "/send")).isEqualTo(expectedNdjson);
      server.lastSend.get().toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(server.lastBody.get().delivered()).as("one buffer per page").isEqualTo(ROWS / FETCH_SIZE);
    } finally {
      server.close();
    }
  }

  @Test
  void should_pause_for_a_slow_client_and_close_the_stream_when_it_goes_away() throws Exception {
    // Small socket buffers on both sides, so that the response's write queue fills after a few pages.
    Server server = new Server(new HttpServerOptions().setSendBufferSize(8 * 1024));
    Socket socket = new Socket();
    try {
      socket.setSoTimeout((int) WAIT.toMillis()); // a read that never ends fails the test, not the build
      socket.setReceiveBufferSize(4 * 1024);
      socket.connect(new InetSocketAddress("localhost", server.http.actualPort()));
      OutputStream out = socket.getOutputStream();
      out.write("GET /send HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      in.readNBytes(4 * 1024); // then read no more
      await().atMost(WAIT).until(() -> server.lastBody.get() != null);
      CassandraReadStream<Buffer> body = server.lastBody.get();
      StreamStats stalled = settled(body, Duration.ofMillis(500));
      long pages = ROWS / FETCH_SIZE;
      assertThat(stalled.pagesFetched()).as("pages fetched for a client that does not read")
          .isLessThanOrEqualTo(body.delivered() + 1) // the page read ahead
          .isLessThan(pages);
      assertThat(server.lastSend.get().isComplete()).isFalse();

      socket.close(); // the client goes away while the pipe waits for the write queue to drain
      Future<Void> send = server.lastSend.get();
      await().atMost(WAIT).until(send::isComplete);
      assertThat(send.cause()).isInstanceOf(HttpClosedException.class);
      long mark = counter.mark();
      assertClosed(server.lastRows.get());
      long fetched = body.stats().pagesFetched();
      assertFetchesNoMore(body::stats, fetched, Duration.ofMillis(500));
      assertThat(fetched).isLessThan(pages);
      assertThat(counter.sentSince(mark)).as("requests sent after the client went away").isZero();
    } finally {
      socket.close();
      server.close();
    }
  }

  @Test
  void should_close_the_stream_through_plain_pipe_to_when_a_paused_client_goes_away() throws Exception {
    // A paused pipe has writes queued, and closing the connection fails them: the Pipe fails, drops the
    // source's handler, and that closes the stream (rather than letting the Pipe resume it into nothing).
    Server server = new Server(new HttpServerOptions().setSendBufferSize(8 * 1024));
    Socket socket = new Socket();
    try {
      socket.setSoTimeout((int) WAIT.toMillis()); // a read that never ends fails the test, not the build
      socket.setReceiveBufferSize(4 * 1024);
      socket.connect(new InetSocketAddress("localhost", server.http.actualPort()));
      socket.getOutputStream().write("GET /pipe HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getInputStream().readNBytes(4 * 1024);
      await().atMost(WAIT).until(() -> server.lastBody.get() != null);
      CassandraReadStream<Buffer> body = server.lastBody.get();
      settled(body, Duration.ofMillis(500));
      socket.close();
      Future<Void> send = server.lastSend.get();
      await().atMost(WAIT).until(send::isComplete);
      assertThat(send.failed()).isTrue();
      assertClosed(server.lastRows.get());
      assertThat(body.stats().pagesFetched()).isLessThan(ROWS / FETCH_SIZE);
    } finally {
      socket.close();
      server.close();
    }
  }

  @Test
  void should_close_the_stream_at_once_when_the_client_goes_away_before_the_first_page() throws Exception {
    // Nothing written yet, so no write can fail: NdjsonResponse.send closes the stream from the response's
    // close handler, cancelling the request that Cassandra (held by the proxy) has not answered.
    Server server = new Server(new HttpServerOptions());
    long sentBefore = counter.sent();
    proxy.pause();
    Socket socket = new Socket();
    try {
      socket.setSoTimeout((int) WAIT.toMillis()); // a read that never ends fails the test, not the build
      socket.connect(new InetSocketAddress("localhost", server.http.actualPort()));
      socket.getOutputStream().write("GET /send HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      await().atMost(WAIT).until(() -> counter.sent() > sentBefore); // the first page is asked, and held
      socket.close();
      await().atMost(WAIT).until(() -> server.lastSend.get() != null && server.lastSend.get().isComplete());
      assertThat(server.lastSend.get().cause()).isInstanceOf(HttpClosedException.class);
      assertThat(proxy.isPaused()).as("closed while Cassandra's answer is still held").isTrue();
      assertClosed(server.lastRows.get());
      assertThat(server.lastBody.get().stats().pagesFetched()).isZero();
    } finally {
      socket.close();
      proxy.resume();
      server.close();
    }
  }

  @Test
  void should_close_the_stream_unread_when_the_response_closed_before_it_is_sent() throws Exception {
    // A response closed before send: its close handler would never run, and every write would fail unseen.
    Server server = new Server(new HttpServerOptions());
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress("localhost", server.http.actualPort()));
      socket.getOutputStream().write("GET /late HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      await().atMost(WAIT).until(() -> server.requests.get() == 1);
      socket.close();
      await().atMost(WAIT).until(() -> server.lastSend.get() != null && server.lastSend.get().isComplete());
      assertThat(server.lastSend.get().cause()).isInstanceOf(HttpClosedException.class);
      assertClosed(server.lastRows.get());
      assertThat(server.lastBody.get().stats().pagesFetched()).as("pages read for nobody").isZero();
    } finally {
      socket.close();
      server.close();
    }
  }

  @Test
  void should_reset_the_response_when_the_stream_fails() throws Exception {
    Server server = new Server(new HttpServerOptions());
    try {
      assertThatThrownBy(() -> download(server, "/failing")).as("a clean end after part of the rows")
          .isInstanceOf(ExecutionException.class);
      Future<Void> send = server.lastSend.get();
      await().atMost(WAIT).until(send::isComplete);
      assertThat(send.cause()).hasMessage("row 250 cannot be written");
      assertThat(server.lastRows.get().nextPage()).as("the stream is over").failsWithin(WAIT);
    } finally {
      server.close();
    }
  }
}
