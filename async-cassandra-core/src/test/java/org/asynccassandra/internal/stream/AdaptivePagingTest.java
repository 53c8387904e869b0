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

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.StreamListener;
import org.asynccassandra.PageEvent;
import org.asynccassandra.QueryStream;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.Test;

/**
 * Page sizes chosen by the engine: a small first page that doubles up to the fetch size, and pages sized by
 * bytes. The fake table answers each request with as many rows as it asked for, from the row its paging
 * state names, so that the rows prove the paging exact whatever the sizes.
 */
class AdaptivePagingTest {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<PageEvent> events = new CopyOnWriteArrayList<>();

  private QueryStream stream(FakePageSource source, StreamConfig config) {
    return new DefaultRowStream(source, config.toBuilder().listener(StreamListener.onPages(events::add)).build(), Runnable::run,
        scheduler, handle -> {});
  }

  /** Every row of {@code source} (completing its fetches at once), in the order received. */
  private List<Integer> readAll(FakePageSource source, StreamConfig config) {
    source.setAutomatic();
    List<Integer> seen = new ArrayList<>();
    stream(source, config).forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
    return seen;
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toList());
  }

  private static List<Integer> repeat(int size, int times) {
    return IntStream.range(0, times).mapToObj(i -> size).collect(Collectors.toList());
  }

  private List<Integer> eventSizes() {
    return events.stream().map(PageEvent::requestedPageSize).collect(Collectors.toList());
  }

  /** The size that targetPageBytes gives after a page of {@code rows} rows and {@code bytes} bytes. */
  private static int sizedByBytes(long target, long rows, long bytes, int fetchSize) {
    return (int) Math.max(1, Math.min(fetchSize, target * rows / bytes));
  }

  // ---- fixed pages -------------------------------------------------------------------------------

  @Test
  void should_ask_for_the_statement_page_size_on_every_page_by_default() {
    FakePageSource source = FakePageSource.table(2_500, 1_000, row -> 100);
    QueryStream stream = stream(source, StreamConfig.defaults());
    source.setAutomatic();
    List<Integer> seen = new ArrayList<>();
    stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();

    assertThat(seen).isEqualTo(range(0, 2_500));
    assertThat(source.requestedSizes()).isEqualTo(List.of(1_000, 1_000, 1_000));
    assertThat(eventSizes()).as("the listener sees the size asked").isEqualTo(List.of(1_000, 1_000, 1_000));
    assertThat(stream.stats().requestedPageSize()).isEqualTo(1_000);
  }

  @Test
  void should_report_no_page_size_for_a_source_that_sizes_its_own_pages() {
    FakePageSource source = FakePageSource.automatic(3, 10); // like a table scan: pageSize() is 0
    List<Integer> seen = readAll(source,
        StreamConfig.builder().firstPageSize(2).targetPageBytes(10).build());

    assertThat(seen).isEqualTo(range(0, 30));
    assertThat(source.requestedSizes()).as("the source's own size, every time").isEqualTo(List.of(0, 0, 0));
    assertThat(eventSizes()).isEqualTo(List.of(0, 0, 0));
  }

  // ---- firstPageSize -----------------------------------------------------------------------------

  @Test
  void should_double_from_the_first_page_size_up_to_the_fetch_size() {
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    List<Integer> seen = readAll(source, StreamConfig.builder().firstPageSize(100).build());

    assertThat(seen).isEqualTo(range(0, 5_000));
    // 100 + 200 + 400 + 800 = 1,500 rows, then 3,500 in pages of 1,000 (the last one gets 500).
    assertThat(source.requestedSizes()).isEqualTo(List.of(100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000));
    assertThat(eventSizes()).isEqualTo(source.requestedSizes());
    assertThat(events.stream().map(PageEvent::rowsInPage).collect(Collectors.toList()))
        .isEqualTo(List.of(100, 200, 400, 800, 1_000, 1_000, 1_000, 500));
  }

  @Test
  void should_cut_the_first_page_size_down_to_a_smaller_statement_page_size() {
    FakePageSource source = FakePageSource.table(120, 50, row -> 100); // no fetchSize: the statement's 50
    List<Integer> seen = readAll(source, StreamConfig.builder().firstPageSize(100).build());

    assertThat(seen).isEqualTo(range(0, 120));
    assertThat(source.requestedSizes()).isEqualTo(List.of(50, 50, 50));
  }

  @Test
  void should_ask_full_pages_at_once_when_the_first_page_size_equals_the_fetch_size() {
    FakePageSource source = FakePageSource.table(250, 100, row -> 100);
    List<Integer> seen = readAll(source, StreamConfig.builder().fetchSize(100).firstPageSize(100).build());

    assertThat(seen).isEqualTo(range(0, 250));
    assertThat(source.requestedSizes()).isEqualTo(List.of(100, 100, 100));
  }

  @Test
  void should_ask_a_retried_page_with_the_size_of_its_first_attempt() {
    FakePageSource source = FakePageSource.table(100, 1_000, row -> 100);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source,
        StreamConfig.builder().firstPageSize(10).retry(1, Duration.ZERO).build())
        .forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    source.failNext(new DriverTimeoutException("page 2 timed out")); // 20 rows: too few to be halved
    source.setAutomatic();
    source.completeNext(); // the retry, asked at once (no backoff)
    done.join();

    assertThat(seen).isEqualTo(range(0, 100));
    assertThat(source.requestedSizes()).isEqualTo(List.of(10, 20, 20, 40, 80));
  }

  // ---- targetPageBytes ---------------------------------------------------------------------------

  @Test
  void should_size_pages_of_wide_rows_to_the_byte_target() {
    FakePageSource source = FakePageSource.table(300, 5_000, row -> 64 * KIB);
    List<Integer> seen = readAll(source, StreamConfig.builder().targetPageBytes(MIB).build());

    assertThat(seen).isEqualTo(range(0, 300));
    List<Integer> expected = new ArrayList<>();
    expected.add(StreamConfig.PROBE_PAGE_SIZE); // 10 rows measure the width
    expected.addAll(repeat(16, 19)); // 1 MiB / 64 KiB: 290 rows in 19 requests
    assertThat(source.requestedSizes()).isEqualTo(expected);
    assertThat(events).allSatisfy(event -> assertThat(event.responseBytes()).isLessThanOrEqualTo(MIB));
  }

  @Test
  void should_not_ask_more_than_the_fetch_size_for_narrow_rows() {
    FakePageSource source = FakePageSource.table(12_000, 5_000, row -> 100);
    List<Integer> seen = readAll(source, StreamConfig.builder().targetPageBytes(MIB).build());

    assertThat(seen).isEqualTo(range(0, 12_000));
    // 1 MiB / 100 B would be 10,485 rows: the fetch size bounds it.
    assertThat(source.requestedSizes()).isEqualTo(List.of(10, 5_000, 5_000, 5_000));
  }

  @Test
  void should_ask_one_row_at_a_time_when_a_row_is_wider_than_the_target() {
    FakePageSource source = FakePageSource.table(14, 5_000, row -> 2 * MIB);
    List<Integer> seen = readAll(source, StreamConfig.builder().targetPageBytes(MIB).build());

    assertThat(seen).isEqualTo(range(0, 14));
    assertThat(source.requestedSizes()).isEqualTo(List.of(10, 1, 1, 1, 1));
  }

  @Test
  void should_follow_rows_that_change_width_in_the_middle_of_the_result() {
    // Rows 0-99 of 1 KiB, then 16 KiB, then from row 400 of 100 bytes again.
    FakePageSource source = FakePageSource.table(2_000, 5_000,
        row -> row < 100 ? KIB : row < 400 ? 16 * KIB : 100);
    long target = 64 * KIB;
    List<Integer> seen = readAll(source, StreamConfig.builder().targetPageBytes(target).build());

    assertThat(seen).isEqualTo(range(0, 2_000));
    List<Integer> asked = source.requestedSizes();
    assertThat(asked.get(0)).isEqualTo(StreamConfig.PROBE_PAGE_SIZE);
    for (int i = 1; i < events.size(); i++) {
      PageEvent before = events.get(i - 1);
      assertThat(asked.get(i)).as("page %d sized from page %d's %d rows in %d bytes", i + 1, i,
          before.rowsInPage(), before.responseBytes())
          .isEqualTo(sizedByBytes(target, before.rowsInPage(), before.responseBytes(), 5_000));
    }
    assertThat(asked).as("1 KiB rows, then 16 KiB rows, then 100-byte rows")
        .contains(64).contains(4).contains(655);
    // A page exceeds the target only when its rows are wider than those of the page before.
    for (int i = 1; i < events.size(); i++) {
      PageEvent before = events.get(i - 1);
      PageEvent page = events.get(i);
      double widthBefore = (double) before.responseBytes() / before.rowsInPage();
      double width = (double) page.responseBytes() / page.rowsInPage();
      if (page.responseBytes() > target) {
        assertThat(width).as("page %d", i + 1).isGreaterThan(widthBefore);
      }
    }
  }

  @Test
  void should_bound_memory_by_the_byte_budget_whatever_the_row_width() {
    int rows = 200;
    long rowBytes = 64 * KIB;
    long target = 256 * KIB;
    long budget = MIB;
    FakePageSource source = FakePageSource.table(rows, 5_000, row -> rowBytes);
    source.setAutomatic();
    QueryStream stream = stream(source, StreamConfig.builder().targetPageBytes(target).maxBufferedBytes(budget)
        .prefetchPages(StreamConfig.MAX_PREFETCH_PAGES).build()); // read-ahead bounded by bytes only
    List<Integer> seen = new ArrayList<>();
    long mostHeld = 0;
    while (true) {
      var page = stream.nextPage().toCompletableFuture().join();
      if (page.isEmpty()) {
        break;
      }
      page.get().rows().forEach(row -> seen.add(FakePageSource.value(row)));
      // In memory: the page held and every page fetched after it (all fetches completed at once).
      long held = 0;
      for (int i = page.get().number() - 1; i < source.fetchCount(); i++) {
        FakePageSource.Fetch fetch = source.fetches.get(i);
        held += Math.min(fetch.pageSize, rows - fetch.pageIndex) * rowBytes;
      }
      assertThat(held).as("bytes in memory while page %d is held", page.get().number())
          .isLessThanOrEqualTo(budget + target);
      mostHeld = Math.max(mostHeld, held);
    }

    assertThat(seen).isEqualTo(range(0, rows));
    assertThat(mostHeld).as("the budget was reached: read-ahead was bounded by it").isGreaterThan(budget);
    assertThat(stream.stats().maxBufferedPages()).as("more than one page read ahead").isGreaterThan(1);
  }

  @Test
  void should_keep_the_first_page_size_until_a_page_measured_the_row_width() {
    FakePageSource source = FakePageSource.table(35, 5_000, row -> -1); // sizes not reported
    List<Integer> seen = readAll(source, StreamConfig.builder().targetPageBytes(MIB).build());

    assertThat(seen).isEqualTo(range(0, 35));
    assertThat(source.requestedSizes()).isEqualTo(List.of(10, 10, 10, 10));
  }

  @Test
  void should_ramp_no_faster_than_doubling_nor_past_the_byte_target_with_both_set() {
    FakePageSource narrow = FakePageSource.table(1_000, 5_000, row -> 100);
    readAll(narrow, StreamConfig.builder().firstPageSize(4).targetPageBytes(MIB).build());
    assertThat(narrow.requestedSizes()).isEqualTo(List.of(4, 8, 16, 32, 64, 128, 256, 512));

    FakePageSource wide = FakePageSource.table(100, 5_000, row -> 64 * KIB);
    readAll(wide, StreamConfig.builder().firstPageSize(4).targetPageBytes(MIB).build());
    assertThat(wide.requestedSizes()).isEqualTo(List.of(4, 8, 16, 16, 16, 16, 16, 16));
  }

  // ---- maxRows --------------------------------------------------------------------------------------

  @Test
  void should_ask_for_no_more_rows_than_maxRows_still_allows_nor_fewer_than_the_floor() {
    FakePageSource few = FakePageSource.table(2_500, 1_000, row -> 100);
    assertThat(readAll(few, StreamConfig.builder().maxRows(10).build())).isEqualTo(range(0, 10));
    assertThat(few.requestedSizes()).as("the floor, not a page of 1,000")
        .isEqualTo(List.of(PageEngine.MIN_LIMITED_PAGE_SIZE));
    assertThat(eventSizes()).isEqualTo(List.of(PageEngine.MIN_LIMITED_PAGE_SIZE));

    FakePageSource some = FakePageSource.table(5_000, 1_000, row -> 100);
    assertThat(readAll(some, StreamConfig.builder().maxRows(2_300).prefetchPages(2).build()))
        .isEqualTo(range(0, 2_300));
    assertThat(some.requestedSizes()).isEqualTo(List.of(1_000, 1_000, 300));

    FakePageSource more = FakePageSource.table(150, 1_000, row -> 100);
    assertThat(readAll(more, StreamConfig.builder().maxRows(180).build())).as("fewer rows than the limit")
        .isEqualTo(range(0, 150));
    assertThat(more.requestedSizes()).isEqualTo(List.of(180));

    FakePageSource unlimited = FakePageSource.table(2_500, 1_000, row -> 100);
    assertThat(readAll(unlimited, StreamConfig.builder().maxRows(Long.MAX_VALUE).build()))
        .isEqualTo(range(0, 2_500));
    assertThat(unlimited.requestedSizes()).isEqualTo(List.of(1_000, 1_000, 1_000));
  }

  @Test
  void should_resume_after_maxRows_at_the_next_row_when_the_last_request_asked_for_just_the_rows_allowed() {
    FakePageSource first = FakePageSource.table(5_000, 1_000, row -> 100);
    first.setAutomatic();
    QueryStream stream = stream(first, StreamConfig.builder().maxRows(2_300).build());
    List<Integer> seen = new ArrayList<>();
    stream.forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture().join();
    assertThat(first.requestedSizes()).isEqualTo(List.of(1_000, 1_000, 300));
    ResumeToken token = ResumeToken.decode(stream.position().encode());

    seen.addAll(readAll(FakePageSource.table(5_000, 1_000, row -> 100),
        StreamConfig.builder().resumeFrom(token).build()));

    assertThat(seen).isEqualTo(range(0, 5_000));
  }

  @Test
  void should_cut_the_ramp_to_what_maxRows_still_allows_and_keep_a_smaller_probe() {
    FakePageSource ramp = FakePageSource.table(5_000, 1_000, row -> 100);
    assertThat(readAll(ramp, StreamConfig.builder().firstPageSize(100).maxRows(450).build()))
        .isEqualTo(range(0, 450));
    assertThat(ramp.requestedSizes()).isEqualTo(List.of(100, 200, 150));

    FakePageSource probe = FakePageSource.table(5_000, 1_000, row -> 64 * KIB);
    assertThat(readAll(probe, StreamConfig.builder().targetPageBytes(MIB).maxRows(5).build()))
        .isEqualTo(range(0, 5));
    assertThat(probe.requestedSizes()).as("the probe, below the floor already")
        .isEqualTo(List.of(StreamConfig.PROBE_PAGE_SIZE));
  }

  @Test
  void should_retry_a_request_cut_by_maxRows_with_the_size_it_first_asked() {
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream(source, StreamConfig.builder().maxRows(2_300).prefetchPages(0)
        .retry(1, Duration.ZERO).build()).forEach(row -> seen.add(FakePageSource.value(row))).toCompletableFuture();
    source.completeNext();
    source.completeNext();
    source.failNext(new com.datastax.oss.driver.api.core.connection.ClosedConnectionException("lost"));
    source.completeNext(); // the retry, asked at once (no backoff)
    done.join();

    assertThat(seen).isEqualTo(range(0, 2_300));
    assertThat(source.requestedSizes()).isEqualTo(List.of(1_000, 1_000, 300, 300));
  }

  @Test
  void should_resume_exactly_after_a_close_from_another_thread_while_a_request_cut_by_maxRows_is_in_flight()
      throws Exception {
    FakePageSource source = FakePageSource.table(5_000, 1_000, row -> 100);
    QueryStream stream = stream(source, StreamConfig.builder().maxRows(2_300).prefetchPages(0).build());
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> done = stream.forEach(row -> seen.add(FakePageSource.value(row)))
        .toCompletableFuture();
    source.completeNext();
    source.completeNext();
    FakePageSource.Fetch capped = source.pending();
    assertThat(capped.pageSize).isEqualTo(300);
    Thread closer = new Thread(stream::close, "closer");
    closer.start();
    closer.join(30_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(capped.future).as("close cancels the request in flight").isCancelled();

    assertThat(done).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(org.asynccassandra.StreamClosedException.class);
    assertThat(seen).isEqualTo(range(0, 2_000));
    ResumeToken token = ResumeToken.decode(stream.position().encode());
    FakePageSource rest = FakePageSource.table(5_000, 1_000, row -> 100);
    assertThat(readAll(rest, StreamConfig.builder().maxRows(300).resumeFrom(token).build()))
        .as("the 300 rows the closed request would have read").isEqualTo(range(2_000, 2_300));
    assertThat(rest.requestedSizes()).isEqualTo(List.of(300));
  }

  /** The token of a stream of 3,000 rows in pages of 1,000 closed after 1,500 rows: inside the second page. */
  private ResumeToken tokenAfter1500Rows() {
    List<Integer> seen = new ArrayList<>();
    FakePageSource first = FakePageSource.table(3_000, 1_000, row -> 100);
    first.setAutomatic();
    QueryStream stream = stream(first, StreamConfig.defaults());
    stream.forEach(row -> {
      seen.add(FakePageSource.value(row));
      if (seen.size() == 1_500) {
        stream.close();
      }
    });
    ResumeToken token = ResumeToken.decode(stream.position().encode());
    assertThat(token.rowOffset()).as("inside the second page").isEqualTo(500);
    return token;
  }

  @Test
  void should_ask_a_resumed_stream_for_the_rows_it_skips_and_no_more_than_maxRows_after_them() {
    ResumeToken token = tokenAfter1500Rows();
    FakePageSource second = FakePageSource.table(3_000, 1_000, row -> 100);

    List<Integer> resumed = readAll(second, StreamConfig.builder().maxRows(200).resumeFrom(token).build());

    assertThat(resumed).isEqualTo(range(1_500, 1_700));
    assertThat(second.requestedSizes()).as("the 500 rows skipped, then the 200 allowed").isEqualTo(List.of(700));
  }

  @Test
  void should_not_overflow_the_rows_allowed_when_a_resume_skips_rows_under_the_largest_limit() {
    ResumeToken token = tokenAfter1500Rows();
    FakePageSource second = FakePageSource.table(3_000, 1_000, row -> 100);

    List<Integer> resumed = readAll(second, StreamConfig.builder().maxRows(Long.MAX_VALUE).resumeFrom(token)
        .build());

    assertThat(resumed).isEqualTo(range(1_500, 3_000));
    assertThat(second.requestedSizes()).as("full pages, not a page of one row").isEqualTo(List.of(1_000, 1_000));
  }

  // ---- resume tokens and configuration -------------------------------------------------------------

  @Test
  void should_resume_at_the_exact_row_whatever_the_page_sizes_before_and_after() {
    StreamConfig before = StreamConfig.builder().firstPageSize(3).targetPageBytes(20 * KIB).prefetchPages(2)
        .build();
    StreamConfig after = StreamConfig.builder().firstPageSize(7).build();
    for (int stopAfter = 1; stopAfter < 300; stopAfter += 7) {
      FakePageSource first = FakePageSource.table(300, 50, AdaptivePagingTest::varyingWidth);
      first.setAutomatic();
      List<Integer> seen = new ArrayList<>();
      QueryStream stream = stream(first, before);
      int count = stopAfter;
      stream.forEach(row -> {
        seen.add(FakePageSource.value(row));
        if (seen.size() == count) {
          stream.close();
        }
      });
      ResumeToken token = ResumeToken.decode(stream.position().encode());

      FakePageSource second = FakePageSource.table(300, 50, AdaptivePagingTest::varyingWidth);
      seen.addAll(readAll(second, after.toBuilder().resumeFrom(token).build()));

      assertThat(seen).as("stopped after %d rows", stopAfter).isEqualTo(range(0, 300));
      assertThat(second.requestedSizes().get(0))
          .as("the rows skipped come on top of the first page (stopped after %d rows)", stopAfter)
          .isEqualTo(Math.min(50, 7 + token.rowOffset()));
    }
  }

  /**
   * The token of a stream of 300 wide rows in pages of 5,000 rows, closed after its first 250 rows, which
   * {@code seen} gets: the token's offset is 250, inside the first page.
   */
  private ResumeToken tokenAfter250Rows(List<Integer> seen) {
    FakePageSource first = FakePageSource.table(300, 5_000, row -> 64 * KIB);
    QueryStream stream = stream(first, StreamConfig.defaults());
    first.setAutomatic();
    stream.forEach(row -> {
      seen.add(FakePageSource.value(row));
      if (seen.size() == 250) {
        stream.close();
      }
    });
    return stream.position();
  }

  @Test
  void should_not_add_the_skipped_rows_to_a_first_page_sized_by_bytes() {
    List<Integer> seen = new ArrayList<>();
    ResumeToken token = tokenAfter250Rows(seen);
    assertThat(token.rowOffset()).isEqualTo(250);

    FakePageSource second = FakePageSource.table(300, 5_000, row -> 64 * KIB);
    seen.addAll(readAll(second, StreamConfig.builder().targetPageBytes(MIB).resumeFrom(token).build()));

    assertThat(seen).isEqualTo(range(0, 300));
    List<Integer> expected = new ArrayList<>();
    expected.add(StreamConfig.PROBE_PAGE_SIZE);
    expected.addAll(repeat(16, 19)); // the 250 skipped rows and the 50 new ones, in 1 MiB pages
    assertThat(second.requestedSizes()).as("the probe, not the skipped rows on top").isEqualTo(expected);
  }

  /** {@code rows} as continueStream gives them: the first page, of {@code held} rows, is there before any request. */
  private static PageSource holding(FakePageSource rows, int held) {
    return new PageSource() {
      private boolean first = true;

      @Override
      public CompletableFuture<@org.jspecify.annotations.Nullable SourcePage> fetch(
          java.nio.ByteBuffer pagingState) {
        return fetch(pagingState, 0);
      }

      @Override
      public CompletableFuture<@org.jspecify.annotations.Nullable SourcePage> fetch(
          java.nio.ByteBuffer pagingState, int pageSize) {
        boolean heldPage = first;
        first = false;
        return rows.fetch(pagingState, heldPage ? held : pageSize);
      }

      @Override
      public int pageSize() {
        return rows.pageSize();
      }

      @Override
      public int heldPageSize() {
        return held;
      }

      @Override
      public String description() {
        return rows.description();
      }

      @Override
      public byte[] fingerprint() {
        return rows.fingerprint();
      }
    };
  }

  @Test
  void should_size_the_pages_after_a_held_first_page_without_the_first_page_size() {
    // continueStream: the first page is the caller's. Its first page size used to be replaced by the fetch size,
    // which still capped each page at twice the one before, and, with a byte target, made the first request ask
    // for the whole fetch size of rows of unknown width when the held page measured none; page 1's event told
    // the engine's choice (10) for a page of 50 rows no request asked for.
    FakePageSource rows = FakePageSource.table(300, 100, row -> row < 50 ? -1 : 1_000); // held page: size unknown
    rows.setAutomatic();
    new DefaultRowStream(holding(rows, 50), StreamConfig.builder().firstPageSize(10).targetPageBytes(20 * KIB)
        .listener(StreamListener.onPages(events::add)).build(), Runnable::run, scheduler, handle -> {})
        .forEach(row -> { }).toCompletableFuture().join();
    assertThat(rows.requestedSizes()).as("the held page, the probe (no width known), then 20 rows of 1 KB")
        .startsWith(50, StreamConfig.PROBE_PAGE_SIZE, 20, 20);
    assertThat(eventSizes().get(0)).as("page 1: what its own request asked for").isEqualTo(50);

    FakePageSource plain = FakePageSource.table(300, 100, row -> 100);
    plain.setAutomatic();
    new DefaultRowStream(holding(plain, 50), StreamConfig.builder().firstPageSize(10).build(), Runnable::run,
        scheduler, handle -> {}).forEach(row -> { }).toCompletableFuture().join();
    assertThat(plain.requestedSizes()).as("full pages after the held one: no doubling").startsWith(50, 100, 100);
  }

  @Test
  void should_start_the_first_page_sizes_doubling_with_the_first_new_row_after_a_resume() {
    // 6,000 rows of 100 bytes, resumed at row 4,000 with a first page of 10 rows and a 1 MiB target: the
    // doubling applied to the responses of rows already delivered, so the first new row came with the 9th
    // request (10, 20, ..., 2,560), later than with either setting alone.
    FakePageSource first = FakePageSource.table(6_000, 5_000, row -> 100);
    QueryStream stream = stream(first, StreamConfig.defaults());
    first.setAutomatic();
    List<Integer> seen = new ArrayList<>();
    stream.forEach(row -> {
      seen.add(FakePageSource.value(row));
      if (seen.size() == 4_000) {
        stream.close();
      }
    });
    ResumeToken token = stream.position();
    assertThat(token.rowOffset()).isEqualTo(4_000);

    FakePageSource both = FakePageSource.table(6_000, 5_000, row -> 100);
    seen.addAll(readAll(both, StreamConfig.builder().firstPageSize(10).targetPageBytes(MIB).resumeFrom(token)
        .build()));
    assertThat(seen).isEqualTo(range(0, 6_000));
    assertThat(both.requestedSizes()).as("the probe, then pages of the target: the rows skipped come in them")
        .startsWith(10, 5_000);

    FakePageSource rampOnly = FakePageSource.table(6_000, 2_000, row -> 100);
    List<Integer> resumed = readAll(rampOnly, StreamConfig.builder().firstPageSize(10).resumeFrom(token).build());
    assertThat(resumed).isEqualTo(range(4_000, 6_000));
    assertThat(rampOnly.requestedSizes().get(0)).as("capped at the fetch size: 2,000 skipped rows")
        .isEqualTo(2_000);
    assertThat(rampOnly.requestedSizes().get(1))
        .as("still 2,000 to skip: those and a first page, not twice the rows skipped").isEqualTo(2_000);
  }

  @Test
  void should_number_a_failed_page_as_the_consumer_numbers_pages_after_responses_skipped_whole() {
    // The failure named the fetch (2: the probe's response of rows already delivered came first), while the
    // consumer and the listeners number the pages they see (this would have been page 1).
    ResumeToken token = tokenAfter250Rows(new ArrayList<>());
    events.clear(); // the first stream's
    FakePageSource second = FakePageSource.table(300, 5_000, row -> 64 * KIB);
    QueryStream stream = stream(second, StreamConfig.builder().targetPageBytes(MIB).resumeFrom(token)
        .retry(0, Duration.ofMillis(1)).build());
    CompletableFuture<Void> done = stream.forEach(row -> { }).toCompletableFuture();
    second.completeNext(); // the probe: 10 rows, all delivered before the resume
    second.failNext(new IllegalStateException("node down"));

    assertThatThrownBy(done::join).cause().isInstanceOf(org.asynccassandra.PageFetchException.class)
        .satisfies(failure -> assertThat(((org.asynccassandra.PageFetchException) failure).pageNumber()).isEqualTo(1))
        .hasMessageContaining("page 1");
    assertThat(events).isEmpty();
  }

  @Test
  void should_not_count_responses_skipped_whole_after_a_resume_towards_max_pages() {
    ResumeToken token = tokenAfter250Rows(new ArrayList<>());

    // The resumed stream probes with a small first page: its first responses hold only rows already delivered.
    FakePageSource second = FakePageSource.table(300, 5_000, row -> 64 * KIB);
    List<Integer> onePage = readAll(second, StreamConfig.builder().targetPageBytes(MIB).maxPages(1)
        .resumeFrom(token).build());
    assertThat(onePage).as("one page of new rows, not an empty last page").isNotEmpty()
        .isEqualTo(range(250, 250 + onePage.size()));
  }

  private static long varyingWidth(int row) {
    return 100 + (row % 13) * 500L;
  }

  @Test
  void should_reject_bad_page_sizes_naming_the_value() {
    assertThatThrownBy(() -> StreamConfig.builder().firstPageSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("firstPageSize must be > 0: 0");
    assertThatThrownBy(() -> StreamConfig.builder().firstPageSize(-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("firstPageSize must be > 0: -5");
    assertThatThrownBy(() -> StreamConfig.builder().targetPageBytes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("targetPageBytes must be > 0: 0");
    assertThatThrownBy(() -> StreamConfig.builder().targetPageBytes(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("targetPageBytes must be > 0: -1");
    assertThatThrownBy(() -> StreamConfig.builder().fetchSize(100).firstPageSize(500).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("firstPageSize must be <= fetchSize (100): 500");
    assertThatThrownBy(() -> StreamConfig.builder().firstPageSize(500).fetchSize(100).build())
        .as("whatever the order of the calls").isInstanceOf(IllegalArgumentException.class)
        .hasMessage("firstPageSize must be <= fetchSize (100): 500");
  }

  @Test
  void should_keep_the_page_sizes_in_the_configuration() {
    StreamConfig config = StreamConfig.builder().fetchSize(1_000).firstPageSize(50).targetPageBytes(MIB).build();
    assertThat(config.firstPageSize()).hasValue(50);
    assertThat(config.targetPageBytes()).hasValue(MIB);
    assertThat(config.toBuilder().build()).isEqualTo(config).hasSameHashCodeAs(config);
    assertThat(config.toString()).contains("firstPageSize=50", "targetPageBytes=1048576");
    assertThat(StreamConfig.defaults().firstPageSize()).as("off by default").isEmpty();
    assertThat(StreamConfig.defaults().targetPageBytes()).as("off by default").isEmpty();
  }
}
