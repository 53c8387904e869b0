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
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.asynccassandra.StreamStats;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraInject;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.asynccassandra.values.RowWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Spring Boot application against the testkit's Cassandra, over real HTTP: the server starts first
 * (CassandraExtension is registered before Spring's extension), the application's properties point at it and
 * at the class's keyspace, and a table of {@value #ROWS} rows is downloaded as NDJSON.
 */
@ExtendWith(CassandraExtension.class)
@DirtiesContext // the application (and its session) closes after this class, before the server does
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"async-cassandra.fetch-size=" + TableExportIT.FETCH_SIZE, "async-cassandra.prefetch-pages=1"})
class TableExportIT {
  static final int ROWS = 20_000;
  static final int FETCH_SIZE = 500;
  static final Duration WAIT = Duration.ofSeconds(60);

  @CassandraInject static CassandraServer server;
  @CassandraInject static TestKeyspace keyspace;
  @CassandraInject static CqlSession direct;

  @LocalServerPort int port;
  @Autowired TableExporter exporter;

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Small socket buffers on the server side, so that a client that stops reading is felt after a few pages. */
  @TestConfiguration
  static class SmallSendBuffer {
    @Bean
    TomcatConnectorCustomizer smallSendBuffer() {
      return connector -> connector.setProperty("socket.txBufSize", "8192");
    }
  }

  @DynamicPropertySource
  static void cassandra(DynamicPropertyRegistry registry) {
    registry.add("async-cassandra.contact-points",
        () -> server.contactPoint().getHostString() + ":" + server.contactPoint().getPort());
    registry.add("async-cassandra.local-datacenter", () -> server.localDatacenter());
    registry.add("async-cassandra.keyspace", () -> keyspace.name());
  }

  @BeforeAll
  static void load() {
    TestData.createSampleTable(direct, keyspace.name(), "items");
    TestData.loadSampleRows(direct, keyspace.name(), "items", ROWS, 5_000);
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  @Test
  void should_stream_every_row_once_as_ndjson_equal_to_a_plain_driver_read() throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/api/tables/items/rows.ndjson"))
        .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");

    List<String> expectedKeys = new ArrayList<>();
    StringWriter expected = new StringWriter();
    try (RowWriter writer = RowWriter.ndjson(expected)) {
      for (Row row : direct.execute(SimpleStatement.newInstance("SELECT * FROM " + keyspace.table("items")).setPageSize(5_000))) {
        expectedKeys.add(row.getInt("pk") + "/" + row.getInt("ck") + "/" + row.getString("payload"));
        writer.writeRow(row);
      }
    }
    assertThat(expectedKeys).hasSize(ROWS);
    JsonMapper json = JsonMapper.builder().build();
    List<String> keys = new ArrayList<>();
    for (String line : response.body().split("\n", -1)) {
      if (!line.isEmpty()) {
        JsonNode item = json.readTree(line);
        keys.add(item.get("pk").asInt() + "/" + item.get("ck").asInt() + "/" + item.get("payload").asString());
      }
    }
    assertThat(keys).as("every row once, in the driver's order, with its values").isEqualTo(expectedKeys);
    assertThat(response.body()).isEqualTo(expected.toString());
    await().atMost(WAIT).until(() -> exporter.openExports() == 0);
  }

  @Test
  void should_answer_404_for_a_table_that_is_not_there() throws Exception {
    for (String table : List.of("nothing_here", "items%20x", "%22items%22x")) {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/api/tables/" + table + "/rows.ndjson"))
          .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(table).isEqualTo(404);
    }
  }

  @Test
  void should_close_the_stream_when_the_client_disconnects_mid_download() throws Exception {
    long brokenOffBefore = exporter.brokenOffExports();
    long pages = ROWS / FETCH_SIZE;
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4 * 1024);
      socket.connect(new InetSocketAddress("localhost", port));
      OutputStream out = socket.getOutputStream();
      out.write("GET /api/tables/items/rows.ndjson HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.getInputStream().readNBytes(16 * 1024); // then read no more: the writer blocks, the stream waits
      await().atMost(WAIT).until(() -> exporter.openExports() == 1);
      StreamStats stalled = settled();
      assertThat(stalled.pagesFetched()).as("pages fetched for a client that stopped reading").isLessThan(pages);
      assertThat(exporter.openExports()).isEqualTo(1);
    }
    // The client went away: the next write fails, and the stream is closed on the way out.
    await().atMost(WAIT).until(() -> exporter.openExports() == 0);
    assertThat(exporter.brokenOffExports()).isEqualTo(brokenOffBefore + 1);
    long fetched = exporter.latestStats().orElseThrow().pagesFetched();
    Thread.sleep(500);
    assertThat(exporter.latestStats().orElseThrow().pagesFetched()).as("no page fetched after the close")
        .isEqualTo(fetched).isLessThan(pages);
  }

  /** Waits until the latest export's pages fetched stay the same for half a second. */
  private StreamStats settled() throws InterruptedException {
    long fetched;
    StreamStats stats;
    do {
      fetched = exporter.latestStats().orElseThrow().pagesFetched();
      Thread.sleep(500);
      stats = exporter.latestStats().orElseThrow();
    } while (stats.pagesFetched() != fetched);
    return stats;
  }
}
