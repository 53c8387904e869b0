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
package org.asynccassandra.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.PageEvent;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ReadAheadBudget;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.testfixtures.FakeStream;
import org.junit.jupiter.api.Test;

/** The meters from fake stream events, in a {@link SimpleMeterRegistry}. */
class AsyncCassandraMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StreamListener listener = AsyncCassandraMetrics.listener(registry, Tags.of("app", "test"));
  private static final Executor DIRECT = Runnable::run;

  /** The sum of the counters named {@code name} with {@code tags} (and any others). */
  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counters().stream().mapToDouble(counter -> counter.count()).sum();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void should_measure_a_stream_from_its_creation_to_its_end_with_its_tags() {
    FakeStream stream = FakeStream.query("shop", "orders-by-day");
    assertThat(listener.executor(stream, DIRECT)).isSameAs(DIRECT);
    assertThat(gauge("asynccassandra.streams.open", "keyspace", "shop", "name", "orders-by-day")).isEqualTo(1);

    listener.onStart(stream, "forEach()");
    listener.onPage(stream, FakeStream.page(1, 100, 4_000, 20, 20, false));
    listener.onPage(stream, FakeStream.page(2, 100, 4_100, 10, 0, false));
    listener.onPage(stream, FakeStream.page(3, 30, -1, 5, 0, true)); // bytes not reported
    listener.onComplete(stream, FakeStream.stats(3, 230, 0, 8_100, 0));

    String[] tags = {"app", "test", "keyspace", "shop", "table", "none", "name", "orders-by-day", "kind", "query",
        "style", "forEach"};
    assertThat(count("asynccassandra.streams.started", tags)).isEqualTo(1);
    assertThat(count("asynccassandra.rows.delivered", tags)).isEqualTo(230);
    assertThat(count("asynccassandra.pages.delivered", tags)).isEqualTo(3);
    assertThat(count("asynccassandra.response.bytes", tags)).isEqualTo(8_100);
    assertThat(registry.get("asynccassandra.response.bytes").counter().getId().getBaseUnit()).isEqualTo("bytes");
    Timer fetch = registry.get("asynccassandra.page.fetch").tags(tags).timer();
    assertThat(fetch.count()).isEqualTo(3);
    assertThat(fetch.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(35);
    Timer wait = registry.get("asynccassandra.consumer.wait").tags(tags).timer();
    assertThat(wait.count()).as("pages that were ready count too, with zero").isEqualTo(3);
    assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(20);
    assertThat(count("asynccassandra.streams.ended", "style", "forEach", "outcome", "completed", "exception", "none"))
        .isEqualTo(1);
    assertThat(gauge("asynccassandra.streams.open", "name", "orders-by-day")).isZero();
  }

  @Test
  void should_count_a_stream_ended_before_it_leaves_the_open_streams_gauge() {
    // Whoever waits for the gauge to read 0 (the CLI's --metrics-summary does) must find the end counted: the
    // stream left the gauge first, and the summary printed without its streams.ended line.
    FakeStream stream = FakeStream.query("shop", "by-day");
    listener.executor(stream, DIRECT);
    listener.onStart(stream, "forEach()");
    io.micrometer.core.instrument.Gauge open = registry.get("asynccassandra.streams.open").tags("name", "by-day")
        .gauge();
    java.util.List<Double> openWhenEndedAppeared = new java.util.ArrayList<>();
    registry.config().onMeterAdded(meter -> {
      if (meter.getId().getName().equals("asynccassandra.streams.ended")) {
        openWhenEndedAppeared.add(open.value());
        // A page event that comes while the end is counted: it counts under the stream's style, never
        // under a spurious style=none set of meters.
        listener.onPage(stream, FakeStream.page(1, 10, 100, 1, 0, true));
      }
    });
    listener.onComplete(stream, FakeStream.stats(1, 10, 0, 100, 0));
    assertThat(openWhenEndedAppeared).containsExactly(1.0);
    assertThat(open.value()).isZero();
    assertThat(count("asynccassandra.rows.delivered", "style", "forEach")).isEqualTo(10);
    assertThat(registry.find("asynccassandra.rows.delivered").tags("style", "none").counters()).isEmpty();
  }

  /** Creates and starts {@code stream} in {@code measuring}, as a stream does. */
  private static void started(StreamListener measuring, FakeStream stream) {
    measuring.executor(stream, DIRECT);
    measuring.onStart(stream, "forEach()");
  }

  /** The distinct values of tag {@code key} among the meters named {@code name}. */
  private java.util.Set<String> tagValues(String name, String key) {
    java.util.Set<String> values = new java.util.HashSet<>();
    registry.find(name).meters().forEach(meter -> values.add(meter.getId().getTag(key)));
    return values;
  }

  @Test
  void should_measure_streams_of_new_shapes_together_once_the_shapes_ran_out() {
    for (int i = 0; i < MetricsListener.MAX_SHAPES; i++) {
      FakeStream stream = FakeStream.query("shop", "query-" + i);
      started(listener, stream);
      listener.onComplete(stream, FakeStream.stats(0, 0, 0, 0, 0));
    }
    FakeStream byId = FakeStream.query("shop", "order-4711"); // a name made of an id
    FakeStream otherKeyspace = FakeStream.query("tenant_2", "order-4712");
    FakeStream scan = FakeStream.scan("shop", "orders");
    started(listener, byId);
    started(listener, otherKeyspace);
    started(listener, scan);

    String[] otherQuery = {"keyspace", "other", "table", "other", "name", "other", "kind", "query"};
    assertThat(gauge("asynccassandra.streams.open", otherQuery)).isEqualTo(2);
    assertThat(gauge("asynccassandra.streams.open", "keyspace", "other", "name", "other", "kind", "scan")).isEqualTo(1);
    listener.onPage(byId, FakeStream.page(1, 10, 100, 1, 0, true));
    listener.onComplete(byId, FakeStream.stats(1, 10, 0, 100, 0));
    assertThat(count("asynccassandra.rows.delivered", otherQuery)).isEqualTo(10);
    assertThat(count("asynccassandra.streams.ended", otherQuery)).isEqualTo(1);
    assertThat(gauge("asynccassandra.streams.open", otherQuery)).isEqualTo(1);
    assertThat(registry.find("asynccassandra.streams.started").tag("name", "order-4711").counters()).isEmpty();

    // A shape that had its meters keeps them.
    FakeStream known = FakeStream.query("shop", "query-0");
    started(listener, known);
    assertThat(count("asynccassandra.streams.started", "name", "query-0")).isEqualTo(2);
    assertThat(tagValues("asynccassandra.streams.started", "name")).hasSize(MetricsListener.MAX_SHAPES + 1)
        .contains("other");
  }

  @Test
  void should_give_no_more_shapes_their_own_meters_than_the_cap_when_threads_race_for_them() throws Exception {
    // Threads that make the same shapes at once: the places a lost race took are given back, so exactly the cap
    // has meters of its own, whichever thread made each.
    int threads = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 2 * MetricsListener.MAX_SHAPES; i++) {
            started(listener, FakeStream.query("shop", "query-" + i));
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> each : done) {
        each.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    java.util.Set<String> names = tagValues("asynccassandra.streams.started", "name");
    assertThat(names).contains("other").hasSizeLessThanOrEqualTo(MetricsListener.MAX_SHAPES + 1);
    assertThat(count("asynccassandra.streams.started")).isEqualTo(threads * 2.0 * MetricsListener.MAX_SHAPES);
    // A place given back after the race's last new shape is taken by the next new one: none was lost.
    for (int i = 2 * MetricsListener.MAX_SHAPES; i < 3 * MetricsListener.MAX_SHAPES; i++) {
      started(listener, FakeStream.query("shop", "query-" + i));
    }
    assertThat(tagValues("asynccassandra.streams.started", "name")).hasSize(MetricsListener.MAX_SHAPES + 1);
  }

  @Test
  void should_publish_a_percentiles_histogram_for_both_timers() {
    SimpleMeterRegistry histograms = new SimpleMeterRegistry();
    java.util.Map<String, Boolean> percentileHistogram = new java.util.concurrent.ConcurrentHashMap<>();
    histograms.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        percentileHistogram.put(id.getName(), Boolean.TRUE.equals(config.isPercentileHistogram()));
        return config;
      }
    });
    FakeStream stream = FakeStream.query("shop", null);
    StreamListener measuring = AsyncCassandraMetrics.listener(histograms, Tags.empty());
    measuring.onStart(stream, "forEach()");
    assertThat(percentileHistogram).containsEntry("asynccassandra.page.fetch", true)
        .containsEntry("asynccassandra.consumer.wait", true);
  }

  @Test
  void should_tag_retries_and_failures_with_the_drivers_exception_under_its_wrappers() {
    FakeStream stream = FakeStream.scan("shop", "orders");
    listener.executor(stream, DIRECT);
    listener.onStart(stream, "forEachPage()");
    listener.onRetry(stream, 2, 1, new DriverTimeoutException("slow"));
    listener.onRetry(stream, 2, 2, new CompletionException(new DriverTimeoutException("slow")));
    listener.onFailure(stream, new PageFetchException(2, 100, "SELECT", new InvalidQueryException(null, "bad")),
        FakeStream.stats(1, 100, 0, 0, 2));

    assertThat(count("asynccassandra.page.retries", "table", "orders", "kind", "scan", "style", "forEachPage",
        "exception", "DriverTimeoutException")).isEqualTo(2);
    assertThat(count("asynccassandra.streams.ended", "outcome", "failed", "exception", "InvalidQueryException"))
        .isEqualTo(1);
    assertThat(registry.get("asynccassandra.streams.ended").tags("outcome", "failed").counter().getId()
        .getTag("name")).isEqualTo("none");
  }

  @Test
  void should_count_a_leak_and_a_stream_closed_before_it_started_under_style_none() {
    FakeStream leaked = FakeStream.query("shop", null);
    FakeStream unconsumed = FakeStream.query("shop", null);
    listener.executor(leaked, DIRECT);
    listener.executor(unconsumed, DIRECT);
    assertThat(gauge("asynccassandra.streams.open", "keyspace", "shop", "name", "none")).isEqualTo(2);

    listener.onLeak(leaked, new Throwable("created here"), FakeStream.stats(0, 0, 0, 0, 0));
    listener.onClose(unconsumed, FakeStream.stats(0, 0, 0, 0, 0));

    assertThat(count("asynccassandra.streams.leaked", "style", "none")).isEqualTo(1);
    assertThat(count("asynccassandra.streams.ended", "style", "none", "outcome", "leaked")).isEqualTo(1);
    assertThat(count("asynccassandra.streams.ended", "style", "none", "outcome", "closed")).isEqualTo(1);
    assertThat(gauge("asynccassandra.streams.open", "keyspace", "shop")).isZero();
  }

  @Test
  void should_sum_the_buffered_pages_of_the_open_streams_when_read() {
    FakeStream first = FakeStream.query("shop", "a");
    FakeStream second = FakeStream.query("shop", "a");
    listener.executor(first, DIRECT);
    listener.executor(second, DIRECT);
    first.stats = FakeStream.stats(5, 500, 2, 0, 0);
    second.stats = FakeStream.stats(4, 400, 3, 0, 0);
    assertThat(gauge("asynccassandra.pages.buffered", "name", "a")).isEqualTo(5);

    listener.onClose(second, second.stats);
    assertThat(gauge("asynccassandra.pages.buffered", "name", "a")).isEqualTo(2);
    first.stats = FakeStream.stats(6, 600, 0, 0, 0);
    assertThat(gauge("asynccassandra.pages.buffered", "name", "a")).isZero();
  }

  @Test
  void should_sum_the_ranges_of_the_open_scans_and_keep_those_of_the_last_one_ended() {
    FakeStream first = FakeStream.scan("shop", "orders");
    FakeStream second = FakeStream.scan("shop", "orders");
    first.checkpoint = FakeStream.checkpoint(0, 4);
    second.checkpoint = FakeStream.checkpoint(0, 6);
    listener.executor(first, DIRECT);
    listener.executor(second, DIRECT);
    assertThat(gauge("asynccassandra.scan.ranges", "table", "orders", "state", "done")).isZero();
    assertThat(gauge("asynccassandra.scan.ranges", "table", "orders", "state", "pending")).isEqualTo(10);

    first.checkpoint = FakeStream.checkpoint(4, 0);
    second.checkpoint = FakeStream.checkpoint(2, 4);
    assertThat(gauge("asynccassandra.scan.ranges", "table", "orders", "state", "done")).isEqualTo(6);
    assertThat(gauge("asynccassandra.scan.ranges", "table", "orders", "state", "pending")).isEqualTo(4);

    listener.onComplete(first, first.stats);
    assertThat(gauge("asynccassandra.scan.ranges", "table", "orders", "state", "done")).isEqualTo(2);
    listener.onFailure(second, new IllegalStateException("boom"), second.stats);
    second.checkpoint = FakeStream.checkpoint(0, 0); // read no more once ended
    assertThat(gauge("asynccassandra.scan.ranges", "table", "orders", "state", "done")).isEqualTo(2);
    assertThat(gauge("asynccassandra.scan.ranges", "table", "orders", "state", "pending")).isEqualTo(4);
  }

  @Test
  void should_register_no_range_gauges_for_query_streams() {
    listener.executor(FakeStream.query("shop", "q"), DIRECT);
    assertThat(registry.find("asynccassandra.scan.ranges").gauges()).isEmpty();
  }

  @Test
  void should_feed_one_gauge_from_two_listeners_of_one_registry() {
    StreamListener other = AsyncCassandraMetrics.listener(registry, Tags.of("app", "test"));
    FakeStream first = FakeStream.query("shop", "shared");
    FakeStream second = FakeStream.query("shop", "shared");
    listener.executor(first, DIRECT);
    other.executor(second, DIRECT);
    assertThat(registry.find("asynccassandra.streams.open").tags("name", "shared").gauges()).hasSize(1);
    assertThat(gauge("asynccassandra.streams.open", "name", "shared")).isEqualTo(2);
    other.onComplete(second, second.stats);
    assertThat(gauge("asynccassandra.streams.open", "name", "shared")).isEqualTo(1);
  }

  @Test
  void should_count_every_open_stream_when_a_meter_filter_folds_their_tags_into_one_gauge() {
    SimpleMeterRegistry filtered = new SimpleMeterRegistry();
    filtered.config().meterFilter(MeterFilter.ignoreTags("name"));
    StreamListener folding = AsyncCassandraMetrics.listener(filtered, Tags.of("app", "test"));
    FakeStream first = FakeStream.query("shop", "a");
    FakeStream second = FakeStream.query("shop", "b");
    folding.executor(first, DIRECT);
    folding.executor(second, DIRECT);
    assertThat(filtered.get("asynccassandra.streams.open").gauge().value()).as("streams named a and b").isEqualTo(2);
    folding.onComplete(second, second.stats);
    assertThat(filtered.get("asynccassandra.streams.open").gauge().value()).isEqualTo(1);
  }

  @Test
  void should_show_the_ranges_of_a_scan_whose_group_a_meter_filter_folded_into_a_query_streams_group() {
    SimpleMeterRegistry filtered = new SimpleMeterRegistry();
    filtered.config().meterFilter(MeterFilter.ignoreTags("kind", "table", "name"));
    StreamListener folding = AsyncCassandraMetrics.listener(filtered, Tags.of("app", "test"));
    folding.executor(FakeStream.query("shop", "first"), DIRECT); // registers the group, without range gauges
    FakeStream scan = FakeStream.scan("shop", "orders");
    scan.checkpoint = FakeStream.checkpoint(1, 3);
    folding.executor(scan, DIRECT);
    assertThat(filtered.get("asynccassandra.scan.ranges").tags("state", "done").gauge().value()).isEqualTo(1);
    assertThat(filtered.get("asynccassandra.scan.ranges").tags("state", "pending").gauge().value()).isEqualTo(3);
    assertThat(filtered.get("asynccassandra.streams.open").gauge().value()).as("the query and the scan")
        .isEqualTo(2);
  }

  @Test
  void should_measure_a_stream_first_heard_at_its_start_and_a_page_after_its_end() {
    FakeStream stream = FakeStream.query("shop", "late");
    listener.onStart(stream, "iterator()");
    assertThat(gauge("asynccassandra.streams.open", "name", "late")).isEqualTo(1);
    listener.onComplete(stream, stream.stats);
    listener.onPage(stream, FakeStream.page(1, 10, 100, 1, 0, true)); // an end may overlap a page event
    assertThat(gauge("asynccassandra.streams.open", "name", "late")).isZero();
    assertThat(count("asynccassandra.streams.ended", "name", "late", "style", "iterator")).isEqualTo(1);
    assertThat(count("asynccassandra.rows.delivered", "name", "late")).isEqualTo(10);
    assertThat(count("asynccassandra.rows.delivered", "name", "late", "style", "iterator"))
        .as("under the style the stream ended with, not none").isEqualTo(10);
  }

  @Test
  void should_count_every_retry_of_a_stream_heard_once_even_with_the_same_error_object() {
    // The driver fails every request of a lost connection with one exception object: two ranges of a scan
    // retried with it are two retries, which the second-hearing check took for one.
    FakeStream stream = FakeStream.query("shop", "once");
    ClosedConnectionException lost = new ClosedConnectionException("Lost connection to remote peer");
    listener.executor(stream, DIRECT);
    listener.onStart(stream, "forEach()");
    listener.onRetry(stream, 3, 1, lost);
    listener.onRetry(stream, 3, 1, lost);
    listener.onComplete(stream, stream.stats);

    assertThat(count("asynccassandra.page.retries", "name", "once", "style", "forEach")).isEqualTo(2);
  }

  @Test
  void should_count_each_event_once_for_a_stream_that_hears_the_listener_twice() {
    // Bound to the session and set on the stream's config too, the listener hears every event twice in a row.
    FakeStream stream = FakeStream.query("shop", "twice");
    PageEvent first = FakeStream.page(1, 100, 4_000, 20, 0, false);
    PageEvent last = FakeStream.page(2, 30, 1_000, 5, 0, true);
    DriverTimeoutException slow = new DriverTimeoutException("slow");
    heardTwice(() -> listener.executor(stream, DIRECT));
    heardTwice(() -> listener.onStart(stream, "forEach()"));
    heardTwice(() -> listener.onPage(stream, first));
    heardTwice(() -> listener.onRetry(stream, 2, 1, slow));
    // Another retry with the same error object: a lost connection fails two ranges of a scan with one.
    heardTwice(() -> listener.onRetry(stream, 1, 1, slow));
    stream.stats = FakeStream.stats(1, 100, 0, 4_000, 1); // the first page handed over whole
    heardTwice(() -> listener.onComplete(stream, stream.stats));
    for (int heard = 0; heard < 2; heard++) {
      listener.onPage(stream, last); // after the end: a close from another thread as the page came
    }

    String[] tags = {"name", "twice", "style", "forEach"};
    assertThat(count("asynccassandra.streams.started", tags)).isEqualTo(1);
    assertThat(count("asynccassandra.pages.delivered", tags)).isEqualTo(2);
    assertThat(count("asynccassandra.rows.delivered", tags)).isEqualTo(130);
    assertThat(count("asynccassandra.response.bytes", tags)).isEqualTo(5_000);
    assertThat(registry.get("asynccassandra.page.fetch").tags(tags).timer().count()).isEqualTo(2);
    assertThat(count("asynccassandra.page.retries", tags)).isEqualTo(2);
    assertThat(registry.find("asynccassandra.streams.ended").tags("name", "twice").counters())
        .as("one end, under the stream's style").singleElement()
        .satisfies(ended -> {
          assertThat(ended.getId().getTag("style")).isEqualTo("forEach");
          assertThat(ended.count()).isEqualTo(1);
        });
    assertThat(gauge("asynccassandra.streams.open", "name", "twice")).isZero();
  }

  @Test
  void should_count_only_the_rows_handed_over_of_a_stream_closed_part_way_through_a_page() {
    // maxRows(limit + 1) to tell whether there is more: the consumer takes 20 rows of a page of 21 and closes.
    FakeStream stream = FakeStream.query("shop", "part-way");
    listener.executor(stream, DIRECT);
    listener.onStart(stream, "iterator()");
    listener.onPage(stream, FakeStream.page(1, 21, 2_100, 5, 0, true));
    StreamStats stats = new StreamStats(1, 21, 20, 0, 0, 2_100, Duration.ZERO, Duration.ZERO, 0, 21);
    listener.onClose(stream, stats);

    assertThat(count("asynccassandra.rows.delivered", "name", "part-way", "style", "iterator"))
        .isEqualTo(20).isEqualTo((double) stats.rowsDelivered());
  }

  @Test
  void should_count_the_rows_of_a_page_once_the_stream_moved_on_and_every_row_at_its_end() {
    FakeStream stream = FakeStream.query("shop", "pages");
    listener.executor(stream, DIRECT);
    listener.onStart(stream, "forEach()");
    for (int page = 1; page <= 3; page++) {
      listener.onPage(stream, FakeStream.page(page, 100, 4_000, 5, 0, page == 3));
      assertThat(count("asynccassandra.rows.delivered", "name", "pages"))
          .as("the pages before page %d, handed over whole", page).isEqualTo((page - 1) * 100);
    }
    listener.onComplete(stream, FakeStream.stats(3, 300, 0, 12_000, 0));
    assertThat(count("asynccassandra.rows.delivered", "name", "pages", "style", "forEach")).isEqualTo(300);
  }

  @Test
  void should_count_the_rows_handed_over_at_a_failure_and_a_leak_and_never_less_than_counted() {
    FakeStream failed = FakeStream.query("shop", "failed");
    listener.executor(failed, DIRECT);
    listener.onStart(failed, "forEach()");
    listener.onPage(failed, FakeStream.page(1, 50, 500, 1, 0, false));
    listener.onPage(failed, FakeStream.page(2, 50, 500, 1, 0, false));
    listener.onFailure(failed, new IllegalStateException("consumer threw"), FakeStream.stats(2, 62, 0, 1_000, 0));
    assertThat(count("asynccassandra.rows.delivered", "name", "failed")).isEqualTo(62);

    FakeStream leaked = FakeStream.query("shop", "leaked");
    listener.executor(leaked, DIRECT);
    listener.onStart(leaked, "iterator()");
    listener.onPage(leaked, FakeStream.page(1, 50, 500, 1, 0, false));
    listener.onPage(leaked, FakeStream.page(2, 50, 500, 1, 0, false));
    listener.onLeak(leaked, new Throwable("created here"), FakeStream.stats(2, 40, 0, 1_000, 0));
    assertThat(count("asynccassandra.rows.delivered", "name", "leaked"))
        .as("what was counted stays counted: a counter never goes back").isEqualTo(50);
  }

  @Test
  void should_count_the_rows_of_a_stream_closed_part_way_once_when_it_hears_the_listener_twice() {
    FakeStream stream = FakeStream.query("shop", "twice-part-way");
    PageEvent first = FakeStream.page(1, 21, 2_100, 5, 0, false);
    PageEvent second = FakeStream.page(2, 21, 2_100, 5, 0, true);
    StreamStats stats = new StreamStats(2, 42, 30, 0, 0, 4_200, Duration.ZERO, Duration.ZERO, 0, 21);
    heardTwice(() -> listener.executor(stream, DIRECT));
    heardTwice(() -> listener.onStart(stream, "forEach()"));
    heardTwice(() -> listener.onPage(stream, first));
    heardTwice(() -> listener.onPage(stream, second));
    heardTwice(() -> listener.onClose(stream, stats));

    assertThat(count("asynccassandra.rows.delivered", "name", "twice-part-way", "style", "forEach"))
        .isEqualTo(30).isEqualTo((double) stats.rowsDelivered());
  }

  @Test
  void should_never_put_the_query_text_in_a_meter() {
    FakeStream stream = FakeStream.query("shop", null);
    listener.executor(stream, DIRECT);
    listener.onStart(stream, "rows()");
    listener.onPage(stream, FakeStream.page(1, 1, 10, 1, 1, true));
    listener.onRetry(stream, 1, 1, new DriverTimeoutException("slow"));
    listener.onFailure(stream, new IllegalStateException(stream.query()), stream.stats);
    for (Meter meter : registry.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        assertThat(tag.getValue()).as(meter.getId().toString()).doesNotContain("hunter2").doesNotContain("SELECT");
      }
    }
  }

  /** A session without a budget that keeps the listeners added to it in {@code listeners}. */
  private AsyncSession listenedSession(List<StreamListener> listeners) {
    return (AsyncSession) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {AsyncSession.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "addListener" -> listeners.add((StreamListener) args[0]);
            case "removeListener" -> listeners.remove((StreamListener) args[0]);
            case "readAheadBudget" -> {
              return java.util.Optional.empty();
            }
            default -> throw new UnsupportedOperationException(method.getName());
          }
          return null;
        });
  }

  /** A @Bean method that binds the binder it returns, which Spring Boot binds again, counted every stream twice. */
  @Test
  void should_count_each_stream_once_when_bound_twice_to_one_registry() {
    List<StreamListener> listeners = new CopyOnWriteArrayList<>();
    AsyncCassandraMetrics metrics = new AsyncCassandraMetrics(listenedSession(listeners), Tags.of("cluster", "b"));
    metrics.bindTo(registry);
    metrics.bindTo(registry);
    assertThat(listeners).hasSize(1);
    FakeStream stream = FakeStream.query("shop", "bound-twice");
    listeners.forEach(each -> each.executor(stream, DIRECT));
    listeners.forEach(each -> each.onStart(stream, "forEach()"));
    assertThat(count("asynccassandra.streams.started", "cluster", "b", "name", "bound-twice", "style", "forEach"))
        .isEqualTo(1);
    metrics.close();
    assertThat(listeners).isEmpty();
    metrics.bindTo(registry); // closed, then bound again: measuring again
    assertThat(listeners).hasSize(1);
    metrics.close();
  }

  @Test
  void should_add_its_listener_to_the_session_when_bound_and_remove_it_when_closed() {
    List<StreamListener> listeners = new CopyOnWriteArrayList<>();
    AsyncSession session = listenedSession(listeners);
    MeterRegistry other = new SimpleMeterRegistry();
    try (AsyncCassandraMetrics metrics = new AsyncCassandraMetrics(session, Tags.of("cluster", "a"))) {
      metrics.bindTo(registry);
      metrics.bindTo(other);
      assertThat(listeners).hasSize(2);
      FakeStream stream = FakeStream.query("shop", "bound");
      listeners.forEach(each -> each.executor(stream, DIRECT));
      assertThat(registry.get("asynccassandra.streams.open").tags("cluster", "a", "name", "bound").gauge().value())
          .isEqualTo(1);
      assertThat(other.get("asynccassandra.streams.open").tags("cluster", "a", "name", "bound").gauge().value())
          .isEqualTo(1);
    }
    assertThat(listeners).isEmpty();
  }

  @Test
  void should_show_the_sessions_read_ahead_budget_when_it_has_one_and_no_budget_meter_otherwise() {
    long[] reserved = {0};
    long[] heldBack = {0};
    org.asynccassandra.ReadAheadBudget budget = new org.asynccassandra.ReadAheadBudget() {
      @Override
      public long capacityBytes() {
        return 8 << 20;
      }

      @Override
      public long reservedBytes() {
        return reserved[0];
      }

      @Override
      public long heldBack() {
        return heldBack[0];
      }
    };
    AsyncSession withBudget = sessionWithBudget(java.util.Optional.of(budget));
    try (AsyncCassandraMetrics metrics = new AsyncCassandraMetrics(withBudget, Tags.of("cluster", "a"))) {
      metrics.bindTo(registry);
      metrics.bindTo(registry); // bound twice to one registry: the same meters
      reserved[0] = 3 << 20;
      heldBack[0] = 7;
      assertThat(registry.get(AsyncCassandraMetrics.BUDGET_RESERVED).tags("cluster", "a").gauge().value())
          .isEqualTo(3 << 20);
      assertThat(registry.get(AsyncCassandraMetrics.BUDGET_CAPACITY).tags("cluster", "a").gauge().value())
          .isEqualTo(8 << 20);
      assertThat(registry.get(AsyncCassandraMetrics.BUDGET_HELD_BACK).tags("cluster", "a").functionCounter()
          .count()).isEqualTo(7);
      assertThat(registry.get(AsyncCassandraMetrics.BUDGET_RESERVED).gauge().getId().getBaseUnit())
          .isEqualTo("bytes");
    }
    MeterRegistry none = new SimpleMeterRegistry();
    try (AsyncCassandraMetrics metrics = new AsyncCassandraMetrics(sessionWithBudget(java.util.Optional.empty()))) {
      metrics.bindTo(none);
    }
    assertThat(none.find(AsyncCassandraMetrics.BUDGET_RESERVED).meters()).isEmpty();
  }

  @Test
  void should_sum_the_budgets_of_the_sessions_bound_with_the_same_tags() {
    FakeBudget first = new FakeBudget(100);
    FakeBudget second = new FakeBudget(200);
    try (AsyncCassandraMetrics a = new AsyncCassandraMetrics(sessionWithBudget(Optional.of(first)),
            Tags.of("cluster", "a"));
        AsyncCassandraMetrics b = new AsyncCassandraMetrics(sessionWithBudget(Optional.of(second)),
            Tags.of("cluster", "a"))) {
      a.bindTo(registry);
      b.bindTo(registry);
      first.reserved = 10;
      second.reserved = 20;
      first.heldBack = 2;
      second.heldBack = 3;

      assertThat(registry.find(AsyncCassandraMetrics.BUDGET_RESERVED).gauges()).hasSize(1);
      assertThat(gauge(AsyncCassandraMetrics.BUDGET_RESERVED, "cluster", "a")).isEqualTo(30);
      assertThat(gauge(AsyncCassandraMetrics.BUDGET_CAPACITY, "cluster", "a")).isEqualTo(300);
      assertThat(heldBack("cluster", "a")).as("the hold-backs of both").isEqualTo(5);
    }
  }

  @Test
  void should_follow_the_budget_of_the_session_bound_after_the_first_binder_closed() {
    FakeBudget first = new FakeBudget(100);
    first.reserved = 10;
    AsyncCassandraMetrics a = new AsyncCassandraMetrics(sessionWithBudget(Optional.of(first)), Tags.of("cluster", "a"));
    a.bindTo(registry);
    first.heldBack = 4;
    assertThat(gauge(AsyncCassandraMetrics.BUDGET_RESERVED, "cluster", "a")).isEqualTo(10);
    a.close();
    assertThat(gauge(AsyncCassandraMetrics.BUDGET_RESERVED, "cluster", "a")).as("no budget bound").isZero();
    assertThat(gauge(AsyncCassandraMetrics.BUDGET_CAPACITY, "cluster", "a")).isZero();

    FakeBudget second = new FakeBudget(200);
    second.heldBack = 3; // before it was bound: not this binder's
    try (AsyncCassandraMetrics b = new AsyncCassandraMetrics(sessionWithBudget(Optional.of(second)),
        Tags.of("cluster", "a"))) {
      b.bindTo(registry);
      second.reserved = 20;
      second.heldBack = 5;
      first.reserved = 99; // the first session goes on without a binder
      first.heldBack = 40;
      assertThat(gauge(AsyncCassandraMetrics.BUDGET_RESERVED, "cluster", "a")).isEqualTo(20);
      assertThat(gauge(AsyncCassandraMetrics.BUDGET_CAPACITY, "cluster", "a")).isEqualTo(200);
      assertThat(heldBack("cluster", "a")).as("4 while the first was bound, 2 since the second was")
          .isEqualTo(6);
    }
  }

  @Test
  void should_let_the_budget_of_a_closed_binder_be_collected() {
    WeakReference<ReadAheadBudget> closed = bindAndClose();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      System.gc();
      return closed.get() == null;
    });
    assertThat(gauge(AsyncCassandraMetrics.BUDGET_RESERVED, "cluster", "gone")).isZero();
  }

  private WeakReference<ReadAheadBudget> bindAndClose() {
    FakeBudget budget = new FakeBudget(100);
    budget.reserved = 10;
    try (AsyncCassandraMetrics metrics = new AsyncCassandraMetrics(sessionWithBudget(Optional.of(budget)),
        Tags.of("cluster", "gone"))) {
      metrics.bindTo(registry);
      assertThat(gauge(AsyncCassandraMetrics.BUDGET_RESERVED, "cluster", "gone")).isEqualTo(10);
    }
    return new WeakReference<>(budget);
  }

  @Test
  void should_register_the_gauges_again_for_a_binder_bound_after_the_registry_was_cleared() {
    FakeStream before = FakeStream.query("shop", "cleared");
    listener.executor(before, DIRECT);
    FakeBudget first = new FakeBudget(100);
    AsyncCassandraMetrics a = new AsyncCassandraMetrics(sessionWithBudget(Optional.of(first)), Tags.of("app", "test"));
    a.bindTo(registry);
    registry.clear();

    StreamListener later = AsyncCassandraMetrics.listener(registry, Tags.of("app", "test"));
    FakeStream after = FakeStream.query("shop", "cleared");
    later.executor(after, DIRECT);
    io.micrometer.core.instrument.Gauge open = registry.find("asynccassandra.streams.open").tags("name", "cleared")
        .gauge();
    assertThat(open).isNotNull();
    assertThat(open.value()).as("the stream opened after, and the one before, still open").isEqualTo(2);
    listener.onClose(before, before.stats);
    assertThat(open.value()).isEqualTo(1);
    after.stats = FakeStream.stats(1, 10, 1, 0, 0);
    assertThat(gauge("asynccassandra.pages.buffered", "name", "cleared")).isEqualTo(1);

    FakeBudget second = new FakeBudget(200);
    try (AsyncCassandraMetrics b = new AsyncCassandraMetrics(sessionWithBudget(Optional.of(second)),
        Tags.of("app", "test"))) {
      b.bindTo(registry);
      assertThat(registry.find(AsyncCassandraMetrics.BUDGET_CAPACITY).gauge()).isNotNull();
      assertThat(gauge(AsyncCassandraMetrics.BUDGET_CAPACITY, "app", "test")).as("both bound").isEqualTo(300);
      a.close();
      assertThat(gauge(AsyncCassandraMetrics.BUDGET_CAPACITY, "app", "test")).isEqualTo(200);
    }
  }

  @Test
  void should_register_the_scan_range_gauges_again_for_a_listener_made_after_the_registry_was_cleared() {
    FakeStream scan = FakeStream.scan("shop", "orders");
    scan.checkpoint = FakeStream.checkpoint(1, 3);
    listener.executor(scan, DIRECT);
    registry.clear();

    StreamListener later = AsyncCassandraMetrics.listener(registry, Tags.of("app", "test"));
    later.executor(FakeStream.scan("shop", "orders"), DIRECT);
    assertThat(gauge("asynccassandra.scan.ranges", "table", "orders", "state", "done")).isEqualTo(1);
    assertThat(gauge("asynccassandra.scan.ranges", "table", "orders", "state", "pending")).isEqualTo(3);
  }

  private double heldBack(String... tags) {
    return registry.get(AsyncCassandraMetrics.BUDGET_HELD_BACK).tags(tags).functionCounter().count();
  }

  /** A read-ahead budget whose figures the test sets. */
  private static final class FakeBudget implements ReadAheadBudget {
    private final long capacity;
    volatile long reserved;
    volatile long heldBack;

    FakeBudget(long capacity) {
      this.capacity = capacity;
    }

    @Override
    public long capacityBytes() {
      return capacity;
    }

    @Override
    public long reservedBytes() {
      return reserved;
    }

    @Override
    public long heldBack() {
      return heldBack;
    }
  }

  private AsyncSession sessionWithBudget(java.util.Optional<org.asynccassandra.ReadAheadBudget> budget) {
    return (AsyncSession) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AsyncSession.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "readAheadBudget" -> budget;
          case "addListener", "removeListener" -> null;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void should_name_the_style_without_parentheses_and_the_kind_in_lower_case() {
    assertThat(MetricsListener.styleTag("forEachAsync()")).isEqualTo("forEachAsync");
    assertThat(MetricsListener.styleTag("custom")).isEqualTo("custom");
    FakeStream scan = FakeStream.scan("shop", "orders");
    listener.onStart(scan, "pages()");
    assertThat(registry.get("asynccassandra.streams.started").counter().getId().getTag("kind"))
        .isEqualTo(StreamInfo.Kind.SCAN.name().toLowerCase(java.util.Locale.ROOT));
  }

  /** Tells {@code event} twice in a row, as a listener bound to the session and set on the stream hears it. */
  private static void heardTwice(Runnable event) {
    event.run();
    event.run();
  }
}
