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

import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.Page;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults inside the engine: timers and retries racing a close, durations too long for a number, a timer that
 * fails, an abort that another cause made first, the read-ahead budget's estimates and queue. Each test failed
 * before its fix.
 */
class EngineFaultsTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AtomicInteger terminated = new AtomicInteger();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "stream-worker"));

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  private DefaultRowStream stream(FakePageSource source, StreamConfig config) {
    return new DefaultRowStream(source, config, worker, scheduler, handle -> terminated.incrementAndGet());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- durations too long for a long, and a timer that fails -------------------------------------------

  @Test
  void should_retry_with_a_backoff_cap_of_forever() {
    FakePageSource source = FakePageSource.pages(10, 10);
    DefaultRowStream stream = stream(source, StreamConfig.builder()
        .retry(3, Duration.ofMillis(100), ChronoUnit.FOREVER.getDuration()).build());
    CompletableFuture<Void> done = stream.forEach(row -> { }).toCompletableFuture();
    source.failNext(new ClosedConnectionException("connection reset"));

    // Before, the backoff's nanoseconds overflowed inside the retry's decision: no retry, no end, no error.
    assertThat(scheduler.retryWaits(Duration.ofMillis(100))).as("the retry waits its backoff").hasSize(1);
    scheduler.retryWaits(Duration.ofMillis(100)).get(0).fire();
    assertThat(source.fetchCount()).isEqualTo(2);
    source.setAutomatic();
    source.completeNext();
    done.join();
    assertThat(stream.stats().rowsDelivered()).isEqualTo(20);
  }

  @Test
  void should_read_with_page_timeouts_of_forever_on_a_real_timer() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      FakePageSource source = FakePageSource.automatic(3, 5);
      DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.builder()
          .firstPageTimeout(ChronoUnit.FOREVER.getDuration()).pageTimeout(ChronoUnit.FOREVER.getDuration())
          .build(), worker, TimeoutScheduler.of(timer), handle -> terminated.incrementAndGet());
      List<Row> rows = new CopyOnWriteArrayList<>();
      stream.forEach(rows::add).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(rows).hasSize(15);
      assertThat(terminated).hasValue(1);
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void should_fail_the_stream_when_its_timer_fails_rather_than_hang() {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    TimeoutScheduler broken = (task, delay) -> {
      throw new IllegalStateException("timer down");
    };
    DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.builder().pageTimeout(Duration.ofSeconds(1))
        .build(), worker, broken, handle -> terminated.incrementAndGet());
    CompletableFuture<Void> done = stream.forEach(row -> { }).toCompletableFuture();
    source.completeNext(); // page 2's read-ahead sets its page timer, which throws

    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AsyncCassandraException.class).hasMessageContaining("timer down");
    await().atMost(Duration.ofSeconds(10)).until(() -> terminated.get() == 1);
    assertThat(source.last().future).as("the request sent before the timer failed is cancelled").isCancelled();
  }

  @Test
  void should_fail_the_stream_when_its_timer_fails_at_the_first_request_rather_than_throw_there() {
    // The total timeout's timer starts with the first request, outside the drain loop: a timer that threw there
    // (one shut down by its session's close racing the request) made forEach() throw, and left the stream
    // open, started and registered.
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    TimeoutScheduler shutDown = (task, delay) -> {
      throw new RejectedExecutionException("timer shut down");
    };
    DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.builder().totalTimeout(MINUTE).build(),
        worker, shutDown, handle -> terminated.incrementAndGet());
    CompletableFuture<Void> done = stream.forEach(row -> { }).toCompletableFuture();

    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AsyncCassandraException.class).hasMessageContaining("total timeout")
        .hasMessageContaining("timer shut down");
    await().atMost(Duration.ofSeconds(10)).until(() -> terminated.get() == 1);
  }

  @Test
  void should_fail_the_stream_when_its_executor_throws_rather_than_hang() {
    // Only a rejection was handled: any other failure of execute() (a pool that cannot start a thread) left the
    // delivery marked as running, so the stream never ended, its stage never completed and nothing was logged.
    AtomicInteger executions = new AtomicInteger();
    Executor breaking = task -> {
      if (executions.incrementAndGet() == 2) {
        throw new IllegalStateException("cannot create a thread");
      }
      worker.execute(task);
    };
    FakePageSource source = FakePageSource.automatic(3, 5);
    DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.defaults(), breaking, scheduler,
        handle -> terminated.incrementAndGet());
    List<Row> rows = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = stream.forEach(rows::add).toCompletableFuture();

    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AsyncCassandraException.class)
        .hasMessageContaining("its executor failed to take the delivery of page 2")
        .hasMessageContaining("cannot create a thread");
    await().atMost(Duration.ofSeconds(10)).until(() -> terminated.get() == 1);
    assertThat(rows).as("page 1, then nothing").hasSize(5);
  }

  /**
   * forEachAsync over 2 pages of 3 rows whose action adds its row to {@code rows} and returns {@code later}, after
   * which the stream's executor throws {@code refusal} (a pool that cannot start a thread, or one shut down);
   * returns once the first row was taken.
   */
  private CompletableFuture<Void> forEachAsyncBreakingItsExecutor(RuntimeException refusal,
      CompletableFuture<Void> later, List<Row> rows) {
    java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
    Executor breaking = task -> {
      if (broken.get()) {
        throw refusal;
      }
      worker.execute(task);
    };
    DefaultRowStream stream = new DefaultRowStream(FakePageSource.automatic(2, 3), StreamConfig.defaults(),
        breaking, scheduler, handle -> terminated.incrementAndGet());
    CompletableFuture<Void> done = stream.forEachAsync(row -> {
      rows.add(row);
      broken.set(true);
      return later; // pending: the loop resumes on the executor once it completes
    }).toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(() -> rows.size() == 1);
    return done;
  }

  @Test
  void should_fail_forEachAsync_when_the_executor_throws_at_its_resumption_rather_than_hang() throws Exception {
    // Only a rejection was handled: any other failure of execute() went to the user's stage, which dropped it,
    // so the loop never resumed, its stage never completed and the stream stayed open, and nothing was logged.
    CompletableFuture<Void> later = new CompletableFuture<>();
    List<Row> rows = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = forEachAsyncBreakingItsExecutor(new IllegalStateException("cannot create a "
        + "thread"), later, rows);

    later.complete(null);

    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AsyncCassandraException.class)
        .hasMessageContaining("its executor failed to take the resumption of forEachAsync")
        .hasMessageContaining("cannot create a thread");
    await().atMost(Duration.ofSeconds(10)).until(() -> terminated.get() == 1);
    assertThat(rows).hasSize(1);
  }

  @Test
  void should_keep_the_actions_failure_when_the_executor_refuses_to_hand_it_over() throws Exception {
    // The action's stage failed (a write that failed) and the executor then refused the task that ends the loop
    // with it: the stream failed with the refusal alone, and the action's failure was lost.
    CompletableFuture<Void> later = new CompletableFuture<>();
    CompletableFuture<Void> done = forEachAsyncBreakingItsExecutor(new RejectedExecutionException("shut down"),
        later, new CopyOnWriteArrayList<>());
    java.io.IOException writeFailed = new java.io.IOException("write failed");

    later.completeExceptionally(writeFailed);

    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AsyncCassandraException.class)
        .hasMessageContaining("the resumption of forEachAsync")
        .satisfies(failure -> assertThat(failure.getSuppressed()).contains(writeFailed));
  }

  @Test
  void should_fail_the_subscriber_when_the_executor_throws_at_the_publishers_emission() throws Exception {
    // Only a rejection was handled: any other failure of execute() went to whoever called request(), the
    // subscriber's onSubscribe here (or a driver I/O thread), and the subscriber was never told.
    Executor breaking = task -> {
      throw new IllegalStateException("cannot create a thread");
    };
    FakePageSource source = FakePageSource.automatic(3, 5);
    DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.defaults(), breaking, scheduler,
        handle -> terminated.incrementAndGet());
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<Row> rows = new CopyOnWriteArrayList<>();
    stream.rows().subscribe(new MappedStreamTest.CollectingSubscriber<>(rows, done));

    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(AsyncCassandraException.class)
        .hasMessageContaining("cannot create a thread");
    await().atMost(Duration.ofSeconds(10)).until(() -> terminated.get() == 1);
    assertThat(rows).isEmpty();
  }

  // ---- retries racing a close --------------------------------------------------------------------------

  @Test
  void should_cancel_the_retried_requests_timer_when_the_retry_wait_fired_before_it_was_recorded() {
    Duration firstPage = Duration.ofSeconds(7);
    scheduler.fireOnSchedule(Duration.ofNanos(1)); // the retry's wait runs before its scheduler records it
    FakePageSource source = FakePageSource.pages(10, 10);
    DefaultRowStream stream = stream(source, StreamConfig.builder().firstPageTimeout(firstPage)
        .retry(3, Duration.ofNanos(2), Duration.ofNanos(2)).build());
    stream.nextPage();
    source.failNext(new ClosedConnectionException("connection reset"));
    assertThat(source.fetchCount()).as("retried at once").isEqualTo(2);
    assertThat(scheduler.live(firstPage)).as("the retried request's timer").hasSize(1);

    stream.close();
    assertThat(scheduler.live(firstPage)).as("no timer left behind by a closed stream").isEmpty();
  }

  @Test
  void should_not_tell_count_or_send_a_retry_decided_just_before_a_close() {
    List<String> events = new CopyOnWriteArrayList<>();
    StreamListener listener = new StreamListener() {
      @Override
      public void onRetry(StreamInfo stream, int pageNumber, int attempt, Throwable error) {
        events.add("retry");
      }

      @Override
      public void onClose(StreamInfo stream, StreamStats stats) {
        events.add("close");
      }
    };
    Duration firstPage = Duration.ofSeconds(7);
    FakePageSource source = FakePageSource.pages(10, 10);
    DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.builder().firstPageTimeout(firstPage)
        .retry(3, Duration.ZERO).listener(listener).build(), Runnable::run, scheduler, handle -> { });
    stream.forEach(row -> { });
    // The timeout decides a retry, then cancels the request; its cancellation closes the stream before the
    // retry is told and sent.
    source.pending().future.whenComplete((page, error) -> stream.close());
    scheduler.live(firstPage).get(0).fire();

    assertThat(events).containsExactly("close");
    assertThat(stream.stats().retries()).isZero();
    assertThat(source.fetchCount()).as("no retry sent").isEqualTo(1);
  }

  // ---- the cause of an abort reaches the stage ---------------------------------------------------------

  @Test
  void should_fail_a_pending_nextPage_with_the_total_timeout_whose_end_waits_for_the_delivery() {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, StreamConfig.builder().prefetchPages(0).totalTimeout(MINUTE).build());
    CompletableFuture<Optional<Page<Row>>> next = stream.nextPage().toCompletableFuture();
    CountDownLatch held = new CountDownLatch(1);
    worker.execute(() -> awaitQuietly(held)); // page 1's delivery waits behind this
    source.completeNext();
    scheduler.live(MINUTE).get(0).fire();
    held.countDown();

    assertThatThrownBy(() -> next.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(StreamTimeoutException.class);
  }

  @Test
  void should_keep_a_page_failure_not_yet_delivered_with_the_total_timeout_that_ends_the_stream() throws Exception {
    // Page 2 failed while the consumer was still on page 1; the total timeout then ended the stream, and the
    // page's failure was dropped without a log line: the user saw only "did not end within totalTimeout".
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, StreamConfig.builder().prefetchPages(1).retry(0, Duration.ZERO)
        .totalTimeout(MINUTE).build());
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.completeNext();
    assertThat(first.get(10, TimeUnit.SECONDS)).isPresent();
    // Page 2, read ahead.
    await().atMost(Duration.ofSeconds(10)).until(() -> source.fetchCount() == 2 && source.hasPending());
    IllegalStateException boom = new IllegalStateException("boom");
    source.failNext(boom);
    scheduler.live(MINUTE).get(0).fire();

    assertThatThrownBy(() -> stream.nextPage().toCompletableFuture().get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(StreamTimeoutException.class)
        .satisfies(timeout -> assertThat(timeout.getSuppressed()).singleElement()
            .satisfies(page -> assertThat(page).hasRootCause(boom)));
  }

  @Test
  void should_not_change_the_consumers_own_failure_with_a_page_failure_it_did_not_reach() throws Exception {
    // The consumer's failure may be another stream's, which its other holders see: the page failure the stream
    // had not delivered is logged, not added to it.
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, StreamConfig.builder().prefetchPages(1).retry(0, Duration.ZERO).build());
    AsyncCassandraException theirs = new AsyncCassandraException("another stream's failure");
    CountDownLatch inConsumer = new CountDownLatch(1);
    CountDownLatch pageFailed = new CountDownLatch(1);
    CompletableFuture<Void> done = stream.forEach(row -> {
      inConsumer.countDown();
      awaitQuietly(pageFailed);
      throw theirs;
    }).toCompletableFuture();
    source.completeNext();
    assertThat(inConsumer.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> source.fetchCount() == 2 && source.hasPending());
    source.failNext(new IllegalStateException("boom"));
    pageFailed.countDown();

    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause().isSameAs(theirs);
    assertThat(theirs.getSuppressed()).isEmpty();
  }

  @Test
  void should_keep_the_total_timeout_as_the_failure_of_forEach_when_closed_after_it() throws Exception {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, StreamConfig.builder().prefetchPages(0).totalTimeout(MINUTE).build());
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> done = stream.forEach(row -> {
      inside.countDown();
      awaitQuietly(release);
    }).toCompletableFuture();
    source.completeNext();
    inside.await(10, TimeUnit.SECONDS);
    scheduler.live(MINUTE).get(0).fire(); // the stream fails with the timeout; its end waits for the consumer
    stream.close();
    release.countDown();

    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(StreamTimeoutException.class);
  }

  @Test
  void should_fail_forEachAsync_when_a_stage_throws_from_whenComplete_after_a_later_resume() {
    FakePageSource source = FakePageSource.pages(5);
    DefaultRowStream stream = stream(source, StreamConfig.builder().build());
    CompletableFuture<Object> gate = new CompletableFuture<>();
    CompletableFuture<Object> throwing = new CompletableFuture<>() {
      @Override
      public CompletableFuture<Object> whenComplete(BiConsumer<? super Object, ? super Throwable> action) {
        throw new IllegalStateException("boom");
      }
    };
    AtomicInteger rows = new AtomicInteger();
    CompletableFuture<Void> done = stream.forEachAsync(row -> rows.incrementAndGet() == 1 ? gate : throwing)
        .toCompletableFuture();
    source.completeNext();
    await().atMost(Duration.ofSeconds(10)).until(() -> rows.get() == 1);
    gate.complete(null); // the loop resumes on the executor, and row 2's stage throws there

    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause().hasMessage("boom");
    await().atMost(Duration.ofSeconds(10)).until(() -> terminated.get() == 1);
  }

  @Test
  void should_fail_every_later_nextPage_with_the_streams_failure_itself() {
    FakePageSource source = FakePageSource.pages(5, 5);
    DefaultRowStream stream = stream(source, StreamConfig.builder().retry(0, Duration.ZERO).build());
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.completeNext();
    first.join();
    CompletableFuture<Optional<Page<Row>>> second = stream.nextPage().toCompletableFuture();
    source.failNext(new InvalidQueryException(null, "bad"));
    assertThatThrownBy(second::join).hasCauseInstanceOf(PageFetchException.class);

    Throwable later = stream.nextPage().toCompletableFuture().handle((page, error) -> error).join();
    assertThat(later).isInstanceOf(PageFetchException.class).isNotInstanceOf(CompletionException.class);
  }

  // ---- the session's read-ahead budget ------------------------------------------------------------------

  private DefaultRowStream budgeted(FakePageSource source, StreamConfig config, DefaultReadAheadBudget budget) {
    return new DefaultRowStream(source, config, Runnable::run, scheduler, null, handle -> { },
        StreamEvents.none("test"), budget);
  }

  @Test
  void should_estimate_a_read_ahead_at_the_rows_it_asks_for_not_at_the_probes_size() {
    // Rows of 100 bytes: the probe of a byte target is 10 rows (1,000 bytes), the next request 5,000 rows.
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(100_000);
    StreamConfig config = StreamConfig.builder().prefetchPages(1).targetPageBytes(1 << 20).build();
    FakePageSource a = FakePageSource.table(20_000, 5_000, row -> 100);
    FakePageSource b = FakePageSource.table(20_000, 5_000, row -> 100);
    DefaultRowStream first = budgeted(a, config, budget);
    DefaultRowStream second = budgeted(b, config, budget);
    first.nextPage();
    a.completeNext();
    assertThat(a.fetchCount()).as("alone, a read-ahead larger than the budget goes").isEqualTo(2);
    assertThat(budget.reservedBytes()).as("5,000 rows of 100 bytes").isEqualTo(500_000);
    second.nextPage();
    b.completeNext();

    assertThat(b.fetchCount()).as("the second read-ahead is held back: the budget is spent").isEqualTo(1);
    first.close();
    second.close();
    assertThat(budget.reservedBytes()).isZero();
  }

  /**
   * A response whose reading threw (an accessor of the driver's result, an Error) threw inside the response's
   * callback, whose future nobody reads: the stream waited for that page for good, holding its budget.
   */
  @Test
  void should_fail_the_page_and_give_its_budget_back_when_a_response_cannot_be_read() {
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(100_000);
    FakePageSource source = new FakePageSource(1_000, 10, 10, 10);
    DefaultRowStream stream = budgeted(source, StreamConfig.builder().prefetchPages(1).build(), budget);
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.completeNext(); // page 1, and page 2 read ahead with a reservation
    assertThat(first).isCompleted();
    assertThat(budget.reservedBytes()).isPositive();
    IllegalStateException unreadable = new IllegalStateException("a paging state that cannot be read");

    source.pending().future.complete(unreadablePagingState(source.page(1), unreadable));
    CompletableFuture<Optional<Page<Row>>> second = stream.nextPage().toCompletableFuture();

    assertThat(second).isCompletedExceptionally();
    assertThatThrownBy(second::join).cause().isInstanceOf(PageFetchException.class)
        .hasMessageContaining("page 2 of 'SELECT v FROM ks.t'").hasCause(unreadable);
    assertThat(budget.reservedBytes()).isZero();
    assertThat(source.fetchCount()).as("a page that could not be read is not asked again").isEqualTo(2);
  }

  /** {@code page}, whose paging state throws {@code failure} when it is read. */
  private static SourcePage unreadablePagingState(SourcePage page, RuntimeException failure) {
    return new SourcePage() {
      @Override
      public int size() {
        return page.size();
      }

      @Override
      public List<Row> rows() {
        return page.rows();
      }

      @Override
      public boolean hasMorePages() {
        return page.hasMorePages();
      }

      @Override
      public java.nio.ByteBuffer pagingState() {
        throw failure;
      }

      @Override
      public long responseBytes() {
        return page.responseBytes();
      }

      @Override
      public com.datastax.oss.driver.api.core.cql.ExecutionInfo executionInfo() {
        return page.executionInfo();
      }

      @Override
      public com.datastax.oss.driver.api.core.cql.ColumnDefinitions columnDefinitions() {
        return page.columnDefinitions();
      }
    };
  }

  @Test
  void should_not_count_a_hold_back_when_the_streams_own_page_frees_the_room_for_its_next() {
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(1_000);
    FakePageSource source = new FakePageSource(1_000, 10, 10, 10, 10);
    DefaultRowStream stream = budgeted(source, StreamConfig.builder().prefetchPages(1).build(), budget);
    stream.nextPage();
    source.completeNext(); // page 1 taken; page 2 read ahead
    source.completeNext(); // page 2 buffered: the whole budget
    assertThat(budget.reservedBytes()).isEqualTo(1_000);

    stream.nextPage(); // page 2 taken: its bytes come back, and page 3 is read ahead in their place
    assertThat(source.fetchCount()).isEqualTo(3);
    assertThat(budget.heldBack()).as("nothing was held back").isZero();
    stream.close();
  }

  @Test
  void should_leave_the_budgets_queue_when_closed_while_its_drain_was_joining_it() throws Exception {
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(1_000);
    DefaultReadAheadBudget.Waiter other = new DefaultReadAheadBudget.Waiter(() -> { });
    assertThat(budget.tryReserve(other, 1_000)).isTrue(); // spent: this stream's read-ahead is refused
    FakePageSource source = new FakePageSource(1_000, 10, 10, 10);
    DefaultRowStream stream = budgeted(source, StreamConfig.builder().prefetchPages(1).build(), budget);
    DefaultReadAheadBudget.Waiter waiter = stream.engine().budgetWaiter();
    stream.nextPage();
    Thread completing;
    synchronized (waiter) { // the budget queues and dequeues a waiter under its monitor
      completing = new Thread(source::completeNext, "fake-io");
      completing.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> completing.getState() == Thread.State.BLOCKED);
      stream.close(); // its drain finds the stream not queued yet
    }
    completing.join(10_000);

    assertThat(waiter.isQueued()).as("a closed stream left in the queue").isFalse();
    DefaultReadAheadBudget.Waiter third = new DefaultReadAheadBudget.Waiter(() -> { });
    budget.adjust(1_000);
    assertThat(budget.tryReserve(third, 100)).as("the next stream is not held back by it").isTrue();
  }

  @Test
  void should_wait_in_the_budgets_queue_again_when_its_drains_tail_left_it_just_after_another_drain_queued_it()
      throws Exception {
    // The stream waits in line to read page 2 ahead. Its consumer then asks for page 2, which goes out as the page
    // it needs (no bytes), so the drain's tail no longer wants read-ahead and leaves the queue. Between its look
    // and its leave, page 2 arrives on another thread: handed over, page 3's read-ahead is refused and that drain
    // finds the stream still queued. The leave then took that place: the stream wanted read-ahead out of line,
    // and no bytes given back ever woke it. The monitor of its place in line (under which the budget queues and
    // dequeues it) holds the leave back while this thread, holding it (reentrant), runs the other drain.
    DefaultReadAheadBudget budget = new DefaultReadAheadBudget(1_000);
    DefaultReadAheadBudget.Waiter other = new DefaultReadAheadBudget.Waiter(() -> { });
    assertThat(budget.tryReserve(other, 1_000)).as("another stream spent the budget").isTrue();
    FakePageSource source = FakePageSource.pages(10, 10, 10, 10);
    DefaultRowStream stream = budgeted(source, StreamConfig.builder().prefetchPages(1).build(), budget);
    DefaultReadAheadBudget.Waiter waiter = stream.engine().budgetWaiter();
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.completeNext(); // page 1 taken; page 2's read-ahead refused
    assertThat(first).isCompleted();
    assertThat(waiter.isQueued()).as("it waits in line to read page 2 ahead").isTrue();

    AtomicReference<CompletableFuture<Optional<Page<Row>>>> second = new AtomicReference<>();
    Thread consumer = new Thread(() -> second.set(stream.nextPage().toCompletableFuture()), "consumer");
    synchronized (waiter) {
      consumer.start(); // page 2 goes out as the page the consumer needs; the drain's tail leaves the queue ...
      awaitBlockedOn(consumer, waiter); // ... held back here, between its look and its leave
      assertThat(source.fetchCount()).isEqualTo(2);
      source.completeNext(); // page 2 arrives on this thread: handed over, page 3's read-ahead refused
    }
    consumer.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(consumer.isAlive()).isFalse();
    assertThat(second.get()).isCompleted();
    assertThat(second.get().join().orElseThrow().number()).isEqualTo(2);

    assertThat(waiter.isQueued()).as("it still waits in line to read page 3 ahead").isTrue();
    budget.adjust(1_000); // the other stream gives its bytes back: the stream is woken, on the pool
    await().atMost(Duration.ofSeconds(10)).until(() -> source.fetchCount() == 3);
    assertThat(waiter.isQueued()).isFalse();
    stream.close();
    assertThat(budget.reservedBytes()).isZero();
  }

  /** Waits until {@code thread} is blocked entering the monitor of {@code monitor}. */
  private static void awaitBlockedOn(Thread thread, Object monitor) {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      java.lang.management.ThreadInfo info = threads.getThreadInfo(thread.getId());
      return info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockInfo() != null
          && info.getLockInfo().getIdentityHashCode() == System.identityHashCode(monitor);
    });
  }
}
