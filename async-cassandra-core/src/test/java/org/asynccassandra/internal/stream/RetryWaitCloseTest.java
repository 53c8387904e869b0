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

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.asynccassandra.Page;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.util.DriverFailures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A stream whose request was lost with its connection (the driver's ClosedChannelException inside an
 * AllNodesFailedException, retryable) is closed, or its stage completed from outside, while the retry waits for
 * its backoff or is being handed to the driver. Whoever closes it (another thread, a driver thread), the stage
 * completes, the retry sends nothing after the close (a request already being handed over is cancelled), the
 * session's read-ahead budget gets every byte back and forgets the stream, nothing stays in flight or
 * registered, no row comes twice, and user code runs on the stream's executor only.
 */
class RetryWaitCloseTest {
  private static final Duration BACKOFF = Duration.ofMillis(100);
  private static final String WORKER = "stream-worker";

  private final ManualScheduler scheduler = new ManualScheduler();
  private final DefaultReadAheadBudget budget = new DefaultReadAheadBudget(10_000);
  private final AtomicInteger terminated = new AtomicInteger();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, WORKER));
  /** The rows the consumer received, in order. */
  private final List<Integer> seen = new CopyOnWriteArrayList<>();
  /** The threads that ran the consumer. */
  private final Set<String> consumerThreads = ConcurrentHashMap.newKeySet();

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  /** Pages of 5 rows (100 response bytes each) read one ahead, whose read-ahead takes from the budget. */
  private DefaultRowStream stream(FakePageSource source) {
    return new DefaultRowStream(source, StreamConfig.builder().prefetchPages(1).retry(3, BACKOFF).build(), worker,
        scheduler, null, handle -> terminated.incrementAndGet(), StreamEvents.none("test"), budget);
  }

  /** Waits until the worker ran every task given to it so far (one thread: in order). */
  private void awaitWorkerQuiet() throws Exception {
    worker.submit(() -> { }).get(30, TimeUnit.SECONDS);
  }

  /**
   * Consumes page 1 with forEach; page 2, read ahead (reserving its bytes), is lost with its connection on
   * {@code failing}'s thread: its retry waits for its backoff. Returns the forEach stage, whose dependent
   * completes {@code dependentRan} with the name of the thread it ran on.
   */
  private CompletableFuture<Void> consumeUntilARetryWaits(DefaultRowStream stream, FakePageSource source,
      CompletableFuture<String> dependentRan, ThreadKind failing) throws Exception {
    CompletableFuture<Void> done = stream.forEach(row -> {
      consumerThreads.add(Thread.currentThread().getName());
      seen.add(FakePageSource.value(row));
    }).toCompletableFuture();
    var unused = done.whenComplete((ignored, error) -> dependentRan.complete(Thread.currentThread().getName()));
    source.completeNext(); // page 1; page 2 is read ahead at once
    awaitWorkerQuiet();
    assertThat(seen).isEqualTo(range(0, 5));
    assertThat(source.fetchCount()).isEqualTo(2);
    assertThat(budget.reservedBytes()).as("page 2's read-ahead").isEqualTo(100);

    failing.run(() -> source.failNext(DriverFailures.lostWithItsConnection()));

    assertThat(scheduler.retryWaits(BACKOFF)).as("the retry waits for its backoff").hasSize(1);
    assertThat(source.hasPending()).isFalse();
    assertThat(budget.reservedBytes()).as("the retry keeps the reservation").isEqualTo(100);
    return done;
  }

  /**
   * The stage failed as closed, its dependents on the stream's executor. The dependent is awaited first: a
   * thread waiting in the stage's own get() may run its dependents itself (the JDK's CompletableFuture helps).
   */
  private static void assertClosed(CompletableFuture<Void> done, CompletableFuture<String> dependentRan)
      throws Exception {
    assertThat(dependentRan.get(30, TimeUnit.SECONDS)).as("the stage's dependents").isEqualTo(WORKER);
    assertThat(done).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(StreamClosedException.class);
  }

  /** The stream ended and left nothing behind; {@code sent} requests went out in all. */
  private void assertNothingLeft(DefaultRowStream stream, FakePageSource source, int sent) throws Exception {
    awaitWorkerQuiet();
    assertThat(terminated).as("ended and deregistered once").hasValue(1);
    assertThat(source.fetchCount()).as("no request after the close").isEqualTo(sent);
    assertThat(source.fetches).as("nothing in flight").allSatisfy(fetch -> assertThat(fetch.future).isDone());
    assertThat(budget.reservedBytes()).as("every byte of the budget back").isZero();
    assertThat(stream.engine().budgetWaiter().isQueued()).as("not left in the budget's queue").isFalse();
    assertThat(scheduler.tasks).as("no timer left").allSatisfy(
        task -> assertThat(task.cancelled || task.fired).isTrue());
    assertThat(seen).as("every row once, none after the close").isEqualTo(range(0, 5));
    assertThat(consumerThreads).as("the consumer on the stream's executor only")
        .allSatisfy(thread -> assertThat(thread).isEqualTo(WORKER));
    assertThat(stream.engine().isOpen()).isFalse();
  }

  @Test
  void should_end_and_give_back_its_budget_when_closed_from_another_thread_while_a_lost_request_waits_to_be_retried()
      throws Exception {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source);
    CompletableFuture<String> dependentRan = new CompletableFuture<>();
    CompletableFuture<Void> done = consumeUntilARetryWaits(stream, source, dependentRan, ThreadKind.CALLER);
    ManualScheduler.Task wait = scheduler.retryWaits(BACKOFF).get(0);

    ThreadKind.OTHER.run(stream::close);

    assertClosed(done, dependentRan);
    assertThat(wait.cancelled).as("the retry's wait is cancelled").isTrue();
    wait.runAnyway(); // a timer thread that had taken the wait when the close came: nothing is sent
    assertNothingLeft(stream, source, 2);
  }

  @Test
  void should_end_on_its_executor_when_a_driver_thread_loses_the_request_then_closes_the_stream_while_the_retry_waits()
      throws Exception {
    // The driver's I/O thread fails the request (the retry is decided there), and then closes the stream there
    // too (its session closing, say): neither blocks, and no user code runs on that thread.
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source);
    CompletableFuture<String> dependentRan = new CompletableFuture<>();
    CompletableFuture<Void> done = consumeUntilARetryWaits(stream, source, dependentRan, ThreadKind.DRIVER);
    ManualScheduler.Task wait = scheduler.retryWaits(BACKOFF).get(0);

    ThreadKind.DRIVER.run(stream::close);

    assertClosed(done, dependentRan);
    assertThat(wait.cancelled).isTrue();
    wait.runAnyway();
    assertNothingLeft(stream, source, 2);
  }

  @ParameterizedTest(name = "cancelled: {0}")
  @ValueSource(booleans = {true, false})
  void should_end_when_its_stage_is_cancelled_or_completed_from_outside_while_a_lost_request_waits_to_be_retried(
      boolean cancel) throws Exception {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source);
    CompletableFuture<String> dependentRan = new CompletableFuture<>();
    CompletableFuture<Void> done = consumeUntilARetryWaits(stream, source, dependentRan, ThreadKind.CALLER);
    ManualScheduler.Task wait = scheduler.retryWaits(BACKOFF).get(0);

    ThreadKind.OTHER.run(() -> {
      if (cancel) {
        done.cancel(false);
      } else {
        done.complete(null);
      }
    });

    if (cancel) {
      assertThat(done).isCancelled();
    } else {
      assertThat(done).isCompleted();
    }
    assertThat(wait.cancelled).as("the retry's wait is cancelled").isTrue();
    wait.runAnyway();
    assertNothingLeft(stream, source, 2);
  }

  @Test
  void should_end_when_the_nextPage_stage_waiting_for_the_retried_page_is_cancelled() throws Exception {
    // The consumer asks for page 2, read ahead and then lost: its call waits for the retry, which holds the
    // page's reservation. The caller gives up on that call.
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source);
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.completeNext();
    first.get(30, TimeUnit.SECONDS).orElseThrow().rows().forEach(row -> seen.add(FakePageSource.value(row)));
    CompletableFuture<Optional<Page<Row>>> second = stream.nextPage().toCompletableFuture();
    source.failNext(DriverFailures.lostWithItsConnection());
    List<ManualScheduler.Task> waits = scheduler.retryWaits(BACKOFF);
    assertThat(waits).hasSize(1);
    assertThat(budget.reservedBytes()).isEqualTo(100);

    ThreadKind.OTHER.run(() -> second.cancel(false));

    assertThat(second).isCancelled();
    assertThat(waits.get(0).cancelled).isTrue();
    waits.get(0).runAnyway();
    assertNothingLeft(stream, source, 2);
    assertThat(stream.nextPage().toCompletableFuture()).failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(StreamClosedException.class);
  }

  @Test
  void should_cancel_a_retried_request_being_handed_over_before_a_close_from_another_thread_returns()
      throws Exception {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source);
    CompletableFuture<String> dependentRan = new CompletableFuture<>();
    CompletableFuture<Void> done = consumeUntilARetryWaits(stream, source, dependentRan, ThreadKind.CALLER);
    HandOverRace race = HandOverRace.holdFetches(source);
    Thread timer = new Thread(scheduler.retryWaits(BACKOFF).get(0)::fire, "fake-timer"); // the backoff ends
    timer.start();
    race.awaitHeld(); // the retry is being handed to the driver

    race.closeDuring(stream::close, source.fetches.get(2).future);

    timer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(timer.isAlive()).isFalse();
    assertClosed(done, dependentRan);
    assertNothingLeft(stream, source, 3);
  }

  @ParameterizedTest(name = "answered before its sender saw the close: {0}")
  @ValueSource(booleans = {false, true})
  void should_drop_a_retried_request_being_handed_over_once_handed_when_a_driver_thread_closes_the_stream(
      boolean answered) throws Exception {
    // A close on a driver thread does not wait for another thread's hand-over (that sender may wait for a
    // driver lock this thread holds): the sender cancels its request itself once it is handed over. A request
    // the driver answered meanwhile (a fast node) is not delivered either.
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source);
    CompletableFuture<String> dependentRan = new CompletableFuture<>();
    CompletableFuture<Void> done = consumeUntilARetryWaits(stream, source, dependentRan, ThreadKind.CALLER);
    HandOverRace race = HandOverRace.holdFetches(source);
    Thread timer = new Thread(scheduler.retryWaits(BACKOFF).get(0)::fire, "fake-timer");
    timer.start();
    try {
      race.awaitHeld();
      ThreadKind.DRIVER.run(stream::close); // returns while the retry is still being handed over
      assertClosed(done, dependentRan);
      if (answered) {
        source.completeNext(); // page 2, rows 5 to 9, before the sender returned from the driver
      }
    } finally {
      race.letGo();
    }
    timer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(timer.isAlive()).isFalse();

    if (!answered) {
      assertThat(source.fetches.get(2).future).as("the retried request, cancelled by its sender").isCancelled();
    }
    assertNothingLeft(stream, source, 3);
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }
}
