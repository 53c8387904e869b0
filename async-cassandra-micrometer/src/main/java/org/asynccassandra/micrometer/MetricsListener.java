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

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynccassandra.PageEvent;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StreamListener} behind {@link AsyncCassandraMetrics}: it resolves a stream's meters once (at
 * its creation and at its start) and then only increments them. Thread-safe.
 *
 * <p>{@code rows.delivered} counts a page's rows once the stream moved on to its next page, and at the end
 * what the stream's {@link StreamStats#rowsDelivered()} holds beyond the rows counted: exact for a stream
 * closed part-way through a page, and never taken back. A page whose event comes after the end (another
 * thread closed the stream as the page reached its consumer) counts whole.
 *
 * <p>A stream hears it twice when it is both the session's listener and the one of the stream's config:
 * each event then comes twice in a row, the same object, and it counts it once (a stream's counters still
 * add up to its {@code stats()}, and it ends once).
 */
final class MetricsListener implements StreamListener {
  static final String STARTED = "asynccassandra.streams.started";
  static final String ENDED = "asynccassandra.streams.ended";
  static final String LEAKED = "asynccassandra.streams.leaked";
  static final String ROWS = "asynccassandra.rows.delivered";
  static final String PAGES = "asynccassandra.pages.delivered";
  static final String BYTES = "asynccassandra.response.bytes";
  static final String RETRIES = "asynccassandra.page.retries";
  static final String FETCH = "asynccassandra.page.fetch";
  static final String WAIT = "asynccassandra.consumer.wait";
  static final String NONE = "none";
  /** The keyspace, table and name of the streams measured together once {@link #MAX_SHAPES} is reached. */
  static final String OTHER = "other";
  /**
   * The most stream shapes (kind, keyspace, table and name) one listener measures apart. Each has its own
   * meters (two of them percentile histograms), kept for as long as the registry lives: a stream name made of
   * an id would otherwise grow the registry, and this listener, without end.
   */
  static final int MAX_SHAPES = 100;

  private static final Logger LOG = LoggerFactory.getLogger(MetricsListener.class);

  private final MeterRegistry registry;
  private final Tags commonTags;
  /** The meters of each stream shape this listener met; low-cardinality by the tags' design. */
  private final ConcurrentHashMap<Shape, Scope> scopes = new ConcurrentHashMap<>();
  /**
   * How many more shapes may have meters of their own: taken before a shape's scope is made, given back when
   * another thread cached the same shape first. The shapes measured together as {@link #OTHER} take none.
   */
  private final AtomicInteger shapesLeft = new AtomicInteger(MAX_SHAPES);
  /** Whether the warning that the shapes ran out was logged: once per listener. */
  private final AtomicBoolean shapesWarned = new AtomicBoolean();
  /** The streams heard and not ended, by id: added at creation (or start), removed by the end event. */
  private final ConcurrentHashMap<Long, Tracked> streams = new ConcurrentHashMap<>();
  /**
   * The streams that ended, for a page event that comes after the end (a close from another thread as the
   * page reached the consumer) and for a second hearing of the end: weakly, so a stream dropped by everyone
   * is forgotten.
   */
  private final Map<StreamInfo, Hearing> ended = Collections.synchronizedMap(new WeakHashMap<>());

  MetricsListener(MeterRegistry registry, Tags commonTags) {
    this.registry = registry;
    this.commonTags = commonTags;
  }

  /** What a stream's tags are made of, but its style. */
  private record Shape(StreamInfo.Kind kind, String keyspace, String table, String name) {
    static Shape of(StreamInfo stream) {
      return new Shape(stream.kind(), stream.keyspace().orElse(NONE), stream.table().orElse(NONE),
          stream.name().orElse(NONE));
    }

    /** The shape of the streams of {@code kind} measured together once the shapes ran out. */
    static Shape other(StreamInfo.Kind kind) {
      return new Shape(kind, OTHER, OTHER, OTHER);
    }
  }

  /** One stream being measured: what it is, and what was heard of it. */
  private record Tracked(StreamInfo info, Hearing hearing) {}

