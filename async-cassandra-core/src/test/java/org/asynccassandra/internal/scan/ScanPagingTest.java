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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asynccassandra.Page;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.PageEvent;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamListener;
import org.asynccassandra.internal.stream.DefaultReadAheadBudget;
import org.asynccassandra.internal.stream.FakePageSource;
import org.asynccassandra.internal.stream.ManualScheduler;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Page sizes and memory of a table scan: each range sizes its pages by {@code targetPageBytes} (with the
 * timeout-driven halving and splitting on top), and the scan's read-ahead takes from the session's
 * {@link DefaultReadAheadBudget}, never the page the consumer needs.
 */
class ScanPagingTest {
  private static final long TARGET = 10_000;
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ScanPlanner planner = ScanPlanner.forTests("ks", "t");

  private DefaultTableScan scan(RangeRequests requests, List<PlannedRange> ranges, ScanConfig config,
      DefaultReadAheadBudget budget) {
    return DefaultTableScan.create(requests, planner, ranges, config, Runnable::run, scheduler, handle -> {},
        config.streamConfig().listener().map(List::of).orElse(List.of()), budget);
  }

  private static ScanConfig config(int parallelism, StreamConfig.Builder stream) {
    return ScanConfig.builder().parallelism(parallelism).streamConfig(stream.build()).build();
  }

  /** Reads the whole scan, firing the retry waits as they come; the rows. */
  private List<Integer> drive(DefaultTableScan scan) {
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> done = scan.forEach(row -> seen.add(row.getInt(0))).toCompletableFuture();
    for (int round = 0; !done.isDone() && round < 10_000; round++) {
      scheduler.tasks.stream().filter(task -> !task.cancelled && !task.fired).forEach(ManualScheduler.Task::fire);
    }
    assertThat(done).as("the scan ended").isDone();
    done.join();
    return seen;
  }

  private static List<Integer> sizes(FakeTokenTable table, ScanRange range) {
    return table.requests.stream().filter(request -> request.range().equals(range))
        .map(FakeTokenTable.Request::pageSize).toList();
  }

