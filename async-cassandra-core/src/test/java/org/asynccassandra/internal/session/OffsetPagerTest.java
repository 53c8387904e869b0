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
package org.asynccassandra.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.OffsetLimits;
import org.asynccassandra.OffsetPage;
import org.asynccassandra.PagingLimitExceededException;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.stream.FakePageSource;
import org.asynccassandra.internal.stream.ManualScheduler;
import org.junit.jupiter.api.Test;

/** Offset paging over a fake table whose responses hold as many rows as asked for. */
class OffsetPagerTest {
  private static final SimpleStatement QUERY = SimpleStatement.newInstance("SELECT v FROM ks.t");

  private final ManualScheduler scheduler = new ManualScheduler();
  /** The source of the last stream the pager opened. */
  private final AtomicReference<FakePageSource> lastSource = new AtomicReference<>();

  /**
   * Reads page {@code number} of {@code size} rows of a table of {@code rows} rows of {@code rowBytes}
   * each; the fake source asks for the fetch size the pager set, as the session's statement would.
   */
  private OffsetPage fetchPage(int number, int size, int rows, long rowBytes, StreamConfig base) {
    return fetchPage(number, size, rows, rowBytes, base, OffsetLimits.DEFAULT);
  }

  private OffsetPage fetchPage(int number, int size, int rows, long rowBytes, StreamConfig base,
      OffsetLimits limits) {
    return OffsetPager.fetchPage(QUERY, number, size, limits, (statement, config) -> {
      FakePageSource source = FakePageSource.table(rows, config.fetchSize().orElseThrow(), row -> rowBytes);
      source.setAutomatic();
      lastSource.set(source);
      RowStream stream = new DefaultRowStream(source, config, Runnable::run, scheduler, handle -> {});
      return stream;
    }, base).toCompletableFuture().join();
  }

  private static List<Integer> values(OffsetPage page) {
    return page.rows().stream().map(FakePageSource::value).collect(Collectors.toList());
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toList());
  }

  @Test
  void should_read_full_pages_from_the_first_request_whatever_the_first_page_size() {
    OffsetPage page = fetchPage(3, 20, 1_000, 100, StreamConfig.builder().firstPageSize(5).build());

    assertThat(values(page)).isEqualTo(range(40, 60));
    assertThat(page.isLast()).isFalse();
    assertThat(lastSource.get().requestedSizes())
        .as("one request, no ramp: the 61 rows needed (40 skipped, the page's 20 and one past), at least the floor")
        .isEqualTo(List.of(100));
  }

  @Test
  void should_keep_the_byte_target_of_the_base_configuration() {
    OffsetPage page = fetchPage(30, 20, 1_000, 1_024,
        StreamConfig.builder().firstPageSize(5).targetPageBytes(64 * 1_024).build());

    assertThat(values(page)).isEqualTo(range(580, 600));
    // Under a byte target the first page size stands for the probe: 5 rows, then doubling up to the 64 rows
    // of 1 KiB that fit in the target. A first page of the pager's whole fetch size (601 rows) would be as
    // large as the rows are wide.
    // The last request does not ask for only the 14 rows still needed (601 - 75 - 8 * 64): the floor is above 64.
    List<Integer> asked = lastSource.get().requestedSizes();
    assertThat(asked.subList(0, 5)).isEqualTo(List.of(5, 10, 20, 40, 64));
    assertThat(asked.subList(5, asked.size())).containsOnly(64);

    OffsetPage last = fetchPage(50, 20, 1_000, 1_024, StreamConfig.builder().targetPageBytes(64 * 1_024).build());
    assertThat(values(last)).isEqualTo(range(980, 1_000));
    assertThat(last.isLast()).isTrue();
    List<Integer> sizes = lastSource.get().requestedSizes();
    assertThat(sizes.get(0)).as("the probe of the byte target").isEqualTo(StreamConfig.PROBE_PAGE_SIZE);
    assertThat(sizes.subList(1, sizes.size())).as("64 KiB of 1 KiB rows").containsOnly(64);
  }

  @Test
  void should_read_past_the_page_limit_of_the_base_configuration() {
    // A session default of 2 pages ended the read of page 600 after 10,000 of the 11,980 rows to skip: an
    // empty page that said it was the last.
    OffsetPage page = fetchPage(600, 20, 20_000, 100, StreamConfig.builder().maxPages(2).build());

    assertThat(values(page)).isEqualTo(range(11_980, 12_000));
    assertThat(page.isLast()).isFalse();
    assertThat(lastSource.get().requestedSizes())
        .as("3 pages, past the base's limit of 2, the last for the rest of the 12,001 rows needed")
        .isEqualTo(List.of(5_000, 5_000, 2_001));
  }

  @Test
  void should_refuse_a_page_over_the_page_size_limit_before_opening_a_stream() {
    OffsetLimits limits = OffsetLimits.of(10, 1_000, 50);

    assertThatThrownBy(() -> fetchPage(1, 51, 1_000, 100, StreamConfig.defaults(), limits))
        .isInstanceOf(PagingLimitExceededException.class)
        .hasMessage("page 1 of 51 rows is not allowed: 51 is over maxPageSize 50")
        .satisfies(error -> {
          PagingLimitExceededException exceeded = (PagingLimitExceededException) error;
          assertThat(exceeded.limit()).isEqualTo("maxPageSize");
          assertThat(exceeded.allowed()).isEqualTo(50);
          assertThat(exceeded.requested()).isEqualTo(51);
        });
    assertThat(lastSource.get()).as("no stream was opened, no query sent").isNull();

    OffsetPage page = fetchPage(2, 50, 1_000, 100, StreamConfig.defaults(), limits);
    assertThat(values(page)).as("a page of exactly the limit").isEqualTo(range(50, 100));
  }

  @Test
  void should_bound_the_page_size_by_default() {
    assertThatThrownBy(() -> fetchPage(1, OffsetLimits.DEFAULT_MAX_PAGE_SIZE + 1, 1_000, 100,
        StreamConfig.defaults()))
        .isInstanceOf(PagingLimitExceededException.class)
        .hasMessageContaining("is over maxPageSize 10000");
    assertThat(lastSource.get()).isNull();
  }
}