  /**
   * What was heard of one stream, kept after its end too (in {@link #ended}): it holds nothing of the
   * stream's, so that the weak map can forget it.
   */
  private static final class Hearing {
    final Scope scope;
    /** The meters of the stream's style: null until it starts; set once by {@code onStart}. */
    volatile @Nullable StyleMeters meters;
    /** The last page and retry events counted: the same one again is the second hearing of it. */
    volatile @Nullable PageEvent lastPage;
    volatile @Nullable Throwable lastRetryError;
    /**
     * This listener was registered twice for the stream (its {@code executor()} was called twice): only then
     * is a retry with the same error as the one before its second hearing. A stream heard once counts every
     * retry, also two in a row with one error object (the driver fails every request of a lost connection
     * with the same one: two ranges of a scan); so does one heard twice, which forgets the error once it heard
     * it twice.
     */
    volatile boolean heardTwice;
    /** The rows of the stream counted in {@code rows.delivered} so far. Guarded by this. */
    private long rowsCounted;
    /**
     * The rows of the page being consumed: counted once the stream moves on to its next page, or at its end as
     * far as its stats say they were delivered. Guarded by this.
     */
    private long rowsOfPage;
    /** Whether the end was heard: a page heard after it is counted at once. Guarded by this. */
    private boolean rowsEnded;

    Hearing(Scope scope) {
      this.scope = scope;
    }

    /**
     * The rows to count as the stream moves on to a page of {@code rows} rows: those of the page before, now
     * handed over whole; after the end, this page's.
     */
    synchronized long nextPage(int rows) {
      long count = rowsEnded ? rows : rowsOfPage;
      rowsOfPage = rowsEnded ? 0 : rows;
      rowsCounted += count;
      return count;
    }

    /** The rows to count at the end: those {@code delivered} in all and not counted yet, never negative. */
    synchronized long end(long delivered) {
      long count = Math.max(0, delivered - rowsCounted);
      rowsCounted += count;
      rowsOfPage = 0;
      rowsEnded = true;
      return count;
    }

    /** The meters of its style, or of style {@code "none"} for a stream that never started. */
    StyleMeters meters() {
      StyleMeters current = meters;
      return current != null ? current : scope.style(NONE);
    }
  }

  /** The meters of one shape: the shared open-streams group and the meters per style. */
  private final class Scope {
    final Tags tags;
    final OpenStreams open;
    private final ConcurrentHashMap<String, StyleMeters> styles = new ConcurrentHashMap<>();

    Scope(Shape shape) {
      this.tags = commonTags.and("keyspace", shape.keyspace(), "table", shape.table(), "name", shape.name(),
          "kind", shape.kind().name().toLowerCase(Locale.ROOT));
      this.open = OpenStreams.of(registry, tags, shape.kind() == StreamInfo.Kind.SCAN);
    }

    StyleMeters style(String style) {
      return cached(styles, style, () -> new StyleMeters(tags.and("style", style)));
    }
  }

  /** The meters of one shape and style; the ones tagged by outcome or exception are made on first use. */
  private final class StyleMeters {
    final Tags tags;
    final Counter started;
    final Counter rows;
    final Counter pages;
    final Counter bytes;
    final Counter leaked;
    final Timer fetch;
    final Timer wait;
    private final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> ended = new ConcurrentHashMap<>();

    StyleMeters(Tags tags) {
      this.tags = tags;
      started = Counter.builder(STARTED).tags(tags).description("Streams and scans whose consumption started")
          .register(registry);
      rows = Counter.builder(ROWS).tags(tags).description("Rows handed to consumers").register(registry);
      pages = Counter.builder(PAGES).tags(tags).description("Pages handed to consumers").register(registry);
      bytes = Counter.builder(BYTES).tags(tags).baseUnit(BaseUnits.BYTES)
          .description("Response bytes of the pages handed to consumers, as the driver reported them")
          .register(registry);
      leaked = Counter.builder(LEAKED).tags(tags)
          .description("Streams dropped by their owner while open, found by the leak detector and closed")
          .register(registry);
      fetch = Timer.builder(FETCH).tags(tags).publishPercentileHistogram()
          .description("How long a page request took, from sending to the response").register(registry);
      wait = Timer.builder(WAIT).tags(tags).publishPercentileHistogram()
          .description("How long a consumer waited for a page it asked for (zero when read-ahead had it ready)")
          .register(registry);
    }

