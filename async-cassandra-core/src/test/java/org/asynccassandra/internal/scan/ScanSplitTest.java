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
import static org.assertj.core.api.Assertions.catchThrowable;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.stream.ManualScheduler;
import org.junit.jupiter.api.Test;

/**
 * A range that keeps timing out: smaller pages, then a split of what is left of it from its last row,
 * down to a floor, then the retries, then a failure that names it; on a {@link FakeTokenTable} that pages
 * the way Cassandra does.
 */
class ScanSplitTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ScanPlanner planner = ScanPlanner.forTests("ks", "t");
  private static final String MURMUR3 = "org.apache.cassandra.dht.Murmur3Partitioner";

  private DefaultTableScan scan(FakeTokenTable table, List<PlannedRange> ranges, ScanConfig config) {
    return DefaultTableScan.create(table, planner, ranges, config, Runnable::run, scheduler, handle -> {});
  }

  private static ScanConfig config(int parallelism, StreamConfig.Builder stream) {
    return ScanConfig.builder().parallelism(parallelism).streamConfig(stream.build()).build();
  }

  /** Reads the whole scan, firing the retry waits as they come; the rows, or the failure. */
  private List<Integer> drive(DefaultTableScan scan, List<Integer> seen) {
    return drive(scan, seen, row -> { });
  }

  /** {@link #drive(DefaultTableScan, List)}, calling {@code atEachRow} after each row is added. */
  private List<Integer> drive(DefaultTableScan scan, List<Integer> seen,
      java.util.function.Consumer<Row> atEachRow) {
    CompletableFuture<Void> done = scan.forEach(row -> {
      seen.add(value(row));
      atEachRow.accept(row);
    }).toCompletableFuture();
    for (int round = 0; !done.isDone() && round < 10_000; round++) {
      scheduler.tasks.stream().filter(task -> !task.cancelled && !task.fired).forEach(ManualScheduler.Task::fire);
    }
    assertThat(done).as("the scan ended").isDone();
    done.join();
    return seen;
  }

  /**
   * Reads the whole scan as {@link #drive} does; the progress as computed at each row, without the highest value
   * kept that {@code progress()} returns (which would hide a share counted wrong).
   */
  private List<Double> progressAtEveryRow(DefaultTableScan scan) {
    List<Double> progress = new ArrayList<>();
    CompletableFuture<Void> done = scan.forEach(row -> progress.add(scan.computedProgress())).toCompletableFuture();
    for (int round = 0; !done.isDone() && round < 10_000; round++) {
      scheduler.tasks.stream().filter(task -> !task.cancelled && !task.fired).forEach(ManualScheduler.Task::fire);
    }
    done.join();
    return progress;
  }

  private static int value(Row row) {
    return row.getInt(0);
  }

  @Test
  void should_ask_smaller_pages_then_split_the_rest_of_the_range_from_its_last_row() {
    // A request times out while more than 200 tokens lie between where it starts and its range's end,
    // once the range has read past token 100: only a split lets the range go on.
    FakeTokenTable table = new FakeTokenTable(400, 3)
        .timingOut(request -> request.position() >= 100 && request.end() - request.position() > 200);
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 400)),
        config(1, StreamConfig.builder().fetchSize(400)));

    List<Integer> seen = drive(scan, new ArrayList<>());

    assertThat(seen).as("every row once, in order").isEqualTo(table.allValues());
    assertThat(scan.splits()).isEqualTo(1);
    assertThat(table.requests).extracting(FakeTokenTable.Request::pageSize).as("smaller pages first")
        .startsWith(400, 400, 200, 100);
    FakeTokenTable.Request timedOut = table.requests.get(3);
    assertThat(timedOut.position()).as("the last row of the first page: partition 134").isEqualTo(134);
    // The rest after token 134 was cut into 4: the range now ends at 200, and new ranges read (200, 400].
    assertThat(scan.ranges()).containsExactly(ScanRange.of("0", "200"), ScanRange.of("200", "267"),
        ScanRange.of("267", "333"), ScanRange.of("333", "400"));
    FakeTokenTable.Request resumed = table.requests.get(4);
    assertThat(resumed.range()).isEqualTo(ScanRange.of("0", "200"));
    assertThat(resumed.continued()).as("from its paging state, not from its start").isTrue();
    assertThat(resumed.position()).isEqualTo(134);
    assertThat(resumed.pageSize()).as("the pieces keep the smaller pages").isEqualTo(100);
    ScanCheckpoint checkpoint = scan.checkpoint();
    assertThat(checkpoint.isComplete()).isTrue();
    assertThat(checkpoint.ranges()).hasSize(4);
    assertThat(checkpoint.rowsDelivered()).isEqualTo(1200);
    assertThat(scan.stats().retries()).as("each request asked again, smaller or split").isEqualTo(3);
  }

  @Test
  void should_never_make_the_progress_go_down_when_a_range_is_split() {
    // Progress counted ranges: with (0, 100] done, 1 of 2; once (100, 400] was split in 4, 1 of 5. The CLI's
    // bar went back from 50 % to 20 %, and its ETA jumped.
    FakeTokenTable table = new FakeTokenTable(400, 3)
        .timingOut(request -> request.position() >= 150 && request.end() - request.position() > 100);
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 100), table.range(1, 100, 400)),
        config(1, StreamConfig.builder().fetchSize(400)));
    List<Double> progress = progressAtEveryRow(scan);

    assertThat(scan.splits()).isEqualTo(1);
    assertThat(scan.ranges()).hasSize(5);
    assertThat(progress).hasSize(1200).contains(0.5).isSorted();
    assertThat(scan.progress()).isEqualTo(1.0);
  }

  @Test
  void should_count_the_part_of_a_range_read_so_far() {
    // Counting only the ranges done, a single node's few ranges, read all at once and ending together, showed
    // 0 % until the end, and the CLI's bar had no ETA for the whole count. Here one range, of Murmur3 tokens.
    FakeTokenTable table = new FakeTokenTable(400, 3);
    DefaultTableScan scan = DefaultTableScan.create(table, ScanPlanner.forTests("ks", "t", MURMUR3),
        List.of(table.range(0, 0, 400)), config(1, StreamConfig.builder().fetchSize(100)), Runnable::run,
        scheduler, handle -> {});

    List<Double> progress = new ArrayList<>();
    drive(scan, new ArrayList<>(), row -> progress.add(scan.progress()));

    assertThat(progress).hasSize(1200).isSorted();
    assertThat(progress.get(600)).as("half of the rows read: a page's last partition of the 400").isBetween(0.5,
        0.6);
    assertThat(progress.subList(0, 1100)).as("whole only once the range is done").allMatch(part -> part < 1.0);
    assertThat(scan.progress()).isEqualTo(1.0);
  }

  @Test
  void should_place_a_token_in_its_range_with_the_partitioners_arithmetic() {
    ScanPlanner murmur3 = ScanPlanner.forTests("ks", "t", MURMUR3);
    assertThat(murmur3.fractionUpTo(ScanRange.of("-100", "100"), "50")).isEqualTo(0.75);
    // A range that ends at the ring's minimum runs to the ring's end.
    assertThat(murmur3.fractionUpTo(ScanRange.of(String.valueOf(Long.MAX_VALUE - 99),
        String.valueOf(Long.MIN_VALUE)), String.valueOf(Long.MAX_VALUE - 49))).isEqualTo(0.5);
    assertThat(murmur3.fractionUpTo(ScanRange.of("-100", "100"), "200")).as("outside the range").isZero();
    assertThat(murmur3.fractionUpTo(ScanRange.of("-100", "100"), "0a1b")).as("not a Murmur3 token").isZero();
    assertThat(ScanPlanner.forTests("ks", "t", "org.apache.cassandra.dht.ByteOrderedPartitioner")
        .fractionUpTo(ScanRange.of("-100", "100"), "50")).as("no token arithmetic").isZero();
    assertThat(planner.fractionUpTo(ScanRange.of("-100", "100"), "50")).as("no token map").isZero();
  }

  @Test
  void should_keep_the_progress_exact_when_a_range_is_split_in_three() {
    // With 3 tokens left, a split makes 3 pieces: shares of 1/3 in floating point summed to a little over 3,
    // and the progress went down by a rounding (from 2/3 to 0.6666666666666665).
    FakeTokenTable table = new FakeTokenTable(30, 3)
        .timingOut(request -> request.position() >= 27 && request.end() - request.position() > 1);
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 10), table.range(1, 10, 20), table.range(2, 20, 30)),
        config(1, StreamConfig.builder().fetchSize(3)));
    List<Double> progress = progressAtEveryRow(scan);

    assertThat(scan.splits()).isEqualTo(1);
    assertThat(scan.ranges()).hasSize(5);
    assertThat(progress).hasSize(90).contains(1.0 / 3, 2.0 / 3).isSorted();
    assertThat(scan.progress()).isEqualTo(1.0);
  }

  @Test
  void should_not_split_a_resumed_range_that_still_skips_rows_it_delivered_before() {
    // Resumed inside the range's first page: 600 rows (tokens 1 to 200) were delivered before and are
    // skipped again. Its first request times out at the smallest page. A split from its start cut it at
    // token 100 and had new ranges read from there, rows 301 to 600 included: delivered twice.
    AtomicInteger requests = new AtomicInteger();
    FakeTokenTable table = new FakeTokenTable(400, 3).timingOut(request -> requests.incrementAndGet() == 1);
    PlannedRange resumed = new PlannedRange(0, ScanRange.of("0", "400"), null, ScanCheckpoint.State.IN_PROGRESS,
        null, 600, 600);
    DefaultTableScan scan = scan(table, List.of(resumed),
        config(1, StreamConfig.builder().fetchSize(100).retry(2, Duration.ofMillis(100))));

    List<Integer> seen = drive(scan, new ArrayList<>());

    assertThat(seen).as("the rows not delivered before, once each, in order")
        .isEqualTo(table.allValues().subList(600, 1200));
    assertThat(scan.splits()).isZero();
    assertThat(scan.checkpoint().rowsDelivered()).isEqualTo(1200);
  }

  @Test
  void should_split_twice_at_most_then_fail_naming_the_range_and_resume_exactly_from_the_checkpoint() {
    // Everything after token 100 times out, whatever the range: splitting cannot help.
    FakeTokenTable table = new FakeTokenTable(400, 3).timingOut(request -> request.position() >= 100);
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 400)),
        config(1, StreamConfig.builder().fetchSize(100).retry(2, Duration.ofMillis(100))));
    List<Integer> seen = new ArrayList<>();

    Throwable failure = catchThrowable(() -> drive(scan, seen));

    assertThat(failure).isInstanceOf(CompletionException.class).cause().isInstanceOf(PageFetchException.class);
    PageFetchException fetch = (PageFetchException) failure.getCause();
    assertThat(scan.splits()).isEqualTo(2);
    assertThat(fetch.range()).as("the range narrowed twice: (0, 400] to (0, 175] to (0, 118]")
        .contains(ScanRange.of("0", "118"));
    assertThat(fetch).hasMessageContaining("token range (0, 118]").hasMessageContaining("split it 2 times")
        .hasMessageContaining("single partition cannot be split");
    assertThat(seen).isEqualTo(table.allValues().subList(0, 300));
    // 3 pages, then: split, split, 1 + 2 retries at the floor.
    assertThat(table.requests).hasSize(3 + 1 + 1 + 3);
    ScanCheckpoint checkpoint = scan.checkpoint();
    assertThat(checkpoint.ranges()).extracting(ScanCheckpoint.Range::range).containsExactly(
        ScanRange.of("0", "118"), ScanRange.of("118", "137"), ScanRange.of("137", "156"), ScanRange.of("156", "175"),
        ScanRange.of("175", "250"), ScanRange.of("250", "325"), ScanRange.of("325", "400"));
    assertThat(checkpoint.rowsDelivered()).isEqualTo(300);

    FakeTokenTable healthy = new FakeTokenTable(400, 3);
    DefaultTableScan resumed = scan(healthy, planner.resume(checkpoint), config(3, StreamConfig.builder()));
    List<Integer> rest = drive(resumed, Collections.synchronizedList(new ArrayList<>()));
    List<Integer> all = new ArrayList<>(seen);
    all.addAll(rest);
    Collections.sort(all);
    assertThat(all).as("the failed scan's rows plus the resumed scan's: every row once").isEqualTo(table.allValues());
    assertThat(resumed.checkpoint().rowsDelivered()).isEqualTo(1200);
  }

  @Test
  void should_not_split_a_range_whose_last_row_has_no_known_token() {
    FakeTokenTable table = new FakeTokenTable(400, 3) {
      @Override
      public String lastToken(List<com.datastax.oss.driver.api.core.cql.Row> rows) {
        return null; // as when the scan's columns leave out the partition key
      }
    }.timingOut(request -> request.position() >= 100);
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 400)),
        config(1, StreamConfig.builder().fetchSize(100).retry(1, Duration.ofMillis(100))));

    Throwable failure = catchThrowable(() -> drive(scan, new ArrayList<>()));

    assertThat(failure).cause().isInstanceOf(PageFetchException.class)
        .hasMessageContaining("token range (0, 400]").hasMessageNotContaining("split it");
    assertThat(scan.splits()).isZero();
    assertThat(scan.ranges()).containsExactly(ScanRange.of("0", "400"));
  }

  @Test
  void should_fail_the_range_naming_it_when_a_page_cannot_be_decoded_and_never_hang() {
    // What decoding a response threw (its rows, its last row's token) was thrown into the response's callback,
    // where nobody read it: the range waited for its answer for good, and the scan's stage never completed.
    java.util.concurrent.atomic.AtomicInteger decoded = new java.util.concurrent.atomic.AtomicInteger();
    FakeTokenTable table = new FakeTokenTable(400, 3) {
      @Override
      public String lastToken(List<com.datastax.oss.driver.api.core.cql.Row> rows) {
        if (decoded.incrementAndGet() >= 2) {
          throw new IllegalStateException("boom: the last row's token cannot be read");
        }
        return super.lastToken(rows);
      }
    };
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 400)),
        config(1, StreamConfig.builder().fetchSize(100).retry(1, Duration.ofMillis(100))));
    List<Integer> seen = new ArrayList<>();

    Throwable failure = catchThrowable(() -> drive(scan, seen));

    assertThat(failure).as("the scan's stage completed, with the failure").isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(PageFetchException.class).hasMessageContaining("token range (0, 400]")
        .hasRootCauseMessage("boom: the last row's token cannot be read");
    assertThat(seen).as("the first page, once").isEqualTo(table.allValues().subList(0, 100));
    assertThat(table.requests).as("the first page, then the second: a decoding failure is not retried").hasSize(2);
  }

  @Test
  void should_split_a_range_that_times_out_before_its_first_row_from_its_start() {
    FakeTokenTable table = new FakeTokenTable(400, 1).timingOut(request -> request.end() - request.position() > 150);
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 400)),
        config(1, StreamConfig.builder().fetchSize(100)));

    List<Integer> seen = drive(scan, new ArrayList<>());

    assertThat(seen).isEqualTo(table.allValues());
    assertThat(scan.ranges()).containsExactly(ScanRange.of("0", "100"), ScanRange.of("100", "200"),
        ScanRange.of("200", "300"), ScanRange.of("300", "400"));
    assertThat(table.requests.get(1).continued()).as("nothing was read: the first piece starts afresh").isFalse();
  }

  @Test
  void should_neither_shrink_nor_split_without_retries() {
    FakeTokenTable table = new FakeTokenTable(400, 3).timingOut(request -> request.position() >= 100);
    DefaultTableScan scan = scan(table, List.of(table.range(0, 0, 400)),
        config(1, StreamConfig.builder().fetchSize(400).retry(0, Duration.ofMillis(100))));

    Throwable failure = catchThrowable(() -> drive(scan, new ArrayList<>()));

    assertThat(failure).cause().isInstanceOf(PageFetchException.class);
    assertThat(table.requests).extracting(FakeTokenTable.Request::pageSize).containsExactly(400, 400);
    assertThat(scan.splits()).isZero();
  }

  @Test
  void should_read_every_row_once_when_many_ranges_split_at_once_in_parallel() {
    for (int round = 0; round < 50; round++) {
      int threshold = 60 + round;
      FakeTokenTable table = new FakeTokenTable(2_000, 2)
          .timingOut(request -> request.end() - request.position() > threshold);
      List<PlannedRange> ranges = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ranges.add(table.range(i, i * 250L, i * 250L + 250));
      }
      DefaultTableScan scan = scan(table, ranges,
          config(3, StreamConfig.builder().fetchSize(100 + round).prefetchPages(1)));
      List<Integer> seen = drive(scan, Collections.synchronizedList(new ArrayList<>()));
      List<Integer> sorted = new ArrayList<>(seen);
      Collections.sort(sorted);
      assertThat(sorted).as("round %d: every row once", round).isEqualTo(table.allValues());
      assertThat(scan.splits()).isPositive();
      assertThat(scan.checkpoint().isComplete()).isTrue();
      assertThat(scan.checkpoint().ranges()).hasSize(scan.rangeCount());
    }
  }
}
