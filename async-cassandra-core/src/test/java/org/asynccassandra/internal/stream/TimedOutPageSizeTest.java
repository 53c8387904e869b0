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

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.Page;
import org.asynccassandra.PageEvent;
import org.asynccassandra.QueryStream;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A plain stream asks a page that timed out again for half as many rows (down to 100), and every later
 * page for at most that. The fake table answers each request with as many rows as it asked for, from the
 * row its paging state names, so the rows prove that none is repeated or lost whatever the sizes.
 */
class TimedOutPageSizeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<PageEvent> events = new CopyOnWriteArrayList<>();

  private QueryStream stream(FakePageSource source, StreamConfig config) {
    return new DefaultRowStream(source, config.toBuilder().listener(StreamListener.onPages(events::add)).build(),
        Runnable::run, scheduler, handle -> {});
  }

  /** Page timeouts on every page and {@code retries} retries without backoff (a retry goes out at once). */
  private static StreamConfig.Builder timeouts(int retries) {
    return StreamConfig.builder().firstPageTimeout(TIMEOUT).pageTimeout(TIMEOUT).retry(retries, Duration.ZERO);
  }

  /** Fires the timeout of the one request in flight. */
  private void fireTimeout() {
    List<ManualScheduler.Task> live = scheduler.live(TIMEOUT);
    assertThat(live).as("one request in flight, with its timeout").hasSize(1);
    live.get(0).fire();
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toList());
  }

  private static List<Integer> sizes(Object... parts) {
    List<Integer> sizes = new ArrayList<>();
    for (Object part : parts) {
      if (part instanceof int[] repeated) {
        sizes.addAll(IntStream.range(0, repeated[1]).mapToObj(i -> repeated[0]).toList());
      } else {
        sizes.add((Integer) part);
      }
    }
    return sizes;
  }

  /** {@code times} requests of {@code size} rows, for {@link #sizes}. */
  private static int[] times(int size, int times) {
    return new int[] {size, times};
  }

  private List<Integer> eventSizes() {
    return events.stream().map(PageEvent::requestedPageSize).collect(Collectors.toList());
  }

  @Test
  void should_ask_a_timed_out_page_again_at_half_size_and_no_later_page_for_more() {
    FakePageSource source = FakePageSource.table(10_000, 2_000, row -> 100);
    List<Integer> seen = new ArrayList<>();
    QueryStream stream = stream(source, timeouts(3).build());
    CompletableFuture<Void> done = stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext(); // page 1: rows 0-1999; page 2 is read ahead
    fireTimeout(); // page 2 silent

    assertThat(source.fetches.get(1).future).as("the timed-out request is cancelled").isCancelled();
    assertThat(source.last().pageIndex).as("page 2 asked again from the same row").isEqualTo(2_000);
    assertThat(source.last().pageSize).as("for half the rows").isEqualTo(1_000);
    source.setAutomatic();
    source.completeNext();
    done.join();

    assertThat(seen).as("every row once, in order").isEqualTo(range(0, 10_000));
    assertThat(source.requestedSizes()).isEqualTo(sizes(2_000, 2_000, times(1_000, 8)));
    assertThat(eventSizes()).as("the listener sees the size each page asked").isEqualTo(sizes(2_000, times(1_000, 8)));
    assertThat(stream.stats().requestedPageSize()).isEqualTo(1_000);
    assertThat(stream.stats().retries()).isEqualTo(1);
  }

  @Test
  void should_halve_again_after_each_timeout_down_to_100_rows_and_not_below() {
    FakePageSource source = FakePageSource.table(5_000, 500, row -> 100);
    List<Integer> seen = new ArrayList<>();
    QueryStream stream = stream(source, timeouts(5).build());
    CompletableFuture<Void> done = stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    for (int timeout = 0; timeout < 4; timeout++) {
      fireTimeout(); // page 2 asked 500, 250, 125, 100 rows: each time out
    }
    source.setAutomatic();
    source.completeNext(); // the fifth attempt, of 100 rows
    done.join();

    assertThat(seen).isEqualTo(range(0, 5_000));
    // 500 / 2 = 250, 250 / 2 = 125, 125 / 2 = 62 raised to the floor of 100, which then stays.
    assertThat(source.requestedSizes()).isEqualTo(sizes(500, 500, 250, 125, 100, 100, times(100, 44)));
    assertThat(source.fetches.subList(1, 6)).as("page 2, asked from the same row each time")
        .allSatisfy(fetch -> assertThat(fetch.pageIndex).isEqualTo(500));
    assertThat(stream.stats().retries()).isEqualTo(4);
  }

  @Test
  void should_halve_a_first_page_that_timed_out() {
    FakePageSource source = FakePageSource.table(1_000, 400, row -> 100);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source, timeouts(1).build())
        .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    fireTimeout(); // the first-page timeout
    source.setAutomatic();
    source.completeNext();
    done.join();

    assertThat(seen).isEqualTo(range(0, 1_000));
    assertThat(source.requestedSizes()).isEqualTo(sizes(400, times(200, 5)));
  }

  @Test
  void should_halve_after_a_driver_timeout() {
    FakePageSource source = FakePageSource.table(3_000, 1_000, row -> 100);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source, StreamConfig.builder().retry(2, Duration.ZERO).build())
        .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    source.failNext(new DriverTimeoutException("Query timed out after PT2S"));
    source.setAutomatic();
    source.completeNext();
    done.join();

    assertThat(seen).isEqualTo(range(0, 3_000));
    assertThat(source.requestedSizes()).isEqualTo(sizes(1_000, 1_000, times(500, 4)));
  }

  @Test
  void should_keep_the_size_after_a_failure_that_is_not_a_timeout_and_halve_after_a_read_timeout() {
    FakePageSource source = FakePageSource.table(3_000, 1_000, row -> 100);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source, StreamConfig.builder().retry(3, Duration.ZERO).build())
        .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    source.failNext(new OverloadedException(null, "overloaded"));
    assertThat(source.last().pageSize).as("an overloaded replica: the same size again").isEqualTo(1_000);
    source.failNext(new ReadTimeoutException(null, ConsistencyLevel.ONE, 0, 1, false));
    assertThat(source.last().pageSize).as("a replica's read timeout: half").isEqualTo(500);
    source.setAutomatic();
    source.completeNext();
    done.join();

    assertThat(seen).isEqualTo(range(0, 3_000));
    assertThat(source.requestedSizes()).isEqualTo(sizes(1_000, 1_000, 1_000, times(500, 4)));
  }

  @Test
  void should_stop_the_first_page_size_from_doubling_past_the_cap() {
    FakePageSource source = FakePageSource.table(5_000, 5_000, row -> 100);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source, timeouts(1).firstPageSize(100).build())
        .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext(); // 100
    source.completeNext(); // 200
    source.completeNext(); // 400
    fireTimeout(); // 800 rows from row 700: asked again for 400
    source.setAutomatic();
    source.completeNext();
    done.join();

    assertThat(seen).isEqualTo(range(0, 5_000));
    // 700 rows in the ramp, then 4,300 in pages of 400 instead of 1,600, 3,200, 5,000.
    assertThat(source.requestedSizes()).isEqualTo(sizes(100, 200, 400, 800, times(400, 11)));
  }

  @Test
  void should_let_the_byte_target_size_pages_below_the_cap_but_never_above() {
    // Rows of 100 bytes, then of 1 KiB from row 15,000: a 1 MiB target asks for the fetch size, then 1,024.
    FakePageSource source = FakePageSource.table(30_000, 5_000, row -> row < 15_000 ? 100 : KIB);
    long target = MIB;
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source, timeouts(1).targetPageBytes(target).build())
        .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext(); // the probe: 10 rows
    source.completeNext(); // 5,000 rows
    fireTimeout(); // page 3, 5,000 rows: asked again for 2,500
    source.setAutomatic();
    source.completeNext();
    done.join();

    assertThat(seen).isEqualTo(range(0, 30_000));
    List<Integer> asked = source.requestedSizes();
    assertThat(asked.subList(0, 4)).isEqualTo(List.of(StreamConfig.PROBE_PAGE_SIZE, 5_000, 5_000, 2_500));
    // From the retry on (page 3 onwards), each page asks for the byte target's size, capped at 2,500.
    for (int page = 4; page <= events.size(); page++) {
      PageEvent before = events.get(page - 2);
      long byBytes = Math.max(1, Math.min(5_000, target * before.rowsInPage() / before.responseBytes()));
      assertThat(events.get(page - 1).requestedPageSize()).as("page %d", page)
          .isEqualTo((int) Math.min(2_500, byBytes));
    }
    assertThat(asked).as("below the cap once rows are wider").contains(1_024);
    assertThat(asked.subList(3, asked.size())).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(2_500));
  }

  @Test
  void should_resume_exactly_from_a_token_taken_in_a_halved_page() {
    for (int stopAfter : new int[] {1_001, 1_200, 1_499, 1_700, 2_600}) {
      FakePageSource first = FakePageSource.table(3_000, 1_000, row -> 100);
      List<Integer> seen = new ArrayList<>();
      QueryStream stream = stream(first, timeouts(1).build());
      stream.forEach(row -> {
        seen.add(FakePageSource.value(row));
        if (seen.size() == stopAfter) {
          stream.close();
        }
      });
      first.completeNext(); // rows 0-999
      fireTimeout(); // page 2 asked again for 500 rows
      first.setAutomatic();
      first.completeNext();
      assertThat(first.requestedSizes().subList(0, 3)).isEqualTo(List.of(1_000, 1_000, 500));
      ResumeToken token = ResumeToken.decode(stream.position().encode());
      int pageStart = 1_000 + (stopAfter - 1_000) / 500 * 500; // pages of 500 rows from row 1,000
      assertThat(token.rowOffset()).as("stopped after %d rows", stopAfter).isEqualTo(stopAfter - pageStart);

      FakePageSource second = FakePageSource.table(3_000, 1_000, row -> 100);
      second.setAutomatic();
      stream(second, StreamConfig.builder().resumeFrom(token).build())
          .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();

      assertThat(seen).as("stopped after %d rows", stopAfter).isEqualTo(range(0, 3_000));
    }
  }

  @Test
  void should_skip_the_rows_of_a_resume_token_across_halved_pages() {
    // Stopped 700 rows into a page that started at row 1,000 (the fake's paging state names that row).
    ResumeToken token = ResumeToken.of(FakePageSource.FINGERPRINT, ByteBuffer.allocate(4).putInt(0, 1_000), 700,
        false);

    FakePageSource source = FakePageSource.table(3_000, 1_000, row -> 100);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source, timeouts(1).resumeFrom(token).build())
        .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    fireTimeout(); // the first request, 1,000 rows from row 1,000: asked again for 500
    source.setAutomatic();
    source.completeNext();
    done.join();

    // 500 rows skipped whole, then 200 of the next 500 skipped: the stream goes on at row 1,700.
    assertThat(seen).isEqualTo(range(1_700, 3_000));
    assertThat(source.requestedSizes()).isEqualTo(sizes(1_000, times(500, 4)));
    assertThat(events.get(0).requestedPageSize()).isEqualTo(500);
  }

  @Test
  void should_stop_at_max_rows_across_a_halved_page() {
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source, timeouts(1).maxRows(1_700).build())
        .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    fireTimeout();
    source.setAutomatic();
    source.completeNext();
    done.join();

    assertThat(seen).isEqualTo(range(0, 1_700));
    // Page 2 asks for the 700 rows the limit allows, times out, is asked again for half (350) and the last
    // request for the 350 still allowed: no request after the limit, none for more than it allows.
    assertThat(source.requestedSizes()).as("no request after the limit")
        .isEqualTo(List.of(1_000, 700, 350, 350));
  }

  @Test
  void should_end_at_once_when_closed_from_another_thread_while_a_halved_retry_waits() throws Exception {
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    QueryStream stream = stream(source,
        StreamConfig.builder().firstPageTimeout(TIMEOUT).pageTimeout(TIMEOUT).retry(3, Duration.ofSeconds(1)).build());
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    fireTimeout(); // page 2 timed out: its retry of 500 rows waits for its backoff
    List<ManualScheduler.Task> waits = scheduler.retryWaits(Duration.ofSeconds(1));
    assertThat(waits).as("the retry's wait").hasSize(1);
    assertThat(stream.stats().requestedPageSize()).isEqualTo(500);

    Thread closer = new Thread(stream::close, "closer");
    closer.start();
    closer.join();

    assertThat(RowStreamEngineTest.unwrap(done)).isInstanceOf(org.asynccassandra.StreamClosedException.class);
    assertThat(waits.get(0).cancelled).as("the retry's wait is cancelled").isTrue();
    waits.get(0).action.run(); // a scheduler that ran the wait anyway (a race with the close): nothing is asked
    assertThat(source.requestedSizes()).as("no request after the close").isEqualTo(List.of(1_000, 1_000));
    assertThat(seen).isEqualTo(range(0, 1_000));
    assertThat(scheduler.live(TIMEOUT)).as("no timer left").isEmpty();
  }

  /** A stream whose end the test counts, with the listener {@code listener} only. */
  private QueryStream counted(FakePageSource source, StreamConfig config, AtomicInteger terminated) {
    return new DefaultRowStream(source, config, Runnable::run, scheduler, handle -> terminated.incrementAndGet());
  }

  /** Backoff of a second, so that a halved retry waits where the test can act. */
  private static StreamConfig waitingRetry() {
    return StreamConfig.builder().firstPageTimeout(TIMEOUT).pageTimeout(TIMEOUT).retry(3, Duration.ofSeconds(1))
        .build();
  }

  @Test
  void should_end_when_its_stage_is_completed_or_cancelled_from_outside_while_a_halved_retry_waits() {
    for (boolean cancel : new boolean[] {false, true}) {
      scheduler.tasks.clear();
      AtomicInteger terminated = new AtomicInteger();
      FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
      List<Integer> seen = new ArrayList<>();
      QueryStream stream = counted(source, waitingRetry(), terminated);
      CompletableFuture<Void> done = stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
      source.completeNext();
      fireTimeout(); // page 2's retry of 500 rows waits for its backoff
      List<ManualScheduler.Task> waits = scheduler.retryWaits(Duration.ofSeconds(1));
      assertThat(waits).hasSize(1);

      if (cancel) {
        done.cancel(false);
      } else {
        done.complete(null);
      }

      assertThat(terminated).as("closed and deregistered once").hasValue(1);
      assertThat(waits.get(0).cancelled).as("the wait is cancelled").isTrue();
      waits.get(0).action.run(); // the wait ran anyway, racing the close: nothing is asked
      assertThat(source.requestedSizes()).isEqualTo(List.of(1_000, 1_000));
      assertThat(seen).isEqualTo(range(0, 1_000));
      assertThat(scheduler.live(TIMEOUT)).isEmpty();
    }
  }

  @Test
  void should_end_at_once_when_closed_from_a_driver_thread_while_a_halved_retry_is_in_flight() throws Exception {
    AtomicInteger terminated = new AtomicInteger();
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    QueryStream stream = counted(source, timeouts(3).build(), terminated);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    fireTimeout(); // the retry of 500 rows goes out at once
    FakePageSource.Fetch retry = source.pending();
    assertThat(retry.pageSize).isEqualTo(500);

    // The thread that would complete the request (the driver's I/O thread) closes the stream instead.
    ExecutorService io = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "fake-driver-io"));
    try {
      io.submit(stream::close).get(30, TimeUnit.SECONDS);
    } finally {
      io.shutdownNow();
    }

    assertThat(RowStreamEngineTest.unwrap(done)).isInstanceOf(org.asynccassandra.StreamClosedException.class);
    assertThat(retry.future).as("the halved request is cancelled").isCancelled();
    assertThat(terminated).hasValue(1);
    assertThat(source.requestedSizes()).isEqualTo(List.of(1_000, 1_000, 500));
    assertThat(seen).isEqualTo(range(0, 1_000));
    assertThat(scheduler.live(TIMEOUT)).as("no timer left").isEmpty();
  }

  @Test
  void should_fail_with_the_consumers_exception_in_a_halved_page_and_ask_for_nothing_more() {
    AtomicInteger terminated = new AtomicInteger();
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    QueryStream stream = counted(source, timeouts(3).build(), terminated);
    IllegalStateException broken = new IllegalStateException("consumer broke on row 1,200");
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream.forEach(row -> {
      int value = FakePageSource.value(row);
      if (value == 1_200) {
        throw broken;
      }
      seen.add(value);
    }).toCompletableFuture();
    source.completeNext();
    fireTimeout();
    source.completeNext(); // the halved page 2: rows 1,000-1,499

    assertThat(RowStreamEngineTest.unwrap(done)).isSameAs(broken);
    assertThat(seen).as("every row before the one that threw, once").isEqualTo(range(0, 1_200));
    assertThat(terminated).hasValue(1);
    assertThat(source.fetches).as("the page read ahead after it is cancelled, none asked after")
        .allSatisfy(fetch -> assertThat(fetch.future).isDone());
    assertThat(source.fetches.size()).isLessThanOrEqualTo(4);
    assertThat(scheduler.live(TIMEOUT)).isEmpty();
  }

  @Test
  void should_fail_with_the_listeners_exception_on_a_halved_page() {
    AtomicInteger terminated = new AtomicInteger();
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    IllegalStateException broken = new IllegalStateException("listener broke");
    QueryStream stream = counted(source, timeouts(3).listener(StreamListener.onPages(event -> {
      if (event.requestedPageSize() == 500) {
        throw broken;
      }
    })).build(), terminated);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    fireTimeout();
    source.completeNext(); // the halved page 2, whose event the listener throws on

    assertThat(RowStreamEngineTest.unwrap(done)).isSameAs(broken);
    assertThat(seen).as("no row of the page the listener failed").isEqualTo(range(0, 1_000));
    assertThat(terminated).hasValue(1);
    assertThat(source.fetches).allSatisfy(fetch -> assertThat(fetch.future).isDone());
    assertThat(scheduler.live(TIMEOUT)).isEmpty();
  }

  @Test
  void should_deregister_a_stream_left_unconsumed_after_its_first_page_whose_read_ahead_timed_out() {
    AtomicInteger terminated = new AtomicInteger();
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    DefaultRowStream stream = (DefaultRowStream) counted(source, timeouts(3).build(), terminated);
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.completeNext(); // page 1 taken; page 2 read ahead, never asked for
    assertThat(first).isCompleted();
    fireTimeout(); // ... and timed out: its retry of 500 rows is in flight
    FakePageSource.Fetch retry = source.pending();
    assertThat(retry.pageSize).isEqualTo(500);

    stream.close();

    assertThat(terminated).hasValue(1);
    assertThat(retry.future).isCancelled();
    assertThat(scheduler.live(TIMEOUT)).isEmpty();
    source.fetches.forEach(fetch -> assertThat(fetch.future).isDone());
  }

  @Test
  void should_fail_with_the_timeout_once_the_retries_of_a_halved_page_are_spent() {
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    List<Integer> seen = new ArrayList<>();
    QueryStream stream = stream(source, timeouts(2).build());
    CompletableFuture<Void> done = stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    fireTimeout(); // retry 1, of 500 rows
    fireTimeout(); // retry 2, of 250 rows
    fireTimeout(); // no retry left

    Throwable failure = RowStreamEngineTest.unwrap(done);
    assertThat(failure).isInstanceOf(StreamTimeoutException.class);
    assertThat(((StreamTimeoutException) failure).kind()).isEqualTo(StreamTimeoutException.Kind.PAGE);
    assertThat(((StreamTimeoutException) failure).pageNumber()).isEqualTo(2);
    assertThat(seen).as("the rows before the failed page").isEqualTo(range(0, 1_000));
    assertThat(source.requestedSizes()).isEqualTo(List.of(1_000, 1_000, 500, 250));
    assertThat(stream.stats().retries()).as("the smaller retries count like any").isEqualTo(2);
  }

  @Test
  void should_only_lower_the_cap_and_keep_the_ramp_and_the_byte_target_under_it() {
    assertThat(PageSizer.afterTimeout(5_000)).isEqualTo(2_500);
    assertThat(PageSizer.afterTimeout(101)).isEqualTo(100);
    assertThat(PageSizer.afterTimeout(100)).isEqualTo(100);
    assertThat(PageSizer.afterTimeout(20)).isEqualTo(20);
    assertThat(PageSizer.afterTimeout(0)).as("a source that sizes its own pages").isZero();

    PageSizer ramp = new PageSizer(StreamConfig.builder().firstPageSize(100).build(), 5_000, 0, false);
    ramp.observe(100, 10_000);
    assertThat(ramp.next()).isEqualTo(200);
    ramp.cap(150);
    assertThat(ramp.next()).isEqualTo(150);
    ramp.cap(1_000);
    ramp.observe(150, 15_000);
    assertThat(ramp.next()).as("a higher cap does not raise it").isEqualTo(150);

    PageSizer bytes = new PageSizer(StreamConfig.builder().targetPageBytes(10_000).build(), 5_000, 0, false);
    bytes.cap(300);
    bytes.observe(10, 100); // 10 bytes a row: 1,000 rows would fit
    assertThat(bytes.next()).isEqualTo(300);
    bytes.observe(300, 60_000); // 200 bytes a row: 50 rows fit, below the cap
    assertThat(bytes.next()).isEqualTo(50);

    PageSizer own = new PageSizer(0, 0);
    own.cap(100);
    assertThat(own.next()).as("nothing is chosen for a source that sizes its own pages").isZero();
  }

  @Test
  void should_keep_the_budget_reservation_for_the_smaller_retry_and_settle_the_bytes_that_arrive() {
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(10 * MIB);
    FakePageSource source = FakePageSource.table(3_000, 1_000, row -> 100);
    DefaultRowStream stream = new DefaultRowStream(source, timeouts(1).build(), Runnable::run, scheduler, null,
        handle -> {}, StreamEvents.none("test"), budget);
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.completeNext(); // page 1 (100,000 bytes) taken; page 2 read ahead, reserving that much
    assertThat(first).isCompleted();
    assertThat(budget.reservedBytes()).isEqualTo(100_000);

    fireTimeout();
    assertThat(source.last().pageSize).isEqualTo(500);
    assertThat(budget.reservedBytes()).as("the retry keeps the reservation, no more").isEqualTo(100_000);

    source.completeNext();
    assertThat(budget.reservedBytes()).as("the page buffered holds its real size").isEqualTo(50_000);

    Page<Row> second = stream.nextPage().toCompletableFuture().join().orElseThrow();
    assertThat(second.size()).isEqualTo(500);
    stream.close();
    assertThat(budget.reservedBytes()).isZero();
  }
}
