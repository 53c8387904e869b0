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

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import java.util.Objects;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamListener;

/**
 * OpenTelemetry tracing and metrics for the streams and scans of an {@link AsyncSession}: a span per stream
 * or scan, following the database semantic conventions, with an event per page and per retry, and the
 * {@code db.client.operation.duration} histogram.
 *
 * <pre>{@code
 * AsyncCassandraTelemetry.create(openTelemetry).bindTo(session);
 * // or, with the query text on the spans:
 * AsyncCassandraTelemetry.builder(openTelemetry).captureQueryText(true).build().bindTo(session);
 * }</pre>
 *
 * <p><b>Spans.</b> A stream's span is a CLIENT span named by its {@link StreamConfig.Builder#name(String)
 * name} if it has one, else by its operation and target ({@code "SELECT shop"}, {@code "scan orders"}). It
 * starts when consumption starts and ends with the stream: completed, failed (error status, the exception
 * recorded, {@code error.type} and the Cassandra error code in {@code db.response.status_code}), closed
 * early (not an error), or leaked (error status, the creation site recorded). Its parent is the context
 * that was current where the stream was created. A stream closed before it was consumed sent no request
 * and gets no span. Each page is an event, not a child span: a scan reads thousands of pages, and events
 * keep them in one span, cheap to record. A span keeps the first 100 page and retry events and counts the
 * rest in {@code asynccassandra.stream.events_dropped}, so that the SDK's default limit of 128 events keeps
 * room for the {@code exception} event, which comes last; {@link Builder#pageEvents(boolean)} turns page
 * events off.
 *
 * <p><b>Context.</b> The caller's context (the one current where the stream was created) is current in
 * every callback the stream runs on its executor: consumers, listeners and the stages it completes. What
 * runs on the caller's own threads ({@code onStart}, an iterator's pages) has that thread's context. The
 * stream's own span
 * is not made current there: it stands for the database operation, and work that the consumer does (and
 * the spans it makes) belongs to the caller, not inside a CLIENT span.
 *
 * <p><b>Query text.</b> {@code db.query.text} is only set with {@link Builder#captureQueryText(boolean)}:
 * a statement's text may hold literal values. Without it no part of a span quotes the query: the messages
 * of the {@code exception} and {@code retry} events and the status description leave it out (an error
 * whose message may quote it is named by its class alone). Bound values are never recorded.
 *
 * <p>Immutable and thread-safe. One instance serves any number of sessions.
 */
public final class AsyncCassandraTelemetry {
  private final StreamListener listener;

  private AsyncCassandraTelemetry(Builder builder) {
    DoubleHistogram duration = builder.openTelemetry.getMeter(TracingListener.INSTRUMENTATION_NAME)
        .histogramBuilder(TracingListener.DURATION)
        .setUnit("s")
        .setDescription("Duration of database client operations.")
        .setExplicitBucketBoundariesAdvice(TracingListener.DURATION_BUCKETS)
        .build();
    this.listener = new TracingListener(builder.openTelemetry.getTracer(TracingListener.INSTRUMENTATION_NAME),
        duration, builder.captureQueryText, builder.pageEvents);
  }

  /**
   * Telemetry with the defaults: no query text, an event per page.
   *
   * @param openTelemetry where spans and the duration histogram go (its tracer and meter provider)
   * @return the telemetry, thread-safe
   */
  public static AsyncCassandraTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * A builder of telemetry that reports to {@code openTelemetry}.
   *
   * @param openTelemetry where spans and the duration histogram go (its tracer and meter provider)
   * @return a new builder with the defaults
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * Traces every stream and scan that {@code session} creates from now on ({@link AsyncSession#addListener}).
   *
   * @param session the session to trace
   */
  public void bindTo(AsyncSession session) {
    session.addListener(listener);
  }

  /**
   * Stops tracing the streams {@code session} creates from now on; open streams keep their spans.
   *
   * @param session a session this telemetry was bound to
   */
  public void unbind(AsyncSession session) {
    session.removeListener(listener);
  }

  /**
   * The listener, to trace one stream ({@link StreamConfig.Builder#listener}) instead of a whole session.
   *
   * @return the one listener of this telemetry (the one {@link #bindTo} adds), thread-safe
   */
  public StreamListener listener() {
    return listener;
  }

  /** Options of {@link AsyncCassandraTelemetry}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private boolean captureQueryText;
    private boolean pageEvents = true;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * Whether spans carry {@code db.query.text}, the statement's CQL (of a scan: its query without the
     * token restriction), and the errors' own messages, which may quote it. Off by default: literal values
     * in the text would be recorded; the errors are then described without it.
     *
     * @param captureQueryText true to record the query text
     * @return this builder
     */
    public Builder captureQueryText(boolean captureQueryText) {
      this.captureQueryText = captureQueryText;
      return this;
    }

    /**
     * Whether each page is a span event (default true); the span's totals are set either way.
     *
     * @param pageEvents false to leave the per-page events out (long scans make many)
     * @return this builder
     */
    public Builder pageEvents(boolean pageEvents) {
      this.pageEvents = pageEvents;
      return this;
    }

    /**
     * The telemetry with this builder's settings; the builder may be reused afterwards.
     *
     * @return a new, thread-safe telemetry
     */
    public AsyncCassandraTelemetry build() {
      return new AsyncCassandraTelemetry(this);
    }
  }
}