    Counter retries(String exception) {
      return cached(retries, exception, () -> Counter.builder(RETRIES).tags(tags).tag("exception", exception)
          .description("Page requests that failed and were asked again").register(registry));
    }

    Counter ended(String outcome, String exception) {
      return cached(ended, outcome + '/' + exception, () -> Counter.builder(ENDED).tags(tags)
          .tag("outcome", outcome).tag("exception", exception)
          .description("Streams and scans that ended: completed, failed, closed before their end, or leaked")
          .register(registry));
    }
  }

  /**
   * The meters of the stream's shape; once {@link #MAX_SHAPES} shapes have meters, a new shape's streams are
   * measured with the others of their kind under keyspace, table and name {@value #OTHER}, and a warning (once)
   * names the first such shape.
   */
  private Scope scope(StreamInfo stream) {
    Shape shape = Shape.of(stream);
    Scope known = scopes.get(shape);
    if (known != null) {
      return known;
    }
    if (shapesLeft.getAndUpdate(left -> Math.max(0, left - 1)) == 0) {
      if (shapesWarned.compareAndSet(false, true)) {
        LOG.warn("Stream metrics: {} shapes (kind, keyspace, table, stream name) have meters already, so streams of "
            + "new ones, first {} {}.{} named '{}', are measured together under keyspace, table and name '{}'. "
            + "A stream name must be a fixed label, never an id", MAX_SHAPES,
            shape.kind().name().toLowerCase(Locale.ROOT), shape.keyspace(), shape.table(), shape.name(), OTHER);
      }
      Shape other = Shape.other(shape.kind());
      return cached(scopes, other, () -> new Scope(other));
    }
    Scope made = new Scope(shape); // outside the map's lock: see cached()
    Scope raced = scopes.putIfAbsent(shape, made);
    if (raced != null) {
      shapesLeft.incrementAndGet(); // another thread made this shape's: the place taken is not used
      return raced;
    }
    return made;
  }

  /**
   * The value cached under {@code key}, made by {@code make} outside the map's lock (registering meters may
   * run user code: meter filters, registry listeners). Two threads may both make one; the registry returns
   * the same meters to both, and the first one cached wins.
   */
  private static <K, V> V cached(ConcurrentHashMap<K, V> cache, K key, java.util.function.Supplier<V> make) {
    V value = cache.get(key);
    if (value != null) {
      return value;
    }
    V made = make.get();
    V raced = cache.putIfAbsent(key, made);
    return raced != null ? raced : made;
  }

  /** The stream, tracked from now on as open unless it already is. */
  private Tracked track(StreamInfo stream) {
    Tracked tracked = streams.get(stream.id());
    if (tracked != null) {
      return tracked;
    }
    Tracked created = new Tracked(stream, new Hearing(scope(stream)));
    tracked = streams.putIfAbsent(stream.id(), created);
    if (tracked != null) {
      return tracked;
    }
    created.hearing.scope.open.add(stream);
    return created;
  }

  /** A stream that may have ended meanwhile (a page event may come after the end event); null if not heard. */
  private @Nullable Hearing heard(StreamInfo stream) {
    Tracked tracked = streams.get(stream.id());
    return tracked != null ? tracked.hearing : ended.get(stream);
  }

  /** The meters of a stream heard as {@code hearing}, or of style {@code "none"} for one never heard. */
  private StyleMeters meters(@Nullable Hearing hearing, StreamInfo stream) {
    return hearing != null ? hearing.meters() : scope(stream).style(NONE);
  }

  /** Called once, at the stream's creation: it counts as open from here on. The executor is kept as it is. */
  @Override
  public Executor executor(StreamInfo stream, Executor executor) {
    Tracked tracked = streams.get(stream.id());
    if (tracked == null) {
      track(stream);
    } else {
      tracked.hearing.heardTwice = true; // called once per registration, on the creating thread
    }
    return executor;
  }

