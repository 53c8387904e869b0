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
package org.asynccassandra.opentelemetry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.RowStream;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.TableScan;
import org.asynccassandra.opentelemetry.AsyncCassandraTelemetry;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spans of streams and scans on a real session, exported to memory: the attributes and page events, the
 * error status of a failed stream, and the caller's span current in the consumer and parent of the span.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class TracingIT {
  private static final int ROWS = 3_000;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  private String keyspace;
  private String table;
  private AsyncSession async;

  @BeforeAll
  void load(CqlSession cql, TestKeyspace testKeyspace) {
    keyspace = testKeyspace.name();
    table = "traced";
    TestData.createSampleTable(cql, keyspace, table);
    TestData.loadSampleRows(cql, keyspace, table, ROWS, 100);
    async = AsyncSession.wrap(cql);
    AsyncCassandraTelemetry.builder(sdk).captureQueryText(true).build().bindTo(async);
  }

  @AfterAll
  void close() {
    async.close();
    sdk.close();
  }

  @BeforeEach
  void reset() {
    spans.reset();
  }

  private SpanData clientSpan() {
    await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
        .anyMatch(span -> span.getKind() == SpanKind.CLIENT));
    List<SpanData> client = spans.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.CLIENT)
        .toList();
    assertThat(client).hasSize(1);
    return client.get(0);
  }

  @Test
  @SuppressWarnings("try") // a Scope is only closed
  void should_trace_a_stream_as_a_child_of_the_caller_whose_span_is_current_in_the_consumer() throws Exception {
    Set<SpanContext> seenInConsumer = ConcurrentHashMap.newKeySet();
    Span caller = sdk.getTracer("it").spanBuilder("handle request").startSpan();
    RowStream stream;
    CompletableFuture<SpanContext> inStage;
    try (Scope ignored = caller.makeCurrent()) {
      stream = async.executeStream(SimpleStatement.newInstance("SELECT * FROM " + table).setKeyspace(keyspace),
          StreamConfig.builder().fetchSize(500).build());
      CompletionStage<Void> done = stream.forEach(row -> seenInConsumer.add(Span.current().getSpanContext()));
      // Completed on the stream's executor, so a dependent stage runs with the caller's context too.
      inStage = done.thenApply(nothing -> Span.current().getSpanContext()).toCompletableFuture();
    }
    assertThat(inStage.get(60, TimeUnit.SECONDS)).isEqualTo(caller.getSpanContext());
    caller.end();
    StreamStats stats = stream.stats();

    assertThat(seenInConsumer).containsExactly(caller.getSpanContext());
    SpanData span = clientSpan();
    assertThat(span.getParentSpanContext()).isEqualTo(caller.getSpanContext());
    assertThat(span.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
    assertThat(span.getName()).isEqualTo("SELECT " + table);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.system.name"))).isEqualTo("cassandra");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.namespace"))).isEqualTo(keyspace);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("SELECT");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.query.text"))).isEqualTo("SELECT * FROM " + table);
    assertThat(span.getAttributes().get(AttributeKey.longKey("db.response.returned_rows"))).isEqualTo(ROWS);
    assertThat(span.getAttributes().get(AttributeKey.longKey("cassandra.page.size"))).isEqualTo(500);
    assertThat(span.getEvents()).hasSize((int) stats.pagesFetched()).extracting(EventData::getName).containsOnly("page");
    assertThat(span.getEvents().stream().mapToLong(event -> event.getAttributes()
        .get(AttributeKey.longKey("asynccassandra.page.rows"))).sum()).isEqualTo(ROWS);
    assertThat(duration()).anySatisfy(point -> assertThat(point.getAttributes()
        .get(AttributeKey.stringKey("db.namespace"))).isEqualTo(keyspace));
  }

  @Test
  void should_mark_a_failed_stream_with_an_error_status_and_the_cassandra_error_code() {
    try (RowStream stream = async.executeStream(SimpleStatement.newInstance("SELECT * FROM " + keyspace
        + ".no_such_table"))) {
      assertThatThrownBy(() -> stream.forEach(row -> {}).toCompletableFuture().join())
          .hasRootCauseInstanceOf(com.datastax.oss.driver.api.core.servererrors.InvalidQueryException.class);
    }
    SpanData span = clientSpan();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.response.status_code"))).isEqualTo("0x2200");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("0x2200");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("asynccassandra.stream.outcome"))).isEqualTo("failed");
    assertThat(span.getEvents()).extracting(EventData::getName).contains("exception");
  }

  @Test
  void should_trace_a_scan_with_its_table_and_the_scan_operation() {
    int rangeCount;
    try (TableScan scan = async.scanTable(keyspace, table, ScanConfig.builder().splits(4)
        .streamConfig(StreamConfig.builder().fetchSize(400).build()).build())) {
      scan.forEachPage(page -> {}).toCompletableFuture().join();
      rangeCount = scan.rangeCount();
    }
    SpanData span = clientSpan();
    assertThat(span.getAttributes().get(AttributeKey.longKey("asynccassandra.scan.ranges")))
        .isEqualTo((long) rangeCount);
    assertThat(span.getAttributes().get(AttributeKey.longKey("asynccassandra.scan.ranges_done")))
        .isEqualTo((long) rangeCount);
    assertThat(span.getName()).isEqualTo("scan " + table);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("scan");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.collection.name"))).isEqualTo(table);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.namespace"))).isEqualTo(keyspace);
    assertThat(span.getAttributes().get(AttributeKey.longKey("db.response.returned_rows"))).isEqualTo(ROWS);
    assertThat(span.getParentSpanContext().isValid()).as("created with no span current: a root span").isFalse();
  }

  private List<io.opentelemetry.sdk.metrics.data.HistogramPointData> duration() {
    Optional<MetricData> metric = metrics.collectAllMetrics().stream()
        .filter(each -> each.getName().equals("db.client.operation.duration")).findFirst();
    assertThat(metric).isPresent();
    return List.copyOf(metric.get().getHistogramData().getPoints());
  }
}
