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

import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.Page;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.stream.ManualScheduler;
import org.asynccassandra.internal.util.Undeclared;
import org.junit.jupiter.api.Test;

/**
 * A running scan's read limiters, retries and failures: a limiter that answers "never", the size charged
 * against the size sent, a retry's wait against a limiter's wait, and a second range failing after a first.
 * Each test failed before its fix.
 */
class ScanLimiterFaultsTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ScanPlanner planner = ScanPlanner.forTests("ks", "t");

  private DefaultTableScan scan(FakeRangeRequests requests, ScanConfig config) {
    return DefaultTableScan.create(requests, planner, requests.ranges, config, Runnable::run, scheduler,
        handle -> { });
  }

  @Test
  void should_fail_the_range_naming_the_row_limiter_when_it_answers_never() {
    // Bucket4j answers Long.MAX_VALUE to a charge above its capacity (a fetch size above it): the request was
    // scheduled 292 years out, and the scan never ended.
    FakeRangeRequests requests = FakeRangeRequests.of(1, true, 5);
    DefaultTableScan scan = scan(requests, ScanConfig.builder().parallelism(1).rowLimiter(permits -> Long.MAX_VALUE)
        .streamConfig(StreamConfig.builder().fetchSize(10_000).retry(0, Duration.ZERO).build()).build());
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();

    assertThat(first).isCompletedExceptionally();
    assertThatThrownBy(first::join).cause().isInstanceOf(PageFetchException.class)
        .hasRootCauseMessage("The scan's row limiter answered that 10000 rows can never be read (a wait of "
            + "Long.MAX_VALUE, as Bucket4j answers a charge above its capacity): give it a capacity of at least the"
            + " fetch size");
    assertThat(requests.sent()).isZero();
    scan.close();
  }

  @Test
  void should_fail_the_range_naming_the_byte_limiter_when_it_answers_never() {
    // Its answer was added to the clock and overflowed into the past: the byte limit was off.
    FakeRangeRequests requests = FakeRangeRequests.of(2, true, 5);
    DefaultTableScan scan = scan(requests, ScanConfig.builder().parallelism(1).byteLimiter(bytes -> Long.MAX_VALUE)
        .streamConfig(StreamConfig.builder().prefetchPages(0).retry(0, Duration.ZERO).build()).build());
    CompletableFuture<Void> done = scan.forEach(row -> { }).toCompletableFuture();

    assertThat(done).isCompletedExceptionally();
    assertThatThrownBy(done::join).cause().isInstanceOf(PageFetchException.class)
        .rootCause().hasMessageStartingWith("The scan's byte limiter answered that");
    assertThat(requests.sent()).as("the second range waits for ever, so it fails instead").isEqualTo(1);
    scan.close();
  }

  @Test
  void should_fail_the_range_with_a_checked_exception_a_limiter_throws_undeclared() {
    // A Kotlin limiter throws checked exceptions undeclared: they escaped the send, on the thread of the
    // previous response (a driver I/O thread), and the scan's stage never completed.
    FakeRangeRequests requests = FakeRangeRequests.of(2, true, 5);
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    DefaultTableScan scan = scan(requests, ScanConfig.builder().parallelism(1).rowLimiter(permits -> {
      if (calls.incrementAndGet() > 1) { // the second range's, asked from the first one's response
        throw Undeclared.sneakyThrow(new java.io.IOException("quota service down"));
      }
      return 0;
    }).streamConfig(StreamConfig.builder().prefetchPages(0).retry(0, Duration.ZERO).build()).build());
    CompletableFuture<Void> done = scan.forEach(row -> { }).toCompletableFuture();

    assertThat(done).isCompletedExceptionally();
    assertThatThrownBy(done::join).cause().isInstanceOf(PageFetchException.class)
        .hasRootCauseInstanceOf(java.io.IOException.class).hasRootCauseMessage("quota service down");
    assertThat(requests.sent()).isEqualTo(1);
    scan.close();
  }

  @Test
  void should_charge_the_row_limiter_the_page_size_it_sends() {
    // A range held back by the limiter was charged the probe of the byte target (10 rows); by the time it was
    // sent, another range had measured the rows, and it asked for hundreds.
    FakeRangeRequests requests = FakeRangeRequests.of(2, false, 5);
    List<Long> charged = new CopyOnWriteArrayList<>();
    DefaultTableScan scan = scan(requests, ScanConfig.builder().parallelism(2).rowLimiter(permits -> {
      charged.add(permits);
      return charged.size() == 1 ? 0 : TimeUnit.SECONDS.toNanos(1);
    }).streamConfig(StreamConfig.builder().fetchSize(1_000).targetPageBytes(10_000).prefetchPages(0).build())
        .build());
    scan.nextPage();
    requests.sources.get(0).completeNext(); // the first range measures its rows
    scheduler.live(Duration.ofSeconds(1)).forEach(ManualScheduler.Task::fire); // the second range is sent

    assertThat(requests.pageSizes).hasSize(2);
    assertThat(charged).as("charged as sent").containsExactly(requests.pageSizes.get(0).longValue(),
        requests.pageSizes.get(1).longValue());
    scan.close();
  }

  @Test
  void should_cancel_the_limiters_wait_of_a_retry_whose_wait_ran_before_it_was_recorded() {
    scheduler.fireOnSchedule(Duration.ZERO); // the retry's wait runs inside schedule(), before it is recorded
    FakeRangeRequests requests = FakeRangeRequests.of(1, false, 5, 5);
    List<Long> charged = new CopyOnWriteArrayList<>();
    DefaultTableScan scan = scan(requests, ScanConfig.builder().parallelism(1).rowLimiter(permits -> {
      charged.add(permits);
      return charged.size() == 1 ? 0 : TimeUnit.SECONDS.toNanos(1); // the retry waits for the limiter
    }).streamConfig(StreamConfig.builder().fetchSize(5).prefetchPages(0).retry(2, Duration.ZERO).build()).build());
    scan.nextPage();
    requests.sources.get(0).failNext(new ClosedConnectionException("connection reset"));
    assertThat(scheduler.live(Duration.ofSeconds(1))).as("the retry waits for the limiter").hasSize(1);

    scan.close();
    assertThat(scheduler.live(Duration.ofSeconds(1))).as("no timer outlives the scan").isEmpty();
  }

  @Test
  void should_fail_with_the_first_range_failure_not_a_later_one() {
    FakeRangeRequests requests = FakeRangeRequests.of(2, false, 5, 5);
    DefaultTableScan scan = scan(requests, ScanConfig.builder().parallelism(2)
        .streamConfig(StreamConfig.builder().prefetchPages(1).retry(0, Duration.ZERO).build()).build());
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    requests.sources.get(0).completeNext();
    assertThat(first).isCompleted();
    requests.sources.get(1).failNext(new InvalidQueryException(null, "first"));
    requests.sources.get(0).failNext(new InvalidQueryException(null, "second"));

    CompletableFuture<Optional<Page<Row>>> next = scan.nextPage().toCompletableFuture();
    assertThatThrownBy(next::join).cause().isInstanceOfSatisfying(PageFetchException.class, failure -> {
      assertThat(failure.range()).contains(FakeRangeRequests.range(1));
      assertThat(failure.getCause()).hasMessage("first");
    });
    scan.close();
  }
}
