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
package org.asynccassandra.micrometer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.RowStream;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.TableScan;
import org.asynccassandra.micrometer.AsyncCassandraMetrics;
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

/**
 * The binder on a real session: for the same streams, the meters say what {@link StreamStats} says (rows,
 * pages, bytes, retries), a retry forced by a paused {@link FaultProxy} is counted, and a stream dropped
 * unconsumed is counted as leaked once the garbage collector finds it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class StreamMetricsIT {
  private static final int ROWS = 6_000;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private String table;
  private AsyncSession async;
  private AsyncCassandraMetrics metrics;

  @BeforeAll
  void load(CqlSession cql, TestKeyspace keyspace) {
    table = keyspace.table("metered");
    TestData.createSampleTable(cql, table);
    TestData.loadSampleRows(cql, table, ROWS, 200);
    async = AsyncSession.wrap(cql);
    metrics = new AsyncCassandraMetrics(async, Tags.of("test", "it"));
    metrics.bindTo(registry);
  }

  @AfterAll
  void close() {
    metrics.close();
    async.close();
  }

  private static double sum(SimpleMeterRegistry registry, String meter, String name) {
    return registry.find(meter).tags("name", name).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** Waits for the end event, which the stream's executor runs after the consumer's stage completed. */
  private static void awaitEnded(SimpleMeterRegistry registry, String name) {
    await().atMost(Duration.ofSeconds(30)).until(() -> sum(registry, "asynccassandra.streams.ended", name) == 1);
  }

  private static void assertMetersMatch(SimpleMeterRegistry registry, String name, StreamStats stats) {
    assertThat(sum(registry, "asynccassandra.rows.delivered", name)).isEqualTo((double) stats.rowsDelivered());
    assertThat(sum(registry, "asynccassandra.pages.delivered", name)).isEqualTo((double) stats.pagesFetched());
    assertThat(sum(registry, "asynccassandra.response.bytes", name)).isEqualTo((double) stats.bytesFetched());
    assertThat(sum(registry, "asynccassandra.page.retries", name)).isEqualTo((double) stats.retries());
    assertThat(registry.get("asynccassandra.page.fetch").tags("name", name).timer().count())
        .isEqualTo(stats.pagesFetched());
    assertThat(registry.get("asynccassandra.streams.open").tags("name", name).gauge().value()).isZero();
  }

  @Test
  void should_measure_a_query_stream_as_its_stats_say() {
    StreamStats stats;
    try (RowStream stream = async.executeStream(SimpleStatement.newInstance("SELECT * FROM " + table),
        StreamConfig.builder().name("it-query").fetchSize(700).build())) {
      stream.forEach(row -> {}).toCompletableFuture().join();
      stats = stream.stats();
    }
    awaitEnded(registry, "it-query");
    assertThat(stats.rowsDelivered()).isEqualTo(ROWS);
    assertThat(stats.bytesFetched()).isPositive();
    assertMetersMatch(registry, "it-query", stats);
    assertThat(registry.get("asynccassandra.streams.ended").tags("name", "it-query", "outcome", "completed",
        "style", "forEach", "kind", "query").counter().count()).isEqualTo(1);
  }

  @Test
  void should_measure_a_scan_as_its_stats_say() {
    StreamStats stats;
    try (TableScan scan = async.scanTable(table.substring(0, table.indexOf('.')), table.substring(table.indexOf('.') + 1),
        ScanConfig.builder().splits(8).streamConfig(StreamConfig.builder().name("it-scan").fetchSize(300).build())
            .build())) {
      scan.forEachPage(page -> {}).toCompletableFuture().join();
      stats = scan.stats();
    }
    awaitEnded(registry, "it-scan");
    assertThat(stats.rowsDelivered()).isEqualTo(ROWS);
    assertMetersMatch(registry, "it-scan", stats);
    assertThat(registry.get("asynccassandra.streams.ended").tags("name", "it-scan", "kind", "scan",
        "table", table.substring(table.indexOf('.') + 1)).counter().count()).isEqualTo(1);
  }

  @Test
  void should_show_a_scans_ranges_done_and_pending_until_none_is_pending() {
    SimpleMeterRegistry ranges = new SimpleMeterRegistry();
    List<double[]> seen = new CopyOnWriteArrayList<>();
    int rangeCount;
    ScanCheckpoint end;
    try (AsyncCassandraMetrics binder = new AsyncCassandraMetrics(async)) {
      binder.bindTo(ranges);
      try (TableScan scan = async.scanTable(table.substring(0, table.indexOf('.')),
          table.substring(table.indexOf('.') + 1), ScanConfig.builder().splits(8).parallelism(2)
              .streamConfig(StreamConfig.builder().name("it-ranges").fetchSize(300).build()).build())) {
        rangeCount = scan.rangeCount();
        assertThat(rangeGauge(ranges, "done")).isZero();
        assertThat(rangeGauge(ranges, "pending")).isEqualTo(rangeCount);
        scan.forEachPage(page -> seen.add(new double[] {rangeGauge(ranges, "done"), rangeGauge(ranges, "pending")}))
            .toCompletableFuture().join();
        end = scan.checkpoint();
      }
      awaitEnded(ranges, "it-ranges");
    }
    assertThat(rangeCount).isGreaterThanOrEqualTo(4);
    assertThat(seen).allSatisfy(at -> assertThat(at[0] + at[1]).isEqualTo(rangeCount));
    assertThat(seen).as("some page came with ranges both done and pending")
        .anySatisfy(at -> assertThat(at[0]).isPositive().isLessThan(rangeCount));
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i)[0]).as("ranges done never go back").isGreaterThanOrEqualTo(seen.get(i - 1)[0]);
    }
    // At the end the gauges say what the scan's own checkpoint says, every range done.
    assertThat(end.isComplete()).isTrue();
    assertThat(rangeGauge(ranges, "done")).isEqualTo((double) end.rangesDone()).isEqualTo(rangeCount);
    assertThat(rangeGauge(ranges, "pending")).isZero();
  }

  private static double rangeGauge(SimpleMeterRegistry registry, String state) {
    return registry.get("asynccassandra.scan.ranges").tags("name", "it-ranges", "state", state).gauge().value();
  }

  @Test
  void should_count_the_retries_of_a_page_whose_requests_time_out(CassandraServer server) throws Exception {
    SimpleMeterRegistry retries = new SimpleMeterRegistry();
    try (FaultProxy proxy = FaultProxy.start(server.contactPoint());
         CqlSession proxied = proxy.sessionBuilder(server.localDatacenter(), options -> options
             .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(1))).build();
         AsyncSession session = AsyncSession.wrap(proxied);
         AsyncCassandraMetrics binder = new AsyncCassandraMetrics(session)) {
      binder.bindTo(retries);
      StreamStats stats;
      try (RowStream stream = session.executeStream(SimpleStatement.newInstance("SELECT * FROM " + table),
          StreamConfig.builder().name("it-retry").fetchSize(1_000).prefetchPages(0)
              .retry(10, Duration.ofMillis(200)).build())) {
        stream.forEachPage(page -> {
          if (page.number() == 2) {
            // Page 3's request is held until its requests timed out at least once.
            proxy.pause();
            CompletableFuture.delayedExecutor(2_500, TimeUnit.MILLISECONDS).execute(proxy::resume);
          }
        }).toCompletableFuture().get(2, TimeUnit.MINUTES);
        stats = stream.stats();
      }
      awaitEnded(retries, "it-retry");
      assertThat(stats.retries()).isPositive();
      assertThat(stats.rowsDelivered()).isEqualTo(ROWS);
      assertMetersMatch(retries, "it-retry", stats);
      assertThat(retries.get("asynccassandra.page.retries").tags("exception", "DriverTimeoutException").counter()
          .count()).isEqualTo((double) stats.retries());
    }
  }

  @Test
  void should_count_a_stream_dropped_unconsumed_as_leaked() {
    double leakedBefore = sum(registry, "asynccassandra.streams.leaked", "it-leak");
    WeakReference<RowStream> dropped = createAndDrop();
    assertThat(registry.get("asynccassandra.streams.open").tags("name", "it-leak").gauge().value()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      System.gc();
      return dropped.get() == null && sum(registry, "asynccassandra.streams.leaked", "it-leak") > leakedBefore;
    });
    assertThat(registry.get("asynccassandra.streams.ended").tags("name", "it-leak", "outcome", "leaked",
        "style", "none").counter().count()).isEqualTo(1);
    assertThat(registry.get("asynccassandra.streams.open").tags("name", "it-leak").gauge().value()).isZero();
  }

  private WeakReference<RowStream> createAndDrop() {
    return new WeakReference<>(async.executeStream(SimpleStatement.newInstance("SELECT * FROM " + table),
        StreamConfig.builder().name("it-leak").build()));
  }
}
