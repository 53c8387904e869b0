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

import com.codahale.metrics.Gauge;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metrics.DefaultNodeMetric;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.Page;
import org.asynccassandra.PageEvent;
import org.asynccassandra.QueryStream;
import org.asynccassandra.RowMapper;
import org.asynccassandra.RowStream;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.TableScan;
import org.asynccassandra.internal.session.DefaultAsyncSession;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.FaultProxy;
import org.asynccassandra.testkit.RequestCounter;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The promises on the real Cassandra, counted by the driver itself: the scan's memory bound in requests
 * sent, streams closed unconsumed, and a soak of 10,000 streams ended every way a stream can end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class PromisesIT {
  private static final int ROWS = 20_000;

  private final RequestCounter requests = new RequestCounter();
  private CqlSession metered;
  private AsyncSession async;
  private String keyspace;
  private String table;
  private CassandraServer server;

  @BeforeAll
  void load(CqlSession session, TestKeyspace testKeyspace, CassandraServer server) {
    this.server = server;
    keyspace = testKeyspace.name();
    table = "promised";
    TestData.createSampleTable(session, testKeyspace.table(table));
    TestData.loadSampleRows(session, testKeyspace.table(table), ROWS, 100); // 200 partitions
    metered = requests.addTo(server.sessionBuilder(options -> options.withStringList(
        DefaultDriverOption.METRICS_NODE_ENABLED, List.of("pool.in-flight")))).build();
    async = AsyncSession.wrap(metered);
  }

  @AfterAll
  void close() {
    async.close();
    metered.close();
  }

  @Test
  void should_send_no_more_than_the_bound_while_a_scan_consumer_holds_still() throws Exception {
    ScanConfig config = ScanConfig.builder().columns("pk", "ck").splits(200).parallelism(2)
        .streamConfig(StreamConfig.builder().fetchSize(5_000).prefetchPages(1).build()).build();
    try (TableScan scan = async.scanTable(keyspace, table, config)) {
      long before = requests.mark();
      Optional<Page<Row>> first = scan.nextPage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(first).isPresent();
      // The consumer holds page 1: give the reads every chance to run ahead, then count what was sent.
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30))
          .until(() -> inFlight(metered) == 0 && requests.sentSince(before) <= 2 * (1 + 1) + 1);
      long sent = requests.sentSince(before);
      System.out.printf("scan of %d ranges, parallelism 2, prefetch 1: %d requests sent while the consumer "
          + "held its first page%n", scan.rangeCount(), sent);
      assertThat(scan.rangeCount()).isGreaterThanOrEqualTo(150);
      assertThat(sent).isBetween(1L, 5L);
    }
  }

  /**
   * A scan closed from another thread while its consumer holds a page sends nothing once {@code close()}
   * returns, even when range requests are in flight at the close: they are cancelled at the close, not when
   * the consumer's call returns, so their late responses make no range read ahead. A proxy holds the
   * requests, so that what is in flight at the close is known: two ranges of many pages, one page ahead each
   * ({@code 1 + prefetchPages} = 2 pages per range, queued or in flight). Once the consumer holding page 1
   * sees all 4 queued, the proxy is paused; pages 2 to 4 come from the queue, and each page taken sends its
   * range's next request, held. By page 4 one range was taken from twice: its only page is the held request,
   * whose response, arriving after the close, would leave room to read ahead again.
   */
  @Test
  void should_send_nothing_after_a_scan_is_closed_while_its_consumer_holds_a_page() throws Exception {
    RequestCounter counter = new RequestCounter();
    try (FaultProxy proxy = FaultProxy.start(server.contactPoint());
         CqlSession proxied = counter.addTo(proxy.sessionBuilder(server.localDatacenter(), options -> options
             .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, List.of("pool.in-flight")))).build();
         AsyncSession proxiedAsync = AsyncSession.wrap(proxied);
         TableScan scan = proxiedAsync.scanTable(keyspace, table, ScanConfig.builder().columns("pk", "ck")
             .splits(2).parallelism(2).streamConfig(StreamConfig.builder().fetchSize(100).prefetchPages(1)
                 .build()).build())) {
      AtomicInteger pages = new AtomicInteger();
      AtomicLong inFlightAtClose = new AtomicLong(-1);
      CompletableFuture<Long> sentAfterClose = new CompletableFuture<>(); // the consumer's call sees to it
      CompletableFuture<Void> done = scan.forEachPage(page -> {
        int number = pages.incrementAndGet();
        if (number == 1) {
          // Both ranges read their page ahead: 4 pages queued, nothing in flight. Then hold every request.
          await().atMost(Duration.ofSeconds(30)).until(() -> scan.stats().bufferedPages() == 2 * (1 + 1));
          proxy.pause();
        } else if (number == 4) {
          try {
            await().atMost(Duration.ofSeconds(30)).until(() -> inFlight(proxied) >= 2); // one per range, held
            inFlightAtClose.set(inFlight(proxied));
            CompletableFuture.runAsync(scan::close).join(); // from another thread, while this page is held
            long mark = counter.mark(); // from here on the scan may send nothing
            proxy.resume(); // the held requests' responses arrive while the consumer still holds page 4
            await().atMost(Duration.ofSeconds(30)).until(() -> inFlight(proxied) == 0);
            sentAfterClose.complete(counter.sentSince(mark));
          } catch (Throwable failure) {
            sentAfterClose.completeExceptionally(failure);
          }
        }
      }).toCompletableFuture();
      // close() does not wait for the consumer's call: the stage fails at once, the call goes on.
      assertThatThrownBy(() -> done.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(StreamClosedException.class);
      assertThat(sentAfterClose.get(60, TimeUnit.SECONDS)).as("requests sent after close() returned").isZero();
      assertThat(inFlightAtClose.get()).as("requests in flight at the close").isGreaterThanOrEqualTo(2);
      assertThat(pages).as("pages handed over: none after the close").hasValue(4);
    }
  }

  @Test
  void should_refuse_a_null_mapper_before_a_stream_opens() {
    // It opened the stream first: the caller, who never got it, could not close it, and it stayed registered
    // until the leak detector reported it.
    DefaultAsyncSession session = (DefaultAsyncSession) async;
    SimpleStatement statement = SimpleStatement.newInstance("SELECT * FROM " + keyspace + "." + table);
    assertThatThrownBy(() -> async.executeStream(statement, (RowMapper<Object>) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("mapper");
    assertThatThrownBy(() -> async.executeStream(statement, StreamConfig.defaults(), (RowMapper<Object>) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("mapper");
    assertThat(session.openStreamCount()).isZero();
  }

  @Test
  void should_forget_200000_streams_closed_without_being_consumed() {
    DefaultAsyncSession session = (DefaultAsyncSession) async;
    List<WeakReference<QueryStream>> sample = new ArrayList<>();
    SimpleStatement statement = SimpleStatement.newInstance("SELECT * FROM " + keyspace + "." + table);
    for (int i = 0; i < 200_000; i++) {
      QueryStream stream = async.executeStream(statement);
      if (i % 1_000 == 0) {
        sample.add(new WeakReference<>(stream));
      }
      stream.close();
    }
    assertThat(session.openStreamCount()).isZero();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      System.gc();
      return sample.stream().allMatch(reference -> reference.get() == null);
    });
    printHeap("after 200,000 streams closed unconsumed");
  }

  @Test
  void should_keep_every_promise_over_10000_streams_ended_every_way() throws Exception {
    DefaultAsyncSession session = (DefaultAsyncSession) async;
    String query = "SELECT pk, ck FROM " + keyspace + "." + table + " WHERE pk = ?";
    // Warm up, so that the pools that live as long as the session exist before the baseline.
    runOne(0, 0, new Random(1)).get(60, TimeUnit.SECONDS);
    runOne(0, 4, new Random(1)).get(60, TimeUnit.SECONDS); // a timeout: the session's timer thread starts
    Set<String> baseline = threadNames();
    Random random = new Random(42);
    Semaphore concurrent = new Semaphore(50);
    List<CompletableFuture<String>> endings = new ArrayList<>();
    List<WeakReference<RowStream>> streams = new ArrayList<>();
    AtomicInteger[] byWay = new AtomicInteger[WAYS];
    for (int i = 0; i < WAYS; i++) {
      byWay[i] = new AtomicInteger();
    }
    for (int i = 0; i < 10_000; i++) {
      if (!concurrent.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new AssertionError("50 streams did not end within 60 s; pending by way: " + pendingByWay(endings));
      }
      int way = i % WAYS;
      byWay[way].incrementAndGet();
      CompletableFuture<String> ended = runOne(i, way, random);
      ended.whenComplete((outcome, error) -> concurrent.release());
      endings.add(ended);
      streams.add(lastStream);
    }
    try {
      CompletableFuture.allOf(endings.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("streams did not end within 300 s; pending by way: " + pendingByWay(endings), e);
    }
    assertThat(endings).allSatisfy(ending -> assertThat(ending).isCompleted());
    for (int i = 0; i < endings.size(); i++) {
      String outcome = endings.get(i).join();
      switch (i % WAYS) {
        case 0 -> assertThat(outcome).as("stream %d, read to the end", i).isEqualTo("end:100");
        case 3 -> assertThat(outcome).as("stream %d, its consumer threw", i).isEqualTo("IllegalStateException");
        case 7 -> assertThat(outcome).as("stream %d, pulled page by page", i).isEqualTo("pulled 100 rows");
        case 10 -> assertThat(outcome).as("stream %d, its listener threw", i).isEqualTo("IllegalStateException");
        case 11 -> assertThat(outcome).as("stream %d, exactly its rows requested", i).isEqualTo("end:100");
        default -> { } // closed, cancelled or timed out: either that, or the end when it came first
      }
    }
    // The close of way 9 runs in a callback of a driver request, on the thread that completed it: a driver
    // I/O thread unless the response came before the callback was registered.
    assertThat(closedOnDriverThread).as("closes from a driver I/O thread").hasPositiveValue();
    await().atMost(Duration.ofSeconds(60)).until(() -> inFlight(metered) == 0 && session.openStreamCount() == 0);
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      System.gc();
      return streams.stream().allMatch(reference -> reference.get() == null);
    });
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(newThreads(baseline, metered.getName())).as("threads started during the soak").isEmpty());
    System.out.println("soak: 10,000 streams, 50 at a time, ended " + WAYS + " ways: "
        + java.util.Arrays.toString(byWay) + " (" + closedOnDriverThread + " closed on a driver I/O thread)"
        + "; outcomes: " + endings.stream().map(CompletableFuture::join)
        .collect(Collectors.groupingBy(outcome -> outcome, java.util.TreeMap::new, Collectors.counting())));
    printHeap("after the soak");
  }

  private static final int WAYS = 12;

  /** How many of the streams that have not ended were started each way, by way. */
  private static java.util.Map<Integer, Long> pendingByWay(List<CompletableFuture<String>> endings) {
    java.util.Map<Integer, Long> pending = new java.util.TreeMap<>();
    for (int i = 0; i < endings.size(); i++) {
      if (!endings.get(i).isDone()) {
        pending.merge(i % WAYS, 1L, Long::sum);
      }
    }
    return pending;
  }
  private volatile WeakReference<RowStream> lastStream;
  private final AtomicInteger closedOnDriverThread = new AtomicInteger();

  /** Starts one stream over one partition (100 rows, pages of 20) and ends it the given way. */
  private CompletableFuture<String> runOne(int index, int way, Random random) {
    int prefetch = random.nextInt(3);
    StreamConfig.Builder config = StreamConfig.builder().fetchSize(20).prefetchPages(prefetch);
    if (way == 4) {
      config.totalTimeout(Duration.ofMillis(1 + random.nextInt(5)));
    }
    if (way == 10) {
      int failingPage = 1 + random.nextInt(5);
      config.listener(new StreamListener() {
        @Override
        public void onPage(StreamInfo stream, PageEvent page) {
          if (page.pageNumber() == failingPage) {
            throw new IllegalStateException("listener failure at page " + failingPage);
          }
        }
      });
    }
    QueryStream stream = async.executeStream(SimpleStatement.newInstance(
        "SELECT pk, ck FROM " + keyspace + "." + table + " WHERE pk = ?", index % 200), config.build());
    lastStream = new WeakReference<>(stream);
    int stopAt = 1 + random.nextInt(99);
    AtomicInteger seen = new AtomicInteger();
    switch (way) {
      case 0: // to the end
        return outcome(stream.forEach(row -> seen.incrementAndGet()).thenApply(ignored -> "end:" + seen.get()));
      case 1: { // closed at a random row from another thread
        return outcome(stream.forEach(row -> {
          if (seen.incrementAndGet() == stopAt) {
            CompletableFuture.runAsync(stream::close);
          }
        }));
      }
      case 2: { // its stage completed from outside
        CompletableFuture<Void> stage = stream.forEachPage(page -> {}).toCompletableFuture();
        stage.complete(null);
        return CompletableFuture.completedFuture("completed from outside");
      }
      case 3: // the consumer throws
        return outcome(stream.forEach(row -> {
          if (seen.incrementAndGet() == stopAt) {
            throw new IllegalStateException("consumer failure");
          }
        }));
      case 4: // a timeout
        return outcome(stream.forEach(row -> seen.incrementAndGet()));
      case 5: // a subscriber cancels
        return cancellingSubscriber(stream, stopAt);
      case 6: { // a blocking iterator stopped halfway, then closed
        return CompletableFuture.supplyAsync(() -> {
          try (stream) {
            Iterator<Row> rows = stream.iterator();
            for (int i = 0; i < stopAt && rows.hasNext(); i++) {
              rows.next();
            }
          }
          return "iterator closed";
        });
      }
      case 7: // pulled page by page to the end
        return pullAll(stream, 0).thenApply(rows -> "pulled " + rows + " rows");
      case 9: { // closed from a driver I/O thread, in the callback of a driver request
        String driverThreads = metered.getName() + "-io-";
        return outcome(stream.forEach(row -> {
          if (seen.incrementAndGet() == stopAt) {
            metered.executeAsync("SELECT release_version FROM system.local").whenComplete((result, error) -> {
              if (Thread.currentThread().getName().startsWith(driverThreads)) {
                closedOnDriverThread.incrementAndGet();
              }
              stream.close();
            });
          }
        }));
      }
      case 10: // a listener throws (see the config above)
        return outcome(stream.forEach(row -> seen.incrementAndGet()));
      case 11: // a subscriber requests exactly the rows there are: the last page is full, an empty one follows
        return exactDemandSubscriber(stream, 100, prefetch == 0);
      default: // never consumed
        stream.close();
        return CompletableFuture.completedFuture("never consumed");
    }
  }

  private static CompletableFuture<String> outcome(java.util.concurrent.CompletionStage<?> stage) {
    return stage.handle((value, error) -> value != null ? value.toString()
        : error == null ? "end" : rootName(error)).toCompletableFuture();
  }

  private static String rootName(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause instanceof java.util.concurrent.CompletionException) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName();
  }

  /** Pulls every page to the end (an empty last page among them); completes with the rows pulled. */
  private static CompletableFuture<Integer> pullAll(QueryStream stream, int rows) {
    return stream.nextPage().toCompletableFuture().thenCompose(page -> page.isEmpty()
        ? CompletableFuture.completedFuture(rows) : pullAll(stream, rows + page.get().rows().size()));
  }

  /**
   * A subscriber to {@code rows()} whose {@link #ended} completes with its outcome: the root exception's name,
   * or {@link #endName()} when the stream completes.
   */
  private abstract static class EndingSubscriber implements Flow.Subscriber<Row> {
    final CompletableFuture<String> ended = new CompletableFuture<>();
    Flow.Subscription subscription;
    int received;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
    }

    @Override
    public void onError(Throwable throwable) {
      ended.complete(rootName(throwable));
    }

    @Override
    public void onComplete() {
      ended.complete(endName());
    }

    String endName() {
      return "end";
    }
  }

  private static CompletableFuture<String> cancellingSubscriber(QueryStream stream, int stopAt) {
    EndingSubscriber subscriber = new EndingSubscriber() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        super.onSubscribe(subscription);
        subscription.request(7);
      }

      @Override
      public void onNext(Row item) {
        if (++received == stopAt) {
          subscription.cancel();
          ended.complete("cancelled");
        } else if (received % 7 == 0) {
          subscription.request(7);
        }
      }
    };
    stream.rows().subscribe(subscriber);
    return subscriber.ended;
  }

  /**
   * Requests {@code rows} at once, the rows there are: with read-ahead the stream completes without more
   * demand, having read the empty page after the full last one ahead; without ({@code askForTheEnd}), the
   * subscriber requests once more after the last row, as rows()' javadoc says, for that page to be fetched.
   */
  private static CompletableFuture<String> exactDemandSubscriber(QueryStream stream, int rows,
      boolean askForTheEnd) {
    EndingSubscriber subscriber = new EndingSubscriber() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        super.onSubscribe(subscription);
        subscription.request(rows);
      }

      @Override
      public void onNext(Row item) {
        if (++received == rows && askForTheEnd) {
          subscription.request(1);
        }
      }

      @Override
      String endName() {
        return "end:" + received;
      }
    };
    stream.rows().subscribe(subscriber);
    return subscriber.ended;
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .collect(Collectors.toSet());
  }

  /**
   * Threads that were not there at the baseline, aside from the JDK's common pool and the driver's own
   * event loops (Netty starts them lazily, as connections open): ours are the ones that must not grow.
   */
  private static Set<String> newThreads(Set<String> baseline, String driverSession) {
    Set<String> now = threadNames();
    now.removeAll(baseline);
    now.removeIf(name -> name.startsWith("ForkJoinPool.commonPool-worker") || name.startsWith("awaitility")
        || name.startsWith(driverSession + "-"));
    return now;
  }

  @SuppressWarnings("unchecked")
  private static int inFlight(CqlSession session) {
    int total = 0;
    for (Node node : session.getMetadata().getNodes().values()) {
      total += session.getMetrics().orElseThrow().getNodeMetric(node, DefaultNodeMetric.IN_FLIGHT)
          .map(metric -> ((Gauge<Integer>) metric).getValue()).orElse(0);
    }
    return total;
  }

  private static void printHeap(String when) {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    System.out.printf("heap used %s: %.1f MiB%n", when, (runtime.totalMemory() - runtime.freeMemory()) / 1048576.0);
  }
}
