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
package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project that takes the testkit from Maven Central has none of the server's jars in its local repository
 * (the testkit excludes them from its dependencies): they are fetched from a remote repository, here a
 * hand-written one on the loopback interface.
 */
class ServerJarDownloadTest {
  private static final String SERVER = "org/apache/cassandra/cassandra-all/5.0.9/cassandra-all-5.0.9.jar";
  private static final String JAMM = "com/github/jbellis/jamm/0.4.0/jamm-0.4.0.jar";
  private static final String RECORDED = "$M2_REPO/" + SERVER + ":$M2_REPO/" + JAMM;

  @TempDir
  Path local;

  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private HttpServer remote;

  @BeforeEach
  void startRemote() throws IOException {
    remote = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    remote.createContext("/maven2/", exchange -> {
      String path = exchange.getRequestURI().getPath().substring("/maven2/".length());
      requested.add(path);
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      byte[] body = files.get(path);
      if (path.startsWith("moved/")) {
        exchange.getResponseHeaders().add("Location", "/maven2/" + path.substring("moved/".length()));
        exchange.sendResponseHeaders(301, -1);
      } else if (path.startsWith("loop/")) {
        exchange.getResponseHeaders().add("Location", "/maven2/" + path);
        exchange.sendResponseHeaders(302, -1);
      } else if (body == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    remote.start();
  }

  @AfterEach
  void stopRemote() {
    remote.stop(0);
  }

  @Test
  void should_fetch_the_missing_jars_into_the_local_repository_and_resolve_them() throws Exception {
    publish(SERVER, "the server".getBytes(StandardCharsets.UTF_8), true);
    publish(JAMM, "the agent".getBytes(StandardCharsets.UTF_8), false);

    ServerClasspath classpath = ServerClasspath.parse(RECORDED, local, download());

    assertThat(classpath.jars()).containsExactly(local.resolve(SERVER), local.resolve(JAMM));
    assertThat(local.resolve(SERVER)).hasContent("the server");
    assertThat(local.resolve(JAMM)).hasContent("the agent");
    assertThat(partialFiles()).isEmpty();
  }

  @Test
  void should_ask_nothing_of_the_remote_for_jars_already_in_the_local_repository() throws Exception {
    publish(JAMM, "the agent".getBytes(StandardCharsets.UTF_8), false);
    Files.createDirectories(local.resolve(SERVER).getParent());
    Files.writeString(local.resolve(SERVER), "installed before");

    ServerClasspath.parse(RECORDED, local, download());

    assertThat(requested).containsExactly(JAMM + ".sha1", JAMM);
    assertThat(local.resolve(SERVER)).hasContent("installed before");
  }

  @Test
  void should_refuse_a_jar_whose_checksum_differs_and_leave_nothing_of_it() throws Exception {
    publish(JAMM, "the agent".getBytes(StandardCharsets.UTF_8), false);
    files.put(SERVER, "tampered".getBytes(StandardCharsets.UTF_8));
    String published = sha1("the server".getBytes(StandardCharsets.UTF_8));
    files.put(SERVER + ".sha1", published.getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> ServerClasspath.parse(RECORDED, local, download()))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining(url(SERVER))
        .hasMessageContaining("has SHA-1 " + sha1("tampered".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("publishes " + published)
        .hasMessageContaining(ServerJarDownload.REPOSITORY_PROPERTY);
    assertThat(local.resolve(SERVER)).doesNotExist();
    assertThat(partialFiles()).isEmpty();
  }

  @Test
  void should_name_the_url_and_the_ways_out_when_the_remote_lacks_a_jar() throws IOException {
    assertThatThrownBy(() -> ServerClasspath.parse(RECORDED, local, download()))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("Cannot fetch the server jar " + url(SERVER))
        .hasMessageContaining("HTTP 404 for " + url(SERVER) + ".sha1")
        .hasMessageContaining("-D" + ServerJarDownload.REPOSITORY_PROPERTY + "=URL")
        .hasMessageContaining(ServerJarDownload.REPOSITORY_ENV)
        .hasMessageContaining("mvn dependency:get -Dartifact=org.asynccassandra:async-cassandra-testkit-server:");
    assertThat(partialFiles()).isEmpty();
  }

  @Test
  void should_refuse_a_checksum_file_without_a_checksum() throws Exception {
    files.put(SERVER, "the server".getBytes(StandardCharsets.UTF_8));
    files.put(SERVER + ".sha1", "<html>login</html>".getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> ServerClasspath.parse(RECORDED, local, download()))
        .hasMessageContaining("the checksum file " + url(SERVER) + ".sha1 holds no SHA-1");
    assertThat(local.resolve(SERVER)).doesNotExist();
  }

  @Test
  void should_take_the_remote_from_the_system_property_and_refuse_one_that_is_no_url() {
    String before = System.getProperty(ServerJarDownload.REPOSITORY_PROPERTY);
    try {
      System.setProperty(ServerJarDownload.REPOSITORY_PROPERTY, "https://mirror.example/maven2");
      assertThat(ServerJarDownload.configured().remote()).isEqualTo(URI.create("https://mirror.example/maven2/"));
      System.setProperty(ServerJarDownload.REPOSITORY_PROPERTY, "mirror.example");
      assertThatThrownBy(ServerJarDownload::configured)
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("system property " + ServerJarDownload.REPOSITORY_PROPERTY);
      System.clearProperty(ServerJarDownload.REPOSITORY_PROPERTY);
      if (System.getenv(ServerJarDownload.REPOSITORY_ENV) == null) {
        assertThat(ServerJarDownload.configured().remote()).isEqualTo(ServerJarDownload.CENTRAL);
      }
    } finally {
      if (before == null) {
        System.clearProperty(ServerJarDownload.REPOSITORY_PROPERTY);
      } else {
        System.setProperty(ServerJarDownload.REPOSITORY_PROPERTY, before);
      }
    }
  }

  @Test
  void should_report_a_remote_that_never_answers_as_a_network_failure_and_leave_the_thread_uninterrupted()
      throws Exception {
    // A socket read timeout is an InterruptedIOException: it was reported as an interrupt, and the starting
    // thread was left interrupted for whatever it did next.
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
        try {
          return silent.accept();
        } catch (IOException closed) {
          return null;
        }
      });
      ServerJarDownload download = new ServerJarDownload(
          URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/maven2/"), Duration.ofMillis(200));
      assertThatThrownBy(() -> ServerClasspath.parse(RECORDED, local, download))
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("Cannot fetch the server jar")
          .hasMessageContaining("SocketTimeoutException")
          .hasMessageContaining(ServerJarDownload.REPOSITORY_ENV);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      Socket socket = accepted.get(30, TimeUnit.SECONDS);
      if (socket != null) {
        socket.close();
      }
    }
  }

  @Test
  void should_stop_when_interrupted_keep_the_interrupt_and_leave_no_part() throws Exception {
    publish(SERVER, "the server".getBytes(StandardCharsets.UTF_8), true);
    publish(JAMM, "the agent".getBytes(StandardCharsets.UTF_8), false);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> ServerClasspath.parse(RECORDED, local, download()))
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("Interrupted while fetching the server jar " + url(SERVER));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(local.resolve(SERVER)).doesNotExist();
    assertThat(partialFiles()).isEmpty();
  }

  @Test
  void should_follow_a_redirect_and_give_up_on_a_loop() throws Exception {
    publish(SERVER, "the server".getBytes(StandardCharsets.UTF_8), true);
    publish(JAMM, "the agent".getBytes(StandardCharsets.UTF_8), false);
    ServerJarDownload moved = new ServerJarDownload(URI.create(url("moved/")));
    assertThat(ServerClasspath.parse(RECORDED, local, moved).jars()).allMatch(Files::isRegularFile);

    ServerJarDownload looping = new ServerJarDownload(URI.create(url("loop/")));
    Path elsewhere = Files.createDirectories(local.resolve("elsewhere"));
    assertThatThrownBy(() -> ServerClasspath.parse(RECORDED, elsewhere, looping))
        .hasMessageContaining("redirects to " + url("loop/" + SERVER + ".sha1") + ", after 5 redirects");
  }

  @Test
  void should_send_the_urls_user_information_as_basic_authentication_and_never_show_it() {
    ServerJarDownload download = new ServerJarDownload(
        URI.create("http://reader:s%40cret@127.0.0.1:" + remote.getAddress().getPort() + "/maven2"));
    assertThat(download.remote().toString()).isEqualTo(url(""));
    assertThatThrownBy(() -> ServerClasspath.parse(RECORDED, local, download))
        .hasMessageContaining(url(SERVER))
        .satisfies(failure -> assertThat(failure.getMessage()).doesNotContain("cret").doesNotContain("reader"));
    assertThat(authorizations).first().isEqualTo("Basic " + Base64.getEncoder().encodeToString(
        "reader:s@cret".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void should_let_two_jvms_fetch_at_once_and_keep_one_whole_jar() throws Exception {
    byte[] big = new byte[3 << 20];
    new java.util.Random(7).nextBytes(big);
    publish(SERVER, big, true);
    publish(JAMM, "the agent".getBytes(StandardCharsets.UTF_8), false);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<ServerClasspath>> fetchers = Stream.generate(() -> CompletableFuture.supplyAsync(() -> {
      try {
        go.await();
      } catch (InterruptedException interrupted) {
        throw new IllegalStateException(interrupted);
      }
      return ServerClasspath.parse(RECORDED, local, download());
    })).limit(2).toList();
    go.countDown();
    for (CompletableFuture<ServerClasspath> fetcher : fetchers) {
      assertThat(fetcher.get(60, TimeUnit.SECONDS).jars()).hasSize(2);
    }
    assertThat(Files.readAllBytes(local.resolve(SERVER))).isEqualTo(big);
    assertThat(partialFiles()).isEmpty();
  }

  @Test
  void should_refuse_a_repository_url_without_a_host() {
    String before = System.getProperty(ServerJarDownload.REPOSITORY_PROPERTY);
    try {
      System.setProperty(ServerJarDownload.REPOSITORY_PROPERTY, "http:nexus.corp/maven2");
      assertThatThrownBy(ServerJarDownload::configured)
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("not an absolute http, https or file URL with a host");
    } finally {
      if (before == null) {
        System.clearProperty(ServerJarDownload.REPOSITORY_PROPERTY);
      } else {
        System.setProperty(ServerJarDownload.REPOSITORY_PROPERTY, before);
      }
    }
  }

  private ServerJarDownload download() {
    return new ServerJarDownload(URI.create("http://127.0.0.1:" + remote.getAddress().getPort() + "/maven2"));
  }

  private String url(String path) {
    return "http://127.0.0.1:" + remote.getAddress().getPort() + "/maven2/" + path;
  }

  /** Publishes a file and its checksum, the latter with the file's name after it when {@code named}. */
  private void publish(String path, byte[] content, boolean named) throws Exception {
    files.put(path, content);
    String checksum = sha1(content) + (named ? "  " + path.substring(path.lastIndexOf('/') + 1) : "") + "\n";
    files.put(path + ".sha1", checksum.getBytes(StandardCharsets.US_ASCII));
  }

  private static String sha1(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
  }

  private List<Path> partialFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(local)) {
      return walk.filter(file -> file.getFileName().toString().endsWith(".part")).toList();
    }
  }
}
