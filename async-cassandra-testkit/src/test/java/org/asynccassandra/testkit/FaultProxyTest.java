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
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy in front of a plain echo server: no Cassandra, no driver. */
class FaultProxyTest {
  private ServerSocket echo;
  private Thread echoThread;

  @BeforeEach
  void startEchoServer() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThread = new Thread(() -> {
      while (!echo.isClosed()) {
        try {
          Socket socket = echo.accept();
          Thread connection = new Thread(() -> {
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
              in.transferTo(out);
            } catch (IOException ended) {
              // the test closed it
            }
          }, "echo-connection");
          connection.setDaemon(true);
          connection.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "echo-accept");
    echoThread.setDaemon(true);
    echoThread.start();
  }

  @AfterEach
  void stopEchoServer() throws Exception {
    echo.close();
    echoThread.join(5_000);
  }

  @Test
  void should_forward_bytes_both_ways_and_count_connections() throws IOException {
    try (FaultProxy proxy = FaultProxy.start(target()); Socket client = connect(proxy)) {
      assertThat(roundTrip(client, "hello")).isEqualTo("hello");
      assertThat(proxy.acceptedConnections()).isEqualTo(1);
      assertThat(proxy.openConnections()).isEqualTo(1);
      assertThat(proxy.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(proxy.toString()).contains("-> 127.0.0.1:" + target().getPort());
    }
  }

  @Test
  void should_reset_every_connection_on_drop_and_accept_new_ones() throws IOException {
    try (FaultProxy proxy = FaultProxy.start(target()); Socket first = connect(proxy)) {
      assertThat(roundTrip(first, "one")).isEqualTo("one");
      proxy.dropAllConnections();
      assertThat(proxy.openConnections()).isZero();
      assertThatThrownBy(() -> {
        first.getOutputStream().write(1);
        if (first.getInputStream().read() < 0) {
          throw new IOException("end of stream");
        }
      }).isInstanceOf(IOException.class);
      try (Socket second = connect(proxy)) {
        assertThat(roundTrip(second, "two")).isEqualTo("two");
      }
      assertThat(proxy.acceptedConnections()).isEqualTo(2);
    }
  }

  @Test
  void should_hold_bytes_while_paused_and_deliver_them_on_resume() throws IOException {
    try (FaultProxy proxy = FaultProxy.start(target()); Socket client = connect(proxy)) {
      proxy.pause();
      assertThat(proxy.isPaused()).isTrue();
      client.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
      client.setSoTimeout(300);
      assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      proxy.resume();
      client.setSoTimeout(10_000);
      assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("held");
    }
  }

  @Test
  void should_refuse_clients_when_the_target_is_down() throws IOException {
    InetSocketAddress nothing;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nothing = new InetSocketAddress(closed.getInetAddress(), closed.getLocalPort());
    }
    try (FaultProxy proxy = FaultProxy.start(nothing)) {
      assertThatThrownBy(() -> { // the reset may come during the connect or at the first read
        try (Socket client = connect(proxy)) {
          if (client.getInputStream().read() < 0) {
            throw new IOException("end of stream");
          }
        }
      }).isInstanceOf(IOException.class);
      assertThat(proxy.openConnections()).isZero();
    }
  }

  @Test
  void should_end_all_its_threads_on_close_even_while_paused() throws IOException {
    FaultProxy proxy = FaultProxy.start(target());
    String prefix = "fault-proxy-" + proxy.address().getPort() + "-";
    try (Socket client = connect(proxy)) {
      assertThat(roundTrip(client, "x")).isEqualTo("x");
      proxy.pause();
      client.getOutputStream().write(1);
      assertThat(threadsNamed(prefix)).isGreaterThanOrEqualTo(3); // acceptor and two forwarders
      proxy.close();
      proxy.close();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed(prefix) == 0);
    assertThat(proxy.toString()).endsWith(", closed}");
  }

  @Test
  void should_end_a_connections_threads_when_it_closes_while_paused() throws IOException {
    // A forwarder holding bytes in a pause was not woken when its connection closed: it and its buffer lingered
    // until resume() or close().
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         FaultProxy proxy = FaultProxy.start(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()))) {
      String connectionThreads = "fault-proxy-" + proxy.address().getPort() + "-1-";
      Socket client = connect(proxy);
      try (Socket upstream = server.accept()) {
        proxy.pause();
        upstream.getOutputStream().write(1); // the forwarder to the client reads it, and holds it
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> thread.getName().equals(connectionThreads + "to-client")
                && thread.getState() == Thread.State.WAITING));
        client.close(); // the forwarder to the server sees the end, and closes the connection
        await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed(connectionThreads) == 0);
        assertThat(proxy.openConnections()).isZero();
        assertThat(proxy.isPaused()).isTrue();
      } finally {
        client.close();
      }
    }
  }

  @Test
  void should_refuse_new_clients_when_accepting_fails() throws IOException {
    // The acceptor ended on the failure and left the port open: clients hung in its backlog.
    ServerSocket failing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()) {
      @Override
      public Socket accept() throws IOException {
        throw new IOException("Too many open files (as the test says)");
      }
    };
    try (FaultProxy proxy = FaultProxy.start(target(), failing)) {
      await().atMost(Duration.ofSeconds(10)).until(failing::isClosed);
      assertThatThrownBy(() -> connect(proxy)).isInstanceOf(ConnectException.class);
    } finally {
      failing.close();
    }
  }

  @Test
  void should_wait_for_its_threads_on_close_even_when_the_caller_is_interrupted() throws IOException {
    // An interrupted caller's joins returned at once: close() returned with the proxy's threads still running.
    // To be sure a thread is still running when close() starts, the acceptor is kept busy connecting to a target
    // that never answers: its accept queue is full, so Linux drops the proxy's SYN and the connect waits for its
    // timeout (5 s). Closing the proxy does not end that connect; close() must wait for it.
    List<SocketChannel> fillers = new ArrayList<>();
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress fullTarget = new InetSocketAddress(full.getInetAddress(), full.getLocalPort());
      for (int i = 0; i < 3; i++) { // a backlog of 1 holds 2 connections on Linux; the third stays pending
        SocketChannel filler = SocketChannel.open();
        fillers.add(filler);
        filler.configureBlocking(false);
        filler.connect(fullTarget);
      }
      FaultProxy proxy = FaultProxy.start(fullTarget);
      String prefix = "fault-proxy-" + proxy.address().getPort() + "-";
      try (Socket client = connect(proxy)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.acceptedConnections() == 1); // now connecting
        Thread.currentThread().interrupt();
        boolean stillInterrupted;
        try {
          proxy.close();
        } finally {
          stillInterrupted = Thread.interrupted(); // clears it for the rest of the test
        }
        assertThat(threadsNamed(prefix)).as("the proxy's threads alive after close()").isZero();
        assertThat(stillInterrupted).as("the caller's interrupt status, kept").isTrue();
      }
    } finally {
      for (SocketChannel filler : fillers) {
        filler.close();
      }
    }
  }

  private InetSocketAddress target() {
    return new InetSocketAddress(echo.getInetAddress(), echo.getLocalPort());
  }

  private static Socket connect(FaultProxy proxy) throws IOException {
    Socket socket = new Socket();
    socket.connect(proxy.address(), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String roundTrip(Socket socket, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    socket.getOutputStream().write(bytes);
    return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive()).count();
  }
}
