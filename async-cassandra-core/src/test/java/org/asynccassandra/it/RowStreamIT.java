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
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.asynccassandra.StreamListener;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.Page;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.FaultProxy;
import org.asynccassandra.testkit.RequestCounter;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import com.codahale.metrics.Gauge;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metrics.DefaultNodeMetric;

/** RowStream against a real Cassandra: every style, read-ahead, threads, driver-thread blocking, errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class RowStreamIT {
  private static final int ROWS = 200_000;
  private static final int FETCH_SIZE = 2_000;

  private CassandraServer server;
  private CqlSession session;
  private AsyncSession async;
  private String table;
  /** The rows in server order, as "pk/ck" keys, read with the driver's plain synchronous iteration. */
  private List<String> expected;

  @BeforeAll
  void load(CqlSession session, TestKeyspace keyspace, CassandraServer server) {
    this.session = session;
    this.server = server;
    table = keyspace.table("rows");
    TestData.createSampleTable(session, table);
    TestData.loadSampleRows(session, table, ROWS, 10_000);
    expected = new ArrayList<>(ROWS);
    for (Row row : session.execute(SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table)
        .setPageSize(5_000))) {
      expected.add(key(row));
    }
    assertThat(expected).hasSize(ROWS);
    async = AsyncSession.wrap(session);
  }

  @AfterAll
  void close() {
    if (async != null) {
      async.close();
    }
  }

  private static String key(Row row) {
    return row.getInt("pk") + "/" + row.getInt("ck");
  }

  private Statement<?> query() {
    return SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table).setPageSize(FETCH_SIZE);
  }

  private RowStream stream(int prefetch) {
    return async.executeStream(query(), StreamConfig.builder().prefetchPages(prefetch).build());
  }

  private final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

  private void noteThread() {
    callbackThreads.add(Thread.currentThread().getName());
  }

  // ---- every style returns exactly the rows written, in order --------------------------------------

  @Test
  void should_return_every_row_in_order_with_forEach() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    try (RowStream stream = stream(1)) {
      stream.forEach(row -> {
        noteThread();
        seen.add(key(row));
      }).toCompletableFuture().join();
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void should_return_every_row_in_order_with_forEachAsync() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    try (RowStream stream = stream(2)) {
      stream.forEachAsync(row -> {
        noteThread();
        seen.add(key(row));
        return CompletableFuture.completedFuture(null);
      }).toCompletableFuture().join();
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void should_return_every_row_in_order_with_forEachPage() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    try (RowStream stream = stream(0)) {
      stream.forEachPage(page -> {
        noteThread();
        page.rows().forEach(row -> seen.add(key(row)));
      }).toCompletableFuture().join();
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void should_return_every_row_in_order_with_nextPage() {
    List<String> seen = new ArrayList<>();
    try (RowStream stream = stream(1)) {
      while (true) {
        Optional<Page<Row>> page = stream.nextPage().thenApply(p -> {
          noteThread();
          return p;
        }).toCompletableFuture().join();
        if (page.isEmpty()) {
          break;
        }
        page.get().rows().forEach(row -> seen.add(key(row)));
      }
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void should_return_every_row_in_order_with_the_rows_publisher() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> done = new CompletableFuture<>();
    try (RowStream stream = stream(1)) {
      stream.rows().subscribe(new Flow.Subscriber<>() {
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription = s;
          s.request(777);
        }

        @Override
        public void onNext(Row row) {
          noteThread();
          seen.add(key(row));
          if (seen.size() % 777 == 0) {
            subscription.request(777);
          }
        }

        @Override
        public void onError(Throwable error) {
          done.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
          noteThread();
          done.complete(null);
        }
      });
      done.get(2, TimeUnit.MINUTES);
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void should_return_every_row_in_order_with_the_pages_publisher() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> done = new CompletableFuture<>();
    try (RowStream stream = stream(3)) {
      stream.pages().subscribe(new Flow.Subscriber<>() {
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription = s;
          s.request(1);
        }

        @Override
        public void onNext(Page<Row> page) {
          noteThread();
          page.rows().forEach(row -> seen.add(key(row)));
          subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
          done.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
          done.complete(null);
        }
      });
      done.get(2, TimeUnit.MINUTES);
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void should_return_every_row_in_order_with_the_blocking_iterator() {
    List<String> seen = new ArrayList<>();
    try (RowStream stream = stream(1)) {
      Iterator<Row> rows = stream.iterator();
      while (rows.hasNext()) {
        seen.add(key(rows.next()));
      }
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void should_return_every_row_in_order_in_a_for_each_loop_over_blocking() {
    List<String> seen = new ArrayList<>();
    try (RowStream stream = stream(2)) {
      for (Row row : stream.blocking()) {
        seen.add(key(row));
      }
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void should_stream_a_bound_statement_and_know_its_columns_before_the_first_page() {
    PreparedStatement prepared = async.prepare("SELECT pk, ck, payload FROM " + table + " WHERE pk = ?")
        .toCompletableFuture().join();
    try (RowStream stream = async.executeStream(prepared.bind(3).setPageSize(999), StreamConfig.defaults())) {
      assertThat(stream.columnDefinitions()).get().satisfies(columns -> assertThat(columns.contains("payload")).isTrue());
      List<String> seen = new ArrayList<>();
      stream.forEach(row -> seen.add(key(row))).toCompletableFuture().join();
      assertThat(seen).hasSize(10_000).allMatch(k -> k.startsWith("3/"));
      assertThat(stream.stats().pagesFetched()).isEqualTo(11); // 10 full pages, then the 10 remaining rows
    }
  }

  @Test
  void should_share_the_columns_that_open_streams_of_a_simple_statement_keep() {
    // The driver decodes new column definitions from every response of a statement that is not prepared: kept
    // by each open stream, they would cost about 1.9 KiB a stream for these three columns.
    SimpleStatement select = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table + " WHERE pk = ?", 4)
        .setPageSize(100);
    try (RowStream first = async.executeStream(select, StreamConfig.defaults());
        RowStream second = async.executeStream(select, StreamConfig.defaults())) {
      Page<Row> firstPage = first.nextPage().toCompletableFuture().join().orElseThrow();
      Page<Row> secondPage = second.nextPage().toCompletableFuture().join().orElseThrow();
      assertThat(secondPage.columnDefinitions()).as("decoded from each response").isNotSameAs(
          firstPage.columnDefinitions());
      ColumnDefinitions kept = first.columnDefinitions().orElseThrow();
      assertThat(second.columnDefinitions()).get().isSameAs(kept);
      assertThat(kept.contains("payload")).isTrue();
      assertThat(secondPage.rows().get(0).getColumnDefinitions().get(2).getName().asInternal()).isEqualTo("payload");
    }
  }

  @Test
  void should_keep_the_prepared_statements_own_columns_for_a_bound_statement() {
    // The same columns through a SimpleStatement first: its instance is the session's shared one for them.
    SimpleStatement simple = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table + " WHERE pk = ?", 5)
        .setPageSize(100);
    PreparedStatement prepared = async.prepare("SELECT pk, ck, payload FROM " + table + " WHERE pk = ?")
        .toCompletableFuture().join();
    try (RowStream viaSimple = async.executeStream(simple, StreamConfig.defaults());
        RowStream viaBound = async.executeStream(prepared.bind(5).setPageSize(100), StreamConfig.defaults())) {
      viaSimple.nextPage().toCompletableFuture().join();
      Page<Row> boundPage = viaBound.nextPage().toCompletableFuture().join().orElseThrow();
      // The driver hands every response of a bound statement the prepared statement's definitions: kept as they
      // are, with no lookup in the session's shared columns.
      assertThat(boundPage.columnDefinitions()).isSameAs(prepared.getResultSetDefinitions());
      assertThat(viaBound.columnDefinitions()).get().isSameAs(prepared.getResultSetDefinitions());
      assertThat(viaSimple.columnDefinitions()).get().isNotSameAs(prepared.getResultSetDefinitions());
    }
  }

  // ---- read-ahead ---------------------------------------------------------------------------------

  @Test
  void should_request_page_2_while_the_consumer_is_still_on_page_1() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Long> fetchedWhileOnPage1 = new AtomicReference<>();
    try (RowStream stream = stream(1)) {
      CompletableFuture<Void> done = stream.forEachPage(page -> {
        if (page.number() == 1) {
          await().atMost(Duration.ofSeconds(30)).until(() -> stream.stats().pagesFetched() == 2);
          fetchedWhileOnPage1.set(stream.stats().pagesFetched());
          awaitQuietly(release);
        }
      }).toCompletableFuture();
      await().atMost(Duration.ofSeconds(30)).until(() -> fetchedWhileOnPage1.get() != null);
      // Read-ahead is one page deep: nothing beyond page 2 while page 1 is held.
      assertThat(stream.stats().pagesFetched()).isEqualTo(2);
      assertThat(stream.stats().bufferedPages()).isEqualTo(1);
      release.countDown();
      done.join();
      assertThat(stream.stats().maxBufferedPages()).isEqualTo(1);
      assertThat(stream.stats().rowsDelivered()).isEqualTo(ROWS);
    }
  }

  // ---- threads ------------------------------------------------------------------------------------

  @Test
  void should_never_run_user_callbacks_on_a_driver_io_thread() {
    // Runs after the style tests in any order: check what they recorded, plus a listener here.
    try (RowStream stream = async.executeStream(query(), StreamConfig.builder().maxPages(5)
        .listener(StreamListener.onPages(event -> noteThread())).build())) {
      stream.forEach(row -> noteThread()).toCompletableFuture().join();
    }
    assertThat(callbackThreads).isNotEmpty().noneMatch(name -> name.contains("-io-") || name.contains("-admin-"));
    assertThat(callbackThreads).allMatch(name -> name.startsWith("async-cassandra-callback-")
        || name.equals(Thread.currentThread().getName()));
  }

  @Test
  void should_throw_when_a_blocking_call_is_made_on_a_driver_thread() throws Exception {
    RowStream stream = stream(1);
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    CompletableFuture<String> thread = new CompletableFuture<>();
    // The callback must be registered before the response can arrive: then the driver's I/O thread, which
    // completes the future, runs it. A paused proxy holds the request until the callback is registered
    // (without it, a fast response sometimes won the race and the callback ran on this thread instead).
    try (FaultProxy proxy = FaultProxy.start(server.contactPoint());
         CqlSession proxied = proxy.sessionBuilder(server.localDatacenter()).build()) {
      proxy.pause();
      CompletionStage<?> response = proxied.executeAsync("SELECT release_version FROM system.local");
      response.whenComplete((rs, error) -> {
        thread.complete(Thread.currentThread().getName());
        try {
          stream.iterator();
          thrown.complete(null);
        } catch (Throwable failure) {
          thrown.complete(failure);
        }
      });
      assertThat(thread).as("the callback cannot run before the response").isNotDone();
      proxy.resume();
      assertThat(thread.get(30, TimeUnit.SECONDS)).contains("-io-");
      assertThat(thrown.get(30, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("driver thread");
      assertThat(response.toCompletableFuture().get(30, TimeUnit.SECONDS)).isNotNull();
    } finally {
      stream.close();
    }
  }

  // ---- close, errors --------------------------------------------------------------------------------

  @Test
  void should_leave_no_request_in_flight_after_closing_mid_stream() throws Exception {
    RequestCounter counter = new RequestCounter();
    try (CqlSession metered = counter.addTo(server.sessionBuilder(options -> options.withStringList(
            DefaultDriverOption.METRICS_NODE_ENABLED, List.of("pool.in-flight")))).build();
         AsyncSession meteredAsync = AsyncSession.wrap(metered)) {
      RowStream stream = meteredAsync.executeStream(query(), StreamConfig.builder().prefetchPages(3).build());
      AtomicLong sentBeforeClose = new AtomicLong(-1);
      AtomicLong markAtClose = new AtomicLong(-1);
      CompletableFuture<Void> done = stream.forEachPage(page -> {
        if (page.number() == 2) {
          sentBeforeClose.set(counter.sent());
          stream.close(); // read-ahead of pages 3.. is in flight or buffered
          markAtClose.set(counter.mark()); // from here on the stream may send nothing
        }
      }).toCompletableFuture();
      assertThatThrownBy(done::join).isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(StreamClosedException.class);
      assertThat(sentBeforeClose.get()).as("pages requested before the close").isGreaterThanOrEqualTo(2);
      // Quiet on the wire: every request sent before the close was answered (the driver's own count,
      // which also covers requests whose future the close cancelled: the tracker never hears of those).
      await().atMost(Duration.ofSeconds(30)).until(() -> inFlightRequests(metered) == 0);
      // None: a read-ahead that the driver's I/O thread was handing over when close() came makes close() wait
      // until it is out, and is cancelled before close() returns (PageEngine.startFetch).
      assertThat(counter.sentSince(markAtClose.get())).as("requests sent after close()").isZero();
    }
  }

  @Test
  void should_name_the_query_and_page_when_a_page_fails() {
    try (RowStream stream = async.executeStream(SimpleStatement.newInstance("SELECT * FROM " + table + "_missing"))) {
      assertThatThrownBy(() -> stream.forEach(row -> {}).toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(PageFetchException.class)
          .hasMessageContaining("page 1")
          .hasMessageContaining(table + "_missing")
          .hasCauseInstanceOf(com.datastax.oss.driver.api.core.servererrors.InvalidQueryException.class);
    }
  }

  /** The driver's own count of requests in flight, over every node (stream ids in use). */
  @SuppressWarnings("unchecked")
  private static int inFlightRequests(CqlSession session) {
    int total = 0;
    for (Node node : session.getMetadata().getNodes().values()) {
      total += session.getMetrics().orElseThrow()
          .getNodeMetric(node, DefaultNodeMetric.IN_FLIGHT)
          .map(metric -> ((Gauge<Integer>) metric).getValue())
          .orElseThrow(() -> new AssertionError("pool.in-flight metric is not enabled"));
    }
    return total;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
