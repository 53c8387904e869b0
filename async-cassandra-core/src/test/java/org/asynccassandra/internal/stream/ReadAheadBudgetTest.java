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

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.Page;
import org.asynccassandra.ReadAheadBudget;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.Test;

/**
 * The session-wide read-ahead budget: read-ahead waits for it, the page a consumer needs never does, bytes
 * come back when consumers take pages or streams end, and the waiting streams then read ahead in turn.
 */
class ReadAheadBudgetTest {
  private static final long PAGE_BYTES = 1_000;
  private final ManualScheduler scheduler = new ManualScheduler();
  private final DefaultReadAheadBudget budget = new DefaultReadAheadBudget(2 * PAGE_BYTES);

  private DefaultRowStream stream(FakePageSource source) {
    return new DefaultRowStream(source, StreamConfig.builder().prefetchPages(2).build(), Runnable::run, scheduler,
        null, handle -> {}, StreamEvents.none("test"), budget);
  }

  private static FakePageSource pages(int count) {
    Integer[] sizes = new Integer[count];
    java.util.Arrays.fill(sizes, 10);
    return new FakePageSource(PAGE_BYTES, sizes);
  }

  @Test
  void should_hold_read_ahead_back_when_the_budget_is_spent_but_never_the_page_a_consumer_needs() {
    FakePageSource first = pages(5);
    FakePageSource second = pages(5);
    DefaultRowStream a = stream(first);
    DefaultRowStream b = stream(second);

    CompletableFuture<Optional<Page<Row>>> aPage = a.nextPage().toCompletableFuture();
    first.completeNext(); // a's page 1 arrives and is taken; a reads ahead page 2 (the first estimate)
    assertThat(aPage).isCompleted();
    first.completeNext(); // a's page 2 arrives: read ahead, 1,000 bytes; a asks for page 3 too
    assertThat(first.fetchCount()).as("a read two pages ahead within the budget").isEqualTo(3);
    first.completeNext();
    assertThat(budget.reservedBytes()).isEqualTo(2 * PAGE_BYTES);

    CompletableFuture<Optional<Page<Row>>> bPage = b.nextPage().toCompletableFuture();
    assertThat(second.fetchCount()).as("b's first page is needed: it never waits").isEqualTo(1);
    second.completeNext();
    assertThat(bPage).isCompleted();
    assertThat(second.fetchCount()).as("b's read-ahead waits: the budget is spent").isEqualTo(1);
    // Once, though the engine decides its next fetch several times per delivery (three tries counted 3).
    assertThat(budget.heldBack()).as("b was held back once").isEqualTo(1);

    // a's consumer takes page 2: its bytes come back, and b reads ahead.
    a.nextPage().toCompletableFuture().join();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> second.fetchCount() == 2);
    assertThat(budget.reservedBytes()).isLessThanOrEqualTo(budget.capacityBytes());
  }

  @Test
  void should_not_keep_the_head_of_the_queue_when_its_own_byte_bound_stops_its_read_ahead() {
    FakePageSource spent = pages(5);
    DefaultRowStream spender = stream(spent);
    spender.nextPage();
    spent.completeNext();
    spent.completeNext();
    spent.completeNext();
    assertThat(budget.reservedBytes()).as("the spender's read-ahead takes the whole budget")
        .isEqualTo(2 * PAGE_BYTES);

    // Page 1 (500 bytes) is held and the read-ahead waits in the queue; page 2 (2,000 bytes) is then over the
    // stream's own maxBufferedBytes: it no longer wants read-ahead, whatever the budget.
    FakePageSource bounded = FakePageSource.table(40, 10, row -> row < 10 ? 50 : 200);
    DefaultRowStream holder = new DefaultRowStream(bounded, StreamConfig.builder().prefetchPages(2)
        .maxBufferedBytes(1_000).build(), Runnable::run, scheduler, null, handle -> {}, StreamEvents.none("test"),
        budget);
    // Its consumer asks for page 2 as page 1 arrives, in the same pass of the engine that found the budget
    // spent: the stream waits for the budget while it fetches the page its consumer needs.
    holder.nextPage().thenRun(holder::nextPage);
    bounded.completeNext();
    assertThat(bounded.fetchCount()).as("page 2 is needed; no read-ahead").isEqualTo(2);
    bounded.completeNext();
    assertThat(bounded.fetchCount()).as("2,000 bytes held: over its own bound").isEqualTo(2);

    spender.close();
    assertThat(budget.reservedBytes()).isZero();
    FakePageSource third = pages(5);
    DefaultRowStream reader = stream(third);
    reader.nextPage();
    third.completeNext();
    assertThat(third.fetchCount()).as("a free budget: read-ahead not held back by a stream that wants none")
        .isEqualTo(2);
    holder.close();
    reader.close();
  }

  @Test
  void should_give_every_byte_back_when_streams_end_or_close_and_read_every_row() throws Exception {
    List<DefaultRowStream> streams = new ArrayList<>();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    List<List<Row>> seen = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      FakePageSource source = pages(6);
      source.setAutomatic();
      DefaultRowStream stream = stream(source);
      List<Row> rows = new ArrayList<>();
      seen.add(rows);
      streams.add(stream);
      done.add(stream.forEach(rows::add).toCompletableFuture());
    }
    for (CompletableFuture<Void> each : done) {
      each.get(10, TimeUnit.SECONDS);
    }
    assertThat(seen).allSatisfy(rows -> assertThat(rows).hasSize(60));
    assertThat(budget.reservedBytes()).isZero();

    FakePageSource held = pages(5);
    DefaultRowStream closing = stream(held);
    closing.nextPage();
    held.completeNext();
    held.completeNext();
    assertThat(budget.reservedBytes()).isPositive();
    closing.close();
    assertThat(budget.reservedBytes()).as("a closed stream gives back its read-ahead").isZero();
  }

  @Test
  void should_wake_a_waiting_stream_only_once_its_bytes_fit() {
    java.util.concurrent.atomic.AtomicInteger wakes = new java.util.concurrent.atomic.AtomicInteger();
    DefaultReadAheadBudget.Waiter holder = new DefaultReadAheadBudget.Waiter(() -> { });
    DefaultReadAheadBudget.Waiter waiting = new DefaultReadAheadBudget.Waiter(wakes::incrementAndGet);
    assertThat(budget.tryReserve(holder, 1_500)).isTrue();

    assertThat(budget.tryReserve(waiting, PAGE_BYTES)).as("1,500 + 1,000 > 2,000").isFalse();
    budget.await(waiting);
    // Before, any free byte woke it: it failed again and, from await, woke itself, a loop of pool tasks.
    assertThat(wakes).as("1,000 bytes do not fit in the 500 left").hasValue(0);
    budget.adjust(200);
    assertThat(wakes).as("nor in the 700 left").hasValue(0);

    budget.adjust(400);
    assertThat(wakes).as("they fit in the 1,100 left").hasValue(1);
    assertThat(budget.tryReserve(waiting, PAGE_BYTES)).isTrue();
    assertThat(waiting.isQueued()).as("served, it left the queue").isFalse();
  }

  @Test
  void should_wake_a_stream_wanting_more_than_the_whole_budget_once_nothing_is_reserved() {
    java.util.concurrent.atomic.AtomicInteger wakes = new java.util.concurrent.atomic.AtomicInteger();
    DefaultReadAheadBudget.Waiter holder = new DefaultReadAheadBudget.Waiter(() -> { });
    DefaultReadAheadBudget.Waiter big = new DefaultReadAheadBudget.Waiter(wakes::incrementAndGet);
    assertThat(budget.tryReserve(holder, 100)).isTrue();
    assertThat(budget.tryReserve(big, 5 * PAGE_BYTES)).isFalse();
    budget.await(big);
    assertThat(wakes).hasValue(0);

    budget.adjust(100);
    assertThat(wakes).as("alone, one read-ahead larger than the budget goes through").hasValue(1);
    assertThat(budget.tryReserve(big, 5 * PAGE_BYTES)).isTrue();
  }

  @Test
  void should_refuse_a_budget_of_no_bytes() {
    assertThatThrownBy(() -> ReadAheadBudget.ofBytes(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be > 0 bytes: 0");
  }
}
