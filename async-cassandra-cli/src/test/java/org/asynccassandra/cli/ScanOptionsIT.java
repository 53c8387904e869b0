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

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Part of a table: shards and token ranges, and the end-of-run summary, through the real command line. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class ScanOptionsIT {
  private static final int ROWS = 20_000;

  private String contactPoint;
  private String keyspace;
  private CqlSession session;

  @BeforeAll
  void load(CqlSession session, TestKeyspace testKeyspace, CassandraServer server) {
    this.session = session;
    contactPoint = server.contactPoint().getHostString() + ":" + server.contactPoint().getPort();
    keyspace = testKeyspace.name();
    TestData.createSampleTable(session, keyspace + ".parts");
    TestData.loadSampleRows(session, keyspace + ".parts", ROWS, 50); // 400 partitions
  }

  private DemoCommandIT.Captured run(String command, String... options) {
    List<String> args = new ArrayList<>(List.of(command, "--contact-point", contactPoint, "--keyspace", keyspace,
        "--table", "parts"));
    args.addAll(List.of(options));
    return DemoCommandIT.capture(args.toArray(String[]::new));
  }

  @Test
  void should_export_every_row_exactly_once_over_the_shards_of_the_ring(@TempDir Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int shard = 1; shard <= 4; shard++) {
      Path file = dir.resolve("shard" + shard + ".ndjson");
      DemoCommandIT.Captured export = run("export", "--format", "ndjson", "--columns", "pk,ck", "--shard",
          shard + "/4", "--output", file.toString());
      assertThat(export.exitCode()).as(export.err()).isZero();
      assertThat(export.err()).contains("shard " + shard + "/4").contains("every range was read in full");
      lines.addAll(Files.readAllLines(file));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      expected.add("{\"pk\":" + (i / 50) + ",\"ck\":" + (i % 50) + "}");
    }
    Collections.sort(lines);
    Collections.sort(expected);
    assertThat(lines).isEqualTo(expected);
  }

  @Test
  void should_count_only_the_tokens_of_a_token_range_and_write_the_summary(@TempDir Path dir) throws IOException {
    long inRange = session.execute("SELECT count(*) FROM " + keyspace + ".parts WHERE token(pk) > -3000000000000000000"
        + " AND token(pk) <= 4000000000000000000").one().getLong(0);
    Path summary = dir.resolve("summary.json");
    Instant before = Instant.now();
    DemoCommandIT.Captured count = run("count", "--token-range", "-3000000000000000000:4000000000000000000",
        "--summary", summary.toString());
    Instant after = Instant.now();
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.out().strip()).isEqualTo(String.valueOf(inRange));
    assertThat(inRange).isBetween(1L, (long) ROWS - 1);
    String json = Files.readString(summary);
    assertThat(json).contains("\"complete\":true").contains("\"rows\":" + inRange)
        .contains("\"tokenRange\":\"(-3000000000000000000, 4000000000000000000]\"");
    SummaryTimings.assertEveryStageInOrder(json, before, after);
  }

  @Test
  void should_count_the_whole_table_over_a_wrapping_token_range_and_its_complement() {
    long first = Long.parseLong(run("count", "--token-range", "4000000000000000000:-3000000000000000000").out().strip());
    long second = Long.parseLong(run("count", "--token-range", "-3000000000000000000:4000000000000000000").out().strip());
    assertThat(first + second).isEqualTo(ROWS);
  }

  @Test
  void should_refuse_a_bad_shard_or_token_range_as_a_usage_error() {
    DemoCommandIT.Captured shard = run("count", "--shard", "5/4");
    assertThat(shard.exitCode()).isEqualTo(2);
    assertThat(shard.err()).contains("5/4");
    DemoCommandIT.Captured range = run("count", "--token-range", "12");
    assertThat(range.exitCode()).isEqualTo(2);
    assertThat(range.err()).contains("START:END");
    DemoCommandIT.Captured rate = run("count", "--max-rate", "0");
    assertThat(rate.exitCode()).isEqualTo(2);
    assertThat(rate.err()).contains("--max-rate must be > 0: 0");
  }

  @Test
  void should_print_the_scans_meters_at_the_end_with_metrics_summary() {
    DemoCommandIT.Captured count = run("count", "--metrics-summary", "--splits", "8");
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.out().strip()).isEqualTo(String.valueOf(ROWS));
    assertThat(count.err()).contains("Metrics:")
        .containsPattern("asynccassandra\\.rows\\.delivered\\{[^}]*kind=scan[^}]*style=forEachPage[^}]*} " + ROWS)
        .containsPattern("asynccassandra\\.streams\\.ended\\{[^}]*outcome=completed[^}]*} 1")
        .containsPattern("asynccassandra\\.page\\.fetch\\{[^}]*} count=\\d+ mean=.* p50=.* p99=");
    DemoCommandIT.Captured without = run("count");
    assertThat(without.err()).doesNotContain("Metrics:");
  }

  @Test
  void should_limit_the_read_rate_without_losing_rows() {
    DemoCommandIT.Captured count = run("count", "--max-rate", "40000", "--fetch-size", "1000");
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.out().strip()).isEqualTo(String.valueOf(ROWS));
  }

  @Test
  void should_fail_a_count_that_cannot_write_it_to_stdout(@TempDir Path dir) throws IOException {
    // System.out swallowed the failure (a closed pipe, a full disk): the count exited 0, its summary complete.
    Path summary = dir.resolve("summary.json");
    DemoCommandIT.ClosedPipe closedPipe = new DemoCommandIT.ClosedPipe();
    DemoCommandIT.Captured count = DemoCommandIT.capture(closedPipe, () -> "", "count", "--contact-point",
        contactPoint, "--keyspace", keyspace, "--table", "parts", "--summary", summary.toString());
    assertThat(closedPipe.writes()).as("the count was written to stdout").isPositive();
    assertThat(count.exitCode()).as(count.err()).isEqualTo(1);
    assertThat(count.err()).contains("error: Cannot write the count to stdout")
        .contains(String.format(java.util.Locale.ROOT, "%,d rows in %s.parts", ROWS, keyspace));
    assertThat(Files.readString(summary)).contains("\"complete\":false").contains("\"rows\":" + ROWS);
  }
}
