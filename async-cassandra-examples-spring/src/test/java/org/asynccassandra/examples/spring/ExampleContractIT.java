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
package org.asynccassandra.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.PageEvent;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraInject;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.FaultProxy;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What both Spring examples promise, over real HTTP against the testkit's Cassandra: the server starts first
 * (CassandraExtension is registered before Spring's extension), the application's properties point at it and at
 * the class's keyspace, and a table of {@value #ROWS} rows is exported as NDJSON and paged with tokens. A
 * {@link StreamListener} on the application's session watches the export streams: their read-ahead stays within
 * {@code prefetch-pages} at every page, a client that stops reading leaves the stream waiting with its read-ahead
 * full and nothing in flight, and a client that goes away closes it. Subclasses pick the application and make the
 * server's socket send buffer small, so that a client that stops reading is felt after a few pages.
 *
 * <p>The application's session reaches Cassandra through a {@link FaultProxy} ({@link ThroughFaultProxy}), with a
 * request timeout of {@link #REQUEST_TIMEOUT} and one retry per page, so that the tests of Cassandra failures can
 * cause them: {@link FaultProxy#pause()} makes every request time out (504), a pause and
 * {@link FaultProxy#dropAllConnections()} leave the driver without a connection (503, or a body cut short
 * mid-export). After each test the proxy forwards again and the driver has reconnected.
 */
@ExtendWith(CassandraExtension.class)
@DirtiesContext // the application (and its session) closes after the class, before the server does
abstract class ExampleContractIT {
  static final int ROWS = 20_000;
  static final int FETCH_SIZE = 500;
  static final int PREFETCH = 1;
  static final int PAGES = ROWS / FETCH_SIZE;
  static final String PROPERTIES_FETCH = "async-cassandra.fetch-size=" + FETCH_SIZE;
  static final String PROPERTIES_PREFETCH = "async-cassandra.prefetch-pages=" + PREFETCH;
  /** One retry per page: a page that times out answers 504 after two request timeouts. */
  static final String PROPERTIES_RETRIES = "async-cassandra.retries=1";
  /**
   * How long a write to a client that stopped reading may wait before the server closes its connection, in each
   * stack's own setting (subclasses pass it): long enough for the tests that stall a client on purpose and then
   * read on (their stall lasts until the read-ahead is full: well under a second).
   */
  static final long WRITE_TIMEOUT_SECONDS = 10;
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(WRITE_TIMEOUT_SECONDS);
  /** The driver's request timeout in the application (its default is 2 s). */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
      new ParameterizedTypeReference<>() {};

  /** Between the application's session and the server: started before the application, closed after it. */
  static FaultProxy proxy;

  @CassandraInject static CassandraServer server;
  @CassandraInject static TestKeyspace keyspace;
  @CassandraInject static CqlSession direct;

  @LocalServerPort int port;
  @Autowired AsyncSession session;

  private final JsonMapper json = JsonMapper.builder().build();
  final ExportWatcher watcher = new ExportWatcher();
  WebTestClient client;

  /**
   * A client of this stack's controllers of {@code /api/items} and its {@code CassandraErrorAdvice}, built with
   * {@code properties} over the application's session and dispatched by Spring in memory, without a server.
   */
  abstract WebTestClient controllersWith(AsyncCassandraProperties properties);

  @DynamicPropertySource
  static void cassandra(DynamicPropertyRegistry registry) {
    registry.add("async-cassandra.contact-points",
        () -> proxy.address().getHostString() + ":" + proxy.address().getPort());
    registry.add("async-cassandra.local-datacenter", () -> server.localDatacenter());
    registry.add("async-cassandra.keyspace", () -> keyspace.name());
  }

  @BeforeAll
  static void load() {
    TestData.createSampleTable(direct, keyspace.name(), "items");
    TestData.loadSampleRows(direct, keyspace.name(), "items", ROWS, 5_000);
    proxy = FaultProxy.start(server.contactPoint());
  }

  /**
   * Routes the application's session through {@link #proxy}, with the request timeout of {@link #REQUEST_TIMEOUT}
   * and reconnections after 0.1 s to 1 s (instead of 1 s to 60 s), and closes the proxy with the application:
   * the proxy's bean is created while the session is, so it is destroyed after it.
   */
  @TestConfiguration
  static class ThroughFaultProxy {
    @Bean(destroyMethod = "close")
    FaultProxy faultProxy() {
      return proxy;
    }

    @Bean
    DriverOptionsCustomizer throughFaultProxy(FaultProxy faultProxy) {
      return options -> {
        FaultProxy.routeThrough(options, faultProxy);
        options.withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
            // The schema queries would take the request timeout too: not what these tests are about.
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(20))
            .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(100))
            .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(1));
        // No quiet period of 2 s for each of the driver's event loops when the application closes: the session of
        // a test application has nothing left to run then.
        options.withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
            .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
      };
    }
  }

  @BeforeEach
  void watch() {
    client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(WAIT)
        .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024)).build();
    session.addListener(watcher);
  }

  @AfterEach
  void unwatch() {
    session.removeListener(watcher);
  }

  /**
   * Forwards again after a test that paused the proxy, and waits until the driver has its connections back (the
   * control connection and the pool's) and no request in flight, so that the next test starts on a healthy
   * session.
   */
  @AfterEach
  void recover() {
    proxy.resume();
    int healthy = 1 + session.cqlSession().getContext().getConfig().getDefaultProfile()
        .getInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE);
    await().atMost(WAIT).until(() -> nodes().stream()
        .allMatch(node -> node.getState() == NodeState.UP && node.getOpenConnections() >= healthy)
        && AsyncCassandraConfiguration.inFlightRequests(session) == 0);
  }

  private Collection<Node> nodes() {
    return session.cqlSession().getMetadata().getNodes().values();
  }

  /** Stops forwarding, resets the driver's connections, and waits until it has none left. */
  private void cutCassandraOff() {
    proxy.pause();
    proxy.dropAllConnections();
    await().atMost(WAIT).until(() -> nodes().stream().allMatch(node -> node.getOpenConnections() == 0));
  }

  /** Every row of the table as {@code pk/ck/payload}, in the driver's order. */
  private List<String> expectedKeys() {
    List<String> keys = new ArrayList<>();
    for (Row row : direct.execute(SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + keyspace.table("items"))
        .setPageSize(5_000))) {
      keys.add(row.getInt("pk") + "/" + row.getInt("ck") + "/" + row.getString("payload"));
    }
    assertThat(keys).hasSize(ROWS);
    return keys;
  }

  /** The NDJSON line that both examples write for the row of {@code key} ({@code pk/ck/payload}). */
  private static String ndjsonLine(String key) {
    String[] parts = key.split("/", 3); // the payload has slashes of its own
    return "{\"pk\":" + parts[0] + ",\"ck\":" + parts[1] + ",\"payload\":\"" + parts[2] + "\"}\n";
  }

  private static String key(JsonNode item) {
    return item.get("pk").asInt() + "/" + item.get("ck").asInt() + "/" + item.get("payload").asString();
  }

  private List<String> ndjsonKeys(String body) {
    List<String> keys = new ArrayList<>();
    for (String line : body.split("\n", -1)) {
      if (!line.isBlank()) {
        keys.add(key(json.readTree(line)));
      }
    }
    return keys;
  }

  @Test
  void should_export_every_row_once_as_ndjson_with_the_read_ahead_bounded() {
    String body = client.get().uri("/api/items/export.ndjson").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith("application/x-ndjson")
        .expectBody(String.class).returnResult().getResponseBody();
    assertThat(ndjsonKeys(String.valueOf(body))).as("every row once, in the driver's order").isEqualTo(expectedKeys());

    ExportWatch export = watcher.only();
    await().atMost(WAIT).until(() -> export.completed != null);
    assertThat(export.completed.rowsDelivered()).isEqualTo(ROWS);
    assertThat(export.completed.maxBufferedPages()).as("read-ahead used").isLessThanOrEqualTo(PREFETCH);
    export.assertReadAheadBoundedAtEveryPage();
  }

  @Test
  void should_answer_head_of_the_export_with_its_headers_and_start_no_stream() {
    // HEAD went to the GET handler: Spring drained the whole body into nothing (WebFlux) or wrote it to a body
    // that discards it (MVC), so a link checker's HEAD read the whole table before its headers were answered.
    client.head().uri("/api/items/export.ndjson").exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith("application/x-ndjson")
        .expectBody().isEmpty();

    assertThat(watcher.exports).as("no export stream started").isEmpty();
  }

  @Test
  void should_page_through_every_row_once_by_following_the_next_page_tokens() {
    List<String> keys = new ArrayList<>();
    @Nullable String token = null;
    int requests = 0;
    do {
      String uri = "/api/items?limit=" + ItemQueries.MAX_LIMIT + (token == null ? "" : "&token=" + token);
      Map<String, Object> page = client.get().uri(uri).exchange().expectStatus().isOk()
          .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {}).returnResult().getResponseBody();
      assertThat(page).isNotNull().containsKeys("items", "next");
      for (Object item : (List<?>) page.get("items")) {
        keys.add(key(json.valueToTree(item)));
      }
      token = (String) page.get("next");
      requests++;
    } while (token != null && requests <= ROWS / ItemQueries.MAX_LIMIT + 10);
    assertThat(keys).as("every row once, in order, across the pages").isEqualTo(expectedKeys());
    // 20,000 rows in pages of 100: the last full page knows no row follows it, so no empty page is served.
    assertThat(requests).isEqualTo(ROWS / ItemQueries.MAX_LIMIT);
  }

  @Test
  void should_refuse_a_tampered_token_with_400_and_say_why() {
    Map<String, Object> first = client.get().uri("/api/items?limit=5").exchange().expectStatus().isOk()
        .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {}).returnResult().getResponseBody();
    String token = String.valueOf(first.get("next"));
    // A character well inside the signature: the body still parses, the signature no longer matches.
    int at = token.length() - 10;
    String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);

    client.get().uri("/api/items?limit=5&token=" + tampered).exchange()
        .expectStatus().isBadRequest()
        .expectBody()
        .jsonPath("$.reason").isEqualTo("BAD_SIGNATURE")
        .jsonPath("$.error").value(error -> assertThat(String.valueOf(error)).contains("invalid next-page token")
            .contains("signature does not match"));
    client.get().uri("/api/items?token=not-a-token").exchange()
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.error").value(error -> assertThat(String.valueOf(error)).contains("invalid next-page token"));
    client.get().uri("/api/items?limit=0").exchange()
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.error").isEqualTo("limit must be a whole number from 1 to 100: 0");
    // The untouched token still works.
    client.get().uri("/api/items?limit=5&token=" + token).exchange().expectStatus().isOk();
  }

  @Test
  void should_stop_fetching_while_the_client_does_not_read_and_resume_when_it_does() throws Exception {
    try (Socket socket = export()) {
      InputStream in = socket.getInputStream();
      byte[] first = in.readNBytes(16 * 1024); // then nothing more for now
      ExportWatch export = watcher.await();
      // The stream waits on the client: its read-ahead is full and no page request is in flight, so no page
      // is fetched until the client reads.
      await().atMost(WAIT).until(() -> export.stream.stats().bufferedPages() == PREFETCH
          && AsyncCassandraConfiguration.inFlightRequests(session) == 0);
      StreamStats stalled = export.stream.stats();
      assertThat(stalled.pagesFetched()).as("pages fetched for a client that stopped reading").isLessThan(PAGES);
      assertThat(stalled.rowsFetched() - stalled.rowsDelivered()).as("rows fetched ahead of the client")
          .isLessThanOrEqualTo((long) (PREFETCH + 1) * FETCH_SIZE);
      assertThat(export.completed).isNull();

      // The client reads on: every row comes, and the read-ahead stayed bounded all along.
      String rest;
      try {
        rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      } catch (java.net.SocketTimeoutException noMore) {
        throw new AssertionError("No byte of the export for " + WAIT + " after the client read on; the stream: "
            + export.stream.stats() + ", completed: " + export.completed + ", closed: " + export.closed
            + ", requests in flight: " + AsyncCassandraConfiguration.inFlightRequests(session)
            + stallDiagnostics(), noMore);
      }
      String response = new String(first, StandardCharsets.ISO_8859_1) + rest;
      assertThat(ndjsonKeys(body(response))).as("every row once, in order").isEqualTo(expectedKeys());
      await().atMost(WAIT).until(() -> export.completed != null);
      assertThat(export.completed.pagesFetched()).isBetween((long) PAGES, (long) PAGES + 1);
      assertThat(export.closed).as("closed before its end").isNull();
      assertThat(export.completed.rowsDelivered()).isEqualTo(ROWS);
      assertThat(export.completed.maxBufferedPages()).isLessThanOrEqualTo(PREFETCH);
      export.assertReadAheadBoundedAtEveryPage();
    }
  }

  @Test
  void should_close_the_stream_of_a_client_that_stops_reading_for_longer_than_the_write_timeout() throws Exception {
    // A client that keeps its connection open and reads nothing more: without a write timeout (WebFlux had none)
    // the stream held its read-ahead, and its share of a session budget, for as long as the client liked.
    try (Socket socket = export()) {
      socket.getInputStream().readNBytes(16 * 1024);
      ExportWatch export = watcher.await();
      await().atMost(WAIT.plus(WRITE_TIMEOUT)).until(() -> export.closed != null || export.failed != null);
      assertThat(export.completed).as("the stream did not reach its end").isNull();
      await().atMost(WAIT).until(() -> AsyncCassandraConfiguration.inFlightRequests(session) == 0);
    }
  }

  @Test
  void should_close_the_stream_when_the_client_disconnects_mid_export() throws Exception {
    ExportWatch export;
    try (Socket socket = export()) {
      socket.getInputStream().readNBytes(16 * 1024);
      export = watcher.await();
      await().atMost(WAIT).until(() -> export.stream.stats().bufferedPages() == PREFETCH
          && AsyncCassandraConfiguration.inFlightRequests(session) == 0);
      assertThat(export.closed).isNull();
    }
    // The client went away: the server's next write fails (or it sees the connection close), and the stream is
    // closed without reaching its end, with no page request left in flight.
    await().atMost(WAIT).until(() -> export.closed != null);
    assertThat(export.completed).as("the stream did not reach its end").isNull();
    assertThat(export.closed.rowsFetched()).isLessThan(ROWS);
    await().atMost(WAIT).until(() -> AsyncCassandraConfiguration.inFlightRequests(session) == 0);
    long fetchedAtClose = export.closed.pagesFetched();
    assertThat(export.stream.stats().pagesFetched()).as("no page fetched after the close").isEqualTo(fetchedAtClose);
    export.assertReadAheadBoundedAtEveryPage();
  }

  @Test
  void should_answer_504_with_the_reason_when_cassandra_does_not_answer_in_time() {
    proxy.pause(); // connections stay open; every request times out
    // Both at once: each waits for two request timeouts (the request and its retry).
    CompletableFuture<EntityExchangeResult<Map<String, Object>>> page =
        CompletableFuture.supplyAsync(() -> exchange("/api/items?limit=5"));
    EntityExchangeResult<Map<String, Object>> export = exchange("/api/items/export.ndjson");
    for (EntityExchangeResult<Map<String, Object>> answer : List.of(page.join(), export)) {
      assertThat(answer.getStatus().value()).as(answer.getUrl().toString()).isEqualTo(504);
      assertThat(answer.getResponseHeaders().getContentType()).isNotNull()
          .matches(type -> type.isCompatibleWith(MediaType.APPLICATION_JSON), "JSON");
      Map<String, Object> body = answer.getResponseBody();
      assertThat(body).containsEntry("reason", "TIMEOUT").containsOnlyKeys("error", "reason");
      assertThat(String.valueOf(body.get("error"))).as("names the query, the page and the timeout")
          .startsWith("Failed to fetch page 1 of 'SELECT ").contains("items")
          .contains("DriverTimeoutException: Query timed out after " + REQUEST_TIMEOUT);
    }
  }

  @Test
  void should_answer_503_with_retry_after_and_the_reason_while_no_node_can_be_reached() {
    cutCassandraOff();
    for (String uri : List.of("/api/items?limit=5", "/api/items/export.ndjson")) {
      EntityExchangeResult<Map<String, Object>> answer = exchange(uri);
      assertThat(answer.getStatus().value()).as(uri).isEqualTo(503);
      assertThat(answer.getResponseHeaders().getFirst("Retry-After"))
          .isEqualTo(CassandraErrorResponse.RETRY_AFTER_SECONDS);
      Map<String, Object> body = answer.getResponseBody();
      assertThat(body).containsEntry("reason", "UNAVAILABLE").containsOnlyKeys("error", "reason");
      assertThat(String.valueOf(body.get("error"))).as("names the query, the page and the driver's exception")
          .startsWith("Failed to fetch page 1 of 'SELECT ").contains("items")
          .containsAnyOf("NoNodeAvailableException", "AllNodesFailedException", "NodeUnavailableException");
    }
  }

  @Test
  void should_answer_404_with_the_reason_when_the_configured_table_is_not_there() {
    // The WebFlux example answered 500 here (the query's InvalidQueryException), the MVC one 404 for the export.
    AsyncCassandraProperties missing = new AsyncCassandraProperties(List.of("127.0.0.1:9042"), "unused",
        keyspace.name(), FETCH_SIZE, PREFETCH, "nothing_here", null, null);
    WebTestClient controllers = controllersWith(missing);
    for (String uri : List.of("/api/items/export.ndjson", "/api/items?limit=5")) {
      controllers.get().uri(uri).exchange()
          .expectStatus().isNotFound()
          .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
          .expectBody()
          .jsonPath("$.reason").isEqualTo("TABLE_NOT_FOUND")
          .jsonPath("$.error").isEqualTo("no table 'nothing_here' in keyspace " + keyspace.name());
    }
  }

  @Test
  void should_cut_the_body_short_when_cassandra_fails_after_the_export_started() throws Exception {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    ExportWatch watch;
    try (Socket socket = export()) {
      InputStream in = socket.getInputStream();
      received.writeBytes(in.readNBytes(16 * 1024));
      watch = watcher.await();
      await().atMost(WAIT).until(() -> watch.stream.stats().bufferedPages() == PREFETCH
          && AsyncCassandraConfiguration.inFlightRequests(session) == 0);
      // The 200 and some rows are out; the next page cannot be fetched.
      cutCassandraOff();
      readUntilClosed(in, received);
    }
    RawResponse response = RawResponse.parse(received.toByteArray());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.chunked()).as("chunked: %s", response.headers()).isTrue();
    assertThat(response.lastChunk()).as("the body's end (the last chunk) was sent").isFalse();
    List<String> keys = ndjsonKeys(response.completeLines());
    assertThat(keys).as("rows before the cut").isNotEmpty().hasSizeLessThan(ROWS);
    // Byte for byte: the rows, then at most the start of the next one; no error appended, before the cut or in it.
    StringBuilder export = new StringBuilder();
    expectedKeys().forEach(key -> export.append(ndjsonLine(key)));
    String body = response.text();
    int same = 0;
    while (same < body.length() && same < export.length() && body.charAt(same) == export.charAt(same)) {
      same++;
    }
    assertThat(same).as("the body received is the export's start, up to the cut; it differs at %d: ...%s",
        same, body.substring(Math.max(0, same - 200), Math.min(body.length(), same + 200))).isEqualTo(body.length());

    await().atMost(WAIT).until(() -> watch.failed != null);
    assertThat(watch.failed).isInstanceOf(PageFetchException.class);
    assertThat(watch.completed).isNull();
  }

  /** A GET whose answer is a JSON object, whatever its status. */
  private EntityExchangeResult<Map<String, Object>> exchange(String uri) {
    return client.get().uri(uri).exchange().expectBody(JSON_OBJECT).returnResult();
  }

  /** Reads until the server closes the connection (an end of stream) or resets it. */
  private static void readUntilClosed(InputStream in, ByteArrayOutputStream into) throws java.io.IOException {
    byte[] buffer = new byte[64 * 1024];
    try {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        into.write(buffer, 0, read);
      }
    } catch (SocketException reset) {
      // A reset ends the body as surely as an end of stream; what came before it is kept.
    }
  }

  /**
   * What the server looked like when the client got no byte for {@link #WAIT}, for the failure message: the TCP
   * sockets of its port as the kernel saw them (bytes queued on each side, window, send buffer), which tell a
   * transport that stopped moving bytes from an application that stopped writing them, and the stacks of the
   * threads that take part (Netty's event loops, the session's callback executor, the driver's I/O threads).
   */
  private String stallDiagnostics() {
    StringBuilder out = new StringBuilder("\nsockets of port ").append(port).append(" (ss -tinmo):\n");
    Process ss = null;
    try {
      ss = new ProcessBuilder("ss", "-tinmo", "( sport = :" + port + " or dport = :" + port + " )")
          .redirectErrorStream(true).start();
      out.append(new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      ss.waitFor();
    } catch (java.io.IOException unavailable) {
      out.append("(not available: ").append(unavailable).append(")\n");
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt(); // the failure message is still worth returning; the caller sees the flag
      out.append("(interrupted while waiting for ss)\n");
    } finally {
      if (ss != null) {
        ss.destroy(); // nothing once it has ended; no ss left behind if this thread was interrupted
      }
    }
    out.append("threads:\n");
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      String name = thread.getName();
      if (name.startsWith("reactor-") || name.startsWith("async-cassandra") || name.contains("-io-")) {
        out.append("  \"").append(name).append("\" ").append(thread.getState()).append('\n');
        for (int i = 0; i < Math.min(stack.length, 16); i++) {
          out.append("    at ").append(stack[i]).append('\n');
        }
      }
    });
    return out.toString();
  }

  /** The body of a raw HTTP/1.1 response (read as ISO-8859-1), without the chunked framing if there is one. */
  private static String body(String response) {
    int headersEnd = response.indexOf("\r\n\r\n");
    assertThat(headersEnd).as("the end of the headers").isPositive();
    String headers = response.substring(0, headersEnd).toLowerCase(java.util.Locale.ROOT);
    String rest = response.substring(headersEnd + 4);
    if (!headers.contains("transfer-encoding: chunked")) {
      return new String(rest.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    int at = 0;
    while (true) {
      int lineEnd = rest.indexOf("\r\n", at);
      int size = Integer.parseInt(rest.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        return body.toString(StandardCharsets.UTF_8);
      }
      byte[] chunk = rest.substring(lineEnd + 2, lineEnd + 2 + size).getBytes(StandardCharsets.ISO_8859_1);
      body.write(chunk, 0, chunk.length);
      at = lineEnd + 2 + size + 2;
    }
  }

  /**
   * Starts an export on a raw socket with the system's default receive buffer: with the server's small send buffer,
   * a client that stops reading is felt after a few pages of the {@value #PAGES}. The receive buffer is not made
   * small as well: far below the loopback's segment size (64 KiB), Linux's receiver advertises a zero or tiny
   * window and the sender falls back on its probe timer, so the export crawls at about 10 KB/s once the client reads
   * on (2.7 MB took 281 s, every byte arriving), which a whole CI run once took for a hang.
   */
  private Socket export() throws Exception {
    Socket socket = new Socket();
    socket.setSoTimeout((int) WAIT.toMillis()); // a read that gets nothing fails the test instead of hanging it
    socket.connect(new InetSocketAddress("localhost", port));
    OutputStream out = socket.getOutputStream();
    out.write(("GET /api/items/export.ndjson HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /**
   * A raw HTTP/1.1 response as the client got it, perhaps cut short: the status, the headers and, for a chunked
   * body, the data of its chunks (a cut chunk's bytes included) and whether its last chunk came.
   *
   * @param body the body's bytes as ISO-8859-1 text, one character per byte
   */
  record RawResponse(int status, String headers, boolean chunked, String body, boolean lastChunk) {
    static RawResponse parse(byte[] bytes) {
      String response = new String(bytes, StandardCharsets.ISO_8859_1);
      int headersEnd = response.indexOf("\r\n\r\n");
      assertThat(headersEnd).as("the end of the headers in %s", response).isPositive();
      String headers = response.substring(0, headersEnd);
      assertThat(headers).startsWith("HTTP/1.1 ");
      int status = Integer.parseInt(headers.substring(9, 12));
      boolean chunked = headers.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked");
      String rest = response.substring(headersEnd + 4);
      if (!chunked) {
        return new RawResponse(status, headers, false, rest, false);
      }
      StringBuilder body = new StringBuilder();
      int at = 0;
      while (true) {
        int lineEnd = rest.indexOf("\r\n", at);
        if (lineEnd < 0) {
          break; // cut before or within a chunk's size line
        }
        String sizeLine = rest.substring(at, lineEnd);
        int extension = sizeLine.indexOf(';');
        int size = Integer.parseInt((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
        if (size == 0) {
          return new RawResponse(status, headers, true, body.toString(), true);
        }
        int start = lineEnd + 2;
        int end = Math.min(start + size, rest.length());
        body.append(rest, start, end);
        if (end < start + size) {
          break; // cut within the chunk's data
        }
        at = end + 2;
      }
      return new RawResponse(status, headers, true, body.toString(), false);
    }

    /** The body's lines that end with a newline, decoded as UTF-8; a cut last line is left out. */
    String completeLines() {
      String text = text();
      return text.substring(0, text.lastIndexOf('\n') + 1);
    }

    /** The body as UTF-8 text, a cut last line included. */
    String text() {
      return new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
  }

  /** One export stream as the session's listener saw it. */
  static final class ExportWatch {
    final StreamInfo stream;
    /** The statistics at each page, taken when the page arrived. */
    final List<StreamStats> atPages = new CopyOnWriteArrayList<>();
    volatile @Nullable StreamStats completed;
    volatile @Nullable StreamStats closed;
    volatile @Nullable Throwable failed;

    ExportWatch(StreamInfo stream) {
      this.stream = stream;
    }

    /**
     * At every page handed over, and in the engine's own record of the most pages that ever waited: the rows
     * fetched and not yet handed over fit in the page being read plus the read-ahead.
     */
    void assertReadAheadBoundedAtEveryPage() {
      assertThat(atPages).isNotEmpty();
      assertThat(stream.stats().maxBufferedPages()).as("the most pages that ever waited").isLessThanOrEqualTo(PREFETCH);
      for (StreamStats stats : atPages) {
        assertThat(stats.bufferedPages()).as("buffered pages at page %d", stats.pagesFetched())
            .isLessThanOrEqualTo(PREFETCH + 1);
        assertThat(stats.rowsFetched() - stats.rowsDelivered()).as("rows ahead at page %d", stats.pagesFetched())
            .isLessThanOrEqualTo((long) (PREFETCH + 1) * FETCH_SIZE);
      }
    }
  }

  /** Watches the streams named {@value ItemQueries#EXPORT} that start while a test runs. */
  static final class ExportWatcher implements StreamListener {
    final ConcurrentLinkedQueue<ExportWatch> exports = new ConcurrentLinkedQueue<>();

    private Optional<ExportWatch> find(StreamInfo stream) {
      return exports.stream().filter(watch -> watch.stream.id() == stream.id()).findFirst();
    }

    @Override
    public void onStart(StreamInfo stream, String style) {
      if (stream.name().equals(Optional.of(ItemQueries.EXPORT))) {
        exports.add(new ExportWatch(stream));
      }
    }

    @Override
    public void onPage(StreamInfo stream, PageEvent page) {
      find(stream).ifPresent(watch -> watch.atPages.add(stream.stats()));
    }

    @Override
    public void onComplete(StreamInfo stream, StreamStats stats) {
      find(stream).ifPresent(watch -> watch.completed = stats);
    }

    @Override
    public void onClose(StreamInfo stream, StreamStats stats) {
      find(stream).ifPresent(watch -> watch.closed = stats);
    }

    @Override
    public void onFailure(StreamInfo stream, Throwable error, StreamStats stats) {
      find(stream).ifPresent(watch -> watch.failed = error);
    }

    ExportWatch await() {
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> exports.size() == 1);
      return only();
    }

    ExportWatch only() {
      assertThat(exports).hasSize(1);
      return exports.peek();
    }
  }
}
