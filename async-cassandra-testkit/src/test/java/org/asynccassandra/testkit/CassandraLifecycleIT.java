package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Starting, killing, restarting and failing to start servers of its own (not the shared one). */
class CassandraLifecycleIT {

  @Test
  void should_keep_data_across_kill_and_restart_and_leave_nothing_after_close() {
    CassandraServer server = CassandraServer.builder().heap("512M").start();
    long pid = server.pid();
    Path directory = server.directory();
    try {
      assertThat(server.startupTime()).isPositive();
      try (CqlSession session = server.sessionBuilder().build()) {
        TestData.createKeyspace(session, "lifecycle", 1);
        TestData.createSampleTable(session, "lifecycle.t");
        TestData.loadSampleRows(session, "lifecycle.t", 5_000, 1_000);
      }

      server.kill();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
      assertThat(server.isRunning()).isFalse();

      server.restart();
      try (CqlSession session = server.sessionBuilder().build()) {
        assertThat(session.execute("SELECT count(*) FROM lifecycle.t").one().getLong(0)).isEqualTo(5_000);
        assertThat(session.execute("SELECT payload FROM lifecycle.t WHERE pk = 4 AND ck = 999").one().getString(0))
            .isEqualTo(TestData.payload(4, 999));
      }
      pid = server.pid();
    } finally {
      server.close();
    }
    long last = pid;
    assertThat(ProcessHandle.of(last).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    assertThat(directory).doesNotExist();
  }

  @Test
  void should_report_a_bad_option_with_the_log_tail_and_leave_nothing_behind() throws Exception {
    List<Path> before = testkitFolders();
    long processesBefore = cassandraProcesses();
    assertThatThrownBy(() -> CassandraServer.builder().heap("512M").yaml("num_tokens", "not-a-number").start())
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("exited with code")
        .hasMessageContaining("--- last ")
        .hasMessageContaining("num_tokens");
    assertThat(testkitFolders()).isEqualTo(before);
    assertThat(cassandraProcesses()).isEqualTo(processesBefore);
  }

  @Test
  void should_refuse_a_port_that_is_already_taken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> CassandraServer.builder().nativePort(taken.getLocalPort()).start())
          .isInstanceOf(CassandraStartException.class)
          .hasMessageContaining("Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
    }
  }

  @Test
  void should_refuse_a_jdk_that_cassandra_cannot_run_on() {
    Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    Assumptions.assumeTrue(Files.isDirectory(jdk25), "no JDK 25 on this machine");
    assertThatThrownBy(() -> CassandraServer.builder().javaHome(jdk25).start())
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("Cassandra 5.0 needs JDK 11 or 17, found 25");
  }

  private static List<Path> testkitFolders() throws Exception {
    try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return entries.filter(p -> p.getFileName().toString().startsWith("async-cassandra-")).sorted().toList();
    }
  }

  private static long cassandraProcesses() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("CassandraDaemon"))
        .count();
  }
}
