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
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfig;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spans of streams that a real {@link AsyncSession} runs over a {@link CqlSession} whose requests the test
 * answers: what the telemetry hears is what the session's page source tells it, not a fake's fields.
 */
class SessionSpansTest {
  /**
   * A statement that starts with a comment line and is longer than the 200 characters error messages quote,
   * with a literal in its first line of CQL.
   */
  private static final String QUERY = "-- orders by email\nSELECT id, email, total FROM orders\n"
      + "WHERE email = 'a@b.c'\n  AND bucket IN ("
      + IntStream.range(0, 60).mapToObj(String::valueOf).collect(Collectors.joining(", ")) + ")";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();
  /** The answers to the session's requests, in order; a request past them fails the test's stream. */
  private final Queue<CompletableFuture<AsyncResultSet>> answers = new ConcurrentLinkedQueue<>();
  private final AsyncSession session = AsyncSession.wrap(cqlSession());

  @AfterEach
  void stop() {
    session.close();
    sdk.close();
  }

  /**
   * A driver context whose configuration is only handed around: a statement that sets its page size and
   * idempotence needs nothing of it; anything else fails the test's stream.
   */
  private static final DriverContext CONTEXT_WITHOUT_CONFIG = (DriverContext) Proxy.newProxyInstance(
      SessionSpansTest.class.getClassLoader(), new Class<?>[] {DriverContext.class},
      (proxy, method, args) -> switch (method.getName()) {
        case "getConfig" -> Proxy.newProxyInstance(SessionSpansTest.class.getClassLoader(),
            new Class<?>[] {DriverConfig.class}, (config, read, readArgs) -> {
              throw new UnsupportedOperationException(read.getName());
            });
        default -> throw new UnsupportedOperationException(method.getName());
      });

  /** A session in keyspace {@code shop} that answers each request with the next of {@link #answers}. */
  private CqlSession cqlSession() {
    return (CqlSession) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CqlSession.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getKeyspace" -> Optional.of(CqlIdentifier.fromInternal("shop"));
          case "executeAsync" -> executeAsync((Statement<?>) args[0]);
          case "getContext" -> CONTEXT_WITHOUT_CONFIG;
          case "toString" -> "CqlSession(test)";
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private CompletionStage<AsyncResultSet> executeAsync(Statement<?> request) {
    CompletableFuture<AsyncResultSet> answer = answers.poll();
    return answer != null ? answer
        : CompletableFuture.failedFuture(new IllegalStateException("no answer left for " + request));
  }

  /** Consumes a stream of {@link #QUERY} heard by {@code telemetry}, which fails, and returns its span. */
  private SpanData failedSpan(AsyncCassandraTelemetry telemetry, StreamConfig.Builder config) {
    telemetry.bindTo(session);
    SimpleStatement statement = SimpleStatement.newInstance(QUERY).setPageSize(100); // no profile to read
    CompletableFuture<Void> consumed =
        session.executeStream(statement, config.build()).forEach(row -> {}).toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().size() == 1);
    assertThat(consumed).isCompletedExceptionally();
    return spans.getFinishedSpanItems().get(0);
  }

  @Test
  void should_record_the_whole_statement_and_its_operation_after_a_comment_line() {
    answers.add(CompletableFuture.failedFuture(new InvalidQueryException(null, "Undefined column name total")));
    SpanData span = failedSpan(AsyncCassandraTelemetry.builder(sdk).captureQueryText(true).build(),
        StreamConfig.builder());

    assertThat(QUERY).hasSizeGreaterThan(200);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.query.text"))).isEqualTo(QUERY);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("SELECT");
    assertThat(span.getName()).isEqualTo("SELECT orders");
    assertThat(span.getStatus().getDescription())
        .as("error messages still quote the statement shortened, on one line")
        .contains("'-- orders by email SELECT id, email, total FROM orders WHERE email = 'a@b.c' AND bucket IN (0, 1,")
        .contains("...'");
  }

