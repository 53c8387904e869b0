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
package org.asynccassandra.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.internal.core.util.concurrent.BlockingOperation;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.StreamListener;
import org.asynccassandra.Page;
import org.asynccassandra.PageEvent;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class RowStreamEngineTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-worker"));

  @AfterEach
  void stopWorker() {
    worker.shutdownNow();
  }

  private RowStream stream(FakePageSource source, StreamConfig config) {
    return new DefaultRowStream(source, config, Runnable::run, scheduler, handle -> {});
  }

  private static StreamConfig prefetch(int pages) {
    return StreamConfig.builder().prefetchPages(pages).build();
  }

  private static List<Integer> values(List<Row> rows) {
    return rows.stream().map(FakePageSource::value).collect(Collectors.toList());
  }

  private static List<Integer> range(int endExclusive) {
    return IntStream.range(0, endExclusive).boxed().collect(Collectors.toList());
  }

  // ---- read-ahead --------------------------------------------------------------------------------

  @Test
  void should_fetch_nothing_before_consumption_starts() {
    FakePageSource source = FakePageSource.pages(10, 10);
    stream(source, prefetch(3));
    assertThat(source.fetchCount()).isZero();
  }

  @Test
  void should_fetch_only_on_demand_with_prefetch_0() {
    FakePageSource source = FakePageSource.pages(10, 10, 10);
    RowStream stream = stream(source, prefetch(0));

    CompletionStage<Optional<Page<Row>>> first = stream.nextPage();
    assertThat(source.fetchCount()).isEqualTo(1);
    source.completeNext();
    assertThat(first.toCompletableFuture().join()).get().extracting(Page::number).isEqualTo(1);
    assertThat(source.fetchCount()).as("no read-ahead while page 1 is consumed").isEqualTo(1);

    stream.nextPage();
    assertThat(source.fetchCount()).isEqualTo(2);
    assertThat(source.concurrentFetchViolations).hasValue(0);
  }

  @Test
  void should_read_one_page_ahead_with_prefetch_1() {
    FakePageSource source = FakePageSource.pages(10, 10, 10, 10);
    RowStream stream = stream(source, prefetch(1));

    stream.nextPage();
    source.completeNext();
    assertThat(source.fetchCount()).as("page 2 requested as soon as page 1 reached the consumer").isEqualTo(2);
    source.completeNext();
    assertThat(source.fetchCount()).as("never more than one page beyond the consumer").isEqualTo(2);
    assertThat(stream.stats().bufferedPages()).isEqualTo(1);

    stream.nextPage(); // takes page 2 from the buffer, which frees room for page 3
    assertThat(source.fetchCount()).isEqualTo(3);
    assertThat(stream.stats().maxBufferedPages()).isEqualTo(1);
    assertThat(source.concurrentFetchViolations).hasValue(0);
  }

  @Test
  void should_not_count_the_page_a_consumer_asked_for_as_read_ahead_while_its_call_still_runs() {
    // forEach asks for the next page at the end of its delivery, which still runs: pages that arrive then
    // (here at once) wait in the buffer although the consumer asked for the first of them. That one is not
    // read ahead; counting it made maxBufferedPages prefetch + 1 (the Vert.x adapter's IT saw 3 for 2).
    // On the worker, each delivery's request() fetches the next page, which the automatic source completes at
    // once, inside that still running delivery.
    FakePageSource source = FakePageSource.automatic(8, 10);
    RowStream stream = new DefaultRowStream(source, prefetch(2), worker, scheduler, handle -> {});

    stream.forEach(row -> { }).toCompletableFuture().join();

    assertThat(source.fetchCount()).isEqualTo(8);
    // How much was read ahead depends on which thread drained first; never more than the prefetch.
    assertThat(stream.stats().maxBufferedPages()).isLessThanOrEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"forEach", "mapped forEach", "iterator", "forEachAsync", "rows()"})
  void should_hand_rows_out_one_at_a_time_without_listing_any_page(String style) throws Exception {
    // The row styles take each row once, in order, so no list of a page's rows is built (4 bytes per row of
    // garbage at least); the fake counts the responses whose rows were listed.
    FakePageSource source = FakePageSource.automatic(4, 10);
    RowStream stream = stream(source, prefetch(1));
    List<Integer> seen = new ArrayList<>();

    switch (style) {
      case "forEach" -> stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
      case "mapped forEach" -> stream.map(FakePageSource::value).forEach(seen::add).toCompletableFuture().join();
      case "iterator" -> stream.iterator().forEachRemaining(row -> seen.add(FakePageSource.value(row)));
      case "forEachAsync" -> stream.forEachAsync(row -> {
        seen.add(FakePageSource.value(row));
        return CompletableFuture.completedFuture(null);
      }).toCompletableFuture().join();
      default -> MappedStreamTest.collect(stream.rows()).forEach(row -> seen.add(FakePageSource.value(row)));
    }

    assertThat(seen).isEqualTo(range(40));
    assertThat(source.listedPages).as("pages whose rows were listed").hasValue(0);
  }

  @Test
  void should_list_the_rows_of_the_pages_that_forEachPage_hands_out() {
    FakePageSource source = FakePageSource.automatic(3, 10);
    List<Integer> seen = new ArrayList<>();

    stream(source, prefetch(1)).forEachPage(page -> seen.addAll(values(page.rows()))).toCompletableFuture().join();

    assertThat(seen).isEqualTo(range(30));
    assertThat(source.listedPages).hasValue(3);
  }

  @Test
  void should_read_three_pages_ahead_with_prefetch_3_one_request_at_a_time() {
    FakePageSource source = FakePageSource.pages(10, 10, 10, 10, 10, 10, 10);
    RowStream stream = stream(source, prefetch(3));

    stream.nextPage();
    source.completeNext(); // page 1 delivered
    for (int expected = 2; expected <= 4; expected++) {
      assertThat(source.fetchCount()).isEqualTo(expected);
      assertThat(source.fetches.stream().filter(f -> !f.future.isDone()).count()).isEqualTo(1);
      source.completeNext();
    }
    assertThat(source.fetchCount()).as("3 pages buffered beyond page 1: no fourth").isEqualTo(4);
    assertThat(source.hasPending()).isFalse();
    assertThat(stream.stats().maxBufferedPages()).isEqualTo(3);

    stream.nextPage();
    assertThat(source.fetchCount()).isEqualTo(5);
    assertThat(source.concurrentFetchViolations).hasValue(0);
  }

  @Test
  void should_stop_reading_ahead_while_buffered_bytes_reach_the_budget() {
    // Each page is 1000 response bytes; the budget allows the held page and one more below 1500.
    FakePageSource source = new FakePageSource(1000, 10, 10, 10, 10, 10);
    RowStream stream = stream(source, StreamConfig.builder().prefetchPages(3).maxBufferedBytes(1500).build());

    stream.nextPage();
    source.completeNext(); // page 1 held: 1000 bytes < 1500, so page 2 is read ahead
    assertThat(source.fetchCount()).isEqualTo(2);
    source.completeNext(); // held 1000 + buffered 1000 >= 1500: read-ahead stops despite prefetch 3
    assertThat(source.fetchCount()).isEqualTo(2);

    stream.nextPage().toCompletableFuture().join(); // page 2 now held, buffer empty: room again
    assertThat(source.fetchCount()).isEqualTo(3);
  }

  @Test
  void should_always_fetch_a_page_the_consumer_waits_for_even_over_budget() {
    FakePageSource source = new FakePageSource(10_000, 5, 5);
    RowStream stream = stream(source, StreamConfig.builder().prefetchPages(2).maxBufferedBytes(100).build());
    stream.nextPage();
    source.completeNext();
    assertThat(source.fetchCount()).as("no read-ahead over budget").isEqualTo(1);
    CompletableFuture<Optional<Page<Row>>> second = stream.nextPage().toCompletableFuture();
    assertThat(source.fetchCount()).isEqualTo(2);
    source.completeNext();
    assertThat(second.join()).get().extracting(Page::isLast).isEqualTo(true);
  }

  // ---- order, completeness, empty pages ----------------------------------------------------------

  @Test
  void should_deliver_every_row_in_order_then_complete_with_forEach() {
    FakePageSource source = FakePageSource.automatic(50, 7);
    List<Integer> seen = new ArrayList<>();
    stream(source, prefetch(2)).forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
    assertThat(seen).isEqualTo(range(350));
  }

  @Test
  void should_go_past_empty_pages_that_are_not_the_last() {
    FakePageSource source = FakePageSource.pages(3, 0, 0, 2);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source, prefetch(1))
        .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    while (source.hasPending()) {
      source.completeNext();
    }
    done.join();
    assertThat(seen).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void should_hand_empty_middle_pages_to_page_consumers_with_their_numbers() {
    FakePageSource source = FakePageSource.pages(3, 0, 0, 2);
    RowStream stream = stream(source, prefetch(0));
    List<String> pages = new ArrayList<>();
    while (true) {
      CompletableFuture<Optional<Page<Row>>> next = stream.nextPage().toCompletableFuture();
      if (source.hasPending()) {
        source.completeNext();
      }
      Optional<Page<Row>> page = next.join();
      if (page.isEmpty()) {
        break;
      }
      pages.add(page.get().number() + ":" + page.get().size() + (page.get().isLast() ? ":last" : ""));
    }
    assertThat(pages).containsExactly("1:3", "2:0", "3:0", "4:2:last");
    assertThat(stream.nextPage().toCompletableFuture().join()).isEmpty();
  }

  // ---- errors -------------------------------------------------------------------------------------

  @Test
  void should_surface_a_failed_page_only_after_every_earlier_row() throws Exception {
    FakePageSource source = FakePageSource.pages(4, 4, 4);
    CountDownLatch consumerOnFirstRow = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> seen = new ArrayList<>();
    RowStream stream = new DefaultRowStream(source, prefetch(3), worker, scheduler, handle -> {});
    CompletableFuture<Void> done = stream.forEach(row -> {
      seen.add(FakePageSource.value(row));
      if (seen.size() == 1) {
        consumerOnFirstRow.countDown();
        awaitLatch(release);
      }
    }).toCompletableFuture();

    await().until(source::hasPending);
    source.completeNext();
    assertThat(consumerOnFirstRow.await(10, TimeUnit.SECONDS)).isTrue();
    await().until(source::hasPending);
    source.completeNext(); // page 2 buffered
    await().until(() -> source.fetchCount() == 3);
    RuntimeException boom = new RuntimeException("node down");
    source.failNext(boom); // page 3 fails while the consumer still is on page 1
    assertThat(done).isNotDone();

    release.countDown();
    assertThatThrownBy(done::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(PageFetchException.class)
        .hasMessageContaining("page 3")
        .hasMessageContaining("SELECT v FROM ks.t")
        .hasCause(boom);
    assertThat(seen).isEqualTo(range(8));
    PageFetchException failure = (PageFetchException) unwrap(done);
    assertThat(failure.pageNumber()).isEqualTo(3);
    assertThat(failure.rowsDelivered()).isEqualTo(8);
  }

  @Test
  void should_fail_with_the_consumers_own_exception_and_cancel_the_read_ahead() {
    FakePageSource source = FakePageSource.pages(10, 10, 10);
    RowStream stream = stream(source, prefetch(1));
    IllegalArgumentException thrown = new IllegalArgumentException("bad row");
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream.forEach(row -> {
      seen.add(FakePageSource.value(row));
      if (seen.size() == 5) {
        throw thrown;
      }
    }).toCompletableFuture();
    // With a direct executor, page 1 is consumed as it completes; page 2 is requested before it.
    source.completeNext();
    assertThat(unwrap(done)).isSameAs(thrown);
    assertThat(source.fetchCount()).isEqualTo(2);
    assertThat(source.last().future).isCancelled();
    assertThat(seen).hasSize(5);
  }

  // ---- close --------------------------------------------------------------------------------------

  @Test
  void should_cancel_the_in_flight_request_and_fail_pending_stages_on_close() {
    FakePageSource source = FakePageSource.pages(10, 10);
    RowStream stream = stream(source, prefetch(1));
    CompletableFuture<Optional<Page<Row>>> pending = stream.nextPage().toCompletableFuture();

    stream.close();
    stream.close(); // idempotent

    assertThat(source.last().future).isCancelled();
    assertThat(unwrap(pending)).isInstanceOf(StreamClosedException.class).hasMessageContaining("closed");
    assertThat(unwrap(stream.nextPage().toCompletableFuture())).isInstanceOf(StreamClosedException.class);
    assertThat(source.fetchCount()).isEqualTo(1);
  }

  @Test
  void should_fail_forEach_at_once_when_closed_from_another_thread_mid_page() throws Exception {
    FakePageSource source = FakePageSource.pages(1000, 1000);
    CountDownLatch inConsumer = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    RowStream stream = new DefaultRowStream(source, prefetch(1), worker, scheduler, handle -> {});
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream.forEach(row -> {
      seen.add(FakePageSource.value(row));
      if (seen.size() == 10) {
        inConsumer.countDown();
        awaitLatch(closed);
      }
    }).toCompletableFuture();
    await().until(source::hasPending);
    source.completeNext();
    assertThat(inConsumer.await(10, TimeUnit.SECONDS)).isTrue();

    stream.close();
    closed.countDown();

    assertThat(unwrap(done)).isInstanceOf(StreamClosedException.class);
    assertThat(source.last().future).isCancelled(); // the read-ahead of page 2
    worker.submit(() -> {}).get(10, TimeUnit.SECONDS); // the consumer loop has returned
    assertThat(seen).as("the row loop stops at the first row after the close").hasSize(10);
  }

  @Test
  void should_fail_a_style_started_after_close() {
    FakePageSource source = FakePageSource.pages(1);
    RowStream stream = stream(source, prefetch(1));
    stream.close();
    assertThat(unwrap(stream.forEach(row -> {}).toCompletableFuture())).isInstanceOf(StreamClosedException.class);
    assertThat(source.fetchCount()).isZero();
  }

  // ---- forEachAsync -------------------------------------------------------------------------------

  @Test
  void should_not_grow_the_stack_over_100k_completed_stages() throws Exception {
    FakePageSource source = FakePageSource.automatic(100, 1000);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] count = new long[1];
    Thread small = new Thread(null, () -> {
      try {
        stream(source, prefetch(1)).forEachAsync(row -> {
          count[0]++;
          return CompletableFuture.completedFuture(null);
        }).toCompletableFuture().join();
      } catch (Throwable error) {
        failure.set(error);
      }
    }, "small-stack", 512 * 1024);
    small.start();
    small.join(TimeUnit.MINUTES.toMillis(2));
    assertThat(failure.get()).isNull();
    assertThat(count[0]).isEqualTo(100_000);
  }

  @Test
  void should_wait_for_each_rows_stage_before_the_next_row() {
    FakePageSource source = FakePageSource.automatic(2, 3);
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    CompletableFuture<Void> done = new DefaultRowStream(source, prefetch(1), Runnable::run, scheduler, h -> {})
        .forEachAsync(row -> {
          CompletableFuture<Void> stage = new CompletableFuture<>();
          stages.add(stage);
          return stage;
        }).toCompletableFuture();
    for (int i = 0; i < 6; i++) {
      assertThat(stages).as("one row at a time").hasSize(i + 1);
      stages.get(i).complete(null);
    }
    assertThat(done).isCompleted();
  }

  @Test
  void should_fail_forEachAsync_with_the_failure_of_a_rows_stage() {
    FakePageSource source = FakePageSource.automatic(3, 3);
    IllegalStateException failed = new IllegalStateException("write failed");
    CompletableFuture<Void> done = stream(source, prefetch(1)).forEachAsync(row ->
        FakePageSource.value(row) == 4 ? CompletableFuture.failedFuture(failed)
            : CompletableFuture.completedFuture(null)).toCompletableFuture();
    assertThat(unwrap(done)).isSameAs(failed);
  }

  // ---- limits ------------------------------------------------------------------------------------

  @Test
  void should_stop_at_maxRows_without_a_further_request() {
    FakePageSource source = FakePageSource.automatic(10, 10);
    List<Integer> seen = new ArrayList<>();
    RowStream stream = stream(source, StreamConfig.builder().prefetchPages(2).maxRows(25).build());
    stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
    assertThat(seen).isEqualTo(range(25));
    assertThat(source.fetchCount()).isEqualTo(3);
    assertThat(stream.stats().rowsDelivered()).isEqualTo(25);
  }

  @Test
  void should_stop_at_maxPages_and_mark_the_last_page() {
    FakePageSource source = FakePageSource.automatic(10, 10);
    List<Page<Row>> pages = new ArrayList<>();
    stream(source, StreamConfig.builder().prefetchPages(3).maxPages(2).build())
        .forEachPage(pages::add).toCompletableFuture().join();
    assertThat(pages).extracting(Page::number).containsExactly(1, 2);
    assertThat(pages.get(1).isLast()).isTrue();
    assertThat(source.fetchCount()).isEqualTo(2);
  }

  // ---- timeouts ----------------------------------------------------------------------------------

  @Test
  void should_fail_with_a_first_page_timeout_and_cancel_the_request() {
    FakePageSource source = FakePageSource.pages(10);
    Duration timeout = Duration.ofSeconds(3);
    RowStream stream = stream(source, StreamConfig.builder().firstPageTimeout(timeout).build());
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();

    List<ManualScheduler.Task> timers = scheduler.live(timeout);
    assertThat(timers).hasSize(1);
    timers.get(0).fire();

    assertThat(source.last().future).isCancelled();
    StreamTimeoutException failure = (StreamTimeoutException) unwrap(first);
    assertThat(failure.kind()).isEqualTo(StreamTimeoutException.Kind.FIRST_PAGE);
    assertThat(failure).hasMessageContaining("firstPageTimeout").hasMessageContaining("SELECT v FROM ks.t");
  }

  @Test
  void should_fail_with_a_page_timeout_after_the_earlier_pages() {
    FakePageSource source = FakePageSource.pages(10, 10, 10);
    Duration timeout = Duration.ofMillis(700);
    RowStream stream = stream(source, StreamConfig.builder().prefetchPages(1).pageTimeout(timeout).build());
    assertThat(stream.nextPage().toCompletableFuture()).isNotDone();
    assertThat(scheduler.live(timeout)).as("the page timeout does not cover page 1").isEmpty();
    source.completeNext(); // page 1 delivered, page 2 requested with a timer
    List<ManualScheduler.Task> timers = scheduler.live(timeout);
    assertThat(timers).hasSize(1);

    timers.get(0).fire();

    assertThat(source.last().future).isCancelled();
    StreamTimeoutException failure = (StreamTimeoutException) unwrap(stream.nextPage().toCompletableFuture());
    assertThat(failure.kind()).isEqualTo(StreamTimeoutException.Kind.PAGE);
    assertThat(failure.pageNumber()).isEqualTo(2);
  }

  @Test
  void should_cancel_the_page_timer_when_the_page_arrives() {
    FakePageSource source = FakePageSource.pages(10, 10);
    Duration timeout = Duration.ofSeconds(1);
    RowStream stream = stream(source, StreamConfig.builder().pageTimeout(timeout).firstPageTimeout(timeout).build());
    stream.nextPage();
    assertThat(scheduler.live(timeout)).as("the first page's timer is set").hasSize(1);
    source.completeNext();
    assertThat(scheduler.live(timeout)).as("the read-ahead page's timer is set").hasSize(1);
    source.completeNext();
    assertThat(scheduler.live(timeout)).isEmpty();
    assertThat(scheduler.tasks).hasSize(2).allMatch(task -> task.cancelled);
  }

  @Test
  void should_end_the_stream_at_once_on_the_total_timeout() {
    FakePageSource source = FakePageSource.pages(10, 10, 10);
    Duration timeout = Duration.ofMinutes(1);
    RowStream stream = stream(source, StreamConfig.builder().prefetchPages(1).totalTimeout(timeout).build());
    stream.nextPage();
    source.completeNext(); // page 1 delivered; page 2 in flight
    CompletableFuture<Optional<Page<Row>>> pending = stream.nextPage().toCompletableFuture();

    scheduler.live(timeout).get(0).fire();

    StreamTimeoutException failure = (StreamTimeoutException) unwrap(pending);
    assertThat(failure.kind()).isEqualTo(StreamTimeoutException.Kind.TOTAL);
    assertThat(source.last().future).isCancelled();
  }

  // ---- misuse ------------------------------------------------------------------------------------

  @Test
  void should_reject_a_second_consumption_style() {
    RowStream stream = stream(FakePageSource.pages(1), prefetch(1));
    stream.nextPage();
    assertThatThrownBy(() -> stream.forEach(row -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nextPage()")
        .hasMessageContaining("forEach()");
    assertThatThrownBy(stream::rows).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void should_reject_nextPage_while_the_previous_call_is_pending() {
    RowStream stream = stream(FakePageSource.pages(1, 1), prefetch(1));
    stream.nextPage();
    assertThatThrownBy(stream::nextPage).isInstanceOf(IllegalStateException.class).hasMessageContaining("pending");
  }

  @Test
  void should_refuse_to_block_on_a_driver_thread() throws Exception {
    RowStream stream = stream(FakePageSource.pages(1), prefetch(1));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread driverThread = new BlockingOperation.SafeThreadFactory().newThread(() -> {
      try {
        stream.iterator();
      } catch (Throwable error) {
        thrown.set(error);
      }
    });
    driverThread.start();
    driverThread.join(10_000);
    assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("driver thread");
  }

  // ---- blocking iterator -------------------------------------------------------------------------

  @Test
  void should_iterate_every_row_with_the_blocking_iterator() {
    FakePageSource source = FakePageSource.automatic(20, 9);
    List<Integer> seen = new ArrayList<>();
    for (Row row : stream(source, prefetch(1)).blocking()) {
      seen.add(FakePageSource.value(row));
    }
    assertThat(seen).isEqualTo(range(180));
  }

  @Test
  void should_close_the_stream_when_a_blocked_iterator_thread_is_interrupted() throws Exception {
    FakePageSource source = FakePageSource.pages(5, 5);
    RowStream stream = stream(source, prefetch(1));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> interruptFlag = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        boolean unused = stream.iterator().hasNext(); // blocks until the interrupt
      } catch (Throwable error) {
        thrown.set(error);
        interruptFlag.set(Thread.currentThread().isInterrupted());
      }
    });
    reader.start();
    await().until(source::hasPending);
    reader.interrupt();
    reader.join(10_000);
    assertThat(thrown.get()).isInstanceOf(StreamClosedException.class);
    assertThat(interruptFlag.get()).isTrue();
    assertThat(source.last().future).isCancelled();
  }

  @Test
  void should_wake_a_blocked_iterator_with_the_fetch_failure() {
    FakePageSource source = FakePageSource.pages(5, 5);
    RowStream stream = stream(source, prefetch(0));
    Iterator<Row> rows = stream.iterator();
    CompletableFuture<Integer> counted = CompletableFuture.supplyAsync(() -> {
      int n = 0;
      while (rows.hasNext()) {
        rows.next();
        n++;
      }
      return n;
    }, worker);
    await().until(source::hasPending);
    source.completeNext();
    await().until(() -> source.fetchCount() == 2);
    source.failNext(new RuntimeException("timeout"));
    assertThat(unwrap(counted)).isInstanceOf(PageFetchException.class);
    assertThat(stream.stats().rowsDelivered()).isEqualTo(5);
  }

  // ---- listener, threads, leaks -------------------------------------------------------------------

  @Test
  void should_report_each_page_to_the_listener_in_order_on_the_executor() {
    FakePageSource source = FakePageSource.automatic(4, 5);
    List<PageEvent> events = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    StreamConfig config = StreamConfig.builder().executor(worker).listener(StreamListener.onPages(event -> {
      events.add(event);
      threads.add(Thread.currentThread().getName());
    })).build();
    List<String> consumerThreads = new ArrayList<>();
    new DefaultRowStream(source, config, Runnable::run, scheduler, h -> {})
        .forEach(row -> consumerThreads.add(Thread.currentThread().getName())).toCompletableFuture().join();
    assertThat(events).extracting(PageEvent::pageNumber).containsExactly(1, 2, 3, 4);
    assertThat(events).extracting(PageEvent::totalRows).containsExactly(5L, 10L, 15L, 20L);
    assertThat(events.get(3).last()).isTrue();
    assertThat(threads).containsOnly("test-worker");
    assertThat(consumerThreads).hasSize(20).containsOnly("test-worker");
  }

  @Test
  void should_report_and_close_a_stream_that_became_unreachable_while_open() {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    long before = DefaultRowStream.LEAKS_REPORTED.get();
    openAndDrop(source);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      System.gc();
      return source.last().future.isCancelled();
    });
    assertThat(DefaultRowStream.LEAKS_REPORTED.get()).isGreaterThan(before);
  }

  private static int countRows(RowStream stream) {
    int count = 0;
    for (Row row : stream.blocking()) {
      count++;
    }
    return count;
  }

  private void openAndDrop(FakePageSource source) {
    RowStream stream = stream(source, prefetch(1));
    stream.nextPage();
    source.completeNext(); // page 1 delivered, page 2 in flight; then the stream is dropped
  }

  @Test
  void should_keep_a_running_forEach_alive_when_the_caller_dropped_the_stream() {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    List<Integer> seen = new ArrayList<>();
    RowStream held = stream(source, prefetch(1)); // strongly held until forEach runs: a GC cannot come between
    WeakReference<RowStream> dropped = new WeakReference<>(held);
    CompletableFuture<Void> done = held.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    held = null;
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    assertThat(dropped.get()).as("a running push-style stream stays reachable").isNotNull();
    while (source.hasPending()) {
      source.completeNext();
    }
    done.join();
    assertThat(seen).isEqualTo(range(15));
    // Once it ended, nothing (the leak detector included) keeps it alive.
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      System.gc();
      return dropped.get() == null;
    });
  }

  @Test
  void should_let_an_iterated_stream_be_collected_after_its_end_without_close() {
    FakePageSource source = FakePageSource.automatic(3, 3);
    RowStream held = stream(source, prefetch(1));
    WeakReference<RowStream> ended = new WeakReference<>(held);
    assertThat(countRows(held)).isEqualTo(9);
    held = null;
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      System.gc();
      return ended.get() == null;
    });
  }

  // ---- config validation --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void should_name_a_bad_fetch_size(int bad) {
    assertThatThrownBy(() -> StreamConfig.builder().fetchSize(bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("fetchSize must be > 0: " + bad);
  }

  @Test
  void should_name_bad_config_values() {
    assertThatThrownBy(() -> StreamConfig.builder().prefetchPages(-1)).hasMessageContaining(": -1");
    assertThatThrownBy(() -> StreamConfig.builder().maxBufferedBytes(0)).hasMessageContaining("maxBufferedBytes");
    assertThatThrownBy(() -> StreamConfig.builder().pageTimeout(Duration.ZERO)).hasMessageContaining("pageTimeout");
    assertThatThrownBy(() -> StreamConfig.builder().maxRows(-5)).hasMessage("maxRows must be > 0: -5");
  }

  // ---- helpers -----------------------------------------------------------------------------------

  public static Throwable unwrap(CompletableFuture<?> future) {
    try {
      future.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException failed) {
      return failed.getCause();
    } catch (Exception other) {
      throw new AssertionError("The future did not fail: " + other, other);
    }
    throw new AssertionError("The future completed normally");
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