  @Override
  public void onStart(StreamInfo stream, String style) {
    Hearing hearing = track(stream).hearing;
    if (hearing.meters != null) {
      return; // the second hearing of the start
    }
    StyleMeters meters = hearing.scope.style(styleTag(style));
    hearing.meters = meters;
    meters.started.increment();
  }

  @Override
  public void onPage(StreamInfo stream, PageEvent page) {
    Hearing hearing = heard(stream);
    if (hearing != null) {
      if (hearing.lastPage == page) {
        return; // the second hearing of this page
      }
      hearing.lastPage = page;
    }
    StyleMeters meters = meters(hearing, stream);
    meters.pages.increment();
    // A page's rows count once the consumer moved on to the next page (or at the end, as far as it got): a
    // stream closed part-way through a page counts only the rows handed over, as its stats do.
    long rows = hearing != null ? hearing.nextPage(page.rowsInPage()) : page.rowsInPage();
    if (rows > 0) {
      meters.rows.increment((double) rows);
    }
    if (page.responseBytes() >= 0) {
      meters.bytes.increment((double) page.responseBytes());
    }
    meters.fetch.record(page.fetchLatency());
    meters.wait.record(page.consumerWait());
  }

  @Override
  public void onRetry(StreamInfo stream, int pageNumber, int attempt, Throwable error) {
    Hearing hearing = heard(stream);
    if (hearing != null) {
      if (hearing.heardTwice && hearing.lastRetryError == error) {
        // The second hearing of this retry, which comes right after the first (one dispatch tells both). Forgotten,
        // so that a next retry with the same error object (a lost connection fails two ranges of a scan with one)
        // counts.
        hearing.lastRetryError = null;
        return;
      }
      hearing.lastRetryError = error;
    }
    meters(hearing, stream).retries(exceptionTag(error)).increment();
  }

  @Override
  public void onComplete(StreamInfo stream, StreamStats stats) {
    ended(stream, "completed", NONE, false, stats);
  }

  @Override
  public void onFailure(StreamInfo stream, Throwable error, StreamStats stats) {
    ended(stream, "failed", exceptionTag(error), false, stats);
  }

  @Override
  public void onClose(StreamInfo stream, StreamStats stats) {
    ended(stream, "closed", NONE, false, stats);
  }

  @Override
  public void onLeak(StreamInfo stream, Throwable createdAt, StreamStats stats) {
    ended(stream, "leaked", NONE, true, stats);
  }

  private void ended(StreamInfo stream, String outcome, String exception, boolean leaked, StreamStats stats) {
    Tracked tracked = streams.get(stream.id());
    if (tracked == null && ended.containsKey(stream)) {
      return; // the second hearing of the end
    }
    StyleMeters meters = meters(tracked != null ? tracked.hearing : null, stream);
    if (tracked != null) {
      ended.put(stream, tracked.hearing); // before it leaves the open ones: a page event meanwhile finds it in one of them
      streams.remove(stream.id());
    }
    // Counted before the stream leaves the open-streams gauge: whoever sees it gone (a summary printed once
    // the gauge reads 0) sees it counted.
    meters.ended(outcome, exception).increment();
    if (leaked) {
      meters.leaked.increment();
    }
    if (tracked != null) {
      // The rows handed over from the page being consumed: counted now, the stream moves on to no page.
      long rows = tracked.hearing.end(stats.rowsDelivered());
      if (rows > 0) {
        meters.rows.increment((double) rows);
      }
      tracked.hearing.scope.open.remove(tracked.info);
    }
  }

  /** {@code "forEach()"} becomes {@code "forEach"}. */
  static String styleTag(String style) {
    return style.endsWith("()") ? style.substring(0, style.length() - 2) : style;
  }

  /**
   * The simple class name of what went wrong: the driver's exception rather than the
   * {@link PageFetchException} or {@link CompletionException} that wraps it.
   */
  static String exceptionTag(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof PageFetchException || cause instanceof CompletionException
        || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = causeOf(cause);
    }
    String simple = cause.getClass().getSimpleName();
    return simple.isEmpty() ? cause.getClass().getName() : simple;
  }

  private static Throwable causeOf(Throwable error) {
    @Nullable Throwable cause = error.getCause();
    return cause == null ? error : cause;
  }
}
