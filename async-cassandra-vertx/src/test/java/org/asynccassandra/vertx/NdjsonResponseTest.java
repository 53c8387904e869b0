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

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link NdjsonResponse#send} into responses of a real Vert.x HTTP server (no Cassandra: the body is a
 * {@link FakeResultStream} of buffers): responses already written to or ended when it was called, a stream
 * that fails before its first row (the default answer and the caller's), and HTTP/1.0 requests, whose
 * responses cannot be chunked.
 */
class NdjsonResponseTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(30);
  private static ClientExchange client;
  /** What the last request's send did: its future, and the fake the body read. */
  private static volatile CompletableFuture<Future<Void>> sent = new CompletableFuture<>();
  private static volatile FakeResultStream<Buffer> fake;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(NdjsonResponseTest::handle).listen(0)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client = new ClientExchange(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void handle(HttpServerRequest request) {
    FakeResultStream<Buffer> rows = FakeResultStream.autoPages(List.of(Buffer.buffer("{\"a\":1}\n")),
        List.of(Buffer.buffer("{\"a\":2}\n")));
    if (request.path().startsWith("/failing")) {
      rows.refuseNextPage(new IllegalStateException("Cassandra timed out")); // before the first row
    }
    if (request.path().equals("/big")) { // one page of 100 KB
      rows = FakeResultStream.autoPages(List.of(Buffer.buffer("{\"a\":\"" + "x".repeat(100_000) + "\"}\n")));
    }
    if (request.path().equals("/failing-midway")) {
      rows = new FakeResultStream<>(); // pages and the failure come from the test
    }
    if (request.path().equals("/empty-hooked")) {
      rows = FakeResultStream.autoPages(); // no row: the end is the first thing sent
    }
    if (request.path().endsWith("-hooked")) {
      request.response().headersEndHandler(ignored -> {
        throw new IllegalStateException("a headers-end handler of the application's threw");
      });
    }
    fake = rows;
    CassandraReadStream<Buffer> body = CassandraReadStream.of(vertx.getOrCreateContext(), rows);
    try {
      if (request.path().equals("/prefix")) {
        // A handler that wrote a prefix first: the head is sent, chunked.
        request.response().setChunked(true).putHeader("content-type", NdjsonResponse.CONTENT_TYPE)
            .write("{\"header\":true}\n");
      } else if (request.path().equals("/ended")) {
        request.response().end("done\n"); // answered already; the connection stays open (keep-alive)
      }
      if (request.path().equals("/failing-answered")) {
        sent.complete(NdjsonResponse.send(request.response(), body, (response, failure) -> response
            .setStatusCode(503).putHeader("Retry-After", "5").putHeader("Content-Type", "application/json")
            .end("{\"error\":\"" + failure.getMessage() + "\"}")));
      } else if (request.path().equals("/failing-answer-throws")) {
        sent.complete(NdjsonResponse.send(request.response(), body, (response, failure) -> {
          throw new IllegalArgumentException("the answer threw");
        }));
      } else {
        sent.complete(NdjsonResponse.send(request.response(), body));
      }
    } catch (RuntimeException thrown) {
      sent.completeExceptionally(thrown);
      throw thrown;
    }
  }

  private static String get(String path) throws Exception {
    return client.get(server.actualPort(), path, response -> response.body()
        .map(body -> response.statusCode() == 200 ? body.toString() : response.statusCode() + " " + body), WAIT);
  }

  private static Future<Void> lastSend() throws Exception {
    return sent.get(30, TimeUnit.SECONDS);
  }

  @Test
  void should_close_the_rows_when_it_refuses_the_call() {
    // The rows belong to the response from the call on: a call that threw (outside a context, say in a stage on
    // the session's callback thread, which drops the exception) left them open until the leak detector.
    io.vertx.core.http.HttpServerResponse noResponse = null; // refused before it is touched
    FakeResultStream<com.datastax.oss.driver.api.core.cql.Row> rows = new FakeResultStream<>();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NdjsonResponse.send(noResponse, rows))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Vert.x context");
    assertThat(rows.isClosed()).as("closed outside a context").isTrue();
    FakeResultStream<com.datastax.oss.driver.api.core.cql.Row> more = new FakeResultStream<>();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NdjsonResponse.send(noResponse, more, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("failureAnswer");
    assertThat(more.isClosed()).as("closed without an answer").isTrue();
  }

  @Test
  void should_send_after_a_prefix_the_handler_wrote() throws Exception {
    sent = new CompletableFuture<>();
    assertThat(get("/prefix")).isEqualTo("{\"header\":true}\n{\"a\":1}\n{\"a\":2}\n");
    lastSend().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(fake.isClosed()).isTrue();
  }

  @Test
  void should_fail_and_close_the_stream_unread_when_the_response_has_ended() throws Exception {
    sent = new CompletableFuture<>();
    assertThat(get("/ended")).isEqualTo("done\n");
    Future<Void> send = lastSend();
    CompletableFuture<Void> outcome = send.toCompletionStage().toCompletableFuture();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> outcome.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("already ended");
    assertThat(fake.isClosed()).as("closed at once, not left to the leak detector").isTrue();
    assertThat(fake.pulls()).as("unread").isZero();
  }

  @Test
  void should_send_a_big_page_in_chunks_of_at_most_16_kib() throws Exception {
    // One write per page made the server's idle timeout cut a client that read a big page slowly but surely:
    // a write counts as activity only once it reached the socket whole.
    sent = new CompletableFuture<>();
    List<Integer> chunks = new java.util.ArrayList<>();
    StringBuilder body = new StringBuilder();
    try (java.net.Socket socket = new java.net.Socket("localhost", server.actualPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        assertThat(line).doesNotStartWithIgnoringCase("content-length"); // chunked
      }
      for (int size = Integer.parseInt(readLine(in), 16); size > 0; size = Integer.parseInt(readLine(in), 16)) {
        chunks.add(size);
        body.append(new String(in.readNBytes(size), java.nio.charset.StandardCharsets.UTF_8));
        readLine(in); // the CRLF after the chunk
      }
    }
    lastSend().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(body.toString()).isEqualTo("{\"a\":\"" + "x".repeat(100_000) + "\"}\n");
    assertThat(chunks).hasSize(7).allMatch(size -> size <= 16 * 1024);
  }

  private static String readLine(java.io.DataInputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    for (int next = in.read(); next != '\n'; next = in.read()) {
      if (next < 0) {
        throw new java.io.EOFException("after '" + line + "'");
      }
      if (next != '\r') {
        line.append((char) next);
      }
    }
    return line.toString();
  }

  @Test
  void should_answer_500_without_a_body_by_default_when_the_stream_fails_before_anything_was_sent() throws Exception {
    // The answer when the caller chose none (it once reset the connection, and the client got no status line).
    // A response of its own: neither chunked nor NDJSON.
    sent = new CompletableFuture<>();
    Answer answer = exchange("/failing");
    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.body()).isEmpty();
    assertThat(answer.headers().get("Content-Length")).isEqualTo("0");
    assertThat(answer.headers().get("Transfer-Encoding")).isNull();
    assertThat(answer.headers().get("Content-Type")).as("the type send set, taken back").isNull();
    CompletableFuture<Void> outcome = lastSend().toCompletionStage().toCompletableFuture();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> outcome.get(30, TimeUnit.SECONDS))
        .hasRootCauseMessage("Cassandra timed out");
    assertThat(fake.isClosed()).isTrue();
  }

  @Test
  void should_answer_as_the_caller_chose_when_the_stream_fails_before_anything_was_sent() throws Exception {
    sent = new CompletableFuture<>();
    Answer answer = exchange("/failing-answered");
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.headers().get("Retry-After")).isEqualTo("5");
    assertThat(answer.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(answer.headers().get("Transfer-Encoding")).as("not chunked: a response of its own").isNull();
    assertThat(answer.body()).isEqualTo("{\"error\":\"Cassandra timed out\"}");
    CompletableFuture<Void> outcome = lastSend().toCompletionStage().toCompletableFuture();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> outcome.get(30, TimeUnit.SECONDS))
        .hasRootCauseMessage("Cassandra timed out");
    assertThat(fake.isClosed()).isTrue();
  }

  @Test
  void should_answer_500_when_the_callers_answer_throws_before_the_head() throws Exception {
    sent = new CompletableFuture<>();
    Answer answer = exchange("/failing-answer-throws");
    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.body()).isEmpty();
    CompletableFuture<Void> outcome = lastSend().toCompletionStage().toCompletableFuture();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> outcome.get(30, TimeUnit.SECONDS))
        .hasRootCauseMessage("Cassandra timed out")
        .satisfies(thrown -> assertThat(thrown.getCause().getSuppressed()).extracting(Throwable::getMessage)
            .containsExactly("the answer threw"));
  }

  @Test
  void should_close_the_connection_after_the_last_row_over_http_1_0() throws Exception {
    // HTTP/1.0 has no chunked encoding: Vert.x ignores setChunked(true), so only the connection's end ends the body.
    sent = new CompletableFuture<>();
    RawAnswer answer = rawExchange("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n");
    assertThat(answer.statusLine()).isEqualTo("HTTP/1.0 200 OK");
    assertThat(answer.headers()).containsEntry("connection", "close").doesNotContainKeys("transfer-encoding",
        "content-length");
    assertThat(answer.body()).as("every row, then the end of the connection").isEqualTo("{\"a\":1}\n{\"a\":2}\n");
    lastSend().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(fake.isClosed()).isTrue();
  }

  @Test
  void should_close_the_connection_after_the_last_row_over_http_1_0_with_keep_alive() throws Exception {
    // Vert.x kept the connection of a keep-alive HTTP/1.0 request open after the end: a body without a length
    // then had no end until the server's idle timeout.
    sent = new CompletableFuture<>();
    RawAnswer answer = rawExchange("GET / HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
    assertThat(answer.statusLine()).isEqualTo("HTTP/1.0 200 OK");
    assertThat(answer.headers()).doesNotContainKeys("transfer-encoding", "content-length");
    assertThat(answer.body()).as("every row, then the end of the connection").isEqualTo("{\"a\":1}\n{\"a\":2}\n");
    lastSend().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(fake.isClosed()).isTrue();
  }

  /** A status, headers and body over HTTP/1.1, whatever the status. */
  private record Answer(int status, io.vertx.core.MultiMap headers, String body) {}

  private static Answer exchange(String path) throws Exception {
    return client.get(server.actualPort(), path, response -> response.body()
        .map(body -> new Answer(response.statusCode(), response.headers(), body.toString())), WAIT);
  }

  /** The status line, the headers (names in lower case) and the body up to the end of the connection. */
  private record RawAnswer(String statusLine, java.util.Map<String, String> headers, String body) {}

  /** Sends {@code request} on a socket of its own and reads the answer until the server closes the connection. */
  private static RawAnswer rawExchange(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("localhost", server.actualPort())) {
      socket.setSoTimeout(30_000); // a connection that never ends fails the test instead of hanging it
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
      String statusLine = readLine(in);
      java.util.Map<String, String> headers = new java.util.HashMap<>();
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).trim());
      }
      return new RawAnswer(statusLine, headers, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void should_settle_its_future_when_the_500_cannot_be_sent() throws Exception {
    // A headers-end handler that threw while the 500 was sent left the future pending for good.
    sent = new CompletableFuture<>();
    // Not waited for: Vert.x marks the response written before its handler throws, so it can neither send
    // the 500 nor reset the connection; the client waits for its own timeout.
    assertSendFailsAndCloses("/failing-hooked", "Cassandra timed out");
  }

  @Test
  void should_settle_its_future_when_the_end_cannot_be_sent() throws Exception {
    // The same handler on an empty stream: end() threw before its callback was attached, and the future of
    // send stayed pending for good.
    sent = new CompletableFuture<>();
    assertSendFailsAndCloses("/empty-hooked", "a headers-end handler of the application's threw");
  }

  @Test
  void should_fail_with_the_streams_failure_when_it_fails_after_rows_were_sent_over_http_2() throws Exception {
    // On HTTP/2 the reset of the response ran the close handler at once, which settled the future as the
    // client's leaving: the stream's own failure was lost (and an application counted a failed export as
    // abandoned by its client).
    sent = new CompletableFuture<>();
    io.vertx.core.http.HttpClient http2 = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      CompletableFuture<io.vertx.core.http.HttpVersion> version = new CompletableFuture<>();
      vertx.getOrCreateContext().runOnContext(ignored -> http2.request(io.vertx.core.http.HttpMethod.GET,
              server.actualPort(), "localhost", "/failing-midway")
          .compose(request -> request.send())
          .onSuccess(response -> version.complete(response.version()))
          .onFailure(version::completeExceptionally));
      Future<Void> send = lastSend();
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> fake.pendingPulls() == 1);
      fake.complete(List.of(Buffer.buffer("{\"a\":1}\n")), false);
      assertThat(version.get(30, TimeUnit.SECONDS)).as("the head went out, over HTTP/2")
          .isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> fake.pendingPulls() == 1);
      fake.failNext(new IllegalStateException("Cassandra timed out"));

      CompletableFuture<Void> outcome = send.toCompletionStage().toCompletableFuture();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> outcome.get(30, TimeUnit.SECONDS))
          .hasRootCauseMessage("Cassandra timed out");
      assertThat(fake.isClosed()).isTrue();
    } finally {
      http2.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Requests {@code path}, not waiting for the answer: send's future fails with {@code cause}, the stream closes. */
  private void assertSendFailsAndCloses(String path, String cause) throws Exception {
    client.getAndForget(server.actualPort(), path);
    CompletableFuture<Void> outcome = lastSend().toCompletionStage().toCompletableFuture();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> outcome.get(30, TimeUnit.SECONDS))
        .hasRootCauseMessage(cause);
    assertThat(fake.isClosed()).isTrue();
  }
}
