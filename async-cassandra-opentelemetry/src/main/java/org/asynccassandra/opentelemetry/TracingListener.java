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

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.asynccassandra.PageEvent;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StreamListener} behind {@link AsyncCassandraTelemetry}: the caller's context is captured when
 * a stream is created and made current in its callbacks; a CLIENT span, child of that context, runs from
 * the start of consumption to the end, with an event per page and per retry. Thread-safe.
 */
final class TracingListener implements StreamListener {
  private static final Logger LOG = LoggerFactory.getLogger(TracingListener.class);
  static final String INSTRUMENTATION_NAME = "org.asynccassandra.opentelemetry";
  static final String DURATION = "db.client.operation.duration";
  /** The semantic conventions' advice for {@code db.client.operation.duration}, in seconds. */
  static final List<Double> DURATION_BUCKETS = List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);

  static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
  static final AttributeKey<String> DB_COLLECTION_NAME = AttributeKey.stringKey("db.collection.name");
  static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
  static final AttributeKey<String> DB_QUERY_SUMMARY = AttributeKey.stringKey("db.query.summary");
  static final AttributeKey<String> DB_QUERY_TEXT = AttributeKey.stringKey("db.query.text");
  static final AttributeKey<String> DB_RESPONSE_STATUS_CODE = AttributeKey.stringKey("db.response.status_code");
  static final AttributeKey<Long> DB_RESPONSE_RETURNED_ROWS = AttributeKey.longKey("db.response.returned_rows");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> CASSANDRA_PAGE_SIZE = AttributeKey.longKey("cassandra.page.size");
  static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
  static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");

  static final AttributeKey<String> STREAM_KIND = AttributeKey.stringKey("asynccassandra.stream.kind");
  static final AttributeKey<String> STREAM_STYLE = AttributeKey.stringKey("asynccassandra.stream.style");
  static final AttributeKey<String> STREAM_OUTCOME = AttributeKey.stringKey("asynccassandra.stream.outcome");
  static final AttributeKey<Long> STREAM_PAGES = AttributeKey.longKey("asynccassandra.stream.pages");
  static final AttributeKey<Long> STREAM_RETRIES = AttributeKey.longKey("asynccassandra.stream.retries");
  static final AttributeKey<Long> STREAM_RESPONSE_SIZE = AttributeKey.longKey("asynccassandra.stream.response_size");
  static final AttributeKey<Long> STREAM_EVENTS_DROPPED = AttributeKey.longKey("asynccassandra.stream.events_dropped");
  /** The page and retry events kept per span; the rest are counted in {@link #STREAM_EVENTS_DROPPED}. */
  static final int MAX_EVENTS = 100;
  static final AttributeKey<Long> SCAN_RANGES = AttributeKey.longKey("asynccassandra.scan.ranges");
  static final AttributeKey<Long> SCAN_RANGES_DONE = AttributeKey.longKey("asynccassandra.scan.ranges_done");
  static final AttributeKey<Long> PAGE_NUMBER = AttributeKey.longKey("asynccassandra.page.number");
  static final AttributeKey<Long> PAGE_ROWS = AttributeKey.longKey("asynccassandra.page.rows");
  static final AttributeKey<Double> PAGE_FETCH_DURATION = AttributeKey.doubleKey("asynccassandra.page.fetch_duration");
  static final AttributeKey<Double> PAGE_CONSUMER_WAIT = AttributeKey.doubleKey("asynccassandra.page.consumer_wait");
  static final AttributeKey<Long> PAGE_RESPONSE_SIZE = AttributeKey.longKey("asynccassandra.page.response_size");
  static final AttributeKey<Long> PAGE_REQUESTED_SIZE = AttributeKey.longKey("asynccassandra.page.requested_size");
  static final AttributeKey<Boolean> PAGE_LAST = AttributeKey.booleanKey("asynccassandra.page.last");
  static final AttributeKey<Long> RETRY_ATTEMPT = AttributeKey.longKey("asynccassandra.retry.attempt");

  /** The first words of CQL statements that name their operation. */
  private static final Set<String> OPERATIONS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "BATCH");

  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final boolean captureQueryText;
  private final boolean pageEvents;
  /** The streams created and not ended, by id: added by {@link #executor} (or the start), removed by the end. */
  private final ConcurrentHashMap<Long, Traced> streams = new ConcurrentHashMap<>();

  TracingListener(Tracer tracer, DoubleHistogram duration, boolean captureQueryText, boolean pageEvents) {
    this.tracer = tracer;
    this.duration = duration;
    this.captureQueryText = captureQueryText;
    this.pageEvents = pageEvents;
  }

  /** One stream: the context it was created in, and its span once consumption started. */
  private static final class Traced {
    final Context parent;
    // Written once by onStart, before any page or end event of the stream; read by them.
    volatile @Nullable Span span;
    volatile long startNanos;
    volatile Attributes operation = Attributes.empty();
    volatile boolean pageSizeSet;
    /**
     * Its span could not start (the SDK threw): the stream is read without one, and a second hearing of the
     * start (a listener heard twice) does not try again under another parent. Set once by onStart.
     */
    volatile boolean startFailed;
    /**
     * Page and retry events added, and those left out past {@link #MAX_EVENTS}. The listener calls of one
     * stream never overlap and each holds the stream's lock, so these are read and written one call at a time.
     */
    int events;
    long eventsDropped;
    /** The last page event and retry heard: a listener heard twice (session and config) adds each once. */
    @Nullable PageEvent lastPage;
    @Nullable Throwable lastRetryError;
    /**
     * Its {@code executor()} was called twice (registered twice): only then is a retry with the same error as
     * the one before its second hearing. Heard once, every retry is added, also two in a row with one error
     * object (the driver fails every request of a lost connection with the same one: two ranges of a scan).
     */
    volatile boolean heardTwice;

    Traced(Context parent) {
      this.parent = parent;
    }
  }

  /** Called on the creating thread: the caller's context is captured here and current in every callback. */
  @Override
  public Executor executor(StreamInfo stream, Executor executor) {
    Context parent = Context.current();
    Traced earlier = streams.putIfAbsent(stream.id(), new Traced(parent));
    if (earlier != null) {
      earlier.heardTwice = true; // called once per registration, on the creating thread
    }
    return parent.wrap(executor);
  }

  @Override
  public void onStart(StreamInfo stream, String style) {
    Traced traced = streams.computeIfAbsent(stream.id(), id -> new Traced(Context.current()));
    if (traced.span != null || traced.startFailed) {
      return; // this listener hears the stream twice (bound to the session and set on its config): one span
    }
    Attributes operation = operationAttributes(stream);
    SpanBuilder builder = tracer.spanBuilder(spanName(stream, operation))
        .setSpanKind(SpanKind.CLIENT)
        .setParent(traced.parent)
        .setAllAttributes(operation)
        .setAttribute(STREAM_KIND, stream.kind().name().toLowerCase(Locale.ROOT))
        .setAttribute(STREAM_STYLE, style.endsWith("()") ? style.substring(0, style.length() - 2) : style);
    if (captureQueryText) {
      builder.setAttribute(DB_QUERY_TEXT, stream.query());
    }
    traced.operation = operation;
    traced.startNanos = System.nanoTime();
    try {
      traced.span = builder.startSpan();
    } catch (RuntimeException tracingFailed) {
      // The SDK runs span processors and the sampler (the application's code) here, without catching what
      // they throw: a failure of tracing must not fail the read, which a listener's onStart would.
      traced.startFailed = true; // kept until the end event removes it, which ends no span
      LOG.warn("Could not start the span of stream {}; it is read without one", stream, tracingFailed);
    }
  }

  @Override
  public void onPage(StreamInfo stream, PageEvent page) {
    Traced traced = streams.get(stream.id());
    @Nullable Span span = traced == null ? null : traced.span;
    if (traced == null || span == null) {
      return;
    }
    if (!traced.pageSizeSet && page.requestedPageSize() > 0) {
      traced.pageSizeSet = true;
      span.setAttribute(CASSANDRA_PAGE_SIZE, (long) page.requestedPageSize());
    }
    if (traced.lastPage == page) {
      return; // the same event again: this listener hears the stream twice
    }
    traced.lastPage = page;
    if (pageEvents && room(traced)) {
      AttributesBuilder attributes = Attributes.builder()
          .put(PAGE_NUMBER, page.pageNumber())
          .put(PAGE_ROWS, page.rowsInPage())
          .put(PAGE_FETCH_DURATION, seconds(page.fetchLatency()))
          .put(PAGE_CONSUMER_WAIT, seconds(page.consumerWait()))
          .put(PAGE_REQUESTED_SIZE, page.requestedPageSize())
          .put(PAGE_LAST, page.last());
      if (page.responseBytes() >= 0) {
        attributes.put(PAGE_RESPONSE_SIZE, page.responseBytes());
      }
      span.addEvent("page", attributes.build());
    }
  }

  @Override
  public void onRetry(StreamInfo stream, int pageNumber, int attempt, Throwable error) {
    Traced traced = streams.get(stream.id());
    @Nullable Span span = traced == null ? null : traced.span;
    if (traced == null || span == null) {
      return;
    }
    if (traced.heardTwice && traced.lastRetryError == error) {
      // The second hearing of this retry, which comes right after the first (one dispatch tells both): forgotten,
      // so that a next retry with the same error object (a lost connection fails two ranges of a scan) is added.
      traced.lastRetryError = null;
      return;
    }
    traced.lastRetryError = error;
    if (!room(traced)) {
      return;
    }
    Throwable original = CassandraErrors.original(error);
    AttributesBuilder attributes = Attributes.builder()
        .put(PAGE_NUMBER, pageNumber)
        .put(RETRY_ATTEMPT, attempt)
        .put(EXCEPTION_TYPE, original.getClass().getName());
    @Nullable String message = captureQueryText ? original.getMessage() : CassandraErrors.messageWithoutQuery(original);
    if (message != null) {
      attributes.put(EXCEPTION_MESSAGE, message);
    }
    span.addEvent("retry", attributes.build());
  }

  @Override
  public void onComplete(StreamInfo stream, StreamStats stats) {
    end(stream, "completed", stats, null, null);
  }

  @Override
  public void onFailure(StreamInfo stream, Throwable error, StreamStats stats) {
    end(stream, "failed", stats, error, null);
  }

  @Override
  public void onClose(StreamInfo stream, StreamStats stats) {
    end(stream, "closed", stats, null, null);
  }

  @Override
  public void onLeak(StreamInfo stream, Throwable createdAt, StreamStats stats) {
    end(stream, "leaked", stats, null, createdAt);
  }

  /**
   * Whether one more page or retry event fits: at most {@link #MAX_EVENTS}, so that the SDK's default limit of
   * 128 events per span keeps room for the {@code exception} event of a failure or a leak, which comes last.
   * Counts the event as dropped otherwise.
   */
  private static boolean room(Traced traced) {
    if (traced.events < MAX_EVENTS) {
      traced.events++;
      return true;
    }
    traced.eventsDropped++;
    return false;
  }

  /** Ends the stream's span and records its duration; a stream never consumed made no request and has none. */
  private void end(StreamInfo stream, String outcome, StreamStats stats, @Nullable Throwable error,
      @Nullable Throwable leakedFrom) {
    Traced traced = streams.remove(stream.id());
    @Nullable Span span = traced == null ? null : traced.span;
    if (traced == null || span == null) {
      return;
    }
    try {
      record(stream, outcome, stats, error, leakedFrom, traced, span);
    } finally {
      span.end(); // whatever recording threw: never a span left open
    }
  }

  /** Sets the end's attributes on {@code span} and records the duration; {@link #end} ends the span. */
  private void record(StreamInfo stream, String outcome, StreamStats stats, @Nullable Throwable error,
      @Nullable Throwable leakedFrom, Traced traced, Span span) {
    double elapsed = (System.nanoTime() - traced.startNanos) / 1e9;
    AttributesBuilder metric = traced.operation.toBuilder();
    span.setAttribute(STREAM_OUTCOME, outcome);
    span.setAttribute(DB_RESPONSE_RETURNED_ROWS, stats.rowsDelivered());
    span.setAttribute(STREAM_PAGES, stats.pagesFetched());
    span.setAttribute(STREAM_RETRIES, stats.retries());
    span.setAttribute(STREAM_RESPONSE_SIZE, stats.bytesFetched());
    if (traced.eventsDropped > 0) {
      span.setAttribute(STREAM_EVENTS_DROPPED, traced.eventsDropped);
    }
    // A scan's ranges where it stopped: all done when it completed, else how far it got.
    stream.scanCheckpoint().ifPresent(checkpoint -> {
      span.setAttribute(SCAN_RANGES, (long) checkpoint.ranges().size());
      span.setAttribute(SCAN_RANGES_DONE, checkpoint.rangesDone());
    });
    if (error != null) {
      Throwable original = CassandraErrors.original(error);
      String code = CassandraErrors.statusCode(original);
      String errorType = CassandraErrors.errorType(original);
      if (code != null) {
        span.setAttribute(DB_RESPONSE_STATUS_CODE, code);
        metric.put(DB_RESPONSE_STATUS_CODE, code);
      }
      span.setAttribute(ERROR_TYPE, errorType);
      metric.put(ERROR_TYPE, errorType);
      if (captureQueryText) {
        span.recordException(error);
        @Nullable String message = error.getMessage();
        span.setStatus(StatusCode.ERROR, message != null ? message : errorType); // not the text "null"
      } else {
        // The messages of this library's errors quote the query, and a server's may quote its literals.
        String message = CassandraErrors.messageWithoutQuery(error);
        AttributesBuilder exception = Attributes.builder()
            .put(EXCEPTION_TYPE, error.getClass().getName())
            .put(EXCEPTION_STACKTRACE, stackTraceWithoutMessages(error));
        if (message != null) {
          exception.put(EXCEPTION_MESSAGE, message);
        }
        span.addEvent("exception", exception.build());
        span.setStatus(StatusCode.ERROR, message != null ? message : errorType);
      }
    } else if (leakedFrom != null) {
      span.setAttribute(ERROR_TYPE, "leaked");
      metric.put(ERROR_TYPE, "leaked");
      span.recordException(leakedFrom);
      span.setStatus(StatusCode.ERROR, "the stream was dropped while open and closed by the leak detector;"
          + " the exception shows where it was created");
    }
    // The duration first: whoever sees the span ended (an exporter, a test) finds the operation counted too.
    duration.record(elapsed, metric.build(), traced.parent.with(span));
  }

  /** The attributes of the operation, on the span and on the duration histogram: all low-cardinality. */
  private static Attributes operationAttributes(StreamInfo stream) {
    AttributesBuilder attributes = Attributes.builder().put(DB_SYSTEM_NAME, "cassandra");
    stream.keyspace().ifPresent(keyspace -> attributes.put(DB_NAMESPACE, keyspace));
    String operation = stream.kind() == StreamInfo.Kind.SCAN ? "scan" : operationOf(stream.query());
    // A query names its table only in its text: a query in Cassandra reads one table, so it is taken from
    // there (without the literals, it is no more than the table's name).
    String table = stream.table().orElseGet(() -> "SELECT".equals(operation) ? tableOf(stream.query()) : null);
    if (table != null) {
      attributes.put(DB_COLLECTION_NAME, table);
    }
    if (operation != null) {
      attributes.put(DB_OPERATION_NAME, operation);
    }
    stream.name().ifPresent(name -> attributes.put(DB_QUERY_SUMMARY, name));
    return attributes.build();
  }

  /**
   * The span name by the conventions: the query summary (the stream's name) if given, else the operation and
   * its target, the table (a data operation's target is its collection: never the keyspace, which would read
   * as a table), else the table or the keyspace alone, else the database system.
   */
  static String spanName(StreamInfo stream, Attributes operation) {
    String summary = operation.get(DB_QUERY_SUMMARY);
    if (summary != null) {
      return summary;
    }
    String table = operation.get(DB_COLLECTION_NAME);
    String name = operation.get(DB_OPERATION_NAME);
    if (name == null) {
      String target = table != null ? table : stream.keyspace().orElse(null);
      return target != null ? target : "cassandra";
    }
    return table != null ? name + " " + table : name;
  }

  /**
   * The table a SELECT reads, from its FROM clause: as written, a quoted name without its quotes; null when
   * none is found. The FROM is the first one outside comments, string literals ({@code '...'},
   * {@code $$...$$}) and quoted names: a {@code -- from the cache} comment or a {@code "from x"} alias between
   * SELECT and FROM names no table, and no literal's text becomes an attribute.
   */
  static @Nullable String tableOf(String query) {
    int n = query.length();
    int i = skipBlanks(query, 0);
    while (i < n) {
      char c = query.charAt(i);
      int skipped = skipCommentOrQuoted(query, i);
      if (skipped != i) {
        i = skipped;
      } else if (Character.isLetter(c) || c == '_') {
        int wordEnd = wordEnd(query, i);
        if (wordEnd - i == 4 && query.regionMatches(true, i, "FROM", 0, 4)) {
          return tableAfter(query, wordEnd);
        }
        i = wordEnd;
      } else {
        i++;
      }
    }
    return null;
  }

  /** The table named at {@code i} (after FROM): {@code table} or {@code keyspace.table}, each maybe quoted. */
  private static @Nullable String tableAfter(String query, int i) {
    int first = skipBlanks(query, i);
    int firstEnd = nameEnd(query, first);
    if (firstEnd == first) {
      return null;
    }
    int dot = skipBlanks(query, firstEnd);
    if (dot < query.length() && query.charAt(dot) == '.') {
      int second = skipBlanks(query, dot + 1);
      int secondEnd = nameEnd(query, second);
      return secondEnd == second ? null : unquoted(query.substring(second, secondEnd));
    }
    return unquoted(query.substring(first, firstEnd));
  }

  /** The end of a name at {@code i}: a word, or a quoted name ({@code ""} inside it is a quote); {@code i} if none. */
  private static int nameEnd(String query, int i) {
    if (i < query.length() && query.charAt(i) == '"') {
      int end = skipCommentOrQuoted(query, i);
      return end - i >= 2 && query.charAt(end - 1) == '"' ? end : i; // not closed: no name
    }
    return wordEnd(query, i);
  }

  private static int wordEnd(String query, int i) {
    int end = i;
    while (end < query.length() && (Character.isLetterOrDigit(query.charAt(end)) || query.charAt(end) == '_')) {
      end++;
    }
    return end;
  }

  private static String unquoted(String name) {
    return name.startsWith("\"") ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name;
  }

  /**
   * Past the comment, string literal or quoted name that starts at {@code i} (to the end of the query when it
   * is not closed); {@code i} when none starts there.
   */
  private static int skipCommentOrQuoted(String query, int i) {
    int n = query.length();
    if (query.startsWith("--", i) || query.startsWith("//", i)) {
      int end = query.indexOf('\n', i);
      return end < 0 ? n : end + 1;
    }
    if (query.startsWith("/*", i)) {
      int end = query.indexOf("*/", i + 2);
      return end < 0 ? n : end + 2;
    }
    if (query.startsWith("$$", i)) {
      int end = query.indexOf("$$", i + 2);
      return end < 0 ? n : end + 2;
    }
    if (i < n && (query.charAt(i) == '\'' || query.charAt(i) == '"')) {
      char quote = query.charAt(i);
      int j = i + 1;
      while (j < n) {
        if (query.charAt(j) == quote) {
          if (j + 1 < n && query.charAt(j + 1) == quote) {
            j += 2; // a doubled quote is one quote inside
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return n;
    }
    return i;
  }

  /** The statement's operation from its first word (after blanks and comments), when it is a CQL verb. */
  static @Nullable String operationOf(String query) {
    int start = skipBlanks(query, 0); // the statement's first word: after blanks and comments
    int i = start;
    int n = query.length();
    while (i < n && Character.isLetter(query.charAt(i))) {
      i++;
    }
    String word = query.substring(start, i).toUpperCase(Locale.ROOT);
    if (word.equals("BEGIN")) {
      return "BATCH";
    }
    return OPERATIONS.contains(word) ? word : null;
  }

  /** Past the blanks and comments from {@code i}. */
  private static int skipBlanks(String query, int i) {
    int n = query.length();
    while (i < n) {
      if (Character.isWhitespace(query.charAt(i))) {
        i++;
      } else if (query.startsWith("--", i) || query.startsWith("//", i) || query.startsWith("/*", i)) {
        i = skipCommentOrQuoted(query, i);
      } else {
        break;
      }
    }
    return i;
  }

  /**
   * The stack trace of {@code error} and its causes as {@link Throwable#printStackTrace()} writes it, each
   * throwable named by its class alone: without the messages, which may quote the query.
   */
  static String stackTraceWithoutMessages(Throwable error) {
    StringBuilder trace = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable current = error; current != null && seen.add(current); current = current.getCause()) {
      trace.append(current == error ? "" : "Caused by: ").append(current.getClass().getName()).append('\n');
      for (StackTraceElement frame : current.getStackTrace()) {
        trace.append("\tat ").append(frame).append('\n');
      }
    }
    return trace.toString();
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
