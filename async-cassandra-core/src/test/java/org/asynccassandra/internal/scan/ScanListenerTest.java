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

import com.datastax.oss.driver.api.core.cql.Row;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.asynccassandra.Page;
import org.asynccassandra.PageEvent;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.TableScan;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.stream.ManualScheduler;
import org.asynccassandra.internal.stream.StreamEvents;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What a listener sees of a scan: its ranges through {@link StreamInfo#scanCheckpoint()}, its pages' timings and
 * its statistics.
 */
class ScanListenerTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ScanPlanner planner = ScanPlanner.forTests("ks", "t");

  /** Records ranges done of ranges at each page, and the info it was given. */
  private static final class RangeRecorder implements StreamListener {
    final List<String> pages = new CopyOnWriteArrayList<>();
    final AtomicReference<StreamInfo> info = new AtomicReference<>();
    final AtomicReference<ScanCheckpoint> atEnd = new AtomicReference<>();
    final AtomicReference<String> end = new AtomicReference<>();

    @Override
    public void onStart(StreamInfo stream, String style) {
      info.set(stream);
    }

    @Override
    public void onPage(StreamInfo stream, PageEvent page) {
      ScanCheckpoint checkpoint = stream.scanCheckpoint().orElseThrow();
      pages.add(checkpoint.rangesDone() + "/" + checkpoint.ranges().size());
    }

    @Override
    public void onComplete(StreamInfo stream, StreamStats stats) {
      atEnd.set(stream.scanCheckpoint().orElseThrow());
      end.set("completed");
    }

    @Override
    public void onLeak(StreamInfo stream, Throwable createdAt, StreamStats stats) {
      end.set("leaked");
    }
  }

  private DefaultTableScan scan(FakeRangeRequests requests, StreamListener listener) {
    ScanConfig config = ScanConfig.builder().parallelism(1)
        .streamConfig(StreamConfig.builder().prefetchPages(0).listener(listener).build()).build();
    return DefaultTableScan.create(requests, planner, requests.ranges, config, Runnable::run, scheduler,
        handle -> {});
  }

  @Test
  void should_show_the_ranges_done_to_a_listener_as_the_scan_goes_and_all_of_them_at_its_end() {
    FakeRangeRequests requests = FakeRangeRequests.of(3, true, 2, 2);
    RangeRecorder recorder = new RangeRecorder();
    DefaultTableScan scan = scan(requests, recorder);

    scan.forEach(row -> {}).toCompletableFuture().join();

    // Told before the consumer gets each page: a range is done once its last page was consumed.
    assertThat(recorder.pages).containsExactly("0/3", "0/3", "1/3", "1/3", "2/3", "2/3");
    assertThat(recorder.end).hasValue("completed");
    assertThat(recorder.atEnd.get().rangesDone()).isEqualTo(3);
    assertThat(recorder.atEnd.get().isComplete()).isTrue();
    assertThat(recorder.info.get().scanCheckpoint()).contains(scan.checkpoint());
  }

  @Test
  void should_tell_a_listener_that_a_scan_closed_exceptionally_failed_with_the_cause() {
    FakeRangeRequests requests = FakeRangeRequests.of(3, true, 2, 2);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    AtomicReference<String> closed = new AtomicReference<>();
    StreamListener listener = new StreamListener() {
      @Override
      public void onFailure(StreamInfo stream, Throwable error, StreamStats stats) {
        failed.set(error);
      }

      @Override
      public void onClose(StreamInfo stream, StreamStats stats) {
        closed.set("closed");
      }
    };
    DefaultTableScan scan = scan(requests, listener);
    scan.nextPage().toCompletableFuture().join();

    // An adapter whose handler threw (the Vert.x read stream does this): a failure, not a plain close. The
    // scan fell back to the interface's default, close(), and metrics and traces counted it as closed.
    IllegalStateException handlerFailed = new IllegalStateException("the handler threw");
    scan.closeExceptionally(handlerFailed);

    Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> failed.get() != null || closed.get() != null);
    assertThat(failed).hasValue(handlerFailed);
    assertThat(closed).hasValue(null);
  }

  @Test
  void should_end_a_listener_with_the_scans_own_statistics_its_retries_included() {
    FakeRangeRequests requests = FakeRangeRequests.of(2, false, 5, 5);
    AtomicReference<StreamStats> atEnd = new AtomicReference<>();
    StreamListener listener = new StreamListener() {
      @Override
      public void onComplete(StreamInfo stream, StreamStats stats) {
        atEnd.set(stats);
      }
    };
    Duration timeout = Duration.ofSeconds(3);
    ScanConfig config = ScanConfig.builder().parallelism(1).streamConfig(StreamConfig.builder().fetchSize(100)
        .prefetchPages(0).pageTimeout(timeout).firstPageTimeout(timeout).retry(1, Duration.ofMillis(100))
        .listener(listener).build()).build();
    DefaultTableScan scan = DefaultTableScan.create(requests, planner, requests.ranges, config, Runnable::run,
        scheduler, handle -> {});
    CompletableFuture<Void> done = scan.forEach(row -> {}).toCompletableFuture();
    scheduler.live(timeout).get(0).fire(); // range 0's first request times out, and is asked again
    scheduler.retryWaits(Duration.ofMillis(100)).get(0).fire();
    while (!done.isDone()) {
      requests.pendingSources().get(0).completeNext();
    }
    done.join();

    // Before, a listener got the scan engine's figures: no retries (the ranges retry) and its own page size.
    assertThat(atEnd.get().retries()).isEqualTo(1);
    assertThat(atEnd.get().requestedPageSize()).isEqualTo(100);
    assertThat(atEnd.get().pagesFetched()).isEqualTo(4);
    assertThat(atEnd.get().rowsFetched()).isEqualTo(20);
    assertThat(atEnd.get()).isEqualTo(scan.stats());
  }

  @Test
  void should_time_a_page_read_ahead_by_its_range_from_its_own_request_and_count_its_wait_in_the_queue() {
    FakeRangeRequests requests = FakeRangeRequests.of(2, false, 5);
    List<PageEvent> events = new CopyOnWriteArrayList<>();
    StreamListener listener = new StreamListener() {
      @Override
      public void onPage(StreamInfo stream, PageEvent page) {
        events.add(page);
      }
    };
    ScanConfig config = ScanConfig.builder().parallelism(2)
        .streamConfig(StreamConfig.builder().prefetchPages(1).listener(listener).build()).build();
    DefaultTableScan scan = DefaultTableScan.create(requests, planner, requests.ranges, config, Runnable::run,
        scheduler, handle -> {});
    CompletableFuture<Optional<Page<Row>>> first = scan.nextPage().toCompletableFuture();
    assertThat(requests.sources.get(1).hasPending()).as("range 1's request is out").isTrue();
    long sent = System.nanoTime(); // range 1's request left before this
    requests.sources.get(0).completeNext();
    assertThat(first.join()).isPresent();
    long answered = clockPassed(sent);
    requests.sources.get(1).completeNext(); // read ahead: it waits in the scan's queue
    long queued = System.nanoTime();
    long asked = clockPassed(queued);

    assertThat(scan.nextPage().toCompletableFuture().join()).isPresent();

    // Before, the scan's engine timed the page from its own request, which the queue answered at once.
    assertThat(events).hasSize(2);
    assertThat(events.get(1).fetchLatency()).as("from range 1's request to its response")
        .isGreaterThanOrEqualTo(Duration.ofNanos(answered - sent));
    assertThat(scan.stats().pageIdleTime()).as("page 2 waited in the queue for the consumer")
        .isGreaterThanOrEqualTo(Duration.ofNanos(asked - queued));
    scan.close();
  }

  /** Waits until the clock moved a millisecond past {@code since}, so that the times compared differ. */
  private static long clockPassed(long since) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
        .until(() -> System.nanoTime() - since >= 1_000_000);
    return System.nanoTime();
  }

  @Test
  void should_show_every_range_pending_before_the_scan_starts() {
    FakeRangeRequests requests = FakeRangeRequests.of(4, true, 1);
    AtomicReference<StreamInfo> created = new AtomicReference<>();
    StreamListener listener = new StreamListener() {
      @Override
      public java.util.concurrent.Executor executor(StreamInfo stream, java.util.concurrent.Executor executor) {
        created.set(stream);
        return executor;
      }
    };
    DefaultTableScan scan = scan(requests, listener);

    ScanCheckpoint before = created.get().scanCheckpoint().orElseThrow();

    assertThat(before.rangesDone()).isZero();
    assertThat(before.ranges()).hasSize(4)
        .allSatisfy(range -> assertThat(range.state()).isEqualTo(ScanCheckpoint.State.PENDING));
    scan.close();
  }

  @Test
  void should_have_no_checkpoint_for_a_query_stream() {
    StreamEvents events = StreamEvents.of(StreamInfo.Kind.QUERY, "ks", null, null, "SELECT * FROM ks.t",
        List.of(new RangeRecorder()));

    assertThat(events.info().scanCheckpoint()).isEqualTo(Optional.empty());
  }

  @Test
  void should_still_find_a_scan_dropped_while_open_when_a_listener_holds_its_info() {
    FakeRangeRequests requests = FakeRangeRequests.of(4, true, 5, 5);
    RangeRecorder recorder = new RangeRecorder();
    long leaksBefore = DefaultRowStream.LEAKS_REPORTED.get();

    WeakReference<TableScan> dropped = dropAfterOnePage(requests, recorder);

    ManualScheduler.awaitCollected(dropped);
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> DefaultRowStream.LEAKS_REPORTED.get() > leaksBefore && "leaked".equals(recorder.end.get()));
    // The info outlives the scan and still answers, where the scan stopped.
    assertThat(recorder.info.get().scanCheckpoint().orElseThrow().rangesDone()).isZero();
  }

  private WeakReference<TableScan> dropAfterOnePage(FakeRangeRequests requests, StreamListener listener) {
    DefaultTableScan scan = scan(requests, listener);
    scan.nextPage().toCompletableFuture().join();
    return new WeakReference<>(scan);
  }
}
