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

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.asynccassandra.StreamListener;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.PageEvent;
import org.asynccassandra.QueryStream;
import org.asynccassandra.StreamConfig;
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
 * Page sizes chosen by the stream against a real Cassandra: pages of wide rows sized by bytes, and a small
 * first page that ramps up; the rows must equal a plain read of the driver, whatever the page sizes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class AdaptivePagingIT {
  private static final int PARTITIONS = 3;
  private static final int ROWS_PER_PARTITION = 100;
  private static final int ROWS = PARTITIONS * ROWS_PER_PARTITION;
  private static final int BLOB_BYTES = 64 * 1024;
  private static final long TARGET = 1024 * 1024;

  private CqlSession session;
  private AsyncSession async;
  private String table;
  /** Every row in server order as "pk/ck/payload hash", read with the driver's plain iteration. */
  private List<String> expected;

  @BeforeAll
  void load(CqlSession session, TestKeyspace keyspace) {
    this.session = session;
    table = keyspace.table("wide");
    session.execute("CREATE TABLE " + table + " (pk int, ck int, payload blob, PRIMARY KEY (pk, ck))");
    PreparedStatement insert = session.prepare("INSERT INTO " + table + " (pk, ck, payload) VALUES (?, ?, ?)");
    for (int pk = 0; pk < PARTITIONS; pk++) {
      for (int ck = 0; ck < ROWS_PER_PARTITION; ck++) {
        session.execute(insert.bind(pk, ck, payload(pk, ck)));
      }
    }
    expected = new ArrayList<>(ROWS);
    for (Row row : session.execute(query().setPageSize(50))) {
      expected.add(key(row));
    }
    assertThat(expected).hasSize(ROWS);
    async = AsyncSession.wrap(session);
  }

  @AfterAll
  void close() {
    async.close();
  }

  private static ByteBuffer payload(int pk, int ck) {
    byte[] bytes = new byte[BLOB_BYTES];
    Arrays.fill(bytes, (byte) (pk * 31 + ck));
    ByteBuffer.wrap(bytes).putInt(0, pk).putInt(4, ck);
    return ByteBuffer.wrap(bytes);
  }

  private SimpleStatement query() {
    return SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table);
  }

  private static String key(Row row) {
    ByteBuffer payload = row.getByteBuffer("payload");
    return row.getInt("pk") + "/" + row.getInt("ck") + "/" + (payload == null ? "null" : payload.remaining()
        + ":" + payload.hashCode());
  }

  /** Reads every row of {@code statement}, recording the page events. */
  private List<String> read(Statement<?> statement, StreamConfig config, List<PageEvent> events) {
    List<String> seen = new ArrayList<>();
    try (QueryStream stream = async.executeStream(statement, config.toBuilder().listener(StreamListener.onPages(events::add)).build())) {
      stream.forEach(row -> seen.add(key(row))).toCompletableFuture().join();
      assertThat(stream.stats().requestedPageSize()).isEqualTo(events.get(events.size() - 1).requestedPageSize());
    }
    return seen;
  }

  private static List<Integer> requested(List<PageEvent> events) {
    return events.stream().map(PageEvent::requestedPageSize).collect(Collectors.toList());
  }

  @Test
  void should_size_pages_of_wide_rows_to_the_byte_target() {
    List<PageEvent> events = new CopyOnWriteArrayList<>();
    List<String> seen = read(query(), StreamConfig.builder().fetchSize(5_000).targetPageBytes(TARGET).build(),
        events);

    assertThat(seen).as("every row once, in order").isEqualTo(expected);
    assertThat(events.get(0).requestedPageSize()).as("the probe").isEqualTo(StreamConfig.PROBE_PAGE_SIZE);
    for (int i = 1; i < events.size(); i++) {
      PageEvent before = events.get(i - 1);
      long bytesPerRow = before.responseBytes() / before.rowsInPage();
      // The size follows from the page before: as many of its rows as fit in 1 MiB, rounded down.
      assertThat(events.get(i).requestedPageSize())
          .as("page %d after %d rows in %d bytes", i + 1, before.rowsInPage(), before.responseBytes())
          .isEqualTo((int) (TARGET * before.rowsInPage() / before.responseBytes()))
          .isBetween((int) (TARGET / (bytesPerRow + 1)), (int) (TARGET / BLOB_BYTES));
      if (!events.get(i).last()) {
        assertThat(events.get(i).responseBytes()).as("page %d stays within the target", i + 1)
            .isLessThanOrEqualTo(TARGET)
            .isGreaterThan(TARGET - 2 * bytesPerRow);
      }
    }
    assertThat(requested(events).subList(1, events.size())).as("1 MiB of 64 KiB rows and their keys")
        .allSatisfy(size -> assertThat(size).isBetween(15, 16));
  }

  @Test
  void should_start_with_a_small_first_page_and_read_the_same_rows() {
    List<PageEvent> events = new CopyOnWriteArrayList<>();
    List<String> seen = read(query(), StreamConfig.builder().fetchSize(100).firstPageSize(5).build(), events);

    assertThat(seen).as("the rows of a plain read").isEqualTo(expected);
    assertThat(events.get(0).requestedPageSize()).isEqualTo(5);
    assertThat(events.get(0).rowsInPage()).isEqualTo(5);
    // 5 + 10 + 20 + 40 + 80 = 155 rows, then 145 in pages of 100 (the last one gets 45).
    assertThat(requested(events)).isEqualTo(List.of(5, 10, 20, 40, 80, 100, 100));
    assertThat(events.stream().map(PageEvent::rowsInPage).collect(Collectors.toList()))
        .isEqualTo(List.of(5, 10, 20, 40, 80, 100, 45));
  }

  @Test
  void should_ramp_up_to_the_statement_page_size_when_no_fetch_size_is_set() {
    List<PageEvent> events = new CopyOnWriteArrayList<>();
    List<String> seen = read(query().setPageSize(30), StreamConfig.builder().firstPageSize(8).build(), events);

    assertThat(seen).isEqualTo(expected);
    List<Integer> sizes = requested(events);
    assertThat(sizes.subList(0, 3)).isEqualTo(List.of(8, 16, 30));
    assertThat(sizes.subList(3, sizes.size())).containsOnly(30);
  }

  @Test
  void should_report_the_driver_page_size_when_nothing_sets_one() {
    int configured = session.getContext().getConfig().getDefaultProfile().getInt(DefaultDriverOption.REQUEST_PAGE_SIZE);
    List<PageEvent> events = new CopyOnWriteArrayList<>();
    long rows;
    // The keys only: a page of the driver's size of 64 KiB rows would be one huge response.
    try (QueryStream stream = async.executeStream(SimpleStatement.newInstance("SELECT pk, ck FROM " + table),
        StreamConfig.builder().listener(StreamListener.onPages(events::add)).build())) {
      stream.forEach(row -> { }).toCompletableFuture().join();
      rows = stream.stats().rowsDelivered();
    }

    assertThat(rows).isEqualTo(ROWS);
    assertThat(requested(events)).isNotEmpty().containsOnly(configured);
  }

  @Test
  void should_retry_a_request_cut_by_maxRows_after_its_connection_is_lost_and_read_just_those_rows(
      CassandraServer server, TestKeyspace keyspace) throws Exception {
    String narrow = keyspace.table("narrow");
    TestData.createSampleTable(session, narrow);
    TestData.loadSampleRows(session, narrow, 5_000, 1_000);
    SimpleStatement keys = SimpleStatement.newInstance("SELECT pk, ck FROM " + narrow).setPageSize(1_000);
    List<String> firstRows = new ArrayList<>();
    for (Row row : session.execute(keys)) {
      if (firstRows.size() == 2_300) {
        break;
      }
      firstRows.add(row.getInt(0) + "/" + row.getInt(1));
    }
    List<PageEvent> events = new CopyOnWriteArrayList<>();
    List<String> seen = new ArrayList<>();
    try (FaultProxy proxy = FaultProxy.start(server.contactPoint());
         CqlSession proxied = proxy.sessionBuilder(server.localDatacenter(), options -> options
             .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(200))
             .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(1))).build();
         AsyncSession through = AsyncSession.wrap(proxied);
         QueryStream stream = through.executeStream(keys, StreamConfig.builder().maxRows(2_300).prefetchPages(0)
             .retry(20, Duration.ofMillis(100)).listener(StreamListener.onPages(events::add)).build())) {
      stream.forEach(row -> {
        seen.add(row.getInt(0) + "/" + row.getInt(1));
        if (seen.size() == 2_000) {
          // The last row of page 2: the request for the 300 rows left goes out on a connection just lost.
          proxy.dropAllConnections();
        }
      }).toCompletableFuture().get(2, TimeUnit.MINUTES);

      assertThat(seen).as("the first 2,300 rows of a plain read, once each").isEqualTo(firstRows);
      assertThat(stream.stats().retries()).as("the lost request was retried").isPositive();
      assertThat(requested(events)).as("the retry asks what the lost request asked")
          .isEqualTo(List.of(1_000, 1_000, 300));
    }
  }
}
