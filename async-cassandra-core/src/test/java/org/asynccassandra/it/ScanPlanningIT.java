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

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.ScanRange;
import org.asynccassandra.TableScan;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Public scan planning: ranges handed out to several scans, shards of the ring, and their checkpoints. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class ScanPlanningIT {
  private static final int ROWS = 10_000;

  private AsyncSession async;
  private String keyspace;
  private List<String> expected;

  @BeforeAll
  void load(CqlSession session, TestKeyspace testKeyspace) {
    keyspace = testKeyspace.name();
    TestData.createSampleTable(session, testKeyspace.table("planned"));
    TestData.loadSampleRows(session, testKeyspace.table("planned"), ROWS, 40); // 250 partitions
    async = AsyncSession.wrap(session);
    expected = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      expected.add((i / 40) + "/" + (i % 40));
    }
    Collections.sort(expected);
  }

  @AfterAll
  void close() {
    async.close();
  }

  private List<String> read(ScanConfig config) {
    List<String> rows = Collections.synchronizedList(new ArrayList<>());
    try (TableScan scan = async.scanTable(keyspace, "planned", config)) {
      scan.forEach((Row row) -> rows.add(row.getInt("pk") + "/" + row.getInt("ck"))).toCompletableFuture().join();
      assertThat(scan.checkpoint().isComplete()).isTrue();
      assertThat(scan.checkpoint().rowsDelivered()).isEqualTo(rows.size());
    }
    return rows;
  }

  /**
   * A materialized view was refused as "Unknown table": the planner looked among the tables only. Cassandra 5.0
   * creates views only where cassandra.yaml enables them, which the shared server does not: a server of its
   * own (about 15 s to start), with 2,000 rows.
   */
  @Test
  void should_scan_a_materialized_view_as_a_table() {
    try (CassandraServer server = CassandraServer.builder().heap("512M")
            .yaml("materialized_views_enabled", "true").start();
         CqlSession session = server.newSession();
         AsyncSession viewAsync = AsyncSession.wrap(session)) {
      session.execute("CREATE KEYSPACE views WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      TestData.createSampleTable(session, "views.base");
      TestData.loadSampleRows(session, "views.base", 2_000, 40);
      session.execute("CREATE MATERIALIZED VIEW views.by_ck AS SELECT pk, ck FROM views.base "
          + "WHERE ck IS NOT NULL AND pk IS NOT NULL PRIMARY KEY (ck, pk)");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> session.execute(
          "SELECT count(*) FROM views.by_ck").one().getLong(0) == 2_000); // built in the background
      List<String> rows = Collections.synchronizedList(new ArrayList<>());
      try (TableScan scan = viewAsync.scanTable("views", "by_ck", ScanConfig.builder().splits(8).build())) {
        scan.forEach((Row row) -> rows.add(row.getInt("pk") + "/" + row.getInt("ck"))).toCompletableFuture()
            .join();
        assertThat(scan.checkpoint().isComplete()).isTrue();
      }
      assertThat(rows).hasSize(2_000).doesNotHaveDuplicates();
      assertThatThrownBy(() -> viewAsync.scanTable("views", "no_such_view", ScanConfig.builder().build()))
          .hasMessageContaining("Unknown table").hasMessageContaining("materialized views: by_ck");
    }
  }

  @Test
  void should_read_every_row_once_when_planned_ranges_are_spread_over_three_scans() {
    List<ScanRange> plan = async.planScan(keyspace, "planned", ScanConfig.builder().splits(16).build());
    assertThat(plan).hasSizeGreaterThanOrEqualTo(16).doesNotHaveDuplicates();
    List<String> all = new ArrayList<>();
    for (int worker = 0; worker < 3; worker++) {
      List<ScanRange> mine = new ArrayList<>();
      for (int i = worker; i < plan.size(); i += 3) {
        mine.add(plan.get(i));
      }
      all.addAll(read(ScanConfig.builder().columns("pk", "ck").ranges(mine).build()));
    }
    Collections.sort(all);
    assertThat(all).isEqualTo(expected);
  }

  @Test
  void should_read_once_every_row_that_a_where_of_several_conditions_selects() {
    List<String> selected = expected.stream()
        .filter(key -> Integer.parseInt(key.substring(key.indexOf('/') + 1)) >= 10
            && Integer.parseInt(key.substring(key.indexOf('/') + 1)) < 20)
        .sorted().toList();
    for (int splits : new int[] {1, 8}) { // 1: the whole ring in one query, with no token restriction
      List<String> rows = new ArrayList<>(read(ScanConfig.builder().columns("pk", "ck").splits(splits)
          .where("ck >= 10 AND ck < 20").allowFiltering(true).build()));
      Collections.sort(rows);
      assertThat(rows).as("%d splits", splits).isEqualTo(selected);
    }
  }

  /**
   * A range that failed was named "scan of ks.planned" and its token range only: the where clause, the usual
   * cause of a refused query, was left out of the message.
   */
  @Test
  void should_name_the_where_clause_of_a_scan_whose_query_the_server_refuses() {
    ScanConfig filtering = ScanConfig.builder().columns("pk", "ck").splits(2).where("ck >= 10").build();
    try (TableScan scan = async.scanTable(keyspace, "planned", filtering)) {
      assertThatThrownBy(() -> scan.forEach((Row row) -> { }).toCompletableFuture().join())
          .cause().isInstanceOf(PageFetchException.class)
          .hasMessageContaining("Failed to fetch page 1 of 'scan of " + keyspace + ".planned where ck >= 10' in "
              + "token range (")
          .hasMessageContaining("ALLOW FILTERING");
    }
  }

  @Test
  void should_read_every_row_once_over_the_shards_of_the_ring_whatever_their_splits() {
    List<String> all = new ArrayList<>();
    for (int shard = 1; shard <= 5; shard++) {
      all.addAll(read(ScanConfig.builder().columns("pk", "ck").splits(3 + shard).parallelism(2)
          .shard(new ScanConfig.Shard(shard, 5)).build()));
    }
    Collections.sort(all);
    assertThat(all).isEqualTo(expected);
  }

  @Test
  void should_refuse_to_resume_a_checkpoint_with_another_shard() {
    ScanConfig first = ScanConfig.builder().columns("pk", "ck").shard(new ScanConfig.Shard(1, 2)).build();
    ScanCheckpoint checkpoint;
    try (TableScan scan = async.scanTable(keyspace, "planned", first)) {
      checkpoint = scan.checkpoint();
    }
    assertThatThrownBy(() -> async.scanTable(keyspace, "planned", ScanConfig.builder().columns("pk", "ck")
        .shard(new ScanConfig.Shard(2, 2)).resumeFrom(checkpoint).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restriction");
  }

  @Test
  void should_refuse_a_chosen_range_that_wraps_around_the_ring() {
    // Cassandra reads (start, end] with start > end as empty: the scan ended with none of the range's rows.
    ScanRange wrapping = ScanRange.of("9000000000000000000", "-9000000000000000000");
    assertThatThrownBy(() -> async.scanTable(keyspace, "planned", ScanConfig.builder().columns("pk", "ck")
        .ranges(List.of(wrapping)).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wraps around")
        .hasMessageContaining(wrapping.toString());
    List<String> unwrapped = read(ScanConfig.builder().columns("pk", "ck").ranges(List.of(
        ScanRange.of("9000000000000000000", "-9223372036854775808"),
        ScanRange.of("-9223372036854775808", "-9000000000000000000"))).build());
    List<String> inside = read(ScanConfig.builder().columns("pk", "ck").ranges(List.of(
        ScanRange.of("-9000000000000000000", "9000000000000000000"))).build());
    List<String> all = new ArrayList<>(unwrapped);
    all.addAll(inside);
    Collections.sort(all);
    assertThat(all).as("its two halves and the rest: the whole table, once").isEqualTo(expected);
  }

  @Test
  void should_refuse_ranges_that_share_tokens_whether_chosen_or_resumed() {
    assertThatThrownBy(() -> async.scanTable(keyspace, "planned", ScanConfig.builder().columns("pk", "ck")
        .ranges(List.of(ScanRange.of("0", "100"), ScanRange.of("50", "150"))).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap")
        .hasMessageContaining("(0, 100]");
    ScanCheckpoint checkpoint;
    try (TableScan scan = async.scanTable(keyspace, "planned", ScanConfig.builder().columns("pk", "ck")
        .ranges(List.of(ScanRange.of("0", "100"))).build())) {
      checkpoint = scan.checkpoint();
    }
    ScanCheckpoint.Range once = checkpoint.ranges().get(0);
    ScanCheckpoint twice = new ScanCheckpoint(checkpoint.keyspace(), checkpoint.table(),
        checkpoint.queryFingerprint(), List.of(once, new ScanCheckpoint.Range("000", "100", once.state(), null, 0)));
    assertThatThrownBy(() -> async.scanTable(keyspace, "planned", ScanConfig.builder().columns("pk", "ck")
        .resumeFrom(twice).build()))
        .as("the same range twice, written two ways").isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap");
  }

  @Test
  void should_refuse_a_token_range_and_a_shard_that_share_no_token() {
    // Shard 2 of 4 is (-2^62, 0]: with the range (0, 100] the plan had no range, and the scan ended at once,
    // "complete", having read nothing.
    ScanConfig disjoint = ScanConfig.builder().tokenRange(ScanRange.of("0", "100"))
        .shard(new ScanConfig.Shard(2, 4)).build();
    assertThatThrownBy(() -> async.planScan(keyspace, "planned", disjoint))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(0, 100]").hasMessageContaining("share no token");
    assertThat(async.planScan(keyspace, "planned", ScanConfig.builder().tokenRange(ScanRange.of("0", "100"))
        .shard(new ScanConfig.Shard(3, 4)).build())).as("the shard that holds the range").isNotEmpty();
  }

  @Test
  void should_name_a_token_that_is_not_one_of_the_partitioner() {
    assertThatThrownBy(() -> async.scanTable(keyspace, "planned", ScanConfig.builder()
        .tokenRange(ScanRange.of("abc", "12")).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("abc");
  }

  @Test
  void should_query_chosen_tokens_as_the_partitioner_writes_them() {
    // "+0" parses as a token, but CQL has no unary plus: the first request failed with a syntax error.
    List<String> rows = read(ScanConfig.builder().columns("pk", "ck").ranges(List.of(
        ScanRange.of("-9223372036854775808", "-0"), ScanRange.of("+0", "+9223372036854775807"))).build());
    Collections.sort(rows);
    assertThat(rows).isEqualTo(expected);
    assertThat(async.planScan(keyspace, "planned", ScanConfig.builder().ranges(List.of(ScanRange.of("+5", "0100")))
        .build())).containsExactly(ScanRange.of("5", "100"));
    assertThatThrownBy(() -> async.planScan(keyspace, "planned", ScanConfig.builder()
        .ranges(List.of(ScanRange.of("5", "05"))).build())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The token range (5, 05] is empty: its start and end are one token (5)");
    assertThatThrownBy(() -> async.planScan(keyspace, "planned", ScanConfig.builder()
        .tokenRange(ScanRange.of("5", "05")).build())).as("a restriction, which read nothing without a word")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The token range (5, 05] is empty: its start and end are one token (5)");
    // A restriction written another way is the same restriction: its checkpoint resumes.
    ScanCheckpoint checkpoint;
    try (TableScan scan = async.scanTable(keyspace, "planned", ScanConfig.builder().columns("pk", "ck")
        .tokenRange(ScanRange.of("+0", "100")).build())) {
      checkpoint = scan.checkpoint();
    }
    async.planScan(keyspace, "planned", ScanConfig.builder().columns("pk", "ck").tokenRange(ScanRange.of("0", "100"))
        .resumeFrom(checkpoint).build());
  }
}
