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
package org.asynccassandra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during a run: the JVM exited with 130 and said nothing, so a user could not tell whether the output
 * was whole, left as it was, or could be resumed. The child connects to a port that accepts and never
 * answers, and gets SIGINT while it waits for its first answer.
 */
class InterruptionTest {
  private final List<Socket> accepted = new ArrayList<>();
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private ServerSocket silent;
  private Thread acceptor;

  @BeforeEach
  void listen() throws IOException {
    silent = new ServerSocket();
    silent.bind(new InetSocketAddress("127.0.0.1", 0));
    acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket socket = silent.accept(); // held open, never read nor answered
          synchronized (accepted) {
            accepted.add(socket);
          }
          connected.complete(null);
        }
      } catch (IOException closed) {
        // the test is over
      }
    }, "silent-server");
    acceptor.start();
  }

  @AfterEach
  void stop() throws Exception {
    silent.close();
    acceptor.join(TimeUnit.SECONDS.toMillis(10));
    synchronized (accepted) {
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  private String contactPoint() {
    return "127.0.0.1:" + silent.getLocalPort();
  }

  /** Sends SIGINT to the child once it has connected, and returns its exit code. */
  private int interrupt(CliChild child) throws Exception {
    connected.get(60, TimeUnit.SECONDS);
    child.assertAlive("when it connected");
    child.interrupt();
    return child.awaitExit(Duration.ofSeconds(60));
  }

  @Test
  void should_say_that_a_count_stopped_when_interrupted() throws Exception {
    Path log = Files.createTempFile("interrupted-count", ".log");
    try (CliChild count = CliChild.start(log, "count", "--contact-point", contactPoint(), "--keyspace", "ks",
        "--table", "t")) {
      assertThat(interrupt(count)).as(count.output()).isEqualTo(130);
      assertThat(count.output()).contains("Interrupted: the count of ks.t stopped before the end; no count was "
          + "printed").doesNotContain("\tat ");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void should_say_that_an_export_with_a_checkpoint_left_its_output_untouched(@TempDir Path dir) throws Exception {
    Path output = Files.writeString(dir.resolve("out.csv"), "yesterday's export\n");
    Path log = dir.resolve("log");
    try (CliChild export = CliChild.start(log, "export", "--contact-point", contactPoint(), "--keyspace", "ks",
        "--table", "t", "--output", output.toString(), "--checkpoint", dir.resolve("cp").toString())) {
      assertThat(interrupt(export)).as(export.output()).isEqualTo(130);
      assertThat(export.output()).contains("Interrupted: the export of ks.t stopped before the end; " + output
          + " was not touched");
    }
    assertThat(Files.readString(output)).isEqualTo("yesterday's export\n");
    try (var files = Files.list(dir)) {
      assertThat(files).as("no part or temporary file").containsExactlyInAnyOrder(output, log);
    }
  }

  @Test
  void should_not_offer_to_resume_an_earlier_runs_checkpoint_when_interrupted_before_its_own(@TempDir Path dir)
      throws Exception {
    // Interrupted while connecting, before it wrote its own checkpoint: the one there is an earlier run's, and
    // "run the same command with --resume" would go on with that run (or find it complete), not this one.
    Path output = Files.writeString(dir.resolve("out.csv"), "yesterday's export\n");
    Path checkpoint = Files.writeString(dir.resolve("cp"), "an earlier run's checkpoint\n");
    Path log = dir.resolve("log");
    try (CliChild export = CliChild.start(log, "export", "--contact-point", contactPoint(), "--keyspace", "ks",
        "--table", "t", "--output", output.toString(), "--checkpoint", checkpoint.toString())) {
      assertThat(interrupt(export)).as(export.output()).isEqualTo(130);
      assertThat(export.output()).contains("Interrupted: the export of ks.t stopped before the end; " + output
          + " was not touched (the checkpoint " + checkpoint + " is an earlier run's)").doesNotContain("--resume");
    }
    assertThat(Files.readString(checkpoint)).isEqualTo("an earlier run's checkpoint\n");
  }
}