  @Test
  void should_keep_the_statements_literal_out_of_a_timed_out_and_failed_streams_span_by_default() {
    answers.add(new CompletableFuture<>()); // never answered: the first page times out, and is asked again
    answers.add(CompletableFuture.failedFuture(new InvalidQueryException(null, "Undefined column name total")));
    SpanData span = failedSpan(AsyncCassandraTelemetry.create(sdk),
        StreamConfig.builder().firstPageTimeout(Duration.ofMillis(50)).retry(1, Duration.ofMillis(1)));

    assertThat(span.getEvents()).extracting(EventData::getName).containsExactly("retry", "exception");
    assertThat(span.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(StreamTimeoutException.class.getName());
    assertThat(span.getEvents().get(1).getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(PageFetchException.class.getName());
    assertThat(AsyncCassandraTelemetryTest.everything(span)).doesNotContain("a@b.c").doesNotContain("orders by");
    assertThat(span.getName()).isEqualTo("SELECT orders");
  }

  @Test
  void should_record_the_whole_statement_of_a_continued_stream() {
    SpanData span = continuedSpan(AsyncCassandraTelemetry.builder(sdk).captureQueryText(true).build());

    assertThat(span.getName()).isEqualTo("SELECT orders");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("SELECT");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.query.text"))).isEqualTo(QUERY);
  }

  @Test
  void should_keep_the_statements_literal_out_of_a_continued_streams_span_by_default() {
    SpanData span = continuedSpan(AsyncCassandraTelemetry.create(sdk));

    assertThat(span.getName()).isEqualTo("SELECT orders");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.query.text"))).isNull();
    assertThat(AsyncCassandraTelemetryTest.everything(span)).doesNotContain("a@b.c").doesNotContain("orders by");
  }

  @Test
  void should_name_a_batch_by_its_size_never_by_its_statements() {
    AsyncCassandraTelemetry.builder(sdk).captureQueryText(true).build().bindTo(session);
    answers.add(CompletableFuture.failedFuture(new InvalidQueryException(null, "Undefined column name total")));
    BatchStatement batch = BatchStatement.newInstance(DefaultBatchType.LOGGED,
        SimpleStatement.newInstance("UPDATE orders SET total = 1 WHERE email = 'a@b.c'"),
        SimpleStatement.newInstance("DELETE FROM orders WHERE email = 'd@e.f'"))
        .setPageSize(100).setIdempotent(false); // no profile to read

    CompletableFuture<Void> consumed = session.executeStream(batch).forEach(row -> {}).toCompletableFuture();

    await().atMost(Duration.ofSeconds(10)).until(() -> consumed.isDone() && spans.getFinishedSpanItems().size() == 1);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.query.text"))).isEqualTo("BATCH of 2 statements");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("BATCH");
    assertThat(AsyncCassandraTelemetryTest.everything(span)).doesNotContain("a@b.c").doesNotContain("d@e.f");
  }

  /**
   * Continues a result of {@link #QUERY} whose first page the caller holds, heard by {@code telemetry}; its second
   * page fails. Returns the stream's span.
   */
  private SpanData continuedSpan(AsyncCassandraTelemetry telemetry) {
    telemetry.bindTo(session);
    answers.add(CompletableFuture.failedFuture(new InvalidQueryException(null, "Undefined column name total")));
    AsyncResultSet held = heldFirstPage(SimpleStatement.newInstance(QUERY).setPageSize(100));

    CompletableFuture<Void> consumed = session.continueStream(held).forEach(row -> {}).toCompletableFuture();

    await().atMost(Duration.ofSeconds(10)).until(() -> consumed.isDone() && spans.getFinishedSpanItems().size() == 1);
    Throwable failure = consumed.handle((ignored, error) -> error).join();
    assertThat(failure).isInstanceOf(PageFetchException.class);
    assertThat(((PageFetchException) failure).pageNumber()).isEqualTo(2);
    return spans.getFinishedSpanItems().get(0);
  }

  /**
   * A first page of {@code statement} as the driver would hand it over: no rows, more pages to come (the next one
   * is the next of {@link #answers}).
   */
  private static AsyncResultSet heldFirstPage(SimpleStatement statement) {
    ExecutionInfo info = (ExecutionInfo) Proxy.newProxyInstance(SessionSpansTest.class.getClassLoader(),
        new Class<?>[] {ExecutionInfo.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getRequest", "getStatement" -> statement;
          case "getPagingState" -> ByteBuffer.wrap(new byte[] {1, 2, 3});
          case "getResponseSizeInBytes" -> 100;
          case "getCompressedResponseSizeInBytes" -> -1;
          case "getWarnings", "getErrors" -> List.of();
          case "getIncomingPayload" -> java.util.Map.of();
          case "getCoordinator", "getTracingId" -> null;
          case "isSchemaInAgreement" -> true;
          case "getSpeculativeExecutionCount", "getSuccessfulExecutionIndex" -> 0;
          default -> throw new UnsupportedOperationException(method.getName());
        });
    return (AsyncResultSet) Proxy.newProxyInstance(SessionSpansTest.class.getClassLoader(),
        new Class<?>[] {AsyncResultSet.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getExecutionInfo" -> info;
          case "getColumnDefinitions" -> DefaultColumnDefinitions.valueOf(List.of());
          case "currentPage" -> List.of();
          case "remaining" -> 0;
          case "hasMorePages" -> true;
          case "toString" -> "AsyncResultSet(test)";
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
