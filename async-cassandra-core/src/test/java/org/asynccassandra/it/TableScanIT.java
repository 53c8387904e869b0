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
package org.asynccassandra.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.token.TokenRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.PageEvent;
import org.asynccassandra.StreamListener;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.TableScan;
import org.asynccassandra.testkit.CassandraCluster;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.FaultProxy;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class TableScanIT {
  private static final int ROWS = 30_000;

  private AsyncSession async;
  private String keyspace;
  private Set<String> expected;

  @BeforeAll
  void load(CqlSession session, TestKeyspace testKeyspace) {
    keyspace = testKeyspace.name();
    TestData.createSampleTable(session, testKeyspace.table("scanned"));
    TestData.loadSampleRows(session, testKeyspace.table("scanned"), ROWS, 100); // 300 partitions
    async = AsyncSession.wrap(session);
    expected = new HashSet<>();
    for (int i = 0; i < ROWS; i++) {
      expected.add((i / 100) + "/" + (i % 100));
    }
  }

  @AfterAll
  void close() {
    async.close();
  }

  private static String key(Row row) {
    return row.getInt("pk") + "/" + row.getInt("ck");
  }

  private ScanConfig.Builder config() {
    return ScanConfig.builder().columns("pk", "ck").streamConfig(StreamConfig.builder().fetchSize(700).build());
  }

  @ParameterizedTest(name = "splits {0}, parallelism {1}")
  @CsvSource({"1, 1", "1, 4", "7, 1", "7, 4", "64, 1", "64, 4"})
  void should_return_every_row_exactly_once(int splits, int parallelism) {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    try (TableScan scan = async.scanTable(keyspace, "scanned", config().splits(splits).parallelism(parallelism).build())) {
      scan.forEach(row -> seen.add(key(row))).toCompletableFuture().join();
      assertThat(scan.progress()).isEqualTo(1.0);
      assertThat(scan.checkpoint().isComplete()).isTrue();
    }
    assertThat(seen).hasSize(ROWS);
    assertThat(new HashSet<>(seen)).isEqualTo(expected);
  }

  @Test
  void should_read_every_row_once_while_its_connections_are_dropped_again_and_again(CassandraServer server)
      throws Exception {
    // 64 ranges read 4 at a time in pages of 200 through a proxy that drops every connection each 15 pages:
    // requests lost as they go out, while in flight, and retried before the driver reconnected (found not
    // retried at all by AdaptivePagingIT on a single stream). Every row once; the scan retried.
    List<String> seen = new ArrayList<>();
    int[] pages = {0};
    int[] drops = {0};
    try (FaultProxy proxy = FaultProxy.start(server.contactPoint());
         CqlSession proxied = proxy.sessionBuilder(server.localDatacenter(), options -> options
             .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(100))
             .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofMillis(500))).build();
         AsyncSession through = AsyncSession.wrap(proxied);
         TableScan scan = through.scanTable(keyspace, "scanned", ScanConfig.builder().columns("pk", "ck")
             .splits(64).parallelism(4).streamConfig(StreamConfig.builder().fetchSize(200).prefetchPages(1)
                 .retry(30, Duration.ofMillis(50)).build()).build())) {
      scan.forEachPage(page -> {
        page.rows().forEach(row -> seen.add(key(row)));
        if (++pages[0] % 15 == 0) {
          proxy.dropAllConnections();
          drops[0]++;
        }
      }).toCompletableFuture().get(5, java.util.concurrent.TimeUnit.MINUTES);

      assertThat(drops[0]).as("connections dropped").isGreaterThanOrEqualTo(5);
      assertThat(scan.stats().retries()).as("lost requests retried").isPositive();
      assertThat(scan.checkpoint().isComplete()).isTrue();
    }
    assertThat(seen).hasSize(ROWS);
    assertThat(new HashSet<>(seen)).isEqualTo(expected);
  }

  @Test
  void should_resume_from_checkpoints_taken_at_random_points_without_loss_or_repeat() {
    Random random = new Random(11);
    for (int attempt = 0; attempt < 6; attempt++) {
      List<String> seen = new ArrayList<>();
      int stopAfter = random.nextInt(ROWS);
      ScanCheckpoint checkpoint;
      try (TableScan scan = async.scanTable(keyspace, "scanned", config().splits(16).parallelism(3).build())) {
        Iterator<Row> rows = scan.iterator();
        while (seen.size() < stopAfter && rows.hasNext()) {
          seen.add(key(rows.next()));
        }
        checkpoint = ScanCheckpoint.decode(scan.checkpoint().encode()); // as if written to a file and read back
      }
      // Resume, maybe more than once, until the checkpoint says done.
      while (!checkpoint.isComplete()) {
        try (TableScan resumed = async.scanTable(keyspace, "scanned", config().parallelism(2).resumeFrom(checkpoint).build())) {
          Iterator<Row> rows = resumed.iterator();
          int more = 1 + random.nextInt(ROWS);
          for (int i = 0; i < more && rows.hasNext(); i++) {
            seen.add(key(rows.next()));
          }
          if (!rows.hasNext()) {
            assertThat(resumed.checkpoint().isComplete()).isTrue();
          }
          checkpoint = resumed.checkpoint();
        }
      }
      assertThat(seen).as("attempt %d, stopped after %d rows", attempt, stopAfter).hasSize(ROWS);
      assertThat(new HashSet<>(seen)).isEqualTo(expected);
    }
  }

  @Test
  void should_refuse_unknown_tables_and_checkpoints_of_another_scan(CqlSession session, TestKeyspace testKeyspace) {
    assertThatThrownBy(() -> async.scanTable(keyspace, "missing", ScanConfig.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown table").hasMessageContaining("scanned");
    assertThatThrownBy(() -> async.scanTable("no_such_keyspace", "t", ScanConfig.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown keyspace 'no_such_keyspace'");
    ScanCheckpoint checkpoint;
    try (TableScan scan = async.scanTable(keyspace, "scanned", config().build())) {
      checkpoint = scan.checkpoint();
    }
    TestData.createSampleTable(session, testKeyspace.table("other"));
    assertThatThrownBy(() -> async.scanTable(keyspace, "other", config().resumeFrom(checkpoint).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to table");
    assertThatThrownBy(() -> async.scanTable(keyspace, "scanned",
        ScanConfig.builder().columns("pk").resumeFrom(checkpoint).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other columns");
  }

  @Test
  void should_count_progress_by_the_width_of_the_ranges_done_also_after_a_resume() {
    ScanRange half = ScanRange.of("-9223372036854775808", "0");
    ScanRange quarter = ScanRange.of("0", "4611686018427387904");
    ScanCheckpoint planned;
    try (TableScan scan = async.scanTable(keyspace, "scanned", config().ranges(List.of(half, quarter)).build())) {
      assertThat(scan.progress()).isZero();
      planned = scan.checkpoint();
    }
    ScanCheckpoint.Range first = planned.ranges().get(0);
    ScanCheckpoint halfDone = new ScanCheckpoint(planned.keyspace(), planned.table(), planned.queryFingerprint(),
        List.of(new ScanCheckpoint.Range(first.start(), first.end(), ScanCheckpoint.State.DONE, null, 0, 0),
            planned.ranges().get(1)));
    try (TableScan resumed = async.scanTable(keyspace, "scanned", config().resumeFrom(halfDone).build())) {
      // Half the ring against a quarter: two thirds of the scan's tokens, where counting ranges said one half.
      assertThat(resumed.progress()).isCloseTo(2.0 / 3, within(1e-9));
      resumed.forEachPage(page -> { }).toCompletableFuture().join();
      assertThat(resumed.progress()).isEqualTo(1.0);
    }
  }

  @Test
  void should_scan_a_three_node_cluster_exactly_once_sending_each_range_to_a_replica() {
    try (CassandraCluster cluster = CassandraServer.builder().nodes(3).heap("512M").startCluster();
         CqlSession session = cluster.newSession();
         AsyncSession clusterAsync = AsyncSession.wrap(session)) {
      TestData.createKeyspace(session, "scan_cluster", 1); // one replica per range: routing must be exact
      TestData.createSampleTable(session, "scan_cluster.t");
      TestData.loadSampleRows(session, "scan_cluster.t", 9_000, 30);
      org.awaitility.Awaitility.await().until(() -> session.getMetadata().getTokenMap().isPresent()
          && session.getMetadata().getNodes().size() == 3);
      TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow();
      ScanConfig config = ScanConfig.builder().columns("pk", "ck").splits(24).parallelism(4)
          .streamConfig(StreamConfig.builder().fetchSize(500).build()).build();
      // 48 vnodes, one replica each: the 24 ranges asked for merge neighbours only where both have one owner, so
      // that each range's coordinator holds all of it (it merged any two neighbours, the coordinator then read
      // the other's rows from its owner).
      List<ScanRange> plan = clusterAsync.planScan("scan_cluster", "t", config);
      List<String> spanningOwners = new ArrayList<>();
      for (ScanRange range : plan) {
        TokenRange planned = tokens.newTokenRange(tokens.parse(range.start()), tokens.parse(range.end()));
        Set<Set<Node>> owners = new HashSet<>();
        for (TokenRange vnode : tokens.getTokenRanges()) {
          if (vnode.intersects(planned)) {
            owners.add(tokens.getReplicas("scan_cluster", vnode));
          }
        }
        if (owners.size() != 1) {
          spanningOwners.add(range + " -> " + owners);
        }
      }
      assertThat(spanningOwners).as("planned ranges over vnodes of different replicas").isEmpty();
      assertThat(plan.size()).isBetween(24, tokens.getTokenRanges().size() + 1); // + 1: the wrapping vnode's 2 pieces
      Set<String> seen = ConcurrentHashMap.newKeySet();
      List<String> misrouted = Collections.synchronizedList(new ArrayList<>());
      int[] rows = new int[1];
      int[] pages = new int[1];
      List<String> withoutExecutionInfo = Collections.synchronizedList(new ArrayList<>());
      List<String> checked = Collections.synchronizedList(new ArrayList<>());
      try (TableScan scan = clusterAsync.scanTable("scan_cluster", "t", config)) {
        scan.forEachPage(page -> {
          rows[0] += page.size();
          pages[0]++;
          page.rows().forEach(row -> seen.add(key(row)));
          if (page.executionInfo() == null) {
            withoutExecutionInfo.add("page " + page.number() + " of " + page.size() + " rows");
            return;
          }
          Statement<?> request = (Statement<?>) page.executionInfo().getRequest();
          Node coordinator = page.executionInfo().getCoordinator();
          assertThat(request.getRoutingToken()).as("routing token of page %d", page.number()).isNotNull();
          checked.add(((SimpleStatement) request).getQuery());
          if (!tokens.getReplicas("scan_cluster", request.getRoutingToken()).contains(coordinator)) {
            misrouted.add(((SimpleStatement) request).getQuery() + " -> " + coordinator);
          }
        }).toCompletableFuture().join();
      }
      assertThat(rows[0]).isEqualTo(9_000);
      assertThat(seen).hasSize(9_000);
      // The routing check must have run: on every page, not on none (a page without execution info was skipped).
      assertThat(withoutExecutionInfo).as("pages that carried no execution info").isEmpty();
      assertThat(checked).as("pages whose coordinator was checked").hasSize(pages[0]).isNotEmpty();
      assertThat(misrouted).isEmpty();
    }
  }

  @Test
  void should_size_the_pages_of_each_range_to_the_byte_target_on_a_wide_row_table(CqlSession session,
      TestKeyspace testKeyspace) {
    int partitions = 8;
    int rowsPerPartition = 30;
    int blobBytes = 64 * 1024;
    long target = 1024 * 1024;
    String wide = testKeyspace.table("wide_scanned");
    session.execute("CREATE TABLE " + wide + " (pk int, ck int, payload blob, PRIMARY KEY (pk, ck))");
    com.datastax.oss.driver.api.core.cql.PreparedStatement insert =
        session.prepare("INSERT INTO " + wide + " (pk, ck, payload) VALUES (?, ?, ?)");
    List<CompletableFuture<?>> writes = new ArrayList<>();
    Set<String> wideExpected = new HashSet<>();
    for (int pk = 0; pk < partitions; pk++) {
      for (int ck = 0; ck < rowsPerPartition; ck++) {
        writes.add(session.executeAsync(insert.bind(pk, ck, java.nio.ByteBuffer.wrap(new byte[blobBytes])))
            .toCompletableFuture());
        wideExpected.add(pk + "/" + ck);
      }
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    List<PageEvent> events = new CopyOnWriteArrayList<>();
    List<String> seen = Collections.synchronizedList(new ArrayList<>());

    try (TableScan scan = async.scanTable(keyspace, "wide_scanned", ScanConfig.builder().splits(8).parallelism(2)
        .streamConfig(StreamConfig.builder().fetchSize(5_000).targetPageBytes(target)
            .listener(StreamListener.onPages(events::add)).build()).build())) {
      scan.forEach(row -> seen.add(key(row))).toCompletableFuture().join();
    }

    assertThat(seen).as("every row once").hasSize(partitions * rowsPerPartition);
    assertThat(new HashSet<>(seen)).isEqualTo(wideExpected);
    assertThat(events.get(0).requestedPageSize()).as("a probe first").isEqualTo(StreamConfig.PROBE_PAGE_SIZE);
    // From the fetch size of 5,000 rows (320 MiB of them) down to what fits in 1 MiB: 15 or 16 rows.
    assertThat(events).allSatisfy(event -> assertThat(event.requestedPageSize()).isBetween(1, 16));
    List<PageEvent> sizedByBytes = events.stream()
        .filter(event -> event.requestedPageSize() > StreamConfig.PROBE_PAGE_SIZE).toList();
    assertThat(sizedByBytes).as("pages sized by the bytes measured").isNotEmpty()
        .allSatisfy(event -> assertThat(event.requestedPageSize()).isBetween(15, 16));
    assertThat(events).allSatisfy(event -> assertThat(event.responseBytes()).as("page %d", event.pageNumber())
        .isLessThanOrEqualTo(target));
    assertThat(sizedByBytes.stream().filter(event -> event.rowsInPage() == event.requestedPageSize()))
        .as("full pages are near the target").isNotEmpty()
        .allSatisfy(event -> assertThat(event.responseBytes()).isGreaterThan(target - 2L * (blobBytes + 100)));
  }
}
