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
package org.asynccassandra.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ParameterTool;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.Page;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.TableScan;
import org.asynccassandra.flink.export.ExportJob;
import org.asynccassandra.testkit.CassandraCluster;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.values.RowWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flink source on Flink's MiniCluster (4 slots, in this JVM) over one real 3-node Cassandra cluster shared
 * by every test (RF 3, written at consistency ALL with the batch commit log, so every replica holds every
 * row). Each test compares the multiset of rows the job produced with a plain driver read of the table.
 * The test that kills a node runs last, so no test needs to restart it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CassandraSourceIT {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraSourceIT.class);
  private static final String KEYSPACE = "flink";
  private static final String TABLE = "t";
  private static final int ROWS = 30_000;
  private static final int ROWS_PER_PARTITION = 100;

  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
      .setConfiguration(METRICS.addToConfiguration(new Configuration())).build());

  private CassandraCluster cluster;
  private CqlSession session;
  private List<InetSocketAddress> contactPoints;
  /** The table's rows as {@link #key(Row)}, sorted. */
  private List<String> expected;
  private long testStart;

  @BeforeAll
  void startClusterAndLoad() {
    long start = System.nanoTime();
    cluster = CassandraServer.builder().nodes(3).heap("512M").commitlogSync("batch")
        .yaml("read_request_timeout", "3000ms").yaml("range_request_timeout", "3000ms")
        .jvmOption("-XX:TieredStopAtLevel=1").startCluster();
    contactPoints = cluster.nodes().stream().map(CassandraServer::contactPoint).toList();
    session = cluster.sessionBuilder().withConfigLoader(DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "ALL").build()).build();
    TestData.createKeyspace(session, KEYSPACE, 3);
    TestData.createSampleTable(session, KEYSPACE, TABLE);
    TestData.loadSampleRows(session, KEYSPACE, TABLE, ROWS, ROWS_PER_PARTITION);
    await().atMost(Duration.ofMinutes(1)).until(() -> session.getMetadata().getNodes().values().stream()
        .filter(node -> node.getState() == NodeState.UP).count() == 3);
    expected = new ArrayList<>();
    for (Row row : session.execute(SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + KEYSPACE + "."
        + TABLE).setPageSize(5_000))) {
      expected.add(key(row));
    }
    Collections.sort(expected);
    assertThat(expected).hasSize(ROWS);
    LOG.info("Cluster started ({} ms) and {} rows loaded in {} ms", cluster.startupTime().toMillis(), ROWS,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
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

  @BeforeEach
  void startClock() {
    testStart = System.nanoTime();
  }

  @AfterEach
  void checkSessionsClosedAndLogCost(TestInfo test) {
    // Every reader gave its shared session back when its task ended: none stays open in this JVM, and the
    // threads of those sessions (the driver's loops, our callback executors) end too; the test's own session
    // keeps its own.
    await().atMost(Duration.ofSeconds(30)).until(() -> SharedSessions.open() == 0);
    String own = session.getName() + "-";
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sessionThreads())
        .as("threads of the sources' sessions after the job").allMatch(name -> name.startsWith(own)));
    LOG.info("{} took {} ms", test.getDisplayName(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart));
  }

  /**
   * The live threads of driver sessions ({@code s0-io-0}, {@code s0-admin-0}, {@code s0-timer-0}), of our
   * sessions (their callback executors and timers) and of the source's connecting; not the JVM-wide ones (the
   * leak detector, the fallback pool).
   */
  private static List<String> sessionThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(name -> name.matches("s\\d+-(io|admin|timer)-\\d+") || name.startsWith("async-cassandra-callback-")
            || name.startsWith("async-cassandra-timer-") || name.equals(SharedSessions.CONNECT_THREAD))
        .sorted().toList();
  }

  static String key(Row row) {
    return row.getInt("pk") + "/" + row.getInt("ck") + "/" + row.getString("payload");
  }

  private CassandraSource.Builder source(CassandraSessionFactory sessions) {
    return CassandraSource.builder(sessions, KEYSPACE, TABLE).columns("pk", "ck", "payload");
  }

  private static CassandraRowMapper<String> keys() {
    return CassandraSourceIT::key;
  }

  private static List<String> sorted(List<String> rows) {
    List<String> copy = new ArrayList<>(rows);
    Collections.sort(copy);
    return copy;
  }

  @SuppressWarnings("try") // CloseableIterator.close() may throw InterruptedException: the test fails then
  private List<String> run(StreamExecutionEnvironment env, DataStream<String> stream, String name) throws Exception {
    List<String> rows = new ArrayList<>();
    try (CloseableIterator<String> results = stream.collectAsync()) {
      JobClient job = env.executeAsync(name);
      results.forEachRemaining(rows::add);
      job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
    }
    return rows;
  }

  // --- 1, 2. the whole table, once -------------------------------------------------------------------

  @Test
  @Order(1)
  void should_read_every_row_once_with_parallelism_1() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    CassandraSource<String> source = source(TestSessions.of(contactPoints)).build(keys(), String.class);

    List<String> rows = run(env, env.fromSource(source, WatermarkStrategy.noWatermarks(), "cassandra"), "p1");

    assertThat(sorted(rows)).isEqualTo(expected);
  }

  @Test
  @Order(2)
  void should_read_every_row_once_with_parallelism_4() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(4);
    CassandraSource<String> source = source(TestSessions.of(contactPoints)).splits(24).splitsPerReader(2)
        .streamConfig(() -> StreamConfig.builder().fetchSize(500).build()).build(keys(), String.class);

    List<String> rows = run(env, env.fromSource(source, WatermarkStrategy.noWatermarks(), "cassandra"), "p4");

    assertThat(sorted(rows)).isEqualTo(expected);
  }

  // --- 0. a place inside a page, as the reader checkpoints it, on the real scan ----------------------------

  /**
   * A Flink checkpoint may come in the middle of a page: the reader places it with {@link PagePositions#within}
   * from the scan's checkpoints before and after the page. The reader's tests check that on a fake scan whose
   * checkpoints are written by hand, and the failover test below resumes mid-page only by chance: here the
   * places are made from the real scan's checkpoints, after the first, a middle and the last-but-one row of a
   * page, and again inside a page of a scan resumed from such a place (whose range already skips rows), and each
   * resumed scan must read exactly the rows not read before it.
   */
  @Test
  @Order(0)
  void should_resume_the_real_scan_exactly_after_any_row_of_a_page() throws Exception {
    ScanConfig config = ScanConfig.builder().columns(List.of("pk", "ck", "payload")).splits(6).parallelism(1)
        .streamConfig(StreamConfig.builder().fetchSize(300).build()).build();
    try (AsyncSession async = AsyncSession.wrap(session)) {
      List<String> read = new ArrayList<>();
      ScanCheckpoint middle = null;
      try (TableScan scan = async.scanTable(KEYSPACE, TABLE, config)) {
        for (int page = 1; page < 5; page++) {
          read.addAll(keysOf(nextPage(scan)));
        }
        ScanCheckpoint before = scan.checkpoint();
        List<String> page = keysOf(nextPage(scan));
        ScanCheckpoint after = scan.checkpoint();
        assertThat(page).hasSize(300);
        for (int emitted : List.of(1, page.size() / 2, page.size() - 1)) {
          ScanCheckpoint place = PagePositions.within(before, after, page.size(), emitted);
          List<String> readBefore = new ArrayList<>(read);
          readBefore.addAll(page.subList(0, emitted));
          assertReadExactlyOnce(readBefore, readAll(async, config, place), "after row " + emitted + " of page 5");
          if (emitted == page.size() / 2) {
            middle = place;
          }
        }
        read.addAll(page.subList(0, page.size() / 2)); // what was read before the middle place
      }
      assertThat(middle.ranges()).as("the middle place skips rows").anyMatch(range -> range.rowsToSkip() > 0);
      ScanConfig fromMiddle = ScanConfig.builder().columns(List.of("pk", "ck", "payload")).splits(6)
          .parallelism(1).streamConfig(StreamConfig.builder().fetchSize(300).build()).resumeFrom(middle).build();
      try (TableScan scan = async.scanTable(KEYSPACE, TABLE, fromMiddle)) {
        ScanCheckpoint before = scan.checkpoint();
        List<String> page = keysOf(nextPage(scan));
        ScanCheckpoint after = scan.checkpoint();
        int emitted = page.size() / 3;
        assertThat(emitted).isPositive();
        ScanCheckpoint place = PagePositions.within(before, after, page.size(), emitted);
        read.addAll(page.subList(0, emitted));
        assertReadExactlyOnce(read, readAll(async, config, place),
            "inside the first page of a scan resumed mid-page");
      }
    }
  }

  private static Page<Row> nextPage(TableScan scan) throws Exception {
    return scan.nextPage().toCompletableFuture().get(1, TimeUnit.MINUTES).orElseThrow();
  }

  private static List<String> keysOf(Page<Row> page) {
    return page.rows().stream().map(CassandraSourceIT::key).toList();
  }

  /** Every row of a scan resumed from {@code place}. */
  private static List<String> readAll(AsyncSession async, ScanConfig config, ScanCheckpoint place)
      throws Exception {
    ScanConfig resumed = ScanConfig.builder().columns(config.columns()).splits(6).parallelism(1)
        .streamConfig(config.streamConfig()).resumeFrom(place).build();
    List<String> rows = new ArrayList<>();
    try (TableScan scan = async.scanTable(KEYSPACE, TABLE, resumed)) {
      scan.forEach(row -> rows.add(key(row))).toCompletableFuture().get(5, TimeUnit.MINUTES);
    }
    return rows;
  }

  /** The rows read before a place and those a scan resumed there read: each of the table's rows once. */
  private void assertReadExactlyOnce(List<String> before, List<String> resumed, String where) {
    List<String> all = new ArrayList<>(before);
    all.addAll(resumed);
    Collections.sort(all);
    assertThat(all).as(where + ": " + before.size() + " rows before, " + resumed.size() + " after")
        .isEqualTo(expected);
  }

  // --- 3. a task fails mid-split; restore from a checkpoint --------------------------------------------

  @Test
  @Order(3)
  @SuppressWarnings("try")
  void should_deliver_every_row_exactly_once_when_a_task_fails_mid_split_and_restores() throws Exception {
    int parallelism = 4;
    int splitsPerReader = 2;
    int fetchSize = 200;
    TestFunctions.FailOnce.reset(3_000);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    env.enableCheckpointing(200);
    Configuration restarts = new Configuration();
    restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    env.configure(restarts);
    CassandraSource<String> source = source(TestSessions.of(contactPoints)).splits(24)
        .splitsPerReader(splitsPerReader).streamConfig(() -> StreamConfig.builder().fetchSize(fetchSize).build())
        .rowLimiter(() -> new TestFunctions.PerSecond(1_500)) // ~5 s in all: several checkpoints complete
        .build(keys(), String.class);
    DataStream<String> stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "cassandra")
        .map(new TestFunctions.FailOnce());

    List<String> rows = new ArrayList<>();
    JobID jobId;
    try (CloseableIterator<String> results = stream.collectAsync()) {
      JobClient job = env.executeAsync("failover");
      jobId = job.getJobID();
      results.forEachRemaining(rows::add);
      job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
    }

    assertThat(TestFunctions.FailOnce.FAILED).as("the failure was injected mid-job").isTrue();
    assertThat(sorted(rows)).as("the rows, exactly once").isEqualTo(expected);
    long emittedAgain = TestFunctions.FailOnce.MAPPED.get() - ROWS;
    long skipped = sum(jobId, "rowsSkippedOnResume");
    long resumed = sum(jobId, "splitsResumed");
    LOG.info("Failover: restored from a checkpoint taken after {} rows of subtask 0; {} rows emitted before the "
        + "failure, {} of them emitted again after the restore (emitted after the last completed checkpoint, or "
        + "of splits assigned after it; the exactly-once sink dropped them); {} splits resumed mid-range, and {} "
        + "rows read again from Cassandra and skipped to resume them at their exact row (pages of {} rows)",
        TestFunctions.FailOnce.RESTORED_AT.get(), TestFunctions.FailOnce.MAPPED_BEFORE_FAILURE.get(), emittedAgain,
        resumed, skipped, fetchSize);
    assertThat(resumed).as("splits resumed mid-range").isPositive();
    assertThat(skipped).as("rows read again to resume: less than a page per resumed split")
        .isLessThan(resumed * fetchSize);
  }

  // --- 4. a slow operator downstream -------------------------------------------------------------------

  @Test
  @Order(4)
  void should_stop_reading_ahead_within_its_bound_while_the_downstream_operator_holds_still() throws Exception {
    int splitsPerReader = 2;
    int prefetchPages = 1;
    TestFunctions.BlockOnce.reset(3_000);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    String counter = "slow-downstream";
    CassandraSource<String> source = source(TestSessions.counting(contactPoints, KEYSPACE + "." + TABLE, counter))
        .splits(16).splitsPerReader(splitsPerReader)
        .streamConfig(() -> StreamConfig.builder().fetchSize(100).prefetchPages(prefetchPages).build())
        .build(keys(), String.class);
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "cassandra").map(new TestFunctions.BlockOnce())
        .sinkTo(new DiscardingSink<>());

    JobClient job = env.executeAsync("slow downstream");
    try {
      assertThat(TestFunctions.BlockOnce.reached.await(3, TimeUnit.MINUTES)).isTrue();
      Counter taken = await().atMost(Duration.ofSeconds(30)).until(() -> metric(job.getJobID(), "pagesReceived",
          Counter.class), metric -> metric != null);
      long bound = (long) splitsPerReader * (2 + prefetchPages);
      // The splits open now stay open: a split is opened on the task's thread, which the operator holds. Read
      // after the latch, so the count the task thread left is visible. It may be below splitsPerReader: when a
      // split ends just before record 3000, its successor arrives through the task's mailbox and waits there.
      Gauge<?> open = metric(job.getJobID(), "openSplits", Gauge.class);
      int openWhenHeld = (Integer) open.getValue(); // at most splitsPerReader: asserted below
      // The reads go on while the operator holds the task's thread: each open split reads ahead, on its own
      // threads (waiting for splitsPerReader pages here hung when only one split was open).
      await().atMost(Duration.ofSeconds(60))
          .until(() -> TestSessions.pages(counter) - taken.getCount() >= openWhenHeld);
      // ... and stop within the bound: pages Cassandra sent beyond those the reader took.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
          .until(() -> TestSessions.pages(counter) - taken.getCount() <= bound);
      LOG.info("Held still at record 3000: Cassandra sent {} pages, the reader took {}, {} splits open; bound {} "
          + "pages beyond those taken", TestSessions.pages(counter), taken.getCount(), open.getValue(), bound);
      assertThat((Integer) open.getValue()).isLessThanOrEqualTo(splitsPerReader);
    } finally {
      TestFunctions.BlockOnce.release.countDown();
    }
    job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
    assertThat(TestFunctions.BlockOnce.MAPPED).as("every row once").hasValue(ROWS);
  }

  // --- 5. the export job -------------------------------------------------------------------------------

  /** With checkpoints, files are committed at them; without (interval 0), when the input ends: docs/flink.md. */
  @ParameterizedTest(name = "checkpoint interval {0} ms")
  @ValueSource(strings = {"300", "0"})
  @Order(5)
  void should_export_the_table_to_csv_part_files_with_a_header_each(String checkpointInterval, @TempDir Path output)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ExportJob.build(env, ParameterTool.fromArgs(new String[] {
        "--contact-point", contactPoints.stream().map(point -> point.getHostString() + ":" + point.getPort())
            .collect(Collectors.joining(",")),
        "--keyspace", KEYSPACE, "--table", TABLE, "--columns", "pk,ck,payload", "--format", "csv",
        "--output", output.toUri().toString(), "--parallelism", "2", "--splits", "8",
        "--checkpoint-interval", checkpointInterval}));
    env.execute("export");

    List<Path> files;
    try (Stream<Path> listed = Files.walk(output)) {
      files = listed.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(files).as("nothing left in progress or pending")
        .noneMatch(path -> path.getFileName().toString().startsWith("."));
    assertThat(files).as("committed part files").isNotEmpty()
        .allMatch(path -> path.getFileName().toString().endsWith(".csv"));
    List<String> records = new ArrayList<>();
    for (Path file : files) {
      List<String> lines = List.of(Files.readString(file, StandardCharsets.UTF_8).split("\r\n"));
      assertThat(lines.get(0)).as("header of %s", file.getFileName()).isEqualTo("pk,ck,payload");
      records.addAll(lines.subList(1, lines.size()));
    }
    assertThat(sorted(records)).isEqualTo(expectedCsv());
  }

  private List<String> expectedCsv() throws IOException {
    List<String> records = new ArrayList<>();
    StringWriter text = new StringWriter();
    try (RowWriter writer = RowWriter.csv(text)) {
      for (Row row : session.execute("SELECT pk, ck, payload FROM " + KEYSPACE + "." + TABLE)) {
        writer.writeRow(row);
      }
    }
    records.addAll(List.of(text.toString().split("\r\n")));
    Collections.sort(records);
    return records;
  }

  // --- 6. a node dies mid-job --------------------------------------------------------------------------

  @Test
  @Order(6)
  @SuppressWarnings("try")
  void should_read_every_row_once_when_a_replica_is_killed_mid_job() throws Exception {
    TestFunctions.BlockOnce.reset(2_000);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    CassandraSource<String> source = source(TestSessions.of(contactPoints)).splits(24).splitsPerReader(2)
        .streamConfig(() -> StreamConfig.builder().fetchSize(200).build()).build(keys(), String.class);
    DataStream<String> stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "cassandra")
        .map(new TestFunctions.BlockOnce());

    List<String> rows = new ArrayList<>();
    JobID jobId;
    try (CloseableIterator<String> results = stream.collectAsync()) {
      JobClient job = env.executeAsync("node killed");
      jobId = job.getJobID();
      assertThat(TestFunctions.BlockOnce.reached.await(3, TimeUnit.MINUTES)).isTrue();
      CassandraServer victim = cluster.node(1);
      victim.kill(); // SIGKILL, while subtask 0 is held mid-split and subtask 1 reads on
      LOG.info("Killed {} after 2000 rows of subtask 0", victim.contactPoint());
      TestFunctions.BlockOnce.release.countDown();
      results.forEachRemaining(rows::add);
      job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
    }

    assertThat(sorted(rows)).isEqualTo(expected);
    LOG.info("Node killed: {} page requests were retried", metrics(jobId, "retries", Gauge.class).stream()
        .mapToLong(gauge -> (Long) gauge.getValue()).sum());
  }

  // --- metrics -----------------------------------------------------------------------------------------

  /** The metrics named {@code name} of the job's tasks, every attempt included. */
  private static <M extends Metric> List<M> metrics(JobID job, String name, Class<M> type) {
    List<M> found = new ArrayList<>();
    for (Map.Entry<MetricGroup, Map<String, Metric>> group : METRICS.getMetricsByGroup().entrySet()) {
      if (job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
        Metric metric = group.getValue().get(name);
        if (metric != null) {
          found.add(type.cast(metric));
        }
      }
    }
    return found;
  }

  /** The last registered metric named {@code name} of the job, or null. */
  private static <M extends Metric> M metric(JobID job, String name, Class<M> type) {
    List<M> found = metrics(job, name, type);
    return found.isEmpty() ? null : found.get(found.size() - 1);
  }

  private static long sum(JobID job, String counter) {
    return metrics(job, counter, Counter.class).stream().mapToLong(Counter::getCount).sum();
  }
}
