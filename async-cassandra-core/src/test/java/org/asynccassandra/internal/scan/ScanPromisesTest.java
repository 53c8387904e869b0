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
package org.asynccassandra.internal.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.stream.FakePageSource;
import org.asynccassandra.internal.stream.HandOverRace;
import org.asynccassandra.internal.stream.ManualScheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.cql.Row;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.asynccassandra.Page;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.TableScan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The promises of table scans, on hand-driven range requests. */
class ScanPromisesTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ScanPlanner planner = ScanPlanner.forTests("ks", "t");
  private final AtomicInteger terminated = new AtomicInteger();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "scan-worker"));

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  private DefaultTableScan scan(FakeRangeRequests requests, List<PlannedRange> ranges, ScanConfig config) {
    return DefaultTableScan.create(requests, planner, ranges, config, Runnable::run, scheduler,
        handle -> terminated.incrementAndGet());
  }

  private static ScanConfig config(int parallelism, int prefetch) {
    return ScanConfig.builder().parallelism(parallelism)
        .streamConfig(StreamConfig.builder().prefetchPages(prefetch).build()).build();
  }

  private static List<Integer> values(List<Row> rows) {
    List<Integer> values = new ArrayList<>();
    rows.forEach(row -> values.add(FakePageSource.value(row)));
    return values;
  }

  // ---- a close on a driver thread that holds a driver lock ------------------------------------------

  @Test
  void should_not_wait_for_another_sender_when_a_driver_thread_under_a_driver_lock_ends_the_scan()
      throws Exception {
    // The driver's RateLimitingRequestThrottler fails a request at once (no connection) from its drain, under
    // its lock, on a driver thread: the scan fails and closes there. Another range's request, handed over on
    // another thread at that moment, waits for that lock in executeAsync. A close that waited for that sender
    // deadlocked both threads, and the throttler never drained again.
    java.util.concurrent.locks.ReentrantLock driverLock = new java.util.concurrent.locks.ReentrantLock();
    FakePageSource range0 = FakePageSource.pages(5, 5).firstValue(0);
    FakePageSource range1 = FakePageSource.pages(5, 0, 5).firstValue(1_000); // its second answer: empty, more follow
    List<FakePageSource> sources = List.of(range0, range1);
    RangeRequests requests = new RangeRequests() {
      @Override
      public CompletableFuture<org.asynccassandra.internal.stream.SourcePage> fetch(PlannedRange range,
          java.nio.ByteBuffer pagingState, int pageSize) {
        driverLock.lock(); // executeAsync, then the throttler's register
        try {
          return sources.get(range.index).fetch(pagingState);
        } finally {
          driverLock.unlock();
        }
      }

      @Override
      public String lastToken(List<Row> rows) {
        return null;
      }

      @Override
      public List<org.asynccassandra.ScanRange> split(org.asynccassandra.ScanRange range, String after, int pieces) {
        return List.of();
      }

      @Override
      public com.datastax.oss.driver.api.core.metadata.token.Token routingToken(org.asynccassandra.ScanRange range) {
        return null;
      }
    };
    List<PlannedRange> ranges = List.of(
        new PlannedRange(0, FakeRangeRequests.range(0), null, ScanCheckpoint.State.PENDING, null, 0, 0),
        new PlannedRange(1, FakeRangeRequests.range(1), null, ScanCheckpoint.State.PENDING, null, 0, 0));
    DefaultTableScan scan = DefaultTableScan.create(requests, planner, ranges, ScanConfig.builder().parallelism(2)
        .streamConfig(StreamConfig.builder().prefetchPages(1).retry(0, Duration.ofMillis(10)).build()).build(),
        Runnable::run, scheduler, handle -> terminated.incrementAndGet());
    scan.nextPage().toCompletableFuture();
    range1.completeNext(); // range 1's first page is handed over
    CompletableFuture<Optional<Page<Row>>> second = scan.nextPage().toCompletableFuture(); // waits; range 1 asks again

    CompletableFuture<Void> driverThreadDone = new CompletableFuture<>();
    AtomicReference<Thread> otherSender = new AtomicReference<>();
    Thread driverThread = new com.datastax.oss.driver.internal.core.util.concurrent.BlockingOperation
        .SafeThreadFactory().newThread(() -> {
          driverLock.lock();
          try {
            Thread sender = new Thread(range1::completeNext, "other-sender"); // empty: range 1 asks again at once
            otherSender.set(sender);
            sender.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> driverLock.hasQueuedThread(sender));
            range0.failNext(new InvalidQueryException(null, "no connection")); // final: the scan fails here
            driverThreadDone.complete(null);
          } catch (Throwable failure) {
            driverThreadDone.completeExceptionally(failure);
          } finally {
            driverLock.unlock();
          }
        });
    driverThread.start();

    driverThreadDone.get(30, TimeUnit.SECONDS); // a deadlock times out here
    otherSender.get().join(30_000);
    assertThat(otherSender.get().isAlive()).as("the other sender got through").isFalse();
    assertThatThrownBy(second::join).cause().isInstanceOf(PageFetchException.class);
    assertThat(range1.hasPending()).as("the other sender's request, sent after the close, was cancelled")
        .isFalse();
    assertThat(terminated).hasValue(1);
  }

  // ---- defect 1: the memory bound -----------------------------------------------------------------

  @Test
  void should_not_read_ahead_every_small_range_while_the_consumer_holds_still() {
    FakeRangeRequests requests = FakeRangeRequests.of(200, true, 10);
    DefaultTableScan scan = scan(requests, requests.ranges, config(2, 1));

    Optional<Page<Row>> first = scan.nextPage().toCompletableFuture().join();

    assertThat(first).isPresent();
    // parallelism × (1 + prefetch) pages may wait, plus the page handed over
    assertThat(requests.sent()).as("requests sent while the consumer holds page 1").isLessThanOrEqualTo(2 * 2 + 1);
    assertThat(scan.pagesOwned()).isLessThanOrEqualTo(2 * 2);
    scan.close();
  }

  @Test
  void should_read_every_row_once_of_thousands_of_ranges_opened_and_released_in_turn() {
    // The pump and the read-ahead bounds look at the ranges open only (at most the parallelism), not at every
    // range started: 5,000 one-page ranges, read 4 at a time with read-ahead bounded in pages and bytes.
    FakeRangeRequests requests = FakeRangeRequests.of(5_000, true, 10);
    DefaultTableScan scan = scan(requests, requests.ranges, ScanConfig.builder().parallelism(4)
        .streamConfig(StreamConfig.builder().prefetchPages(2).maxBufferedBytes(450).build()).build());
    List<Row> rows = new ArrayList<>();

    scan.forEach(rows::add).toCompletableFuture().join();

    List<Integer> values = values(rows);
    values.sort(null);
    assertThat(values).isEqualTo(requests.allValues());
    assertThat(requests.sent()).as("one request per range").isEqualTo(5_000);
    assertThat(scan.pagesOwned()).isZero();
    assertThat(terminated).hasValue(1);
  }

  @Test
  void should_bound_the_read_ahead_of_all_its_ranges_by_max_buffered_bytes() {
    // 4 ranges of 9 pages of 100 bytes; 3 read at once, 8 pages ahead each: up to 27 pages without a bound.
    Integer[] nine = {10, 10, 10, 10, 10, 10, 10, 10, 10};
    FakeRangeRequests unbounded = FakeRangeRequests.of(4, true, nine);
    DefaultTableScan free = scan(unbounded, unbounded.ranges, config(3, 8));
    assertThat(free.nextPage().toCompletableFuture().join()).isPresent();
    assertThat(free.pagesOwned()).as("bounded in pages only").isEqualTo(26);
    free.close();

    // It was ignored: a scan read ahead as if it had none.
    FakeRangeRequests requests = FakeRangeRequests.of(4, true, nine);
    DefaultTableScan scan = scan(requests, requests.ranges, ScanConfig.builder().parallelism(3)
        .streamConfig(StreamConfig.builder().prefetchPages(8).maxBufferedBytes(250).build()).build());
    List<Row> rows = new ArrayList<>();
    Optional<Page<Row>> first = scan.nextPage().toCompletableFuture().join();
    assertThat(first).isPresent();
    rows.addAll(first.get().rows());
    assertThat(scan.pagesOwned()).as("read-ahead stops once 250 bytes wait: 3 pages of 100").isEqualTo(3);
    assertThat(scan.stats().bufferedPages()).isEqualTo(3);

    // The consumer takes pages: read-ahead goes on, the bound holds, and every row comes once.
    for (Optional<Page<Row>> page = scan.nextPage().toCompletableFuture().join(); page.isPresent();
        page = scan.nextPage().toCompletableFuture().join()) {
      rows.addAll(page.get().rows());
      assertThat(scan.pagesOwned()).isLessThanOrEqualTo(3);
    }
    assertThat(values(rows)).hasSize(4 * 9 * 10).doesNotHaveDuplicates();
    assertThat(terminated).hasValue(2);
  }

  @Test
  void should_count_the_pages_a_scan_holds_for_its_consumer_in_its_stats() {
    FakeRangeRequests requests = FakeRangeRequests.of(10, true, 10, 10, 10);
    DefaultTableScan scan = scan(requests, requests.ranges, config(2, 1));

    Optional<Page<Row>> first = scan.nextPage().toCompletableFuture().join();

    assertThat(first).isPresent();
    // Held for the consumer: all the two open ranges own (1 + prefetch each; the responses came at once).
    assertThat(scan.pagesOwned()).isEqualTo(4);
    assertThat(scan.stats().bufferedPages()).as("pages fetched, not yet handed over").isEqualTo(4);
    assertThat(scan.stats().maxBufferedPages()).isGreaterThanOrEqualTo(4);
    assertThat(scan.stats().pagesFetched()).as("pages received, page 1 included").isEqualTo(5);
    assertThat(scan.stats().rowsFetched()).isEqualTo(50);
    assertThat(scan.stats().rowsDelivered()).isEqualTo(10);

    scan.close();

    // Dropped by the close, still fetched: the counts never go back.
    assertThat(scan.stats().bufferedPages()).isZero();
    assertThat(scan.stats().pagesFetched()).isEqualTo(5);
    assertThat(scan.stats().rowsFetched()).isEqualTo(50);
  }

  @Test
  void should_count_an_empty_response_that_is_not_its_ranges_last_as_fetched() {
    // One range: 10 rows, an empty response with more to read (a server past tombstones), 10 rows.
    FakeRangeRequests requests = FakeRangeRequests.of(1, true, 10, 0, 10);
    DefaultTableScan scan = scan(requests, requests.ranges, config(1, 0));

    List<Integer> seen = new ArrayList<>();
    scan.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();

    assertThat(seen).hasSize(20);
    assertThat(requests.sent()).as("requests: the empty response's included").isEqualTo(3);
    assertThat(scan.stats().pagesFetched()).as("every response, as a plain stream counts them").isEqualTo(3);
    assertThat(scan.stats().bytesFetched()).as("100 bytes a response").isEqualTo(300);
    assertThat(scan.stats().rowsFetched()).isEqualTo(20);
  }

  @Test
  void should_not_count_a_page_handed_straight_to_a_waiting_consumer_as_read_ahead() {
    FakeRangeRequests requests = FakeRangeRequests.of(1, false, 5, 5);
    DefaultTableScan scan = scan(requests, requests.ranges, config(1, 0));
    for (int page = 1; page <= 2; page++) {
      CompletableFuture<Optional<Page<Row>>> next = scan.nextPage().toCompletableFuture();
      requests.sources.get(0).completeNext(); // the consumer already waits for it
      assertThat(next.join()).as("page " + page).isPresent();
    }
    assertThat(scan.stats().maxBufferedPages()).isZero();
    assertThat(scan.stats().bufferedPages()).isZero();
    assertThat(scan.stats().pagesFetched()).isEqualTo(2);
    scan.close();
  }

  @RepeatedTest(20)
  void should_keep_at_most_parallelism_times_one_plus_prefetch_pages_whatever_the_order_of_responses() {
    Random random = new Random();
    FakeRangeRequests requests = FakeRangeRequests.of(40, false, 3, 3, 3);
    DefaultTableScan scan = scan(requests, requests.ranges, config(3, 1));
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Optional<Page<Row>>> next = scan.nextPage().toCompletableFuture();
    while (true) {
      assertThat(scan.pagesOwned()).isLessThanOrEqualTo(3 * 2);
      if (next != null && next.isDone()) {
        Optional<Page<Row>> page = next.join();
        next = null;
        if (page.isEmpty()) {
          break;
        }
        seen.addAll(values(page.get().rows()));
      }
      List<FakePageSource> pending = requests.pendingSources();
      // Sometimes hold still while responses arrive; ask when nothing else can happen.
      if (next == null && (random.nextInt(3) == 0 || pending.isEmpty())) {
        next = scan.nextPage().toCompletableFuture();
        continue;
      }
      if (pending.isEmpty()) {
        throw new AssertionError("The scan stalled: the consumer waits and no request is in flight");
      }
      pending.get(random.nextInt(pending.size())).completeNext();
    }
    Collections.sort(seen);
    assertThat(seen).isEqualTo(requests.allValues());
    assertThat(terminated).hasValue(1);
  }

  // ---- nothing sent after close() returns ------------------------------------------------------------

  @Test
  void should_cancel_its_range_requests_and_send_no_more_when_closed_while_the_consumer_holds_a_page()
      throws Exception {
    // Before, the ranges' requests were cancelled only once the consumer's call returned: responses arriving
    // meanwhile made the scan read ahead on their ranges after close() had returned.
    FakeRangeRequests requests = FakeRangeRequests.of(4, false, 5, 5, 5);
    DefaultTableScan scan = DefaultTableScan.create(requests, planner, requests.ranges, config(2, 1), worker,
        scheduler, handle -> terminated.incrementAndGet());
    CountDownLatch inConsumer = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    CompletableFuture<Void> done = scan.forEachPage(page -> {
      inConsumer.countDown();
      awaitQuietly(letGo);
    }).toCompletableFuture();
    int sentAtClose;
    try {
      requests.pendingSources().get(0).completeNext(); // the page the consumer asked for
      assertThat(inConsumer.await(30, TimeUnit.SECONDS)).isTrue();
      scan.close(); // the consumer still holds its page
      sentAtClose = requests.sent();
      // In flight, a response could still arrive and make the scan read ahead on its range.
      assertThat(requests.pendingSources()).as("range requests in flight once close() returned").isEmpty();
    } finally {
      letGo.countDown();
    }
    assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(
        org.asynccassandra.StreamClosedException.class);
    assertThat(terminated).hasValue(1);
    assertThat(requests.sent()).as("requests sent after close(), up to the end").isEqualTo(sentAtClose);
  }

  @Test
  void should_send_nothing_after_close_returns_even_while_a_response_thread_hands_a_range_request_over()
      throws Exception {
    // A range's next request is sent from the thread of its previous response, outside the scan's lock.
    // close() from another thread meanwhile waits for that hand-over and the request is cancelled first.
    FakeRangeRequests requests = FakeRangeRequests.of(2, false, 5, 5, 5);
    DefaultTableScan scan = scan(requests, requests.ranges, config(1, 1));
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    FakePageSource range = requests.sources.get(0);
    HandOverRace race = HandOverRace.holdFetches(range);
    CompletableFuture<Void> response = CompletableFuture.runAsync(range::completeNext, worker);
    race.awaitHeld();
    race.closeDuring(scan::close, range.fetches.get(1).future);
    response.get(30, TimeUnit.SECONDS);
    assertThat(first.get(30, TimeUnit.SECONDS)).isPresent(); // its page arrived before the close
    assertThat(requests.sent()).as("nothing sent after the close").isEqualTo(2);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- defect 4: a scan cut by maxRows ----------------------------------------------------------------

  @Test
  void should_checkpoint_the_rest_of_a_page_cut_by_maxRows_so_that_a_resume_reads_it() {
    FakeRangeRequests requests = FakeRangeRequests.of(3, true, 10, 10);
    ScanConfig cut = ScanConfig.builder().parallelism(1)
        .streamConfig(StreamConfig.builder().prefetchPages(0).maxRows(15).build()).build();
    DefaultTableScan scan = scan(requests, requests.ranges, cut);
    List<Integer> seen = new ArrayList<>();
    scan.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
    assertThat(seen).hasSize(15);
    ScanCheckpoint checkpoint = scan.checkpoint();
    assertThat(checkpoint.ranges().get(0).state()).isEqualTo(ScanCheckpoint.State.IN_PROGRESS);
    assertThat(checkpoint.ranges().get(0).rowsToSkip()).isEqualTo(5);

    FakeRangeRequests again = FakeRangeRequests.of(3, true, 10, 10);
    ScanCheckpoint decoded = ScanCheckpoint.decode(checkpoint.encode());
    DefaultTableScan resumed = scan(again, planner.resume(decoded), config(1, 0));
    resumed.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
    Collections.sort(seen);
    assertThat(seen).isEqualTo(requests.allValues());
  }

  // ---- defect 5: checkpoints from another thread -------------------------------------------------------

  @Test
  void should_never_count_a_row_in_a_checkpoint_before_the_consumer_received_it() throws Exception {
    for (int round = 0; round < 200; round++) {
      FakeRangeRequests requests = FakeRangeRequests.of(6, true, 4, 4, 4);
      DefaultTableScan scan = DefaultTableScan.create(requests, planner, requests.ranges, config(2, 1), worker,
          scheduler, handle -> {});
      AtomicInteger received = new AtomicInteger();
      CompletableFuture<Void> done = scan.forEach(row -> received.incrementAndGet()).toCompletableFuture();
      while (!done.isDone()) {
        int before = received.get();
        ScanCheckpoint checkpoint = scan.checkpoint();
        int after = received.get();
        int counted = rowsCovered(checkpoint, 12);
        // A row is counted just before it is handed to the consumer, so at most one more than it saw.
        assertThat(counted).as("round %d", round).isBetween(before, after + 1);
      }
      done.get(30, TimeUnit.SECONDS);
      assertThat(rowsCovered(scan.checkpoint(), 12)).isEqualTo(72);
    }
  }

  /** Rows before a checkpoint's place, for ranges of pages of 4 rows whose paging states are page indexes. */
  private static int rowsCovered(ScanCheckpoint checkpoint, int rowsPerRange) {
    int covered = 0;
    for (ScanCheckpoint.Range range : checkpoint.ranges()) {
      switch (range.state()) {
        case DONE:
          covered += rowsPerRange;
          break;
        case PENDING:
          break;
        default:
          int page = range.pagingState() == null ? 0
              : java.nio.ByteBuffer.wrap(java.util.Base64.getUrlDecoder().decode(range.pagingState())).getInt();
          covered += page * 4 + range.rowsToSkip();
      }
    }
    return covered;
  }

  // ---- defect 9: a dropped scan ------------------------------------------------------------------------

  @Test
  void should_report_and_collect_a_scan_dropped_while_open() {
    FakeRangeRequests requests = FakeRangeRequests.of(4, true, 5, 5);
    long leaksBefore = DefaultRowStream.LEAKS_REPORTED.get();
    WeakReference<TableScan> dropped = dropAfterOnePage(requests);
    ManualScheduler.awaitCollected(dropped);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> DefaultRowStream.LEAKS_REPORTED.get() > leaksBefore && terminated.get() == 1);
  }

  private WeakReference<TableScan> dropAfterOnePage(FakeRangeRequests requests) {
    DefaultTableScan scan = scan(requests, requests.ranges, config(2, 1));
    scan.nextPage().toCompletableFuture().join();
    scan.checkpoint();
    return new WeakReference<>(scan);
  }


  // ---- defect 10: scan failures and timeouts -----------------------------------------------------------

  @Test
  void should_fail_with_a_PageFetchException_that_names_the_range_after_the_rows_already_received() {
    FakeRangeRequests requests = FakeRangeRequests.of(2, false, 5, 5);
    DefaultTableScan scan = scan(requests, requests.ranges, config(1, 0));
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = scan.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    requests.sources.get(0).completeNext();
    requests.sources.get(0).failNext(new InvalidQueryException(null, "bad"));
    assertThatThrownBy(done::join).isInstanceOf(CompletionException.class).cause()
        .isInstanceOf(PageFetchException.class)
        .hasMessageContaining("in token range (0, 10]")
        .hasMessageContaining("page 2")
        .satisfies(error -> assertThat(((PageFetchException) error).range())
            .contains(FakeRangeRequests.range(0)));
    assertThat(seen).hasSize(5);
  }

  @Test
  void should_count_in_the_failure_the_rows_of_other_ranges_delivered_before_it() {
    FakeRangeRequests requests = FakeRangeRequests.of(2, false, 5, 5);
    DefaultTableScan scan = scan(requests, requests.ranges, config(2, 0));
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    requests.sources.get(0).completeNext();
    assertThat(first.join()).hasValueSatisfying(page -> assertThat(page.size()).isEqualTo(5));
    requests.sources.get(1).failNext(new InvalidQueryException(null, "bad")); // range 1 fails: 5 rows delivered
    requests.sources.get(0).completeNext(); // range 0's next page arrives after that failure
    assertThat(scan.nextPage().toCompletableFuture().join())
        .hasValueSatisfying(page -> assertThat(page.size()).as("delivered before the failure").isEqualTo(5));
    assertThatThrownBy(() -> scan.nextPage().toCompletableFuture().join()).cause()
        .isInstanceOf(PageFetchException.class)
        .satisfies(error -> assertThat(((PageFetchException) error).rowsDelivered()).isEqualTo(10))
        .hasMessageContaining("after 10 rows were delivered");
  }

  @Test
  void should_time_out_a_silent_range_page_and_retry_it_then_fail_naming_the_range() {
    FakeRangeRequests requests = FakeRangeRequests.of(1, false, 5, 5);
    Duration timeout = Duration.ofSeconds(3);
    // Pages of 100 rows: smaller pages cannot help, and these fake ranges cannot be split, so a timeout is
    // simply retried.
    ScanConfig timed = ScanConfig.builder().parallelism(1).streamConfig(StreamConfig.builder().fetchSize(100)
        .pageTimeout(timeout).firstPageTimeout(timeout).retry(1, Duration.ofMillis(100)).build()).build();
    DefaultTableScan scan = scan(requests, requests.ranges, timed);
    CompletableFuture<Void> done = scan.forEach(row -> {}).toCompletableFuture();
    FakePageSource range = requests.sources.get(0);
    scheduler.live(timeout).get(0).fire();
    assertThat(range.fetches.get(0).future).isCancelled();
    scheduler.retryWaits(Duration.ofMillis(100)).get(0).fire();
    assertThat(range.fetchCount()).as("asked again").isEqualTo(2);
    scheduler.live(timeout).get(0).fire();
    assertThatThrownBy(done::join).cause().isInstanceOf(PageFetchException.class)
        .hasMessageContaining("(0, 10]").hasRootCauseInstanceOf(StreamTimeoutException.class);
    assertThat(scan.stats().retries()).isEqualTo(1);
  }

  @Test
  void should_end_without_a_null_filled_page_and_give_no_token_on_scan_pages() {
    FakeRangeRequests requests = FakeRangeRequests.of(3, true, 2);
    DefaultTableScan scan = scan(requests, requests.ranges, config(3, 1));
    List<Page<Row>> pages = new ArrayList<>();
    scan.forEachPage(pages::add).toCompletableFuture().join();
    assertThat(pages).allSatisfy(page -> {
      assertThat(page.columnDefinitions()).isNotNull();
      assertThat(page.resumeToken()).isEmpty();
    });
    assertThat(pages.stream().mapToInt(Page::size).sum()).isEqualTo(6);
  }

  @Test
  void should_read_only_the_chosen_ranges() {
    FakeRangeRequests requests = FakeRangeRequests.of(4, true, 3);
    DefaultTableScan scan = scan(requests, List.of(requests.ranges.get(1), requests.ranges.get(3)), config(2, 0));
    List<Integer> seen = new ArrayList<>();
    scan.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
    Collections.sort(seen);
    assertThat(seen).containsExactly(1000, 1001, 1002, 3000, 3001, 3002);
    assertThat(scan.checkpoint().isComplete()).isTrue();
    assertThat(scan.ranges()).containsExactly(FakeRangeRequests.range(1), FakeRangeRequests.range(3));
  }

  // ---- issue 12: accounting, limits -------------------------------------------------------------------

  @Test
  void should_count_the_rows_delivered_per_range_across_a_resume() {
    FakeRangeRequests requests = FakeRangeRequests.of(3, true, 4, 4, 4);
    DefaultTableScan first = scan(requests, requests.ranges, config(1, 0));
    List<Integer> seen = new ArrayList<>();
    first.forEach(row -> {
      seen.add(FakePageSource.value(row));
      if (seen.size() == 14) {
        first.close();
      }
    }).handle((ignored, error) -> null).toCompletableFuture().join();
    ScanCheckpoint cut = ScanCheckpoint.decode(first.checkpoint().encode());
    assertThat(cut.rowsDelivered()).isEqualTo(14);
    assertThat(cut.ranges().get(0).rowsDelivered()).isEqualTo(12);
    assertThat(cut.ranges().get(1).rowsDelivered()).isEqualTo(2);

    DefaultTableScan rest = scan(FakeRangeRequests.of(3, true, 4, 4, 4), planner.resume(cut), config(2, 1));
    rest.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
    ScanCheckpoint done = rest.checkpoint();
    assertThat(done.isComplete()).isTrue();
    assertThat(done.ranges()).allSatisfy(range -> assertThat(range.rowsDelivered()).isEqualTo(12));
    assertThat(done.rowsDelivered()).isEqualTo(seen.size()).isEqualTo(36);
  }

  @Test
  void should_read_a_version_1_checkpoint_without_row_counts() {
    String v1 = "# async-cassandra scan checkpoint\nversion 1\nkeyspace ks\ntable t\nquery test-fingerprint\n"
        + "range 0 10 done\nrange 10 20 at AAAAAQ 3\nrange 20 30 pending\n";
    ScanCheckpoint checkpoint = ScanCheckpoint.decode(v1);
    assertThat(checkpoint.ranges()).extracting(ScanCheckpoint.Range::state).containsExactly(
        ScanCheckpoint.State.DONE, ScanCheckpoint.State.IN_PROGRESS, ScanCheckpoint.State.PENDING);
    assertThat(checkpoint.rowsDelivered()).isZero();
    assertThat(ScanCheckpoint.decode(checkpoint.encode())).isEqualTo(checkpoint);
  }

  @Test
  void should_refuse_a_checkpoint_file_cut_short_anywhere_instead_of_resuming_fewer_ranges_or_rows(
      @TempDir Path folder) throws Exception {
    // A file cut at a line's end (a copy that stopped, a disk that filled) read as a scan of fewer ranges: the
    // lost ranges were never read, and the resumed scan ended "every range read in full". Cut inside the last
    // range line, "at <state> 12 rows 40" read as "at <state> 1": 11 rows repeated.
    FakeRangeRequests requests = FakeRangeRequests.of(3, true, 4, 4, 4);
    DefaultTableScan first = scan(requests, requests.ranges, config(1, 0));
    first.forEach(row -> {
      if (FakePageSource.value(row) == 2001) {
        first.close(); // the last range in progress: a paging state and a skip on the last range line
      }
    }).handle((ignored, error) -> null).toCompletableFuture().join();
    ScanCheckpoint checkpoint = first.checkpoint();
    Path file = folder.resolve("scan.checkpoint");
    checkpoint.write(file, List.of("output-rows 9", "a note"));
    String text = Files.readString(file);
    assertThat(text).contains("version 4\n").contains("ranges 3\n").contains(" at ")
        .containsPattern("# a note\nchecksum crc32c [0-9a-f]{8}\nend\n$");
    assertThat(ScanCheckpoint.read(file)).isEqualTo(checkpoint);
    Path cutFile = Files.writeString(folder.resolve("cut.checkpoint"), text.substring(0, text.length() / 2));
    assertThatThrownBy(() -> ScanCheckpoint.read(cutFile)).as("the file is named, not only the line")
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Not a")
        .hasMessageContaining(cutFile.toString());
    for (int kept = 0; kept < text.length() - 1; kept++) { // "end" without its line break is whole
      String cut = text.substring(0, kept);
      assertThatThrownBy(() -> ScanCheckpoint.decode(cut)).as("cut after %d characters", cut.length())
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Not a");
    }
    // A write that fails leaves the file as it was and no temporary file: here the rename onto a folder.
    Path folderInTheWay = Files.createDirectories(folder.resolve("taken.checkpoint").resolve("inside"))
        .getParent();
    assertThatThrownBy(() -> checkpoint.write(folderInTheWay)).isInstanceOf(IOException.class);
    assertThat(folderInTheWay).isDirectory();
    assertThat(folder.resolve("taken.checkpoint.tmp")).doesNotExist();
    String[] lines = checkpoint.encode().split("\n");
    String twoRanges = String.join("\n", java.util.Arrays.stream(lines).filter(line -> !line.startsWith("range 2"))
        .toList()) + "\n";
    assertThatThrownBy(() -> ScanCheckpoint.decode(twoRanges))
        .hasMessageContaining("the lines above do not match the checksum");
    assertThatThrownBy(() -> ScanCheckpoint.decode(checkpoint.encode() + "range 9 10 done rows 0\n"))
        .hasMessageContaining("'range 9 10 done rows 0' after the end line");
    // Version 3, without a checksum: the count of ranges is what refuses a range line lost.
    String v3 = String.join("\n", java.util.Arrays.stream(lines).filter(line -> !line.startsWith("checksum "))
        .toList()).replace("version 4", "version 3") + "\n";
    assertThat(ScanCheckpoint.decode(v3)).isEqualTo(checkpoint);
    assertThatThrownBy(() -> ScanCheckpoint.decode(v3.replace(twoRangesLine(lines), "")))
        .hasMessageContaining("it says it holds 3 ranges but holds 2; the file was cut short");
    assertThatThrownBy(() -> ScanCheckpoint.decode(v3.replace("ranges 3\n", "")))
        .hasMessageContaining("version 3 lacks the line 'ranges N'");
  }

  /** The line of the third range, with its line break. */
  private static String twoRangesLine(String[] lines) {
    return java.util.Arrays.stream(lines).filter(line -> line.startsWith("range 2")).findFirst().orElseThrow()
        + "\n";
  }

  /**
   * A file that is not UTF-8 text (a binary file, an output given as the checkpoint by mistake) threw the
   * decoder's MalformedInputException, whose message is "Input length = 1": it named neither the file nor what
   * was wrong with it.
   */
  @Test
  void should_refuse_a_file_that_is_not_text_as_no_checkpoint_naming_it(@TempDir Path folder) throws Exception {
    Path file = folder.resolve("export.csv.gz");
    Files.write(file, new byte[] {0x1f, (byte) 0x8b, 0x08, 0x00, (byte) 0xff, (byte) 0xfe});

    assertThatThrownBy(() -> ScanCheckpoint.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a checkpoint: " + file + " is not UTF-8 text");
  }

  @Test
  void should_refuse_a_checkpoint_edited_by_hand_instead_of_resuming_it(@TempDir Path folder) throws Exception {
    // Before the checksum, each of these edits was resumed: a range marked done was never read, a count or a
    // place changed repeated or skipped rows, and the export's notes (where its output ends) cut its file
    // elsewhere.
    FakeRangeRequests requests = FakeRangeRequests.of(3, true, 4, 4, 4);
    DefaultTableScan first = scan(requests, requests.ranges, config(1, 0));
    first.forEach(row -> {
      if (FakePageSource.value(row) == 1001) {
        first.close();
      }
    }).handle((ignored, error) -> null).toCompletableFuture().join();
    ScanCheckpoint checkpoint = first.checkpoint();
    Path file = folder.resolve("scan.checkpoint");
    checkpoint.write(file, List.of("output-rows 9", "output-bytes 120"));
    String text = Files.readString(file);
    String inProgress = java.util.Arrays.stream(text.split("\n")).filter(line -> line.contains(" at "))
        .findFirst().orElseThrow();
    String pending = java.util.Arrays.stream(text.split("\n")).filter(line -> line.contains(" pending "))
        .findFirst().orElseThrow();
    Map<String, String> edits = new LinkedHashMap<>();
    edits.put("a range marked done", text.replace(pending, pending.replace(" pending ", " done ")));
    edits.put("a skip changed", text.replace(inProgress, inProgress.replaceFirst(" (\\d+) rows ", " 0 rows ")));
    edits.put("a row count changed", text.replace(inProgress, inProgress.replaceFirst(" rows \\d+$", " rows 1")));
    edits.put("a note changed", text.replace("# output-bytes 120", "# output-bytes 12"));
    edits.put("a note removed", text.replace("# output-rows 9\n", ""));
    edits.put("a bound changed", text.replace(pending, pending.replaceFirst("^range (\\S+) ", "range 7 ")));
    for (Map.Entry<String, String> edit : edits.entrySet()) {
      assertThat(edit.getValue()).as(edit.getKey()).isNotEqualTo(text);
      assertThatThrownBy(() -> ScanCheckpoint.decode(edit.getValue())).as(edit.getKey())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("do not match the checksum").hasMessageContaining("edited or damaged");
    }
    String checksumLine = java.util.Arrays.stream(text.split("\n")).filter(line -> line.startsWith("checksum "))
        .findFirst().orElseThrow();
    assertThatThrownBy(() -> ScanCheckpoint.decode(text.replace(checksumLine + "\n", "")))
        .hasMessageContaining("version 4 lacks its checksum line");
    assertThatThrownBy(() -> ScanCheckpoint.decode(text.replace(checksumLine, checksumLine + "\n# a note")))
        .hasMessageContaining("'# a note' after the checksum line");
    assertThatThrownBy(() -> ScanCheckpoint.decode(text.replace("crc32c ", "md5 ")))
        .hasMessageContaining("expected 'checksum crc32c <8 hexadecimal digits>'");
    assertThatThrownBy(() -> ScanCheckpoint.decode(text.replace("version 4", "version 3")))
        .hasMessageContaining("a checksum line in a checkpoint of version 3");
    // What does not change what is read is not an edit: spacing, blank lines, the digits' case.
    String respaced = text.replace("\n", "  \n\n").replace(checksumLine, checksumLine.toUpperCase(Locale.ROOT)
        .replace("CHECKSUM CRC32C", "checksum crc32c"));
    assertThat(ScanCheckpoint.decode(respaced)).isEqualTo(checkpoint);
    assertThat(ScanCheckpoint.read(file)).isEqualTo(checkpoint);
  }

  @Test
  void should_read_a_version_2_checkpoint_without_the_number_of_ranges() {
    String v2 = "# async-cassandra scan checkpoint\nversion 2\nkeyspace ks\ntable t\nquery test-fingerprint\n"
        + "range 0 10 done rows 4\nrange 10 20 pending rows 0\n# output-bytes 10\n"; // notes after the ranges
    ScanCheckpoint checkpoint = ScanCheckpoint.decode(v2);
    assertThat(checkpoint.ranges()).hasSize(2);
    assertThat(checkpoint.rowsDelivered()).isEqualTo(4);
    assertThat(checkpoint.encode()).contains("version 4\n").contains("ranges 2\n").endsWith("\nend\n");
    assertThatThrownBy(() -> ScanCheckpoint.decode(v2.replace("pending rows 0", "pending")))
        .hasMessageContaining("line 7: 'rows N' is missing after the range's state");
  }

  @Test
  void should_hold_page_requests_back_on_the_timer_as_long_as_the_row_limiter_says() {
    FakeRangeRequests requests = FakeRangeRequests.of(2, true, 5);
    AtomicInteger reserved = new AtomicInteger();
    ScanConfig limited = ScanConfig.builder().parallelism(2).rowLimiter(permits -> {
      reserved.addAndGet((int) permits);
      return TimeUnit.SECONDS.toNanos(1);
    }).streamConfig(StreamConfig.builder().fetchSize(5).prefetchPages(0).build()).build();
    DefaultTableScan scan = scan(requests, requests.ranges, limited);
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    assertThat(requests.sent()).as("nothing sent before the limiter allows it").isZero();
    assertThat(reserved).hasValue(10);
    List<ManualScheduler.Task> waits = scheduler.live(Duration.ofSeconds(1));
    assertThat(waits).hasSize(2);
    waits.forEach(ManualScheduler.Task::fire);
    assertThat(requests.sent()).isEqualTo(2);
    assertThat(first).isCompleted();
    scan.close();
  }

  @Test
  void should_hold_the_next_requests_back_for_the_bytes_already_read() {
    FakeRangeRequests requests = FakeRangeRequests.of(3, true, 5);
    AtomicInteger charged = new AtomicInteger();
    ScanConfig limited = ScanConfig.builder().parallelism(1).byteLimiter(bytes -> {
      charged.addAndGet((int) bytes);
      return TimeUnit.SECONDS.toNanos(2);
    }).streamConfig(StreamConfig.builder().prefetchPages(0).build()).build();
    DefaultTableScan scan = scan(requests, requests.ranges, limited);
    scan.nextPage().toCompletableFuture().join();
    assertThat(charged).as("the first response's 100 bytes").hasValue(100);
    CompletableFuture<Optional<Page<Row>>> second = scan.nextPage().toCompletableFuture();
    assertThat(requests.sent()).as("the second range waits for the bytes of the first").isEqualTo(1);
    assertThat(second).isNotDone();
    scheduler.tasks.stream().filter(task -> !task.cancelled && !task.fired).forEach(ManualScheduler.Task::fire);
    assertThat(requests.sent()).isEqualTo(2);
    assertThat(second).isCompleted();
    scan.close();
  }

  @Test
  void should_fail_the_scan_naming_the_range_when_a_read_limiter_throws() {
    // A limiter is user code. One that threw in a response's callback (the byte limiter) or while a range
    // opened (the row limiter) was lost there: its range stayed in flight for ever and the scan never ended.
    IllegalArgumentException broken = new IllegalArgumentException("limiter broke");
    ScanConfig byBytes = ScanConfig.builder().parallelism(1).byteLimiter(bytes -> {
      throw broken;
    }).streamConfig(StreamConfig.builder().prefetchPages(0).retry(0, Duration.ofMillis(100)).build()).build();
    ScanConfig byRows = ScanConfig.builder().parallelism(2).rowLimiter(permits -> {
      throw broken;
    }).streamConfig(StreamConfig.builder().prefetchPages(0).retry(0, Duration.ofMillis(100)).build()).build();
    for (ScanConfig limited : List.of(byBytes, byRows)) {
      FakeRangeRequests requests = FakeRangeRequests.of(2, true, 5);
      DefaultTableScan scan = scan(requests, requests.ranges, limited);
      CompletableFuture<Void> done = scan.forEach(row -> {}).toCompletableFuture();
      assertThat(done).as("the scan ends").isCompletedExceptionally();
      assertThatThrownBy(done::join).cause().isInstanceOf(PageFetchException.class)
          .hasMessageContaining("token range").hasCauseReference(broken);
      scan.close();
    }
  }

  @Test
  void should_hold_a_retry_back_by_the_row_limiter_as_every_request() {
    // A retry went out as soon as its backoff ended, past the row limiter that every page request reserves.
    FakeRangeRequests requests = FakeRangeRequests.of(1, false, 5, 5);
    List<Long> reserved = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScanConfig limited = ScanConfig.builder().parallelism(1).rowLimiter(permits -> {
      reserved.add(permits);
      return reserved.size() == 2 ? TimeUnit.SECONDS.toNanos(7) : 0; // the retry waits 7 s for the limiter
    }).streamConfig(StreamConfig.builder().fetchSize(5).prefetchPages(0).retry(2, Duration.ofMillis(100))
        .build()).build();
    DefaultTableScan scan = scan(requests, requests.ranges, limited);
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    FakePageSource range = requests.sources.get(0);
    range.failNext(new com.datastax.oss.driver.api.core.connection.ClosedConnectionException("connection reset"));
    scheduler.retryWaits(Duration.ofMillis(100)).forEach(ManualScheduler.Task::fire);
    assertThat(reserved).as("the retry reserved its page too").containsExactly(5L, 5L);
    assertThat(range.fetchCount()).as("the retry waits for the limiter").isEqualTo(1);
    scheduler.live(Duration.ofSeconds(7)).forEach(ManualScheduler.Task::fire);
    assertThat(range.fetchCount()).isEqualTo(2);
    range.completeNext();
    assertThat(first).isCompleted();
    scan.close();
  }

  @Test
  void should_cancel_a_requests_timeout_at_close_when_its_send_ran_before_the_limiters_wait_was_recorded() {
    // The row limiter's wait fires on the timer thread and sends (which records the request's timeout) before
    // the thread that scheduled the wait recorded it; the wait then overwrote the timeout, which close() no
    // longer cancelled: a timer outlived the scan.
    FakeRangeRequests requests = FakeRangeRequests.of(1, false, 5, 5);
    ScanConfig limited = ScanConfig.builder().parallelism(1).rowLimiter(permits -> TimeUnit.SECONDS.toNanos(1))
        .streamConfig(StreamConfig.builder().prefetchPages(0).pageTimeout(Duration.ofSeconds(30))
            .firstPageTimeout(Duration.ofSeconds(30)).build()).build();
    scheduler.fireOnSchedule(Duration.ofSeconds(1)); // the wait runs inside schedule(), as the race has it
    DefaultTableScan scan = scan(requests, requests.ranges, limited);
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    assertThat(requests.sent()).isEqualTo(1);
    assertThat(scheduler.live(Duration.ofSeconds(30))).as("the request's timeout").hasSize(1);
    scan.close();
    assertThat(scheduler.live(Duration.ofSeconds(30))).as("every timer cancelled by close()").isEmpty();
    assertThat(first).isCompletedExceptionally();
  }

  @Test
  void should_ask_smaller_pages_of_a_range_that_times_out_then_fail_naming_it_with_advice() {
    FakeRangeRequests requests = FakeRangeRequests.of(1, false, 5, 5);
    ScanConfig timed = ScanConfig.builder().parallelism(1).streamConfig(StreamConfig.builder().fetchSize(1000)
        .retry(3, Duration.ofMillis(100)).build()).build();
    DefaultTableScan scan = scan(requests, requests.ranges, timed);
    CompletableFuture<Void> done = scan.forEach(row -> {}).toCompletableFuture();
    FakePageSource range = requests.sources.get(0);
    // 4 smaller pages (these do not use up the retries), then 3 retries at the floor: these fake ranges
    // cannot be split (ScanSplitTest splits).
    for (int attempt = 0; attempt < 7; attempt++) {
      range.failNext(new DriverTimeoutException("slow partition"));
      scheduler.tasks.stream().filter(task -> !task.cancelled && !task.fired).forEach(ManualScheduler.Task::fire);
    }
    assertThat(requests.pageSizes).containsExactly(1000, 500, 250, 125, 100, 100, 100, 100);
    range.failNext(new DriverTimeoutException("slow partition"));
    assertThatThrownBy(done::join).cause().isInstanceOf(PageFetchException.class)
        .hasMessageContaining("(0, 10]").hasMessageContaining("timed out 8 times")
        .hasMessageContaining("pages of 100 rows").hasMessageContaining("single partition cannot be split");
  }

  @Test
  void should_go_on_with_smaller_pages_once_a_smaller_page_arrives() {
    FakeRangeRequests requests = FakeRangeRequests.of(1, false, 5, 5);
    ScanConfig timed = ScanConfig.builder().parallelism(1).streamConfig(StreamConfig.builder().fetchSize(1000)
        .retry(3, Duration.ofMillis(100)).build()).build();
    DefaultTableScan scan = scan(requests, requests.ranges, timed);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = scan.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    FakePageSource range = requests.sources.get(0);
    range.failNext(new DriverTimeoutException("slow partition"));
    scheduler.tasks.stream().filter(task -> !task.cancelled && !task.fired).forEach(ManualScheduler.Task::fire);
    range.completeNext();
    range.completeNext();
    done.join();
    assertThat(seen).isEqualTo(requests.allValues());
    assertThat(requests.pageSizes).containsExactly(1000, 500, 500);
  }
}
