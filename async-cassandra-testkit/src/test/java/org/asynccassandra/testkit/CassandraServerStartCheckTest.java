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

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a start that never passes the CQL check reports when it times out, with no Cassandra: a process that
 * stays alive, and on the CQL port nothing or a listener that drops every connection. The check runs at least
 * once before the timeout is looked at, so a timeout of 1 ms gives exactly one try.
 */
class CassandraServerStartCheckTest {
  private CassandraServer server;

  @AfterEach
  void deleteFolder() {
    if (server != null) {
      server.close(); // never launched: deletes its folder
    }
  }

  @Test
  void should_put_the_last_failure_of_the_cql_check_in_the_timeout_message() throws Exception {
    // It was only logged at debug level, and the message blamed a slow machine.
    try (ServerSocket notCassandra = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread dropper = new Thread(() -> {
        while (true) {
          try (Socket connection = notCassandra.accept()) {
            connection.setSoLinger(true, 0); // a reset, as a node that refuses the client's handshake
            // Only once the client wrote (the driver's first frame) or closed (the port check): a reset at once
            // could reach the port check's connect before it returned, which then saw no port open (flaky).
            int ignored = connection.getInputStream().read();
          } catch (IOException closed) {
            return;
          }
        }
      }, "drops-every-connection");
      dropper.setDaemon(true);
      dropper.start();
      server = unlaunched(notCassandra.getLocalPort());
      assertThatThrownBy(() -> server.awaitReady(new AliveProcess(), System.nanoTime()))
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("did not answer CQL within ")
          .hasMessageContaining(": its CQL port was open, but the testkit's query (SELECT cluster_name, "
              + "release_version FROM system.local) failed, last with " + AllNodesFailedException.class.getName())
          .hasMessageContaining("Look for a yaml(...) or jvmOption(...) setting")
          .hasMessageNotContaining("never opened")
          .hasCauseInstanceOf(AllNodesFailedException.class);
    }
  }

  @Test
  void should_suggest_a_longer_timeout_when_the_cql_port_never_opened() throws IOException {
    int closedPort;
    try (ServerSocket released = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = released.getLocalPort();
    }
    server = unlaunched(closedPort);
    assertThatThrownBy(() -> server.awaitReady(new AliveProcess(), System.nanoTime()))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("did not answer CQL within 0 s (its CQL port never opened); raise startTimeout(...) on "
            + "a slow machine")
        .hasNoCause();
  }

  @Test
  void should_fail_the_start_when_a_node_of_another_cluster_answers_on_the_port() {
    // Another JVM's node that bound the port first answered the check, and tests silently used that node.
    server = unlaunched(19042);
    assertThatThrownBy(() -> server.checkOwnNode("testkit-of-another-jvm"))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("Port 19042 on 127.0.0.1 answers CQL for another Cassandra, of cluster "
            + "'testkit-of-another-jvm', not this server's cluster 'check'")
        .hasMessageContaining("another process took the port first");
  }

  @Test
  void should_accept_its_own_node() {
    server = unlaunched(19042);
    assertThatCode(() -> server.checkOwnNode("check")).doesNotThrowAnyException();
  }

  /** A server whose CQL port is {@code nativePort} on 127.0.0.1, with a start timeout of 1 ms; never launched. */
  private static CassandraServer unlaunched(int nativePort) {
    ServerSettings settings = new ServerSettings("check", "127.0.0.1", nativePort, 7100, "127.0.0.1:7100", "512M",
        "periodic", Map.of(), List.of(), Duration.ofMillis(1), Duration.ofSeconds(30), true, Path.of("/jdk17"),
        new ServerClasspath(List.of(Path.of("/m2/cassandra-all.jar")), Path.of("/m2/jamm-0.4.0.jar")),
        Security.NONE);
    return new CassandraServer(settings, ServerFolder.create());
  }

  /** A process that runs until the test ends: the start check must end on its timeout, not on an exit. */
  private static final class AliveProcess extends Process {
    @Override
    public OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() {
      throw new UnsupportedOperationException("the start check never waits for the end");
    }

    @Override
    public boolean isAlive() {
      return true;
    }

    @Override
    public int exitValue() {
      throw new IllegalThreadStateException("still running");
    }

    @Override
    public void destroy() {}
  }
}
