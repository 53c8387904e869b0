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

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} in a JVM of its own (on the shared test server, with --contact-point), stopped with SIGTERM as
 * Ctrl+C stops it while a client holds an export open: it closes the HTTP server and the export, then the
 * sessions, and logs no warning or error on the way out.
 */
@ExtendWith(CassandraExtension.class)
class WebServerShutdownIT {
  private static final Pattern SERVING = Pattern.compile("at http://localhost:(\\d+)/");

  @Test
  void should_close_the_service_in_order_when_the_jvm_is_asked_to_stop(CassandraServer server, @TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("serve.log");
    Process child = serve(server, log, 20_000);
    try (Socket client = new Socket()) {
      await().atMost(Duration.ofMinutes(3)).until(() -> SERVING.matcher(Files.readString(log)).find()
          || !child.isAlive());
      Matcher serving = SERVING.matcher(Files.readString(log));
      assertThat(serving.find()).as(Files.readString(log)).isTrue();
      // With --contact-point too, the driver's in-flight count is on (it was -1: the metric was off).
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://localhost:" + serving.group(1) + "/metrics.json")).build(), BodyHandlers.ofString());
      assertThat(metrics.body()).as(metrics.body()).containsPattern("\"inFlightRequests\":[0-9]");
      // An export the client holds open without reading: the service must end it before it closes its session.
      client.setReceiveBufferSize(4 * 1024);
      client.setSoTimeout((int) TimeUnit.MINUTES.toMillis(2));
      client.connect(new InetSocketAddress("localhost", Integer.parseInt(serving.group(1))));
      OutputStream out = client.getOutputStream();
      out.write("GET /api/items/export.ndjson HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = client.getInputStream();
      assertThat(in.readNBytes(1024)).hasSize(1024);

      child.destroy(); // SIGTERM, as Ctrl+C
      assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the service stopped").isTrue();
      in.readAllBytes(); // the export's connection was closed (no end of a complete response is asked for)
    } finally {
      child.destroyForcibly();
    }
    assertStoppedCleanly(log);
  }

  @Test
  void should_stop_at_once_when_asked_to_stop_while_loading(CassandraServer server, @TempDir Path dir)
      throws Exception {
    // The stop was looked at only before the load: the load ran on, the shutdown hook gave up after 60 s with a
    // WARN and the JVM halted with the session open.
    Path log = dir.resolve("serve.log");
    Process child = serve(server, log, 5_000_000);
    try {
      await().atMost(Duration.ofMinutes(3)).until(() -> Files.readString(log).contains("Loading ")
          || !child.isAlive());
      assertThat(Files.readString(log)).contains("Loading 5,000,000 sample rows");
      child.destroy(); // SIGTERM, as Ctrl+C
      assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the service stopped").isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertStoppedCleanly(log);
    assertThat(Files.readString(log)).doesNotContain("Serving");
  }

  /** {@code serve} in a child JVM against {@code server}, on any free port, loading {@code rows}. */
  private static Process serve(CassandraServer server, Path log, int rows) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), WebServer.class.getName(), "--contact-point",
        server.contactPoint().getHostString() + ":" + server.contactPoint().getPort(), "--port", "0", "--rows",
        String.valueOf(rows)));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** The child closed in order: "Stopping", then "Stopped.", with no warning, error or stack trace. */
  private static void assertStoppedCleanly(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    String output = String.join("\n", lines);
    assertThat(lines).as(output).contains("Stopped.")
        .anyMatch(line -> line.startsWith("Stopping: no new requests"));
    assertThat(lines).as(output)
        .noneMatch(line -> line.contains(" WARN ") || line.contains(" ERROR "))
        .noneMatch(line -> line.startsWith("\tat "));
  }
}
