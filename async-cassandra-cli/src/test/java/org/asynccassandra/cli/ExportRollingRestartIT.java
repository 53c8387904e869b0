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
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.testkit.CassandraCluster;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12: a rolling restart of all three nodes of a real cluster during an {@code export} slowed down by
 * {@code --max-rate}; the file must hold the same multiset of records as an uninterrupted export.
 *
 * <p>As in core's {@code ClusterFaultIT}, the cluster runs with the batch commit log and the rows are written
 * with consistency ALL at replication factor 3, so every node holds every row and a restart loses none of
 * them: any difference between the two files is the export's doing. The exports run in child JVMs, as an
 * operator runs them, with their output in a log file of their own.
 *
 * <p>Nothing here waits for a fixed time. The first node stops once the export has written rows (its
 * checkpoint, written every second, counts them), and each next node only once the driver sees every node
 * up again. The restarts do not depend on the export's rate; the rate only decides whether the export still
 * runs when the last node goes down, which the test checks rather than assumes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportRollingRestartIT {
  private static final Logger LOG = LoggerFactory.getLogger(ExportRollingRestartIT.class);
  private static final String KEYSPACE = "rolling";
  private static final String TABLE = "t";
  private static final int ROWS = 20_000;
  private static final int ROWS_PER_PARTITION = 100;
  /**
   * Rows per second of the slow export: 20,000 rows take 80 s. A restart (a 3 s drain, a 10-15 s start, the
   * driver seeing every node up) took 13-21 s on this 2-core machine while another build ran, so the last
   * node went down 30-45 s after the first rows and was up again 10-15 s later, with 5,000 rows or more still
   * to export. Restarts of 35 s would still leave the last node down before the export ends. Small pages keep
   * page requests going all through each restart.
   */
  private static final int MAX_RATE = 250;
  private static final int FETCH_SIZE = 100;
  private static final String CHECKPOINT_ROWS_NOTE = "# output-rows ";

  private CassandraCluster cluster;
  private CqlSession session;
  private String contactPoint;

  @BeforeAll
  void startClusterAndLoad() {
    // C1 only: the nodes (re)start sooner on 2 shared cores, and restarts are what this test waits for.
    cluster = CassandraServer.builder().nodes(3).heap("512M").commitlogSync("batch")
        .jvmOption("-XX:TieredStopAtLevel=1").startCluster();
    LOG.info("Cluster started in {} ms", cluster.startupTime().toMillis());
    try (CqlSession writer = cluster.node(0).sessionBuilder(options ->
        options.withString(DefaultDriverOption.REQUEST_CONSISTENCY, "ALL")).build()) {
      TestData.createKeyspace(writer, KEYSPACE, 3);
      TestData.createSampleTable(writer, KEYSPACE, TABLE);
      TestData.loadSampleRows(writer, KEYSPACE, TABLE, ROWS, ROWS_PER_PARTITION);
    }
    session = cluster.newSession();
    awaitAllNodesUp();
    InetSocketAddress first = cluster.contactPoint();
    contactPoint = first.getHostString() + ":" + first.getPort();
  }

  @AfterAll
  void closeCluster() {
    if (session != null) {
      session.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void should_export_the_same_records_through_a_rolling_restart_of_every_node(@TempDir Path dir) throws Exception {
    long testStart = System.nanoTime();
    Path reference = dir.resolve("uninterrupted.csv");
    try (CliChild uninterrupted = startExport(reference, dir.resolve("uninterrupted.log"))) {
      assertThat(uninterrupted.awaitExit(Duration.ofMinutes(3)))
          .as("exit code of the uninterrupted export; its output:%n%s", uninterrupted.output()).isZero();
    }
    List<String> expected = Files.readAllLines(reference);
    assertThat(expected).as("the uninterrupted export: a header and every row").hasSize(ROWS + 1)
        .first().isEqualTo("pk,ck,payload");
    assertThat(expected.stream().distinct().count()).as("distinct lines of the uninterrupted export")
        .isEqualTo(ROWS + 1L);

    Path output = dir.resolve("rolling.csv");
    Path log = dir.resolve("rolling.log");
    Path checkpoint = dir.resolve("rolling.checkpoint");
    Path summary = dir.resolve("rolling-summary.json");
    CliChild export = startExport(output, log, "--max-rate", String.valueOf(MAX_RATE),
        "--fetch-size", String.valueOf(FETCH_SIZE), "--checkpoint", checkpoint.toString(),
        "--checkpoint-interval", "PT1S", "--summary", summary.toString(), "--verbose");
    boolean restartsDone = false;
    try {
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
          .until(() -> !export.isAlive() || rowsWritten(checkpoint) > 0);
      assertStillExporting(export, "before the first node was stopped");
      for (int i = 0; i < cluster.nodes().size(); i++) {
        restartDuringExport(i, export, checkpoint);
      }
      restartsDone = true;
    } finally {
      if (!restartsDone) {
        export.close();
        LOG.info("The export, ended by the failed test, wrote:\n{}", export.output());
      }
    }
    int exit = export.awaitExit(Duration.ofMinutes(5));
    String exportLog = export.output();
    LOG.info("The export through the rolling restart wrote:\n{}", exportLog);
    assertThat(exit).as("exit code of the export through the rolling restart; its output:%n%s", exportLog).isZero();
    List<String> actual = Files.readAllLines(output);
    assertThat(actual).as("the export's file").isNotEmpty().first().isEqualTo(expected.get(0));
    assertSameRecords(actual.subList(1, actual.size()), expected.subList(1, expected.size()));
    String json = Files.readString(summary);
    assertThat(json).as("the summary of the export").contains("\"complete\":true").contains("\"rows\":" + ROWS)
        .doesNotContain("\"state\":\"pending\"").doesNotContain("\"state\":\"in_progress\"");
    LOG.info("Test cost: {} ms (the cluster started in {} ms before it)",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart), cluster.startupTime().toMillis());
  }

  /**
   * Stops node {@code index} (SIGTERM: it drains), checks that the export still runs once the driver sees
   * the node down, starts the node again and waits until the driver sees every node up.
   */
  private void restartDuringExport(int index, CliChild export, Path checkpoint) throws IOException {
    CassandraServer server = cluster.node(index);
    String name = "node " + (index + 1) + " of " + cluster.nodes().size() + " (" + address(server) + ")";
    Node node = nodeAt(address(server));
    long start = System.nanoTime();
    long rowsBefore = rowsWritten(checkpoint);
    server.stop();
    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
        .until(() -> node.getState() != NodeState.UP);
    long down = System.nanoTime();
    assertStillExporting(export, "by the time " + name + " was seen down");
    long rowsAtDown = rowsWritten(checkpoint);
    server.restart(); // it is stopped already: this starts it again on the same ports and data
    awaitAllNodesUp();
    long rowsAtUp = rowsWritten(checkpoint);
    LOG.info("Restarted {} in {} ms (stopped and seen down in {} ms, then every node up again in {} ms);"
        + " the export had written {} rows before, {} when it was down, {} when it was up again", name,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), TimeUnit.NANOSECONDS.toMillis(down - start),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down), rowsBefore, rowsAtDown, rowsAtUp);
  }

  /**
   * Fails unless the export is still running: with its output if it failed, or saying that it ended too soon
   * to overlap the restarts if it succeeded.
   */
  private static void assertStillExporting(CliChild export, String when) throws IOException {
    if (export.isAlive()) {
      return;
    }
    int exitCode = export.exitCode();
    if (exitCode != 0) {
      fail("The export had failed (exit code %d) %s; its output:%n%s", exitCode, when, export.output());
    }
    fail("The export had ended %s, so the rolling restart did not overlap it: lower MAX_RATE (%d rows/s) or "
        + "find out why the restarts took so long. Its output:%n%s", when, MAX_RATE, export.output());
  }

  /** An export of the table in a child JVM, its stdout and stderr in {@code log}. */
  private CliChild startExport(Path output, Path log, String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of("export", "--contact-point", contactPoint, "--datacenter",
        cluster.localDatacenter(), "--keyspace", KEYSPACE, "--table", TABLE, "--output", output.toString()));
    args.addAll(List.of(options));
    return CliChild.start(log, Map.of(), args);
  }

  /** The rows the export's last checkpoint says were written, 0 before the first checkpoint. */
  private static long rowsWritten(Path checkpoint) throws IOException {
    try {
      return Files.readAllLines(checkpoint).stream().filter(line -> line.startsWith(CHECKPOINT_ROWS_NOTE))
          .mapToLong(line -> Long.parseLong(line.substring(CHECKPOINT_ROWS_NOTE.length()).strip()))
          .findFirst().orElse(0);
    } catch (NoSuchFileException notYet) {
      return 0;
    }
  }

  /** Asserts that {@code actual} holds exactly the records of {@code expected}, each as often, in any order. */
  private static void assertSameRecords(Collection<String> actual, Collection<String> expected) {
    Map<String, Integer> balance = new HashMap<>();
    expected.forEach(record -> balance.merge(record, 1, Integer::sum));
    actual.forEach(record -> balance.merge(record, -1, Integer::sum));
    List<String> missing = balance.entrySet().stream().filter(entry -> entry.getValue() > 0)
        .map(entry -> entry.getKey() + " x" + entry.getValue()).sorted().toList();
    List<String> extra = balance.entrySet().stream().filter(entry -> entry.getValue() < 0)
        .map(entry -> entry.getKey() + " x" + -entry.getValue()).sorted().toList();
    assertThat(missing).as("records of the uninterrupted export missing from the export through the restarts")
        .isEmpty();
    assertThat(extra).as("records of the export through the restarts that are repeated or unexpected").isEmpty();
    assertThat(actual).hasSameSizeAs(expected);
  }

  private static InetAddress address(CassandraServer server) {
    return server.contactPoint().getAddress();
  }

  /** The driver's node for the server at {@code address} (every node listens on the same port of its 127.0.0.x). */
  private Node nodeAt(InetAddress address) {
    return session.getMetadata().getNodes().values().stream()
        .filter(node -> node.getBroadcastRpcAddress().map(InetSocketAddress::getAddress)
            .filter(address::equals).isPresent())
        .findFirst().orElseThrow(() -> new AssertionError("the driver knows no node at " + address));
  }

  private void awaitAllNodesUp() {
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
      Collection<Node> known = session.getMetadata().getNodes().values();
      return known.size() == cluster.nodes().size()
          && known.stream().allMatch(node -> node.getState() == NodeState.UP && node.getOpenConnections() > 0);
    });
  }
}