  @Test
  void should_ask_each_range_for_as_many_rows_as_fit_in_the_byte_target() {
    // 400-byte rows and a 10,000-byte target: 25 rows a page, after a probe of 10.
    FakeTokenTable table = new FakeTokenTable(200, 3).rowBytes(token -> 400);
    List<PageEvent> events = new CopyOnWriteArrayList<>();
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 100), table.range(1, 100, 200)),
        config(1, StreamConfig.builder().targetPageBytes(TARGET).listener(StreamListener.onPages(events::add))),
        null);

    List<Integer> seen = drive(scan);

    assertThat(seen).as("every row once, in order").isEqualTo(table.allValues());
    List<Integer> first = sizes(table, ScanRange.of("0", "100"));
    assertThat(first.get(0)).as("the probe").isEqualTo(StreamConfig.PROBE_PAGE_SIZE);
    assertThat(first.subList(1, first.size())).containsOnly(25);
    assertThat(sizes(table, ScanRange.of("100", "200")))
        .as("the second range takes the width the first one measured: no probe").containsOnly(25);
    assertThat(events).allSatisfy(event -> assertThat(event.responseBytes()).isLessThanOrEqualTo(TARGET));
    assertThat(events).extracting(PageEvent::requestedPageSize).as("the events tell the sizes asked for")
        .isEqualTo(table.requests.stream().map(FakeTokenTable.Request::pageSize).toList());
    assertThat(scan.stats().requestedPageSize()).isEqualTo(25);
  }

  @Test
  void should_size_pages_down_when_the_rows_of_a_range_get_wider() {
    FakeTokenTable table = new FakeTokenTable(100, 3).rowBytes(token -> token <= 50 ? 400 : 1_600);
    List<PageEvent> events = new CopyOnWriteArrayList<>();
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 100)),
        config(1, StreamConfig.builder().targetPageBytes(TARGET).listener(StreamListener.onPages(events::add))),
        null);

    assertThat(drive(scan)).isEqualTo(table.allValues());

    List<Integer> sizes = sizes(table, ScanRange.of("0", "100"));
    assertThat(sizes.get(sizes.size() - 1)).as("10,000 bytes of 1,600-byte rows").isEqualTo(6);
    // The page where the rows got wider exceeds the target, and the one sized by its mixed width.
    assertThat(events.stream().filter(event -> event.responseBytes() > TARGET).count()).isBetween(1L, 2L);
  }

  @Test
  void should_halve_pages_sized_by_bytes_then_split_a_range_that_keeps_timing_out() {
    // 16-byte rows and a 4,800-byte target: 300 rows a page, below the fetch size of 400. Past token 100,
    // a request times out while more than 200 tokens lie ahead of it in its range.
    FakeTokenTable table = new FakeTokenTable(400, 3)
        .timingOut(request -> request.position() >= 100 && request.end() - request.position() > 200);
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 400)),
        config(1, StreamConfig.builder().fetchSize(400).targetPageBytes(16 * 300)), null);

    List<Integer> seen = drive(scan);

    assertThat(seen).as("every row once, in order").isEqualTo(table.allValues());
    assertThat(table.requests).extracting(FakeTokenTable.Request::pageSize)
        .as("the probe, the byte size, then half of the size that timed out, down to the floor")
        .startsWith(10, 300, 300, 150, 100, 100);
    assertThat(scan.splits()).isEqualTo(1);
    assertThat(table.requests).allSatisfy(request -> assertThat(request.pageSize()).isLessThanOrEqualTo(300));
  }

  @Test
  void should_keep_the_fetch_size_without_a_byte_target_and_ignore_a_first_page_size() {
    FakeTokenTable table = new FakeTokenTable(100, 3).rowBytes(token -> 400);
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 100)),
        config(1, StreamConfig.builder().fetchSize(70).firstPageSize(5)), null);

    assertThat(drive(scan)).isEqualTo(table.allValues());
    assertThat(table.requests).extracting(FakeTokenTable.Request::pageSize).containsOnly(70);
  }

  @Test
  void should_read_no_further_ahead_while_the_budget_is_spent_and_still_read_every_row() {
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(1_000);
    DefaultReadAheadBudget.Waiter other = new DefaultReadAheadBudget.Waiter(() -> { });
    assertThat(budget.tryReserve(other, 1_000)).as("another stream spent the budget").isTrue();
    FakeRangeRequests requests = FakeRangeRequests.of(4, false, 5, 5);
    DefaultTableScan scan = scan(requests, requests.ranges, config(4, StreamConfig.builder().prefetchPages(1)),
        budget);
    List<Integer> seen = new ArrayList<>();

    for (int page = 0; page < 8; page++) {
      CompletableFuture<Optional<Page<Row>>> next = scan.nextPage().toCompletableFuture();
      assertThat(requests.pendingSources()).as("page %d: only the request the consumer needs", page).hasSize(1);
      requests.pendingSources().get(0).completeNext();
      assertThat(next).isCompleted();
      next.join().ifPresent(got -> got.rows().forEach(row -> seen.add(FakePageSource.value(row))));
    }
    assertThat(scan.nextPage().toCompletableFuture().join()).isEmpty();

    Collections.sort(seen);
    assertThat(seen).isEqualTo(requests.allValues());
    assertThat(budget.heldBack()).isPositive();
    assertThat(budget.reservedBytes()).as("only the other stream's bytes").isEqualTo(1_000);
  }

  @Test
  void should_charge_the_budget_for_a_needed_page_that_waits_because_another_ranges_came_first() {
    // The consumer waits: range 0's request goes without a reservation (the page it needs), range 1's is
    // read ahead. Range 1 answers first and is handed over; range 0's page then waits in the queue like a
    // page read ahead, and was held outside the budget.
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(10_000);
    FakeRangeRequests requests = FakeRangeRequests.of(2, false, 5);
    DefaultTableScan scan = scan(requests, requests.ranges,
        config(2, StreamConfig.builder().fetchSize(5).prefetchPages(1)), budget);
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    assertThat(requests.pendingSources()).containsExactly(requests.sources.get(0), requests.sources.get(1));
    requests.sources.get(1).completeNext();
    assertThat(FakePageSource.value(first.join().orElseThrow().rows().get(0))).as("range 1's page, first to arrive")
        .isEqualTo(1_000);
    assertThat(budget.reservedBytes()).as("range 1's read-ahead taken").isZero();

    requests.sources.get(0).completeNext();
    long pageBytes = requests.sources.get(0).page(0).responseBytes();
    assertThat(pageBytes).isPositive();
    assertThat(budget.reservedBytes()).as("range 0's page waits as read-ahead").isEqualTo(pageBytes);

    assertThat(scan.nextPage().toCompletableFuture().join()).isPresent();
    assertThat(budget.reservedBytes()).as("given back once taken").isZero();
    scan.close();
    assertThat(budget.reservedBytes()).isZero();
  }

  @Test
  void should_not_wait_in_the_budgets_queue_for_a_read_ahead_another_pump_sent_meanwhile() {
    // A pump is refused; before it joins the queue, bytes come back and another pump (the consumer's fetch,
    // a wake, another range's answer) reads the same range ahead; the budget fills again. The first pump then
    // joined the queue for a read-ahead no range wanted any more: first in line, it held back every other
    // stream of the session, with bytes free, until the scan's request came back.
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(1_000);
    DefaultReadAheadBudget.Waiter other = new DefaultReadAheadBudget.Waiter(() -> { });
    assertThat(budget.tryReserve(other, 1_000)).as("another stream spent the budget").isTrue();
    FakeRangeRequests requests = FakeRangeRequests.of(1, false, 5, 5, 5);
    DefaultTableScan scan = scan(requests, requests.ranges,
        config(1, StreamConfig.builder().fetchSize(5).prefetchPages(1)), budget);
    ScanPageSource source = scan.source();
    AtomicInteger raced = new AtomicInteger();
    source.beforeBudgetWait = () -> {
      if (raced.getAndIncrement() == 0) {
        budget.adjust(1_000); // the other stream's consumer took its pages,
        source.pumpForTests(); // a wake of the scan (the budget's, on its pool) read the range ahead,
        assertThat(budget.tryReserve(other, 900)).as("and the other stream read ahead again").isTrue();
      }
    };
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    requests.sources.get(0).completeNext(); // page 1 handed over; its read-ahead is refused: the race above
    assertThat(first).isCompleted();
    assertThat(raced).as("the race ran").hasPositiveValue();
    assertThat(requests.sources.get(0).fetchCount()).as("page 2 read ahead by the other pump").isEqualTo(2);

    assertThat(source.waitsForBudget()).as("the scan waits for nothing").isFalse();
    budget.adjust(50); // 50 bytes free
    DefaultReadAheadBudget.Waiter third = new DefaultReadAheadBudget.Waiter(() -> { });
    assertThat(budget.tryReserve(third, 50)).as("a third stream is not held back by the scan").isTrue();
    scan.close();
  }

  @Test
  void should_leave_the_budgets_queue_when_a_range_fails_while_the_scan_waits_to_read_ahead() {
    // A read-ahead request fails for good while the consumer holds a page and the scan waits first in line
    // for more read-ahead bytes. The scan stayed in the queue until its consumer came back for the failure,
    // and first in line it held back every other stream's read-ahead (first come, first served), even once
    // bytes came back.
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(1_000);
    DefaultReadAheadBudget.Waiter other = new DefaultReadAheadBudget.Waiter(() -> { });
    budget.tryReserve(other, 800); // room for two read-ahead pages of 100 bytes
    FakeRangeRequests requests = FakeRangeRequests.of(4, false, 5, 5);
    // Pages of 5 rows asked for: a read-ahead is estimated at the rows it asks for (5 of 20 bytes here).
    DefaultTableScan scan = scan(requests, requests.ranges,
        config(4, StreamConfig.builder().fetchSize(5).prefetchPages(1).retry(0, Duration.ofMillis(100))), budget);
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    requests.sources.get(0).completeNext();
    assertThat(first).isCompleted();
    assertThat(requests.pendingSources()).as("two pages read ahead, the third held back")
        .containsExactly(requests.sources.get(0), requests.sources.get(1));

    requests.sources.get(1).failNext(new IllegalStateException("range read failed"));
    budget.adjust(800); // the other stream's consumer took its pages

    DefaultReadAheadBudget.Waiter third = new DefaultReadAheadBudget.Waiter(() -> { });
    assertThat(budget.tryReserve(third, 100)).as("a third stream is not held back by the failed scan").isTrue();
    assertThatThrownBy(() -> scan.nextPage().toCompletableFuture().join())
        .hasCauseInstanceOf(PageFetchException.class);
    scan.close();
  }

  @Test
  void should_read_ahead_again_when_bytes_come_back() {
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(1_000);
    DefaultReadAheadBudget.Waiter other = new DefaultReadAheadBudget.Waiter(() -> { });
    budget.tryReserve(other, 1_000);
    FakeRangeRequests requests = FakeRangeRequests.of(4, false, 5, 5);
    DefaultTableScan scan = scan(requests, requests.ranges, config(4, StreamConfig.builder().prefetchPages(1)),
        budget);
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    requests.pendingSources().get(0).completeNext();
    assertThat(first).isCompleted();
    assertThat(requests.sent()).as("the consumer holds its page: nothing is read ahead").isEqualTo(1);

    budget.adjust(1_000); // the other stream's consumer took its pages

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> requests.sent() > 1);
    assertThat(budget.reservedBytes()).isPositive();
    scan.close();
    assertThat(budget.reservedBytes()).as("a closed scan gives back its read-ahead").isZero();
  }

  @Test
  void should_keep_the_budget_within_one_page_of_its_capacity_and_give_every_byte_back_at_the_end() {
    // Pages of 100 bytes (FakeRangeRequests), a budget of three of them, 8 ranges read 4 at once.
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(300);
    FakeRangeRequests requests = FakeRangeRequests.of(8, false, 5, 5, 5);
    // Requests of the fake's page size, 5 rows: a reader's estimate is the rows it asks for at the width it
    // measured, and a request of the default 5,000 rows was estimated at 100,000 bytes (a page of a real range
    // of many rows), which the budget lets through alone whenever nothing else is reserved at that moment.
    DefaultTableScan scan = scan(requests, requests.ranges,
        config(4, StreamConfig.builder().fetchSize(5).prefetchPages(2)), budget);
    List<Integer> seen = new ArrayList<>();
    List<Long> reserved = new ArrayList<>();
    Optional<Page<Row>> page;
    do {
      CompletableFuture<Optional<Page<Row>>> next = scan.nextPage().toCompletableFuture();
      while (!next.isDone()) {
        // Bytes given back wake a waiting reader on the common pool, so the request this page needs may be
        // sent from there, a moment after nextPage() returned: wait for it rather than assume it is out.
        Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> next.isDone() || !requests.pendingSources().isEmpty());
        if (!next.isDone()) {
          requests.pendingSources().get(0).completeNext(); // only this thread completes: it is still pending
          reserved.add(budget.reservedBytes());
        }
      }
      page = next.join();
      page.ifPresent(got -> got.rows().forEach(row -> seen.add(FakePageSource.value(row))));
      // Pages that arrive while the consumer holds one are read-ahead: let a few arrive.
      for (int i = 0; i < 2 && !requests.pendingSources().isEmpty(); i++) {
        requests.pendingSources().get(0).completeNext();
        reserved.add(budget.reservedBytes());
      }
    } while (page.isPresent());

    Collections.sort(seen);
    assertThat(seen).isEqualTo(requests.allValues());
    // The first read-ahead goes with the first estimate (64 KiB) when nothing is reserved; then estimates
    // are the real page size, so the budget holds at most its capacity plus one page's error.
    assertThat(budget.reservedBytes()).as("every byte given back").isZero();
    assertThat(budget.heldBack()).isPositive();
    int measured = 0;
    while (reserved.get(measured) >= DefaultReadAheadBudget.FIRST_ESTIMATE) {
      measured++;
    }
    assertThat(reserved.subList(measured, reserved.size())).allSatisfy(
        bytes -> assertThat(bytes).isLessThanOrEqualTo(300 + 100));
  }
}
