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

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Servers of its own (not the shared one): restarts, kills, failed starts, and what each leaves behind. */
class CassandraLifecycleIT {

  @Test
  void should_keep_data_across_stop_kill_and_restart_and_leave_nothing_after_close() {
    // batch: every acknowledged write is in the synced commit log, so it survives the kill below.
    CassandraServer server = CassandraServer.builder().heap("512M").commitlogSync("batch").start();
    Path directory = server.directory();
    List<Long> pids = new ArrayList<>();
    try {
      pids.add(server.pid());
      assertThat(cassandraChildren()).contains(server.pid());
      try (CqlSession session = server.newSession()) {
        TestData.createKeyspace(session, "lifecycle", 1);
        TestData.createSampleTable(session, "lifecycle", "before_stop");
        TestData.loadSampleRows(session, "lifecycle", "before_stop", 2_000, 1_000);
      }

      server.stop(); // graceful: memtables flushed
      assertThat(server.isRunning()).isFalse();
      assertThat(alive(pids.get(0))).isFalse();
      server.restart();
      pids.add(server.pid());
      try (CqlSession session = server.newSession()) {
        assertThat(count(session, "lifecycle.before_stop")).isEqualTo(2_000);
        TestData.createSampleTable(session, "lifecycle", "before_kill");
        TestData.loadSampleRows(session, "lifecycle", "before_kill", 1_000, 500);
      }

      server.kill(); // at once, right after the last acknowledged write: only the commit log has it
      assertThat(alive(pids.get(1))).isFalse();
      server.restart();
      pids.add(server.pid());
      try (CqlSession session = server.newSession()) {
        assertThat(count(session, "lifecycle.before_stop")).isEqualTo(2_000);
        assertThat(count(session, "lifecycle.before_kill")).isEqualTo(1_000);
        assertThat(session.execute("SELECT payload FROM lifecycle.before_kill WHERE pk = 1 AND ck = 499").one()
            .getString(0)).isEqualTo(TestData.payload(1, 499));
      }
    } finally {
      server.close();
    }
    server.close(); // idempotent
    assertThat(pids).hasSize(3).noneMatch(CassandraLifecycleIT::alive);
    assertThat(directory).doesNotExist();
    assertThat(server.toString()).contains("closed");
    assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void should_refuse_a_native_port_in_use_before_launching_anything() throws Exception {
    Set<Long> processesBefore = cassandraChildren();
    Set<Path> foldersBefore = ourFolders();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> CassandraServer.builder().nativePort(taken.getLocalPort()).start())
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
          .hasMessageContaining("nativePort");
    }
    assertThat(cassandraChildren()).isEqualTo(processesBefore);
    assertThat(ourFolders()).isEqualTo(foldersBefore);
  }

  @Test
  void should_report_cassandra_failing_to_bind_a_port_taken_meanwhile_with_its_log() throws Exception {
    Set<Long> processesBefore = cassandraChildren();
    Set<Path> foldersBefore = ourFolders();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CassandraServerBuilder builder = CassandraServer.builder().heap("512M").nativePort(taken.getLocalPort());
      builder.checkPorts = false; // as if another process took the port after the testkit checked it
      assertThatThrownBy(builder::start)
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("exited with code")
          .hasMessageContaining("Failed to bind port " + taken.getLocalPort())
          .hasMessageContaining("Address already in use")
          .hasMessageContaining("--- last 40 lines of ");
    }
    assertThat(cassandraChildren()).isEqualTo(processesBefore);
    assertThat(ourFolders()).isEqualTo(foldersBefore);
  }

  @Test
  void should_report_a_bad_yaml_setting_with_the_cause_and_the_log_tail() throws Exception {
    Set<Long> processesBefore = cassandraChildren();
    Set<Path> foldersBefore = ourFolders();
    assertThatThrownBy(() -> CassandraServer.builder().heap("512M").yaml("num_tokens", "not-a-number").start())
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("exited with code 3 while starting: Exception encountered during startup")
        .hasMessageContaining("Invalid yaml")
        .hasMessageContaining("--- last ")
        .hasMessageContaining("num_tokens: not-a-number");
    assertThat(cassandraChildren()).isEqualTo(processesBefore);
    assertThat(ourFolders()).isEqualTo(foldersBefore);
  }

  @Test
  void should_report_an_invalid_jvm_option_with_what_the_jvm_said() throws Exception {
    Set<Path> foldersBefore = ourFolders();
    assertThatThrownBy(() -> CassandraServer.builder().jvmOption("-XX:+NoSuchTestkitOption").start())
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("exited with code 1 while starting: Unrecognized VM option 'NoSuchTestkitOption'")
        .hasMessageContaining("logs/stdout.log ---");
    assertThat(ourFolders()).isEqualTo(foldersBefore);
  }

  @Test
  void should_refuse_a_jdk_that_cassandra_cannot_run_on() {
    Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    Assumptions.assumeTrue(Files.isDirectory(jdk25), "no JDK 25 at " + jdk25 + " on this machine");
    assertThatThrownBy(() -> CassandraServer.builder().javaHome(jdk25).start())
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("Cassandra 5.0 needs JDK 11 or 17, found 25 at " + jdk25);
  }

  private static long count(CqlSession session, String table) {
    return session.execute("SELECT count(*) FROM " + table).one().getLong(0);
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The Cassandra processes that this JVM started (the shared server's among them, if it runs). */
  static Set<Long> cassandraChildren() {
    return CassandraProcesses.startedByThisJvm();
  }

  /** The testkit folders that this JVM created and still holds (their owner file names this JVM). */
  static Set<Path> ourFolders() throws IOException {
    String owner = "in JVM " + ProcessHandle.current().pid() + " ";
    try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return entries.filter(path -> path.getFileName().toString().startsWith("async-cassandra-"))
          .filter(path -> {
            try {
              return Files.readString(path.resolve(ServerFolder.OWNER_FILE)).contains(owner);
            } catch (IOException notOurs) {
              return false;
            }
          })
          .collect(Collectors.toSet());
    }
  }
}
