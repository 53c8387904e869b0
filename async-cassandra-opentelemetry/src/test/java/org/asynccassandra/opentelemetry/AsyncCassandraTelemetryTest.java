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
package org.asynccassandra.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynccassandra.PageEvent;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.testfixtures.FakeStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Spans, events, the duration histogram and the context, from fake stream events into the SDK's memory. */
class AsyncCassandraTelemetryTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  private final Tracer callerTracer = sdk.getTracer("caller");
  private final ExecutorService worker = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    worker.shutdownNow();
    sdk.close();
  }

  private StreamListener listener() {
    return AsyncCassandraTelemetry.create(sdk).listener();
  }

  private SpanData only() {
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    return spans.getFinishedSpanItems().get(0);
  }

  private HistogramPointData durationPoint() {
    MetricData duration = metrics.collectAllMetrics().stream()
        .filter(metric -> metric.getName().equals("db.client.operation.duration")).findFirst().orElseThrow();
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(duration.getHistogramData().getPoints()).hasSize(1);
    return duration.getHistogramData().getPoints().iterator().next();
  }

  @Test
  @SuppressWarnings("try") // a Scope is only closed
  void should_make_a_client_span_child_of_the_creating_context_with_an_event_per_page() throws Exception {
    StreamListener listener = listener();
    FakeStream stream = FakeStream.query("shop", null);
    Span caller = callerTracer.spanBuilder("request").startSpan();
    Executor wrapped;
    try (Scope ignored = caller.makeCurrent()) {
      wrapped = listener.executor(stream, worker);
    }
    assertThat(Span.current().getSpanContext().isValid()).as("no span here, the caller's ended its scope").isFalse();
    java.util.concurrent.CompletableFuture<Span> inCallback = new java.util.concurrent.CompletableFuture<>();
    wrapped.execute(() -> inCallback.complete(Span.current())); // on the worker thread
    assertThat(inCallback.get(10, TimeUnit.SECONDS).getSpanContext()).isEqualTo(caller.getSpanContext());

    listener.onStart(stream, "forEach()");
    listener.onPage(stream, FakeStream.page(1, 100, 4_000, 20, 5, false));
    listener.onPage(stream, FakeStream.page(2, 40, -1, 10, 0, true));
    listener.onComplete(stream, FakeStream.stats(2, 140, 0, 4_000, 0));
    caller.end();

    SpanData span = spans.getFinishedSpanItems().stream().filter(each -> each.getKind() == SpanKind.CLIENT)
        .findFirst().orElseThrow();
    assertThat(span.getName()).isEqualTo("SELECT t");
    assertThat(span.getParentSpanContext()).isEqualTo(caller.getSpanContext());
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    Attributes attributes = span.getAttributes();
    assertThat(attributes.get(AttributeKey.stringKey("db.system.name"))).isEqualTo("cassandra");
    assertThat(attributes.get(AttributeKey.stringKey("db.namespace"))).isEqualTo("shop");
    assertThat(attributes.get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("SELECT");
    // From the query's FROM: the keyspace named a data operation's span as if it were its table.
    assertThat(attributes.get(AttributeKey.stringKey("db.collection.name"))).isEqualTo("t");
    assertThat(attributes.get(AttributeKey.stringKey("db.query.text"))).as("not without opt-in").isNull();
    assertThat(attributes.get(AttributeKey.longKey("db.response.returned_rows"))).isEqualTo(140);
    assertThat(attributes.get(AttributeKey.longKey("cassandra.page.size"))).isEqualTo(100);
    assertThat(attributes.get(AttributeKey.stringKey("asynccassandra.stream.style"))).isEqualTo("forEach");
    assertThat(attributes.get(AttributeKey.stringKey("asynccassandra.stream.outcome"))).isEqualTo("completed");
    assertThat(attributes.get(AttributeKey.longKey("asynccassandra.stream.pages"))).isEqualTo(2);
    List<EventData> events = span.getEvents();
    assertThat(events).extracting(EventData::getName).containsExactly("page", "page");
    assertThat(events.get(0).getAttributes().get(AttributeKey.longKey("asynccassandra.page.rows"))).isEqualTo(100);
    assertThat(events.get(0).getAttributes().get(AttributeKey.doubleKey("asynccassandra.page.fetch_duration")))
        .isEqualTo(0.02);
    assertThat(events.get(0).getAttributes().get(AttributeKey.longKey("asynccassandra.page.response_size")))
        .isEqualTo(4_000);
    assertThat(events.get(1).getAttributes().get(AttributeKey.longKey("asynccassandra.page.response_size")))
        .as("unknown: left out").isNull();
    assertThat(events.get(1).getAttributes().get(AttributeKey.booleanKey("asynccassandra.page.last"))).isTrue();

    HistogramPointData point = durationPoint();
    assertThat(point.getCount()).isEqualTo(1);
    assertThat(point.getBoundaries()).containsExactly(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);
    assertThat(point.getAttributes().asMap()).containsOnlyKeys(AttributeKey.stringKey("db.system.name"),
        AttributeKey.stringKey("db.namespace"), AttributeKey.stringKey("db.collection.name"),
        AttributeKey.stringKey("db.operation.name"));
  }

  @Test
  void should_mark_a_failure_with_the_cassandra_error_code_and_record_the_exception() {
    StreamListener listener = listener();
    FakeStream scan = FakeStream.scan("shop", "orders");
    listener.executor(scan, Runnable::run);
    listener.onStart(scan, "forEachPage()");
    listener.onRetry(scan, 3, 1, new DriverTimeoutException("slow"));
    PageFetchException failure = new PageFetchException(3, 200, "SELECT", new InvalidQueryException(null, "bad"));
    listener.onFailure(scan, failure, FakeStream.stats(2, 200, 0, 0, 1));

    SpanData span = only();
    assertThat(span.getName()).isEqualTo("scan orders");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("scan");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.collection.name"))).isEqualTo("orders");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.response.status_code"))).isEqualTo("0x2200");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("0x2200");
    assertThat(span.getAttributes().get(AttributeKey.longKey("asynccassandra.stream.retries"))).isEqualTo(1);
    assertThat(span.getEvents()).extracting(EventData::getName).containsExactly("retry", "exception");
    assertThat(span.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(DriverTimeoutException.class.getName());
    assertThat(span.getEvents().get(1).getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(PageFetchException.class.getName());
    assertThat(durationPoint().getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("0x2200");
  }

  @Test
  void should_keep_the_exception_of_a_long_stream_and_count_the_page_events_left_out() {
    // The SDK keeps 128 events per span: with an event per page, the exception that comes last was dropped.
    StreamListener listener = listener();
    FakeStream scan = FakeStream.scan("shop", "orders");
    listener.executor(scan, Runnable::run);
    listener.onStart(scan, "forEach()");
    for (int page = 1; page <= 130; page++) {
      listener.onPage(scan, FakeStream.page(page, 10, 100, 1, 0, false));
    }
    listener.onRetry(scan, 131, 1, new DriverTimeoutException("slow"));
    PageFetchException failure = new PageFetchException(131, 1300, "SELECT", new InvalidQueryException(null, "bad"));
    listener.onFailure(scan, failure, FakeStream.stats(130, 1300, 0, 0, 1));

    SpanData span = only();
    assertThat(span.getEvents()).extracting(EventData::getName).endsWith("exception")
        .filteredOn("page"::equals).hasSize(TracingListener.MAX_EVENTS);
    assertThat(span.getAttributes().get(AttributeKey.longKey("asynccassandra.stream.events_dropped")))
        .as("30 pages and the retry").isEqualTo(31);
  }

  @Test
  void should_add_every_retry_of_a_stream_heard_once_even_with_the_same_error_object() {
    // The driver fails every request of a lost connection with one exception object (two ranges of a scan).
    StreamListener listener = listener();
    FakeStream stream = FakeStream.query("shop", null);
    listener.executor(stream, Runnable::run);
    listener.onStart(stream, "forEach()");
    ClosedConnectionException lost = new ClosedConnectionException("Lost connection to remote peer");
    listener.onRetry(stream, 3, 1, lost);
    listener.onRetry(stream, 3, 1, lost);
    listener.onComplete(stream, stream.stats);
    assertThat(only().getEvents()).extracting(EventData::getName).containsExactly("retry", "retry");
  }

  @Test
  void should_add_each_page_and_retry_event_once_for_a_stream_that_hears_the_listener_twice() {
    StreamListener listener = listener();
    FakeStream stream = FakeStream.query("shop", null);
    listener.executor(stream, Runnable::run); // registered twice: on the session and on the stream's config
    listener.executor(stream, Runnable::run);
    listener.onStart(stream, "forEach()");
    listener.onStart(stream, "forEach()");
    PageEvent page = FakeStream.page(1, 10, 100, 1, 0, false);
    DriverTimeoutException slow = new DriverTimeoutException("slow");
    for (int heard = 0; heard < 2; heard++) {
      listener.onPage(stream, page);
    }
    for (int heard = 0; heard < 2; heard++) {
      listener.onRetry(stream, 2, 1, slow);
    }
    listener.onComplete(stream, stream.stats);
    assertThat(only().getEvents()).extracting(EventData::getName).containsExactly("page", "retry");
  }

  @Test
  void should_add_two_retries_with_one_error_object_for_a_stream_that_hears_the_listener_twice() {
    // Two ranges of a scan that lost one connection retry with the same exception object, each heard twice.
    StreamListener listener = listener();
    FakeStream scan = FakeStream.scan("shop", "orders");
    listener.executor(scan, Runnable::run);
    listener.executor(scan, Runnable::run);
    listener.onStart(scan, "forEach()");
    listener.onStart(scan, "forEach()");
    ClosedConnectionException lost = new ClosedConnectionException("Lost connection to remote peer");
    for (int range = 0; range < 2; range++) {
      for (int heard = 0; heard < 2; heard++) {
        listener.onRetry(scan, 1, 1, lost);
      }
    }
    listener.onComplete(scan, scan.stats);
    assertThat(only().getEvents()).extracting(EventData::getName).containsExactly("retry", "retry");
  }

  @Test
  void should_name_error_type_by_the_original_exception_when_there_is_no_error_code() {
    StreamListener listener = listener();
    FakeStream stream = FakeStream.query("shop", null);
    listener.onStart(stream, "rows()");
    listener.onFailure(stream, new PageFetchException(1, 0, "SELECT", new DriverTimeoutException("slow")),
        stream.stats);
    assertThat(only().getAttributes().get(AttributeKey.stringKey("error.type")))
        .isEqualTo(DriverTimeoutException.class.getName());
    assertThat(only().getAttributes().get(AttributeKey.stringKey("db.response.status_code"))).isNull();
  }

  @Test
  void should_record_the_query_text_only_when_asked_and_name_the_span_by_the_streams_name() {
    StreamListener listener = AsyncCassandraTelemetry.builder(sdk).captureQueryText(true).pageEvents(false).build()
        .listener();
    FakeStream stream = FakeStream.query("shop", "orders-by-day");
    listener.onStart(stream, "iterator()");
    listener.onPage(stream, FakeStream.page(1, 10, 100, 1, 1, true));
    listener.onComplete(stream, stream.stats);
    SpanData span = only();
    assertThat(span.getName()).isEqualTo("orders-by-day");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.query.summary"))).isEqualTo("orders-by-day");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.query.text"))).isEqualTo(stream.query());
    assertThat(span.getEvents()).isEmpty();
    assertThat(durationPoint().getAttributes().get(AttributeKey.stringKey("db.query.text"))).isNull();
  }

  @Test
  void should_write_no_null_text_for_an_error_without_a_message_when_capturing_the_query_text() {
    StreamListener listener = AsyncCassandraTelemetry.builder(sdk).captureQueryText(true).pageEvents(false).build()
        .listener();
    FakeStream stream = FakeStream.query("shop", null);
    listener.onStart(stream, "forEach()");
    listener.onRetry(stream, 1, 1, new IllegalStateException());
    listener.onFailure(stream, new IllegalStateException(), stream.stats);
    SpanData span = only();
    assertThat(span.getEvents()).filteredOn(event -> event.getName().equals("retry")).singleElement()
        .satisfies(retry -> assertThat(retry.getAttributes().get(AttributeKey.stringKey("exception.message")))
            .isNull());
    assertThat(span.getStatus().getDescription()).isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void should_make_no_span_for_a_stream_closed_unconsumed_and_an_error_span_for_a_leak() {
    StreamListener listener = listener();
    FakeStream unconsumed = FakeStream.query("shop", null);
    listener.executor(unconsumed, Runnable::run);
    listener.onClose(unconsumed, unconsumed.stats);
    assertThat(spans.getFinishedSpanItems()).isEmpty();

    FakeStream leaked = FakeStream.query("shop", null);
    listener.executor(leaked, Runnable::run);
    listener.onStart(leaked, "nextPage()");
    listener.onLeak(leaked, new Throwable("RowStream created here"), leaked.stats);
    SpanData span = only();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("leaked");
    assertThat(span.getEvents()).extracting(EventData::getName).containsExactly("exception");
  }

  @Test
  void should_put_a_scans_ranges_and_ranges_done_on_its_span_where_it_stopped() {
    StreamListener listener = listener();
    FakeStream scan = FakeStream.scan("shop", "orders");
    scan.checkpoint = FakeStream.checkpoint(0, 5);
    listener.onStart(scan, "forEach()");
    scan.checkpoint = FakeStream.checkpoint(3, 2);
    listener.onFailure(scan, new IllegalStateException("boom"), scan.stats);
    assertThat(only().getAttributes().get(AttributeKey.longKey("asynccassandra.scan.ranges"))).isEqualTo(5L);
    assertThat(only().getAttributes().get(AttributeKey.longKey("asynccassandra.scan.ranges_done"))).isEqualTo(3L);
  }

  @Test
  void should_put_no_ranges_on_the_span_of_a_query_stream() {
    StreamListener listener = listener();
    FakeStream stream = FakeStream.query("shop", null);
    listener.onStart(stream, "forEach()");
    listener.onComplete(stream, stream.stats);
    assertThat(only().getAttributes().get(AttributeKey.longKey("asynccassandra.scan.ranges"))).isNull();
  }

  /** A span processor that runs {@code action} when a span starts, and nothing when it ends. */
  private static SpanProcessor onStart(java.util.function.Consumer<ReadWriteSpan> action) {
    return new SpanProcessor() {
      @Override
      public void onStart(Context parentContext, ReadWriteSpan span) {
        action.accept(span);
      }

      @Override
      public boolean isStartRequired() {
        return true;
      }

      @Override
      public void onEnd(ReadableSpan span) {}

      @Override
      public boolean isEndRequired() {
        return false;
      }
    };
  }

  @Test
  void should_start_one_span_for_a_stream_that_hears_the_listener_twice() {
    // The listener bound to the session and set on the stream's config too hears every event twice. The second
    // onStart started a second span over the first, which was never ended.
    AtomicInteger started = new AtomicInteger();
    SpanProcessor counting = onStart(span -> started.incrementAndGet());
    try (OpenTelemetrySdk twice = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
        .addSpanProcessor(counting).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build()) {
      StreamListener listener = AsyncCassandraTelemetry.create(twice).listener();
      FakeStream stream = FakeStream.query("shop", null);
      listener.onStart(stream, "forEach()");
      listener.onStart(stream, "forEach()");
      listener.onComplete(stream, stream.stats);
      listener.onComplete(stream, stream.stats);
      assertThat(started).as("spans started").hasValue(1);
      assertThat(only().getAttributes().get(AttributeKey.stringKey("asynccassandra.stream.outcome")))
          .isEqualTo("completed");
    }
  }

  @Test
  void should_take_the_table_of_a_query_from_its_from_clause_as_written() {
    assertThat(TracingListener.tableOf("SELECT * FROM shop.orders WHERE id = 1")).isEqualTo("orders");
    assertThat(TracingListener.tableOf("select a from Orders")).isEqualTo("Orders");
    assertThat(TracingListener.tableOf("SELECT a FROM \"Shop\" . \"My \"\"Orders\"\"\"")).isEqualTo("My \"Orders\"");
    assertThat(TracingListener.tableOf("-- read from the cache\nSELECT a FROM t")).as("not from a comment before")
        .isEqualTo("t");
    assertThat(TracingListener.tableOf("SELECT id, -- from the cache\n name FROM orders")).as("a comment inside")
        .isEqualTo("orders");
    assertThat(TracingListener.tableOf("SELECT a /* from legacy */ FROM shop.orders")).isEqualTo("orders");
    assertThat(TracingListener.tableOf("SELECT v AS \"from x\" FROM t")).as("a quoted alias").isEqualTo("t");
    assertThat(TracingListener.tableOf("SELECT 'a from secret' FROM t")).as("no literal's text").isEqualTo("t");
    assertThat(TracingListener.tableOf("SELECT $$ from secret $$ FROM t")).isEqualTo("t");
    assertThat(TracingListener.tableOf("SELECT fromage FROM t")).as("a word that starts with from").isEqualTo("t");
    assertThat(TracingListener.tableOf("SELECT a FROM \"unclosed")).isNull();
    assertThat(TracingListener.tableOf("SELECT a FROM")).isNull();
    assertThat(TracingListener.tableOf("SELECT now()")).isNull();
  }

  /**
   * The SDK runs span processors (the application's) inside startSpan without catching what they throw: it
   * went out of the listener's onStart, and a listener that throws there fails the stream. Tracing must not
   * fail a read.
   */
  @Test
  void should_read_on_without_a_span_when_the_sdk_throws_while_starting_it() {
    IllegalStateException broken = new IllegalStateException("a span processor that throws");
    SpanProcessor throwing = onStart(span -> {
      throw broken;
    });
    try (OpenTelemetrySdk failing = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
        .addSpanProcessor(throwing).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build()) {
      StreamListener listener = AsyncCassandraTelemetry.create(failing).listener();
      FakeStream stream = FakeStream.query("shop", null);

      listener.onStart(stream, "forEach()");
      listener.onPage(stream, FakeStream.page(1, 100, -1, 20, 5, true));
      listener.onComplete(stream, stream.stats);

      assertThat(spans.getFinishedSpanItems()).as("no span: it could not start").isEmpty();
    }
  }

  /**
   * A listener heard twice whose span could not start the first time: the second hearing of the start made a
   * new span, parented on whatever context the consuming thread had instead of the creation's.
   */
  @Test
  @SuppressWarnings("try") // a Scope is only closed
  void should_not_start_a_span_at_the_second_hearing_when_the_first_could_not() {
    java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
    SpanProcessor throwingOnce = onStart(span -> {
      if (starts.getAndIncrement() == 0) {
        throw new IllegalStateException("a span processor that throws once");
      }
    });
    try (OpenTelemetrySdk failing = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
        .addSpanProcessor(throwingOnce).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build()) {
      StreamListener listener = AsyncCassandraTelemetry.create(failing).listener();
      FakeStream stream = FakeStream.query("shop", null);
      listener.executor(stream, Runnable::run); // registered twice: on the session and on the stream's config
      listener.executor(stream, Runnable::run);
      Span other = callerTracer.spanBuilder("another request").startSpan();
      try (Scope ignored = Context.current().with(other).makeCurrent()) {
        listener.onStart(stream, "forEach()");
        listener.onStart(stream, "forEach()");
      }
      listener.onComplete(stream, stream.stats);
      listener.onComplete(stream, stream.stats);

      assertThat(spans.getFinishedSpanItems()).as("no span: it could not start").isEmpty();
    }
  }

  @Test
  void should_close_a_span_without_error_for_a_stream_closed_early() {
    StreamListener listener = listener();
    FakeStream stream = FakeStream.query("shop", null);
    listener.onStart(stream, "pages()");
    listener.onClose(stream, stream.stats);
    assertThat(only().getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(only().getAttributes().get(AttributeKey.stringKey("asynccassandra.stream.outcome")))
        .isEqualTo("closed");
  }

  @Test
  @SuppressWarnings("try") // a Scope is only closed
  void should_parent_the_span_on_the_context_at_start_when_the_creation_was_not_heard() {
    StreamListener listener = listener();
    FakeStream stream = FakeStream.query("shop", null);
    Span caller = callerTracer.spanBuilder("request").startSpan();
    try (Scope ignored = Context.current().with(caller).makeCurrent()) {
      listener.onStart(stream, "forEach()");
    }
    listener.onComplete(stream, stream.stats);
    assertThat(only().getParentSpanContext()).isEqualTo(caller.getSpanContext());
  }

  /** Every text of a span: its name, status, attributes, and its events with theirs. */
  static String everything(SpanData span) {
    StringBuilder text = new StringBuilder(span.getName()).append('\n').append(span.getStatus().getDescription());
    span.getAttributes().forEach((key, value) -> text.append('\n').append(key.getKey()).append('=').append(value));
    for (EventData event : span.getEvents()) {
      text.append('\n').append(event.getName());
      event.getAttributes().forEach((key, value) -> text.append("\n  ").append(key.getKey()).append('=').append(value));
    }
    return text.toString();
  }

  /**
   * Fails three streams of a query holding a literal, as the library does: a page timeout retried, then a page
   * whose server error quotes the literal; a timeout; a scan's range page that timed out.
   */
  private List<SpanData> failWithTheQueryInEveryMessage(StreamListener listener, String query) {
    Duration timeout = Duration.ofSeconds(2);
    FakeStream paged = new FakeStream(StreamInfo.Kind.QUERY, "shop", null, null, query);
    listener.onStart(paged, "forEach()");
    listener.onRetry(paged, 1, 1, new StreamTimeoutException(StreamTimeoutException.Kind.FIRST_PAGE, timeout, 1,
        query));
    listener.onRetry(paged, 1, 2, new DriverTimeoutException("Query timed out after PT2S"));
    listener.onFailure(paged, new PageFetchException(1, 0, query, new InvalidQueryException(null,
        "Invalid STRING constant (a@b.c) for \"id\" of type int")), paged.stats);

    FakeStream timedOut = new FakeStream(StreamInfo.Kind.QUERY, "shop", null, null, query);
    listener.onStart(timedOut, "rows()");
    listener.onFailure(timedOut, new StreamTimeoutException(StreamTimeoutException.Kind.PAGE, timeout, 3, query),
        timedOut.stats);

    FakeStream scan = new FakeStream(StreamInfo.Kind.SCAN, "shop", "users", null, query);
    listener.onStart(scan, "forEach()");
    listener.onFailure(scan, new PageFetchException(2, 40, query, ScanRange.of("0", "100"),
        new StreamTimeoutException(StreamTimeoutException.Kind.PAGE, timeout, 2, query), "lower the fetch size"),
        scan.stats);
    assertThat(spans.getFinishedSpanItems()).hasSize(3);
    return spans.getFinishedSpanItems();
  }

  @Test
  void should_keep_the_query_text_out_of_error_messages_and_retry_events_by_default() {
    // The library's page and timeout errors quote the query, and a server's error may quote its literals.
    String query = "SELECT * FROM shop.users WHERE email = 'a@b.c'";
    List<SpanData> failed = failWithTheQueryInEveryMessage(listener(), query);

    for (SpanData span : failed) {
      assertThat(everything(span)).as(span.getName()).doesNotContain("a@b.c").doesNotContain("WHERE email");
    }
    SpanData paged = failed.get(0);
    assertThat(paged.getStatus().getDescription())
        .isEqualTo("Failed to fetch page 1 after 0 rows were delivered: InvalidQueryException");
    assertThat(paged.getEvents()).extracting(EventData::getName).containsExactly("retry", "retry", "exception");
    Attributes firstRetry = paged.getEvents().get(0).getAttributes();
    assertThat(firstRetry.get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(StreamTimeoutException.class.getName());
    assertThat(firstRetry.get(AttributeKey.stringKey("exception.message")))
        .isEqualTo("The first page did not arrive within firstPageTimeout PT2S; the request was cancelled");
    assertThat(paged.getEvents().get(1).getAttributes().get(AttributeKey.stringKey("exception.message")))
        .as("the driver's own words, kept").isEqualTo("Query timed out after PT2S");
    Attributes exception = paged.getEvents().get(2).getAttributes();
    assertThat(exception.get(AttributeKey.stringKey("exception.type"))).isEqualTo(PageFetchException.class.getName());
    assertThat(exception.get(AttributeKey.stringKey("exception.message"))).isEqualTo(paged.getStatus().getDescription());
    assertThat(exception.get(AttributeKey.stringKey("exception.stacktrace")))
        .startsWith(PageFetchException.class.getName() + "\n\tat ")
        .contains("Caused by: " + InvalidQueryException.class.getName() + "\n");
    assertThat(paged.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("0x2200");

    assertThat(failed.get(1).getStatus().getDescription())
        .isEqualTo("Page 3 did not arrive within pageTimeout PT2S; the request was cancelled");
    assertThat(failed.get(2).getStatus().getDescription()).isEqualTo("Failed to fetch page 2 in token range "
        + "(0, 100] after 40 rows were delivered: StreamTimeoutException: Page 2 did not arrive within pageTimeout "
        + "PT2S; the request was cancelled; lower the fetch size"); // the scan's advice, which quotes no query
  }

  @Test
  void should_record_the_errors_own_messages_with_the_query_text_when_asked() {
    String query = "SELECT * FROM shop.users WHERE email = 'a@b.c'";
    List<SpanData> failed = failWithTheQueryInEveryMessage(
        AsyncCassandraTelemetry.builder(sdk).captureQueryText(true).build().listener(), query);

    SpanData paged = failed.get(0);
    assertThat(paged.getAttributes().get(AttributeKey.stringKey("db.query.text"))).isEqualTo(query);
    assertThat(paged.getStatus().getDescription()).contains(query).contains("Invalid STRING constant (a@b.c)");
    assertThat(paged.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("exception.message")))
        .contains(query);
    assertThat(paged.getEvents().get(2).getAttributes().get(AttributeKey.stringKey("exception.message")))
        .contains(query);
    assertThat(failed.get(1).getStatus().getDescription()).contains(query);
  }

  @Test
  void should_take_the_operation_from_the_first_word_of_the_statement() {
    List<String> operations = new ArrayList<>();
    for (String query : List.of("select * from t", "  /* hint */ SELECT x FROM t", "-- note\nINSERT INTO t",
        "BEGIN BATCH INSERT", "BATCH of 3 statements", "MyCustomStatement", "")) {
      operations.add(String.valueOf(TracingListener.operationOf(query)));
    }
    assertThat(operations).containsExactly("SELECT", "SELECT", "INSERT", "BATCH", "BATCH", "null", "null");
  }
}
