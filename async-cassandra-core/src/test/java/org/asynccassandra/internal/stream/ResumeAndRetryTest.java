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

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.Page;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.QueryStream;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.Test;

class ResumeAndRetryTest {
  private final ManualScheduler scheduler = new ManualScheduler();

  private QueryStream stream(FakePageSource source, StreamConfig config) {
    return new DefaultRowStream(source, config, Runnable::run, scheduler, handle -> {});
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toList());
  }

  /** Reads {@code count} rows with forEach, then closes; returns the position. */
  private ResumeToken readThenStop(FakePageSource source, StreamConfig config, int count, List<Integer> seen) {
    QueryStream stream = stream(source, config);
    stream.forEach(row -> {
      seen.add(FakePageSource.value(row));
      if (seen.size() == count) {
        stream.close();
      }
    });
    return stream.position();
  }

  private List<Integer> readAll(FakePageSource source, StreamConfig config) {
    List<Integer> seen = new ArrayList<>();
    stream(source, config).forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
    return seen;
  }

  @Test
  void should_resume_at_the_exact_row_anywhere_in_the_result() {
    for (int stopAfter = 1; stopAfter < 40; stopAfter++) {
      List<Integer> before = new ArrayList<>();
      ResumeToken token = readThenStop(FakePageSource.automatic(4, 10), StreamConfig.builder().prefetchPages(2).build(),
          stopAfter, before);
      ResumeToken decoded = ResumeToken.decode(token.encode());
      List<Integer> after = readAll(FakePageSource.automatic(4, 10), StreamConfig.builder().resumeFrom(decoded).build());
      List<Integer> all = new ArrayList<>(before);
      all.addAll(after);
      assertThat(all).as("stopped after %d rows", stopAfter).isEqualTo(range(0, 40));
    }
  }

  @Test
  void should_keep_the_rows_still_to_skip_across_an_empty_response_of_a_resumed_stream() {
    // A response with no rows and more after it (filtering, tombstones, a smaller page) while 5 rows of the
    // resume are still to skip: nothing to hand over, and the skip stays pending for the next response.
    ResumeToken token = ResumeToken.of(FakePageSource.FINGERPRINT, null, 5, false);
    FakePageSource source = FakePageSource.pages(0, 10);
    source.setAutomatic();
    QueryStream stream = stream(source, StreamConfig.builder().resumeFrom(token).build());
    Page<Row> first = stream.nextPage().toCompletableFuture().join().orElseThrow();
    assertThat(first.rows()).extracting(FakePageSource::value).as("the empty response skipped whole")
        .isEqualTo(range(5, 10));
    stream.close();

    // Closed right after the empty response, before the next one: the token still skips the 5 rows.
    FakePageSource manual = FakePageSource.pages(0, 10);
    QueryStream again = stream(manual, StreamConfig.builder().resumeFrom(token).prefetchPages(0).build());
    CompletableFuture<Optional<Page<Row>>> pending = again.nextPage().toCompletableFuture();
    manual.completeNext(); // the empty response
    assertThat(pending).as("the empty response is not a page").isNotDone();
    again.close();
    ResumeToken here = again.position();
    assertThat(here.rowOffset()).isEqualTo(5);
    assertThat(here.pagingState()).isEmpty();
    FakePageSource rest = FakePageSource.pages(0, 10);
    rest.setAutomatic();
    assertThat(readAll(rest, StreamConfig.builder().resumeFrom(here).build())).isEqualTo(range(5, 10));
  }

  @Test
  void should_count_no_page_towards_max_pages_for_an_empty_response_a_resume_skips() {
    ResumeToken token = ResumeToken.of(FakePageSource.FINGERPRINT, null, 3, false);
    FakePageSource source = FakePageSource.pages(0, 10);
    source.setAutomatic();
    QueryStream stream = stream(source, StreamConfig.builder().resumeFrom(token).maxPages(1).build());
    Page<Row> only = stream.nextPage().toCompletableFuture().join().orElseThrow();
    assertThat(only.rows()).extracting(FakePageSource::value).isEqualTo(range(3, 10));
    ResumeToken next = only.resumeToken().orElseThrow();
    assertThat(next.rowOffset()).as("the page was read whole").isZero();
  }

  @Test
  void should_not_move_the_position_with_read_ahead() throws Exception {
    FakePageSource source = FakePageSource.pages(10, 10, 10, 10);
    java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      QueryStream stream = new DefaultRowStream(source, StreamConfig.builder().prefetchPages(3).executor(worker).build(),
          Runnable::run, scheduler, handle -> {});
      java.util.concurrent.CountDownLatch onThirdRow = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch readAhead = new java.util.concurrent.CountDownLatch(1);
      List<Integer> seen = new ArrayList<>();
      CompletableFuture<Void> done = stream.forEach(row -> {
        seen.add(FakePageSource.value(row));
        if (seen.size() == 3) {
          onThirdRow.countDown();
          try {
            readAhead.await();
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }).toCompletableFuture();
      source.completeNext();
      assertThat(onThirdRow.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      for (int page = 2; page <= 4; page++) {
        org.awaitility.Awaitility.await().until(source::hasPending);
        source.completeNext();
      }
      assertThat(stream.stats().bufferedPages()).isEqualTo(3);

      ResumeToken position = stream.position();

      assertThat(position.pagingState()).as("still page 1, requested without a paging state").isEmpty();
      assertThat(position.rowOffset()).isEqualTo(3);
      readAhead.countDown();
      done.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(stream.position().isEnd()).isTrue();
    } finally {
      worker.shutdownNow();
    }
  }

  @Test
  void should_give_the_place_after_each_page_and_an_end_token_after_the_last() {
    FakePageSource source = FakePageSource.automatic(3, 5);
    List<Page<Row>> pages = new ArrayList<>();
    stream(source, StreamConfig.defaults()).forEachPage(pages::add).toCompletableFuture().join();
    List<Integer> afterFirst = readAll(FakePageSource.automatic(3, 5),
        StreamConfig.builder().resumeFrom(pages.get(0).resumeToken().orElseThrow()).build());
    assertThat(afterFirst).isEqualTo(range(5, 15));
    assertThat(pages.get(2).resumeToken().orElseThrow().isEnd()).isTrue();

    FakePageSource untouched = FakePageSource.automatic(3, 5);
    assertThat(readAll(untouched, StreamConfig.builder().resumeFrom(pages.get(2).resumeToken().orElseThrow()).build())).isEmpty();
    assertThat(untouched.fetchCount()).as("an end token sends no request").isZero();
  }

  @Test
  void should_skip_whole_responses_already_delivered_when_resuming() {
    // The token points at page 1 with 25 rows delivered; this source's pages hold 10 rows: 2.5 pages to skip.
    ResumeToken token = ResumeToken.of(FakePageSource.FINGERPRINT, null, 25, false);
    FakePageSource source = FakePageSource.automatic(5, 10);
    List<Page<Row>> pages = new ArrayList<>();
    List<Integer> rows = new ArrayList<>();
    stream(source, StreamConfig.builder().resumeFrom(token).build()).forEachPage(page -> {
      pages.add(page);
      page.rows().forEach(row -> rows.add(FakePageSource.value(row)));
    }).toCompletableFuture().join();
    assertThat(rows).isEqualTo(range(25, 50));
    assertThat(pages).extracting(Page::number).containsExactly(1, 2, 3);
    assertThat(pages).extracting(Page::size).containsExactly(5, 10, 10);
  }

  @Test
  void should_retry_a_retryable_page_failure_with_the_same_paging_state() {
    FakePageSource source = FakePageSource.pages(10, 10, 10);
    List<Integer> seen = new ArrayList<>();
    QueryStream stream = stream(source, StreamConfig.builder().retry(2, Duration.ofMillis(50)).build());
    CompletableFuture<Void> done = stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    source.failNext(new DriverTimeoutException("page 2 timed out"));
    assertThat(source.hasPending()).as("the retry waits for its backoff").isFalse();
    List<ManualScheduler.Task> waits = scheduler.retryWaits(Duration.ofMillis(50));
    assertThat(waits).hasSize(1);
    waits.get(0).fire();
    assertThat(source.last().pageIndex).as("page 2 asked again").isEqualTo(1);
    source.completeNext();
    source.failNext(new DriverTimeoutException("page 3 timed out"));
    scheduler.retryWaits(Duration.ofMillis(50)).get(0).fire(); // the budget is per page: back to the first backoff
    source.completeNext();
    done.join();
    assertThat(seen).isEqualTo(range(0, 30));
    assertThat(stream.stats().retries()).isEqualTo(2);
  }

  @Test
  void should_double_the_backoff_and_give_up_after_the_last_retry() {
    FakePageSource source = FakePageSource.pages(10, 10);
    QueryStream stream = stream(source, StreamConfig.builder().retry(2, Duration.ofMillis(10)).build());
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.failNext(new DriverTimeoutException("1"));
    scheduler.retryWaits(Duration.ofMillis(10)).get(0).fire();
    source.failNext(new DriverTimeoutException("2"));
    scheduler.retryWaits(Duration.ofMillis(20)).get(0).fire();
    DriverTimeoutException last = new DriverTimeoutException("3");
    source.failNext(last);
    Throwable failure = RowStreamEngineTest.unwrap(first);
    assertThat(failure).isInstanceOf(PageFetchException.class).hasCause(last);
    assertThat(stream.stats().retries()).isEqualTo(2);
  }

  @Test
  void should_not_retry_an_invalid_query() {
    FakePageSource source = FakePageSource.pages(10, 10);
    QueryStream stream = stream(source, StreamConfig.builder().retry(5, Duration.ZERO).build());
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    InvalidQueryException invalid = new InvalidQueryException(null, "unconfigured table t");
    source.failNext(invalid);
    assertThat(RowStreamEngineTest.unwrap(first)).isInstanceOf(PageFetchException.class).hasCause(invalid);
    assertThat(source.fetchCount()).isEqualTo(1);
    assertThat(stream.stats().retries()).isZero();
  }

  @Test
  void should_retry_a_page_timeout_when_retries_are_allowed() {
    FakePageSource source = FakePageSource.pages(10, 10);
    Duration timeout = Duration.ofSeconds(2);
    QueryStream stream = stream(source, StreamConfig.builder().pageTimeout(timeout).firstPageTimeout(timeout)
        .retry(1, Duration.ZERO).build());
    List<Row> rows = new ArrayList<>();
    CompletableFuture<Void> done = stream.forEach(rows::add).toCompletableFuture();
    scheduler.live(timeout).get(0).fire(); // page 1 silent: cancelled and asked again at once
    assertThat(source.fetches.get(0).future).isCancelled();
    assertThat(source.fetchCount()).isEqualTo(2);
    source.completeNext();
    source.completeNext();
    done.join();
    assertThat(rows).hasSize(20);
  }
}
