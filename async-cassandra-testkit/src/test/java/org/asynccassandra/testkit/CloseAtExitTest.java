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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The shutdown hook of a server an application uses: the application's shutdown first, while the server is
 * still open, then the server's close, even when that shutdown throws.
 */
class CloseAtExitTest {
  private final ServerFolder folder = ServerFolder.create();

  /** A server never started: its close deletes its folder, and starts nothing. */
  private CassandraServer unstarted() {
    ServerSettings settings = new ServerSettings("exit", "127.0.0.1", 9100, 7100, "127.0.0.1:7100", "512M",
        "periodic", Map.of(), List.of(), Duration.ofSeconds(120), Duration.ofSeconds(30), true, Path.of("/jdk17"),
        new ServerClasspath(List.of(Path.of("/m2/cassandra-all.jar")), Path.of("/m2/jamm-0.4.0.jar")),
        Security.NONE);
    return new CassandraServer(settings, folder);
  }

  @Test
  void should_run_the_applications_shutdown_while_the_server_is_open_then_close_it() {
    CassandraServer server = unstarted();
    List<String> seen = new CopyOnWriteArrayList<>();
    server.closeAtExitAfter(() -> seen.add("application stops; server " + server.toString().contains("closed")));
    server.closeAtExit();
    assertThat(seen).containsExactly("application stops; server false");
    assertThat(server.toString()).contains("closed");
  }

  @Test
  void should_close_the_server_even_when_the_applications_shutdown_throws() {
    CassandraServer server = unstarted();
    server.closeAtExitAfter(() -> {
      throw new IllegalStateException("the application failed to stop");
    });
    server.closeAtExit();
    assertThat(server.toString()).contains("closed");
    assertThat(Files.exists(folder.path())).as("folder deleted").isFalse();
  }
}
