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

import java.time.Duration;
import java.util.List;
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
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.stream.DefaultReadAheadBudget;
import org.asynccassandra.internal.stream.FakePageSource;
import org.asynccassandra.internal.stream.HandOverRace;
import org.asynccassandra.internal.stream.ManualScheduler;
import org.asynccassandra.internal.stream.ThreadKind;
import org.asynccassandra.internal.util.DriverFailures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table scan one of whose range requests was lost with its connection (the driver's ClosedChannelException
 * inside an AllNodesFailedException, retryable) is closed, or its stage completed from outside, while that
 * range's retry waits for its backoff or is being handed to the driver. Whoever closes it (another thread, a
 * driver thread), the stage completes, the retry sends nothing after the close (a request already being handed
 * over is cancelled), the other range's request in flight is cancelled, the session's read-ahead budget gets
 * every byte back and forgets the scan, nothing stays registered, no row comes twice, and user code runs on the
 * scan's executor only.
 */
class ScanRetryWaitCloseTest {
  private static final Duration BACKOFF = Duration.ofMillis(100);
  private static final String WORKER = "scan-worker";

  private final ManualScheduler scheduler = new ManualScheduler();
  private final ScanPlanner planner = ScanPlanner.forTests("ks", "t");
  private final DefaultReadAheadBudget budget = new DefaultReadAheadBudget(100_000);
  private final AtomicInteger terminated = new AtomicInteger();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, WORKER));
  /** Two ranges of two pages of 5 rows (100 response bytes each). */
  private final FakeRangeRequests requests = FakeRangeRequests.of(2, false, 5, 5);
  /** The rows the consumer received, in order. */
  private final List<Integer> seen = new CopyOnWriteArrayList<>();
  /** The threads that ran the consumer. */
  private final Set<String> consumerThreads = ConcurrentHashMap.newKeySet();

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  /** Both ranges read at once, one page ahead each, the read-ahead taking from the budget. */
  private DefaultTableScan scan() {
    ScanConfig config = ScanConfig.builder().parallelism(2)
        .streamConfig(StreamConfig.builder().fetchSize(5).prefetchPages(1).retry(3, BACKOFF).build()).build();
    return DefaultTableScan.create(requests, planner, requests.ranges, config, worker, scheduler,
        handle -> terminated.incrementAndGet(), List.of(), budget);
  }

  private void awaitWorkerQuiet() throws Exception {
    worker.submit(() -> { }).get(30, TimeUnit.SECONDS);
  }

  /**
   * Consumes range 0's first page with forEach (its second page is then read ahead); range 1's first request,
   * read ahead, is lost with its connection on {@code failing}'s thread: its retry waits for its backoff.
   * Returns the forEach stage, whose dependent completes {@code dependentRan} with its thread's name.
   */
  private CompletableFuture<Void> consumeUntilARetryWaits(DefaultTableScan scan,
      CompletableFuture<String> dependentRan, ThreadKind failing) throws Exception {
    CompletableFuture<Void> done = scan.forEach(row -> {
      consumerThreads.add(Thread.currentThread().getName());
      seen.add(FakePageSource.value(row));
    }).toCompletableFuture();
    var unused = done.whenComplete((ignored, error) -> dependentRan.complete(Thread.currentThread().getName()));
    assertThat(requests.pendingSources()).as("range 0 for the consumer, range 1 read ahead")
        .containsExactly(requests.sources.get(0), requests.sources.get(1));
    requests.sources.get(0).completeNext();
    awaitWorkerQuiet();
    assertThat(seen).isEqualTo(range(0, 5));
    assertThat(requests.sources.get(0).fetchCount()).as("range 0's second page, read ahead").isEqualTo(2);

    failing.run(() -> requests.sources.get(1).failNext(DriverFailures.lostWithItsConnection()));

    assertThat(scheduler.retryWaits(BACKOFF)).as("range 1's retry waits for its backoff").hasSize(1);
    assertThat(requests.sources.get(1).hasPending()).isFalse();
    assertThat(budget.reservedBytes()).as("both read-aheads reserved: the retry keeps range 1's").isPositive();
    return done;
  }

  /** The scan ended and left nothing behind; {@code sent} requests went out in all. */
  private void assertNothingLeft(DefaultTableScan scan, int sent) throws Exception {
    awaitWorkerQuiet();
    assertThat(terminated).as("ended and deregistered once").hasValue(1);
    assertThat(requests.sent()).as("no request after the close").isEqualTo(sent);
    assertThat(requests.pendingSources()).as("nothing in flight").isEmpty();
    assertThat(budget.reservedBytes()).as("every byte of the budget back").isZero();
    assertThat(scan.source().waitsForBudget()).as("not left in the budget's queue").isFalse();
    assertThat(scan.stats().bufferedPages()).as("no page kept").isZero();
    assertThat(scheduler.tasks).as("no timer left").allSatisfy(
        task -> assertThat(task.cancelled || task.fired).isTrue());
    assertThat(seen).as("every row once, none after the close").isEqualTo(range(0, 5));
    assertThat(consumerThreads).as("the consumer on the scan's executor only")
        .allSatisfy(thread -> assertThat(thread).isEqualTo(WORKER));
  }

  /**
   * The stage failed as closed, its dependents on the scan's executor. The dependent is awaited first: a thread
   * waiting in the stage's own get() may run its dependents itself (the JDK's CompletableFuture helps).
   */
  private static void assertClosed(CompletableFuture<Void> done, CompletableFuture<String> dependentRan)
      throws Exception {
    assertThat(dependentRan.get(30, TimeUnit.SECONDS)).as("the stage's dependents").isEqualTo(WORKER);
    assertThat(done).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(StreamClosedException.class);
  }

  @Test
  void should_end_and_give_back_its_budget_when_closed_from_another_thread_while_a_lost_range_request_waits()
      throws Exception {
    DefaultTableScan scan = scan();
    CompletableFuture<String> dependentRan = new CompletableFuture<>();
    CompletableFuture<Void> done = consumeUntilARetryWaits(scan, dependentRan, ThreadKind.CALLER);
    ManualScheduler.Task wait = scheduler.retryWaits(BACKOFF).get(0);

    ThreadKind.OTHER.run(scan::close);

    assertClosed(done, dependentRan);
    assertThat(requests.sources.get(0).last().future).as("range 0's read-ahead is cancelled").isCancelled();
    assertThat(wait.cancelled).as("range 1's retry wait is cancelled").isTrue();
    wait.runAnyway(); // a timer thread that had taken the wait when the close came: nothing is sent
    assertNothingLeft(scan, 3);
  }

  @Test
  void should_end_on_its_executor_when_a_driver_thread_loses_a_range_request_then_closes_the_scan_while_it_waits()
      throws Exception {
    DefaultTableScan scan = scan();
    CompletableFuture<String> dependentRan = new CompletableFuture<>();
    CompletableFuture<Void> done = consumeUntilARetryWaits(scan, dependentRan, ThreadKind.DRIVER);
    ManualScheduler.Task wait = scheduler.retryWaits(BACKOFF).get(0);

    ThreadKind.DRIVER.run(scan::close);

    assertClosed(done, dependentRan);
    assertThat(requests.sources.get(0).last().future).isCancelled();
    assertThat(wait.cancelled).isTrue();
    wait.runAnyway();
    assertNothingLeft(scan, 3);
  }

  @ParameterizedTest(name = "cancelled: {0}")
  @ValueSource(booleans = {true, false})
  void should_end_when_its_stage_is_cancelled_or_completed_from_outside_while_a_lost_range_request_waits(
      boolean cancel) throws Exception {
    DefaultTableScan scan = scan();
    CompletableFuture<Void> done = consumeUntilARetryWaits(scan, new CompletableFuture<>(), ThreadKind.CALLER);
    ManualScheduler.Task wait = scheduler.retryWaits(BACKOFF).get(0);

    ThreadKind.OTHER.run(() -> {
      if (cancel) {
        done.cancel(false);
      } else {
        done.complete(null);
      }
    });

    assertThat(done.isCancelled()).isEqualTo(cancel);
    assertThat(done).isDone();
    assertThat(requests.sources.get(0).last().future).isCancelled();
    assertThat(wait.cancelled).isTrue();
    wait.runAnyway();
    assertNothingLeft(scan, 3);
  }

  @Test
  void should_cancel_a_retried_range_request_being_handed_over_before_a_close_from_another_thread_returns()
      throws Exception {
    DefaultTableScan scan = scan();
    CompletableFuture<String> dependentRan = new CompletableFuture<>();
    CompletableFuture<Void> done = consumeUntilARetryWaits(scan, dependentRan, ThreadKind.CALLER);
    FakePageSource range1 = requests.sources.get(1);
    HandOverRace race = HandOverRace.holdFetches(range1);
    Thread timer = new Thread(scheduler.retryWaits(BACKOFF).get(0)::fire, "fake-timer"); // the backoff ends
    timer.start();
    race.awaitHeld(); // range 1's retry is being handed to the driver

    race.closeDuring(scan::close, range1.fetches.get(1).future);

    timer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(timer.isAlive()).isFalse();
    assertClosed(done, dependentRan);
    assertNothingLeft(scan, 4);
  }

  @ParameterizedTest(name = "answered before its sender saw the close: {0}")
  @ValueSource(booleans = {false, true})
  void should_drop_a_retried_range_request_being_handed_over_once_handed_when_a_driver_thread_closes_the_scan(
      boolean answered) throws Exception {
    // A close on a driver thread does not wait for another thread's hand-over (that sender may wait for a
    // driver lock this thread holds): the sender cancels its request itself once it is handed over. A request
    // the driver answered meanwhile (a fast node) is not delivered either.
    DefaultTableScan scan = scan();
    CompletableFuture<String> dependentRan = new CompletableFuture<>();
    CompletableFuture<Void> done = consumeUntilARetryWaits(scan, dependentRan, ThreadKind.CALLER);
    FakePageSource range1 = requests.sources.get(1);
    HandOverRace race = HandOverRace.holdFetches(range1);
    Thread timer = new Thread(scheduler.retryWaits(BACKOFF).get(0)::fire, "fake-timer");
    timer.start();
    try {
      race.awaitHeld();
      ThreadKind.DRIVER.run(scan::close); // returns while range 1's retry is still being handed over
      assertClosed(done, dependentRan);
      if (answered) {
        range1.completeNext(); // range 1's first page, before the sender returned from the driver
      }
    } finally {
      race.letGo();
    }
    timer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(timer.isAlive()).isFalse();

    if (!answered) {
      assertThat(range1.fetches.get(1).future).as("the retried request, cancelled by its sender").isCancelled();
    }
    assertNothingLeft(scan, 4);
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }
}
