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
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.micrometer.AsyncCassandraMetrics;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.FaultProxy;
import org.asynccassandra.testkit.RequestCounter;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example service over HTTP against the real Cassandra. The service's session goes through a
 * {@link FaultProxy}, so that a test can hold Cassandra's answers, and counts its requests with a
 * {@link RequestCounter}. Vert.x runs one event loop, so every handler shares it.
 *
 * <p>The tests of Cassandra failures use a second service over the same table, whose session goes through a
 * proxy of its own ({@link #faultProxy}), with a request timeout of {@link #FAULT_REQUEST_TIMEOUT}, no retry of a
 * failed page and reconnections after 0.1 s to 1 s: {@link FaultProxy#pause()} makes every request time out
 * (504), a pause and {@link FaultProxy#dropAllConnections()} leave the driver without a connection (503). After
 * each, the proxy forwards again and the driver has its connections back ({@link #recoverFaultSession()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class WebServiceIT {
  static final int ROWS = 50_000;
  /** Generous for a loaded machine; far below the service session's request timeout (120 s). */
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);

  private final ResumeTokenSigner signer = ResumeTokenSigner.hmacSha256(key());
  private final RequestCounter counter = new RequestCounter();
  private Vertx vertx;
  private FaultProxy proxy;
  private CqlSession session;
  private AsyncSession async;
  private ItemService service;
  private PrometheusMeterRegistry metrics;
  private HttpServer http;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private List<String> expected;
  private String table;
  /** The driver's request timeout of the failure tests' session: with its proxy paused, a request fails after it. */
  private static final Duration FAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private FaultProxy faultProxy;
  private CqlSession faultSession;
  private AsyncSession faultAsync;
  private HttpServer faultHttp;

  private static byte[] key() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  @BeforeAll
  void start(CassandraServer server, TestKeyspace keyspace, CqlSession direct) throws Exception {
    table = keyspace.table("items");
    TestData.createSampleTable(direct, table);
    TestData.loadSampleRows(direct, table, ROWS, 1_000);
    expected = new ArrayList<>();
    for (Row row : direct.execute(SimpleStatement.newInstance("SELECT pk, ck FROM " + table).setPageSize(5000))) {
      expected.add(row.getInt(0) + "/" + row.getInt(1));
    }
    proxy = FaultProxy.start(server.contactPoint());
    // A request timeout longer than the test's HTTP timeout: a handler that blocked the event loop on a
    // held request could not get it back before the test gave up on the loop (see the event-loop test).
    session = counter.addTo(proxy.sessionBuilder(server.localDatacenter(), options -> options
        .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, List.of("pool.in-flight"))
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(120)))).build();
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    async = AsyncSession.wrap(session);
    metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new AsyncCassandraMetrics(async, Tags.of("service", "items")).bindTo(metrics);
    service = new ItemService(vertx, async, table, signer, () -> WebServer.inFlight(session), metrics);
    http = WebServer.start(vertx, service, 0);

    faultProxy = FaultProxy.start(server.contactPoint());
    faultSession = faultProxy.sessionBuilder(server.localDatacenter(), options -> options
        .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, List.of("pool.in-flight"))
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, FAULT_REQUEST_TIMEOUT)
        // The schema queries would take the request timeout too: not what these tests are about.
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(100))
        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(1))).build();
    // No retry: a page that times out fails after one request timeout (the service's streams start from this).
    faultAsync = AsyncSession.wrap(faultSession, StreamConfig.builder().retry(0, Duration.ZERO).build());
    faultHttp = WebServer.start(vertx, new ItemService(vertx, faultAsync, table, signer,
        () -> WebServer.inFlight(faultSession), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), 0);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      async.close();
      session.close();
      proxy.close();
      faultAsync.close();
      faultSession.close();
      faultProxy.close();
    }
  }

  private HttpRequest request(String path) {
    return request(http, path);
  }

  private static HttpRequest request(HttpServer server, String path) {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + server.actualPort() + path))
        .timeout(HTTP_TIMEOUT).build();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(request(path), HttpResponse.BodyHandlers.ofString());
  }

  private static String key(JsonObject item) {
    return item.getInteger("pk") + "/" + item.getInteger("ck");
  }

  @Test
  void should_walk_every_next_link_and_get_every_row_exactly_once() throws Exception {
    List<String> seen = new ArrayList<>();
    String next = null;
    int requests = 0;
    do {
      HttpResponse<String> response = get("/api/items?limit=100" + (next == null ? "" : "&after="
          + URLEncoder.encode(next, StandardCharsets.UTF_8)));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonObject body = new JsonObject(response.body());
      body.getJsonArray("items").forEach(item -> seen.add(key((JsonObject) item)));
      next = body.getString("next");
      requests++;
    } while (next != null);
    assertThat(seen).isEqualTo(expected);
    assertThat(requests).isEqualTo(ROWS / 100);
  }

  @Test
  void should_serve_page_numbers_equal_to_slices() throws Exception {
    for (int number = 1; number <= 100; number++) {
      HttpResponse<String> response = get("/api/items/page/" + number + "?size=50");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonArray items = new JsonObject(response.body()).getJsonArray("items");
      List<String> keys = new ArrayList<>();
      items.forEach(item -> keys.add(key((JsonObject) item)));
      assertThat(keys).as("page %d", number).isEqualTo(expected.subList((number - 1) * 50, number * 50));
    }
  }

  @Test
  void should_answer_400_with_json_for_bad_forged_and_foreign_tokens() throws Exception {
    String good = new JsonObject(get("/api/items?limit=5").body()).getString("next");
    char[] tampered = good.toCharArray();
    tampered[tampered.length / 2] = tampered[tampered.length / 2] == 'A' ? 'B' : 'A';
    ResumeTokenSigner otherKey = ResumeTokenSigner.hmacSha256(key());
    String foreign = signer.encode(ResumeToken.of("another-query-fp".getBytes(StandardCharsets.US_ASCII), null, 0, false));
    for (String[] bad : new String[][] {
        {"garbage!!", "NOT_BASE64"}, {new String(tampered), "BAD_SIGNATURE"},
        {otherKey.encode(signer.decode(good)), "BAD_SIGNATURE"}, {signer.decode(good).encode(), "UNSIGNED"},
        {foreign, "WRONG_STATEMENT"}, {"A".repeat(9000), "TOO_LARGE"}}) {
      HttpResponse<String> response = get("/api/items?limit=5&after=" + URLEncoder.encode(bad[0], StandardCharsets.UTF_8));
      assertThat(response.statusCode()).as(bad[1]).isEqualTo(400);
      JsonObject body = new JsonObject(response.body());
      assertThat(body.getString("reason")).isEqualTo(bad[1]);
      assertThat(body.getString("error")).isNotBlank();
    }
  }

  @Test
  void should_answer_400_naming_the_limit_for_oversized_pages_and_limits() throws Exception {
    HttpResponse<String> deep = get("/api/items/page/101?size=10");
    assertThat(deep.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(deep.body()).getString("limit")).isEqualTo("maxPageNumber");
    HttpResponse<String> skip = get("/api/items/page/60?size=100");
    assertThat(skip.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(skip.body()).getString("limit")).isEqualTo("maxSkippedRows");
    HttpResponse<String> size = get("/api/items/page/1?size=101");
    assertThat(size.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(size.body()).getString("limit")).isEqualTo("maxPageSize");
    HttpResponse<String> limit = get("/api/items?limit=1000");
    assertThat(limit.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(limit.body()).getString("error")).contains("limit must be");
  }

  @Test
  void should_answer_400_with_json_for_a_query_string_that_cannot_be_decoded() throws Exception {
    // A bad escape made the decoder throw in the handler: 500 CASSANDRA_ERROR, and a stack trace at ERROR in the
    // log for every such request. Sent raw: java.net.URI refuses to make such a request.
    for (String path : List.of("/api/items?limit=%zz", "/api/items?after=%", "/api/items/page/1?size=%g0")) {
      try (Socket socket = new Socket("localhost", http.actualPort())) {
        socket.setSoTimeout(60_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).as(path).startsWith("HTTP/1.1 400 ").contains("application/json")
            .contains("\"reason\":\"BAD_QUERY_STRING\"", "the query string cannot be decoded");
      }
    }
  }

  /**
   * A raw HTTP/1.1 GET of the export on a socket with the system's default receive buffer: a client that stops
   * reading is felt after a few of the export's pages. Not a tiny buffer: far below the loopback's segment size
   * (64 KiB), Linux advertises a zero or tiny window and the sender falls back on its probe timer, so a client that
   * reads on gets the rest at about 10 KB/s (seen in the Spring example's test: 2.7 MB in 281 s).
   */
  private Socket openExport() throws Exception {
    return openExport(http.actualPort());
  }

  private static Socket openExport(int port) throws Exception {
    Socket socket = new Socket();
    socket.setSoTimeout(60_000); // a read that gets nothing fails the test instead of hanging it
    socket.connect(new java.net.InetSocketAddress("localhost", port));
    OutputStream out = socket.getOutputStream();
    out.write(("GET /api/items/export.ndjson HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private JsonObject exportMetrics() throws Exception {
    return new JsonObject(get("/metrics.json").body()).getJsonObject("exports");
  }

  @Test
  void should_fetch_no_more_pages_than_written_plus_read_ahead_for_a_slow_client() throws Exception {
    long completedBefore = exportMetrics().getLong("completed");
    try (Socket socket = openExport()) {
      InputStream in = socket.getInputStream();
      in.readNBytes(2048); // then stop reading: the server's write queue fills
      await().atMost(Duration.ofSeconds(30)).until(() -> exportMetrics().getJsonObject("last").getBoolean("waitingForDrain"));
      JsonObject last = exportMetrics().getJsonObject("last");
      long fetched = last.getLong("pagesFetched");
      long written = last.getLong("pagesWritten");
      assertThat(fetched).as("bounded while the client does not read")
          .isLessThanOrEqualTo(written + ItemService.EXPORT_PREFETCH + 1)
          .isLessThan(ROWS / ItemService.EXPORT_FETCH_SIZE);
      // Now read the rest: every row arrives.
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      long lines = body.lines().filter(line -> line.startsWith("{\"pk\"")).count();
      assertThat(lines).isGreaterThan(ROWS - 20); // the first 2 KB were read above
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> exportMetrics().getLong("completed") == completedBefore + 1);
  }

  @Test
  void should_close_the_export_of_a_client_that_stops_reading_once_the_connection_is_idle() throws Exception {
    // Without an idle timeout, a client that kept the connection open without reading held its stream, a page
    // and its read-ahead for good. A server of its own, with a short idle timeout, on the same service.
    HttpServer idle = WebServer.start(vertx, service, 0, Duration.ofSeconds(2));
    try (Socket socket = openExport(idle.actualPort())) {
      long closedBefore = exportMetrics().getLong("closedByClient");
      socket.getInputStream().readNBytes(2048); // then nothing more: the write queue fills, nothing moves
      await().atMost(Duration.ofSeconds(60)).until(() -> exportMetrics().getLong("closedByClient") == closedBefore + 1);
      assertThat(exportMetrics().getInteger("active")).isZero();
    } finally {
      idle.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void should_close_the_stream_and_cancel_fetching_when_the_client_disconnects() throws Exception {
    long closedBefore = exportMetrics().getLong("closedByClient");
    AtomicLong markAtClose = new AtomicLong(-1);
    service.onExportClosedByClient(() -> markAtClose.set(counter.mark())); // right after stream.close()
    long sentBefore = counter.sent();
    // The stream itself, as the session's listeners hear it: the service's own counters and its close listener
    // say that it tried to close it, not that the stream was closed.
    StreamWatcher watcher = new StreamWatcher();
    async.addListener(watcher);
    try {
      Socket socket = openExport();
      socket.getInputStream().readNBytes(4096);
      await().atMost(Duration.ofSeconds(30)).until(() -> exportMetrics().getJsonObject("last")
          .getBoolean("waitingForDrain"));
      assertThat(counter.sent() - sentBefore).as("page requests the export sent before the disconnect").isPositive();
      assertThat(watcher.started).as("the export's stream").hasSize(1);
      socket.close();
      await().atMost(Duration.ofSeconds(30)).until(() -> exportMetrics().getLong("closedByClient") == closedBefore + 1);
      assertThat(markAtClose.get()).as("the service saw the disconnect").isNotNegative();
      await().atMost(Duration.ofSeconds(30)).until(() -> watcher.closed.equals(watcher.started));
      assertThat(watcher.ended).as("closed before its end, neither completed nor failed").isEmpty();
    } finally {
      async.removeListener(watcher);
    }
    assertThat(exportMetrics().getInteger("active")).isZero();
    // Quiet on the wire (the driver's count, which also covers the page request the close cancelled), then:
    // nothing was sent after the stream was closed.
    await().atMost(Duration.ofSeconds(30)).until(() -> new JsonObject(get("/metrics.json").body()).getInteger("inFlightRequests") == 0);
    assertThat(counter.sentSince(markAtClose.get())).as("requests sent after the stream was closed").isZero();
  }

  /**
   * Every Cassandra-backed handler leaves the event loop free while it waits for Cassandra: with Cassandra's
   * answer held by the paused proxy, the only event loop still serves another request. A handler that
   * blocked the loop until its answer came (a join(), a synchronous execute, a blocking iterator) could not
   * let /metrics through while the answer is held, and the request timeout (120 s) is longer than the
   * test's HTTP timeout (60 s), so nothing else could free the loop first. This asserts an order (the
   * other request is served before Cassandra answers), not a duration.
   */
  @Test
  void should_keep_serving_on_the_event_loop_while_a_handler_waits_for_cassandra() throws Exception {
    for (String path : List.of("/api/items?limit=5", "/api/items/page/3?size=10", "/api/items/export.ndjson")) {
      long sentBefore = counter.sent();
      proxy.pause();
      CompletableFuture<HttpResponse<String>> pending;
      try {
        pending = client.sendAsync(request(path), HttpResponse.BodyHandlers.ofString());
        // The handler ran and sent its request, which the proxy now holds.
        await().atMost(Duration.ofSeconds(30)).until(() -> counter.sent() > sentBefore);
        HttpResponse<String> scrape = get("/metrics");
        assertThat(scrape.statusCode()).as("/metrics while %s waits for Cassandra", path).isEqualTo(200);
        assertThat(pending).as("%s cannot have been answered while Cassandra's answer is held", path).isNotDone();
      } finally {
        proxy.resume();
      }
      HttpResponse<String> answered = pending.get(60, TimeUnit.SECONDS);
      assertThat(answered.statusCode()).as(path + ": " + answered.body()).isEqualTo(200);
    }
  }

  /** Hears the streams of a session: those that started, and those closed before their end. */
  private static final class StreamWatcher implements StreamListener {
    final Set<Long> started = ConcurrentHashMap.newKeySet();
    final Set<Long> closed = ConcurrentHashMap.newKeySet();
    final Set<Long> ended = ConcurrentHashMap.newKeySet();

    @Override
    public void onStart(StreamInfo stream, String style) {
      started.add(stream.id());
    }

    @Override
    public void onClose(StreamInfo stream, StreamStats stats) {
      closed.add(stream.id());
    }

    @Override
    public void onComplete(StreamInfo stream, StreamStats stats) {
      ended.add(stream.id());
    }

    @Override
    public void onFailure(StreamInfo stream, Throwable error, StreamStats stats) {
      ended.add(stream.id());
    }
  }

  @Test
  void should_answer_head_of_the_export_with_its_headers_and_start_no_stream() throws Exception {
    StreamWatcher watcher = new StreamWatcher();
    async.addListener(watcher);
    try {
      HttpResponse<String> head = client.send(HttpRequest.newBuilder(request("/api/items/export.ndjson").uri())
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(HTTP_TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("content-type")).hasValue("application/x-ndjson");
      assertThat(head.body()).isEmpty();
      assertThat(watcher.started).as("no stream started").isEmpty();
    } finally {
      async.removeListener(watcher);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/items?limit=10", "/api/items/page/2?size=10", "/metrics", "/metrics.json"})
  void should_answer_head_with_the_status_and_content_type_of_get_and_no_body(String path) throws Exception {
    HttpResponse<String> get = get(path);
    HttpResponse<String> head = client.send(HttpRequest.newBuilder(request(path).uri())
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(HTTP_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("content-type")).isEqualTo(get.headers().firstValue("content-type"));
    assertThat(head.body()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/items/page/3?size=10", "/api/items?limit=10"})
  void should_stop_reading_when_its_client_goes_away(String path) throws Exception {
    // The read went on after the client had gone, until Cassandra answered or the request timed out (retries
    // included), and then answered into the closed response.
    StreamWatcher watcher = new StreamWatcher();
    async.addListener(watcher);
    long sentBefore = counter.sent();
    proxy.pause(); // Cassandra's answer is held: the read cannot end by itself
    try {
      try (Socket socket = new Socket("localhost", http.actualPort())) {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(30)).until(() -> watcher.started.size() == 1 && counter.sent() > sentBefore);
      } // the client goes away
      await().atMost(Duration.ofSeconds(30)).until(() -> watcher.closed.equals(watcher.started));
      assertThat(watcher.ended).as("closed before its end, neither completed nor failed").isEmpty();
    } finally {
      proxy.resume();
      async.removeListener(watcher);
    }
  }

  // ---- Cassandra failing: the failure tests' own service, session and proxy ---------------------------

  private HttpResponse<String> get(HttpServer server, String path) throws Exception {
    return client.send(request(server, path), HttpResponse.BodyHandlers.ofString());
  }

  private Collection<Node> faultNodes() {
    return faultSession.getMetadata().getNodes().values();
  }

  /**
   * Forwards again after a test that paused the fault proxy, and waits until the driver has its connections back
   * (the control connection and the pool's) and no request in flight, so that the next test starts on a healthy
   * session.
   */
  private void recoverFaultSession() {
    faultProxy.resume();
    int healthy = 1 + faultSession.getContext().getConfig().getDefaultProfile()
        .getInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE);
    await().atMost(HTTP_TIMEOUT).until(() -> faultNodes().stream()
        .allMatch(node -> node.getState() == NodeState.UP && node.getOpenConnections() >= healthy)
        && WebServer.inFlight(faultSession) == 0);
  }

  private static final List<String> CASSANDRA_PATHS =
      List.of("/api/items?limit=5", "/api/items/page/2?size=10", "/api/items/export.ndjson");

  /** The JSON body of a failure's answer: only {@code error} and {@code reason}, the reason as given. */
  private static JsonObject failureBody(String path, HttpResponse<String> answer, String reason) {
    assertThat(answer.headers().firstValue("content-type")).as(path).hasValue("application/json");
    JsonObject body = new JsonObject(answer.body());
    assertThat(body.fieldNames()).as(path).containsExactlyInAnyOrder("error", "reason");
    assertThat(body.getString("reason")).as(path).isEqualTo(reason);
    return body;
  }

  @Test
  void should_answer_504_with_the_reason_when_cassandra_does_not_answer_in_time() throws Exception {
    // Every Cassandra failure was a 500 ({"error": ...} for a page, an empty body for the export).
    faultProxy.pause(); // connections stay open; every request times out
    try {
      // All at once: each waits for one request timeout.
      List<CompletableFuture<HttpResponse<String>>> answers = CASSANDRA_PATHS.stream()
          .map(path -> client.sendAsync(request(faultHttp, path), HttpResponse.BodyHandlers.ofString())).toList();
      for (int i = 0; i < CASSANDRA_PATHS.size(); i++) {
        String path = CASSANDRA_PATHS.get(i);
        HttpResponse<String> answer = answers.get(i).get(HTTP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(504);
        assertThat(answer.headers().firstValue("retry-after")).as(path).isEmpty();
        assertThat(failureBody(path, answer, "TIMEOUT").getString("error")).as("names the query, the page and the timeout")
            .startsWith("Failed to fetch page 1 of 'SELECT pk, ck, payload FROM " + table + "'")
            .contains("DriverTimeoutException: Query timed out after " + FAULT_REQUEST_TIMEOUT);
      }
    } finally {
      recoverFaultSession();
    }
  }

  @Test
  void should_answer_503_with_retry_after_and_the_reason_while_no_node_can_be_reached() throws Exception {
    try {
      faultProxy.pause();
      faultProxy.dropAllConnections();
      await().atMost(HTTP_TIMEOUT).until(() -> faultNodes().stream().allMatch(node -> node.getOpenConnections() == 0));
      for (String path : CASSANDRA_PATHS) {
        HttpResponse<String> answer = get(faultHttp, path);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("retry-after")).as(path).hasValue(CassandraErrorResponse.RETRY_AFTER_SECONDS);
        assertThat(failureBody(path, answer, "UNAVAILABLE").getString("error"))
            .as("names the query, the page and the driver's exception")
            .startsWith("Failed to fetch page 1 of 'SELECT pk, ck, payload FROM " + table + "'")
            .containsAnyOf("NoNodeAvailableException", "AllNodesFailedException", "NodeUnavailableException");
      }
    } finally {
      recoverFaultSession();
    }
  }

  @Test
  void should_answer_404_with_the_reason_when_the_table_is_not_in_the_schema() throws Exception {
    // The query's InvalidQueryException was a 500; the Spring examples answer 404 (no query is sent for it).
    String keyspace = table.substring(0, table.indexOf('.'));
    HttpServer missing = WebServer.start(vertx, new ItemService(vertx, async, keyspace + ".nothing_here", signer,
        () -> 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), 0);
    try {
      for (String path : CASSANDRA_PATHS) {
        HttpResponse<String> answer = get(missing, path);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(404);
        assertThat(failureBody(path, answer, "TABLE_NOT_FOUND").getString("error"))
            .isEqualTo("no table 'nothing_here' in keyspace " + keyspace);
      }
    } finally {
      missing.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void should_answer_json_when_a_handler_throws() throws Exception {
    // vertx-web answered a handler's exception with its own 500 page, in plain text.
    AsyncSession closed = AsyncSession.wrap(session);
    closed.close(); // every stream it is asked for now throws from the handler
    HttpServer throwing = WebServer.start(vertx, new ItemService(vertx, closed, table, signer, () -> 0,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), 0);
    try {
      HttpResponse<String> answer = get(throwing, "/api/items?limit=5");
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
      assertThat(failureBody("/api/items", answer, "CASSANDRA_ERROR").getString("error")).contains("closed");
    } finally {
      throwing.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void should_expose_the_streams_meters_as_prometheus_text_at_metrics() throws Exception {
    assertThat(get("/api/items?limit=5").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> get("/metrics").body().lines()
        .anyMatch(line -> line.startsWith("asynccassandra_streams_ended_total{") && line.contains("name=\"items\"")));
    HttpResponse<String> scrape = get("/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type)
        .startsWith("text/plain"));
    List<String> lines = scrape.body().lines().toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("asynccassandra_streams_started_total{")
        .contains("name=\"items\"").contains("service=\"items\"").contains("style=\"rows\"")
        .contains("kind=\"query\""));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("asynccassandra_rows_delivered_total{")
        .contains("name=\"items\""));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("asynccassandra_page_fetch_seconds_bucket{")
        .contains("le=\""));
    assertThat(lines).contains("# TYPE asynccassandra_consumer_wait_seconds histogram")
        .anySatisfy(line -> assertThat(line).startsWith("asynccassandra_streams_open{"));
    assertThat(scrape.body()).as("no query text in a label").doesNotContain("SELECT");
  }

  @Test
  void should_serve_the_page() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<table>").contains("id=\"next\"").contains("/api/items/export.ndjson");
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
