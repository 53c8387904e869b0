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
package org.asynccassandra;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link RowStream} pages: page size (fixed, ramped up from a small first page, or sized by bytes),
 * read-ahead depth, memory budget, limits, timeouts, the page listener and the executor that runs user
 * code.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} and share it freely. The builder
 * validates every value and names the bad one in its message.
 *
 * <pre>{@code
 * StreamConfig config = StreamConfig.builder()
 *     .fetchSize(1000)          // rows per page
 *     .prefetchPages(2)         // read up to 2 pages ahead of the consumer
 *     .maxBufferedBytes(8 << 20) // but stop reading ahead above 8 MiB of buffered responses
 *     .pageTimeout(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 */
public final class StreamConfig {
  /** The read-ahead depth when none is set: one page beyond the one being consumed. */
  public static final int DEFAULT_PREFETCH_PAGES = 1;

  /** Retries of a page that is safe to ask again, when none are set; see {@link #maxRetries()}. */
  public static final int DEFAULT_MAX_RETRIES = 5;

  /** The highest read-ahead depth accepted; deeper read-ahead only buys memory. */
  public static final int MAX_PREFETCH_PAGES = 64;

  /**
   * The rows the first page asks for under {@link #targetPageBytes()} when no {@link #firstPageSize()} is
   * set: enough rows to measure their width, few enough that a first page of wide rows stays small.
   */
  public static final int PROBE_PAGE_SIZE = 10;

  /** The first retry's backoff by default; a constant, so that a builder allocates no Duration. */
  private static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
  /** The longest backoff between retries by default. */
  private static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(10);

  private static final StreamConfig DEFAULTS = builder().build();

  private final int fetchSize;
  private final int firstPageSize;
  private final long targetPageBytes;
  private final int prefetchPages;
  private final long maxBufferedBytes;
  private final long maxPages;
  private final long maxRows;
  private final @Nullable Duration firstPageTimeout;
  private final @Nullable Duration pageTimeout;
  private final @Nullable Duration totalTimeout;
  private final @Nullable StreamListener listener;
  private final @Nullable String name;
  private final @Nullable Executor executor;
  private final @Nullable ResumeToken resumeFrom;
  private final int maxRetries;
  private final Duration retryBackoff;
  private final Duration maxRetryBackoff;

  private StreamConfig(Builder builder) {
    this.fetchSize = builder.fetchSize;
    this.firstPageSize = builder.firstPageSize;
    this.targetPageBytes = builder.targetPageBytes;
    this.prefetchPages = builder.prefetchPages;
    this.maxBufferedBytes = builder.maxBufferedBytes;
    this.maxPages = builder.maxPages;
    this.maxRows = builder.maxRows;
    this.firstPageTimeout = builder.firstPageTimeout;
    this.pageTimeout = builder.pageTimeout;
    this.totalTimeout = builder.totalTimeout;
    this.listener = builder.listener;
    this.name = builder.name;
    this.executor = builder.executor;
    this.resumeFrom = builder.resumeFrom;
    this.maxRetries = builder.maxRetries;
    this.retryBackoff = builder.retryBackoff;
    this.maxRetryBackoff = builder.maxRetryBackoff;
  }

  /**
   * The defaults: the statement's page size for every page (no small first page, no sizing by bytes),
   * read-ahead of one page, no limits, no timeouts.
   *
   * @return the shared default configuration, the same instance on every call
   */
  public static StreamConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder with the defaults of {@link #defaults()}.
   *
   * @return a new builder, for one thread
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this configuration.
   *
   * @return a new builder holding every value of this configuration; changing it leaves this one as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Rows per page; empty means the statement's own page size, else the driver's configured one. With
   * {@link #firstPageSize()} or {@link #targetPageBytes()} it is the most rows a page asks for.
   *
   * @return the rows per page, {@code > 0}; empty when not set
   */
  public OptionalInt fetchSize() {
    return fetchSize == 0 ? OptionalInt.empty() : OptionalInt.of(fetchSize);
  }

  /**
   * The rows the first page asks for, when set: the pages after it double in size up to the fetch size
   * (the statement's page size, else the driver's, when {@link #fetchSize()} is empty). Empty (the
   * default) means that every page asks for the fetch size. See {@link Builder#firstPageSize(int)}.
   *
   * @return the rows of the first page, {@code > 0}; empty when not set
   */
  public OptionalInt firstPageSize() {
    return firstPageSize == 0 ? OptionalInt.empty() : OptionalInt.of(firstPageSize);
  }

  /**
   * The response size each page aims at, when set: the rows of each next page are chosen from the bytes
   * per row of the page before, between 1 row and the fetch size. Empty (the default) means that pages
   * are sized in rows only. See {@link Builder#targetPageBytes(long)}.
   *
   * @return the target response size in bytes, {@code > 0}; empty when not set
   */
  public OptionalLong targetPageBytes() {
    return targetPageBytes == 0 ? OptionalLong.empty() : OptionalLong.of(targetPageBytes);
  }

  /**
   * How many pages may be fetched beyond the one being consumed (default {@value #DEFAULT_PREFETCH_PAGES}).
   * 0 fetches a page only when the consumer asks for it.
   *
   * @return the read-ahead depth, from 0 to {@value #MAX_PREFETCH_PAGES}
   */
  public int prefetchPages() {
    return prefetchPages;
  }

  /**
   * The byte budget for read-ahead: while the response bytes of the page being consumed and of the pages
   * buffered behind it reach this budget, no page is read ahead. A page the consumer is waiting for is
   * always fetched. A page may hold {@code fetchSize} rows of any width, so this bounds memory only in
   * pages; with {@link #targetPageBytes()} each page stays near the target, and a stream holds about
   * {@code maxBufferedBytes + targetPageBytes} of responses at most, whatever the row width (beyond single
   * pages it cannot size in advance: the first one, and the first of rows wider than those before).
   *
   * @return the budget in bytes, {@code > 0}; empty (the default) when read-ahead is bounded in pages only
   */
  public OptionalLong maxBufferedBytes() {
    return maxBufferedBytes == 0 ? OptionalLong.empty() : OptionalLong.of(maxBufferedBytes);
  }

  /**
   * The most pages the stream fetches; it then ends cleanly and sends no further request.
   *
   * @return the page limit, {@code > 0}; empty (the default) for no limit
   */
  public OptionalLong maxPages() {
    return maxPages == 0 ? OptionalLong.empty() : OptionalLong.of(maxPages);
  }

  /**
   * The most rows the stream delivers; it then ends cleanly and sends no further request.
   *
   * @return the row limit, {@code > 0}; empty (the default) for no limit
   */
  public OptionalLong maxRows() {
    return maxRows == 0 ? OptionalLong.empty() : OptionalLong.of(maxRows);
  }

  /**
   * How long the first page may take, from its request to its response.
   *
   * @return the timeout, positive; empty (the default) for none. When it fires, the request is cancelled
   *     and the page asked again (for fewer rows when it asked for more than 100, see {@link
   *     Builder#retry(int, Duration, Duration)}), or, without retries left, the stream fails with a
   *     {@link StreamTimeoutException} (in a table scan: a {@link PageFetchException} naming the range)
   */
  public Optional<Duration> firstPageTimeout() {
    return Optional.ofNullable(firstPageTimeout);
  }

  /**
   * How long each page after the first may take, from its request to its response.
   *
   * @return the timeout, positive; empty (the default) for none. When it fires, the request is cancelled
   *     and the page asked again, for half as many rows when it asked for more than 100 (see {@link
   *     Builder#retry(int, Duration, Duration)}), or, without retries left, the stream fails as with
   *     {@link #firstPageTimeout()}
   */
  public Optional<Duration> pageTimeout() {
    return Optional.ofNullable(pageTimeout);
  }

  /**
   * The whole-stream deadline, counted from the moment consumption starts.
   *
   * @return the deadline, positive; empty (the default) for none. When it passes, the stream ends at once
   *     with a {@link StreamTimeoutException}
   */
  public Optional<Duration> totalTimeout() {
    return Optional.ofNullable(totalTimeout);
  }

  /**
   * This stream's listener: its start, pages, retries and end; see {@link StreamListener} for the threads.
   * It hears the stream besides the session's listeners ({@link AsyncSession#addListener}).
   *
   * @return the listener; empty (the default) for none
   */
  public Optional<StreamListener> listener() {
    return Optional.ofNullable(listener);
  }

  /**
   * A name for this stream in metrics and traces (low cardinality: a use, not a request).
   *
   * @return the name, not blank; empty (the default) for none
   */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * Where user code (consumers, listeners, subscribers, completions of returned stages) runs. Empty means
   * the session's own callback executor; see {@link AsyncSession}.
   *
   * @return the executor set with {@link Builder#executor}; empty (the default) for the session's
   */
  public Optional<Executor> executor() {
    return Optional.ofNullable(executor);
  }

  /**
   * Where the stream starts: the exact row of a token, or the start of the result when empty.
   *
   * @return the token to resume from; empty (the default) to start at the start of the result, or at the
   *     statement's own paging state
   */
  public Optional<ResumeToken> resumeFrom() {
    return Optional.ofNullable(resumeFrom);
  }

  /**
   * How many times one page is asked again after a retryable failure, when set with {@link
   * Builder#retry}. Empty means the default: {@value #DEFAULT_MAX_RETRIES} retries for a query that is
   * safe to ask again (a {@code SELECT}, or a statement marked idempotent, or any statement when the
   * driver's default idempotence is on), and none for others; every table scan range is a {@code
   * SELECT}. A read so survives the loss of a node by default.
   *
   * @return the retries per page set, from 0 to 100; empty for the default
   */
  public OptionalInt maxRetries() {
    return maxRetries < 0 ? OptionalInt.empty() : OptionalInt.of(maxRetries);
  }

  /**
   * The retries of a page of a query that is, or is not, safe to ask again: set, or the default.
   *
   * @param safeToRetry whether the query is safe to ask again (a {@code SELECT}, a statement marked
   *     idempotent, or any statement when the driver's default idempotence is on)
   * @return {@link #maxRetries()} when set; otherwise {@value #DEFAULT_MAX_RETRIES} for a safe query and 0
   *     for another
   */
  public int maxRetriesFor(boolean safeToRetry) {
    return maxRetries >= 0 ? maxRetries : safeToRetry ? DEFAULT_MAX_RETRIES : 0;
  }

  /**
   * The wait before the first retry of a page; it doubles for each further retry of the same page, up to
   * {@link #maxRetryBackoff()}, and each wait is drawn at random between half of it and all of it.
   *
   * @return the first wait, {@code >= 0}; 100 ms by default
   */
  public Duration retryBackoff() {
    return retryBackoff;
  }

  /**
   * The longest wait before one retry (default 10 s, or the first wait when that is longer).
   *
   * @return the cap of the wait, at least {@link #retryBackoff()}
   */
  public Duration maxRetryBackoff() {
    return maxRetryBackoff;
  }

  @Override
  public String toString() {
    return "StreamConfig{fetchSize=" + (fetchSize == 0 ? "default" : fetchSize)
        + (firstPageSize == 0 ? "" : ", firstPageSize=" + firstPageSize)
        + (targetPageBytes == 0 ? "" : ", targetPageBytes=" + targetPageBytes)
        + ", prefetchPages=" + prefetchPages
        + (maxBufferedBytes == 0 ? "" : ", maxBufferedBytes=" + maxBufferedBytes)
        + (maxPages == 0 ? "" : ", maxPages=" + maxPages)
        + (maxRows == 0 ? "" : ", maxRows=" + maxRows)
        + (firstPageTimeout == null ? "" : ", firstPageTimeout=" + firstPageTimeout)
        + (pageTimeout == null ? "" : ", pageTimeout=" + pageTimeout)
        + (totalTimeout == null ? "" : ", totalTimeout=" + totalTimeout)
        + (executor == null ? "" : ", executor=" + executor)
        + (resumeFrom == null ? "" : ", resumeFrom=" + resumeFrom)
        + (maxRetries < 0 ? "" : ", retries=" + maxRetries + " from " + retryBackoff)
        + "}";
  }

  /** Builds a {@link StreamConfig}. Not thread-safe. Each setter validates its value at once. */
  public static final class Builder {
    private int fetchSize;
    private int firstPageSize;
    private long targetPageBytes;
    private int prefetchPages = DEFAULT_PREFETCH_PAGES;
    private long maxBufferedBytes;
    private long maxPages;
    private long maxRows;
    private @Nullable Duration firstPageTimeout;
    private @Nullable Duration pageTimeout;
    private @Nullable Duration totalTimeout;
    private @Nullable StreamListener listener;
    private @Nullable String name;
    private @Nullable Executor executor;
    private @Nullable ResumeToken resumeFrom;
    private int maxRetries = -1; // -1: the default for the statement
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;

    private Builder() {}

    private Builder(StreamConfig config) {
      this.fetchSize = config.fetchSize;
      this.firstPageSize = config.firstPageSize;
      this.targetPageBytes = config.targetPageBytes;
      this.prefetchPages = config.prefetchPages;
      this.maxBufferedBytes = config.maxBufferedBytes;
      this.maxPages = config.maxPages;
      this.maxRows = config.maxRows;
      this.firstPageTimeout = config.firstPageTimeout;
      this.pageTimeout = config.pageTimeout;
      this.totalTimeout = config.totalTimeout;
      this.listener = config.listener;
      this.name = config.name;
      this.executor = config.executor;
      this.resumeFrom = config.resumeFrom;
      this.maxRetries = config.maxRetries;
      this.retryBackoff = config.retryBackoff;
      this.maxRetryBackoff = config.maxRetryBackoff;
    }

    /**
     * Rows per page, {@code > 0}; with {@link #firstPageSize(int)} or {@link #targetPageBytes(long)}, the
     * most rows a page asks for.
     *
     * @param fetchSize the rows per page, {@code > 0}; it replaces the statement's own page size
     * @return this builder
     * @throws IllegalArgumentException if {@code fetchSize <= 0}; the message holds the bad value
     */
    public Builder fetchSize(int fetchSize) {
      if (fetchSize <= 0) {
        throw new IllegalArgumentException("fetchSize must be > 0: " + fetchSize);
      }
      this.fetchSize = fetchSize;
      return this;
    }

    /**
     * A small first page, then larger ones: the first request asks for {@code firstPageSize} rows, and each
     * later one for twice as many as the one before, up to the fetch size. Off by default.
     *
     * <p>The first rows arrive sooner (the server reads and sends fewer rows before answering), at the
     * cost of more requests: {@code log2(fetchSize / firstPageSize)} smaller pages before the full ones (6
     * for 100 rows up to 5,000), however long the result. Doubling rather than jumping straight to the
     * fetch size keeps each page about as long to fetch as the one before takes to consume, so read-ahead
     * keeps up instead of leaving the consumer waiting for the first full page. It is off by default
     * because it trades requests for latency: a result shorter than the fetch size takes several requests
     * instead of one, and streams read whole before anything is shown (offset paging, exports, batch jobs)
     * gain nothing.
     *
     * <p>Must be {@code > 0}, and not above {@link #fetchSize(int)} when both are set ({@link #build()}
     * checks); a larger value is cut down to the statement's or the driver's page size when the fetch size
     * comes from them, so a value at or above the fetch size means full pages from the first request. A
     * stream resumed from a token asks for the rows it skips on top, unless pages are sized by bytes. Table
     * scans ignore it: a scan is read whole, so the time to its first row matters little, and a small first
     * page in each of its many ranges would only add requests.
     *
     * @param firstPageSize the rows the first request asks for, {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code firstPageSize <= 0}; the message holds the bad value
     */
    public Builder firstPageSize(int firstPageSize) {
      if (firstPageSize <= 0) {
        throw new IllegalArgumentException("firstPageSize must be > 0: " + firstPageSize);
      }
      this.firstPageSize = firstPageSize;
      return this;
    }

    /**
     * Sizes pages by bytes: after each page, the next request asks for as many rows as fit in {@code
     * targetPageBytes} at the bytes per row that page had (its response size, as the driver reports it,
     * over its rows), never fewer than 1 row and never more than the fetch size. Off by default.
     *
     * <p>The first page, before any row was measured, asks for {@link #firstPageSize(int)} rows, or {@value
     * StreamConfig#PROBE_PAGE_SIZE} when that is not set; until a page with rows was measured, pages keep
     * that size. When rows grow wider in the middle of the result, the first page of wider rows exceeds the
     * target by the growth factor and the next one is sized down. With {@link #firstPageSize(int)} too, a
     * page is at most twice the one before as well.
     *
     * <p>This makes {@link #maxBufferedBytes(long)} a bound on memory whatever the row width: a stream holds
     * about {@code maxBufferedBytes + targetPageBytes} of responses at most, beyond the single pages above
     * that it cannot size in advance. Must be {@code > 0}. A table scan sizes the pages of each of its ranges
     * by it (a range that measured no row yet takes the width another range measured).
     *
     * @param targetPageBytes the response size each page aims at, in bytes, {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code targetPageBytes <= 0}; the message holds the bad value
     */
    public Builder targetPageBytes(long targetPageBytes) {
      if (targetPageBytes <= 0) {
        throw new IllegalArgumentException("targetPageBytes must be > 0: " + targetPageBytes);
      }
      this.targetPageBytes = targetPageBytes;
      return this;
    }

    /**
     * Pages read ahead of the consumer, from 0 to {@value StreamConfig#MAX_PREFETCH_PAGES}; see
     * {@link StreamConfig#prefetchPages()}.
     *
     * @param prefetchPages the pages that may be fetched beyond the one being consumed; 0 fetches only on
     *     demand
     * @return this builder
     * @throws IllegalArgumentException if {@code prefetchPages} is below 0 or above
     *     {@value StreamConfig#MAX_PREFETCH_PAGES}; the message holds the bad value
     */
    public Builder prefetchPages(int prefetchPages) {
      if (prefetchPages < 0 || prefetchPages > MAX_PREFETCH_PAGES) {
        throw new IllegalArgumentException(
            "prefetchPages must be between 0 and " + MAX_PREFETCH_PAGES + ": " + prefetchPages);
      }
      this.prefetchPages = prefetchPages;
      return this;
    }

    /**
     * The read-ahead byte budget of this stream; see {@link StreamConfig#maxBufferedBytes()}.
     *
     * @param maxBufferedBytes the response bytes of the page being consumed and the pages buffered behind it
     *     at which read-ahead stops, {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code maxBufferedBytes <= 0}; the message holds the bad value
     */
    public Builder maxBufferedBytes(long maxBufferedBytes) {
      if (maxBufferedBytes <= 0) {
        throw new IllegalArgumentException("maxBufferedBytes must be > 0: " + maxBufferedBytes);
      }
      this.maxBufferedBytes = maxBufferedBytes;
      return this;
    }

    /**
     * The most pages to fetch; the stream then ends cleanly.
     *
     * @param maxPages the page limit, {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code maxPages <= 0}; the message holds the bad value
     */
    public Builder maxPages(long maxPages) {
      if (maxPages <= 0) {
        throw new IllegalArgumentException("maxPages must be > 0: " + maxPages);
      }
      this.maxPages = maxPages;
      return this;
    }

    /**
     * The most rows to deliver; the stream then ends cleanly, its last page cut to the limit. No request of a
     * query's stream asks for more rows than the limit still allows (with the rows a resumed stream skips
     * first), or 100 if that is more: {@code maxRows(10)} asks the server for 100 rows, not a page of {@code
     * fetchSize}. The floor keeps two things the server does by page size working: it pages an aggregate
     * ({@code count(*)}) internally by it, and runs a query with {@code IN} and {@code ORDER BY} unpaged only
     * while its {@code LIMIT} fits in one page. The first page of {@code continueStream} was asked for before
     * the stream; a table scan's ranges size their own pages.
     *
     * @param maxRows the row limit, {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code maxRows <= 0}; the message holds the bad value
     */
    public Builder maxRows(long maxRows) {
      if (maxRows <= 0) {
        throw new IllegalArgumentException("maxRows must be > 0: " + maxRows);
      }
      this.maxRows = maxRows;
      return this;
    }

    /**
     * The first page's timeout; see {@link StreamConfig#firstPageTimeout()}.
     *
     * @param timeout how long the first page may take, positive; {@code null} removes it
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative; the message holds it
     */
    public Builder firstPageTimeout(@Nullable Duration timeout) {
      this.firstPageTimeout = checkTimeout("firstPageTimeout", timeout);
      return this;
    }

    /**
     * The timeout of each later page; see {@link StreamConfig#pageTimeout()}.
     *
     * @param timeout how long each page after the first may take, positive; {@code null} removes it
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative; the message holds it
     */
    public Builder pageTimeout(@Nullable Duration timeout) {
      this.pageTimeout = checkTimeout("pageTimeout", timeout);
      return this;
    }

    /**
     * The whole-stream deadline; see {@link StreamConfig#totalTimeout()}.
     *
     * @param timeout how long the stream may take from the start of consumption, positive; {@code null}
     *     removes it
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative; the message holds it
     */
    public Builder totalTimeout(@Nullable Duration timeout) {
      this.totalTimeout = checkTimeout("totalTimeout", timeout);
      return this;
    }

    /**
     * This stream's listener. See {@link StreamListener}.
     *
     * @param listener the listener of each stream made with this config, heard after the session's;
     *     {@code null} removes it
     * @return this builder
     */
    public Builder listener(@Nullable StreamListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * A name for the stream in metrics and traces, such as {@code "export-orders"}; {@code null} removes
     * it. Keep the names few (a use, not a request): metrics tag by it.
     *
     * @param name the name, not blank; {@code null} removes it
     * @return this builder
     * @throws IllegalArgumentException when blank
     */
    public Builder name(@Nullable String name) {
      if (name != null && name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank: '" + name + "'");
      }
      this.name = name;
      return this;
    }

    /**
     * Where user code runs; {@code null} means the session's callback executor. {@code Runnable::run} runs
     * user code on whichever thread completes a page, a driver I/O thread included: choose it only for
     * short, non-blocking callbacks.
     *
     * @param executor runs the stream's user code, the stream handing it work once per page (not once per
     *     row; {@code forEachAsync} also once for each action whose stage completes later); it must run every
     *     task it accepts. {@code null} for the session's callback executor
     * @return this builder
     */
    public Builder executor(@Nullable Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * Starts the stream at the exact row of {@code token} ({@code null}: at the start). The token must have
     * been made for the same statement; the fetch size may differ. The session checks the statement before
     * sending anything and throws {@link InvalidResumeTokenException} otherwise. Resuming executes the
     * statement again: short of the end, the session resumes only a {@code SELECT} or an idempotent
     * statement (a conditional write returns rows too) and throws {@link IllegalArgumentException} for
     * another.
     *
     * @param token where to start, from {@link QueryStream#position()}, {@link Page#resumeToken()} or a
     *     decoded text form; {@code null} starts at the start of the result
     * @return this builder
     */
    public Builder resumeFrom(@Nullable ResumeToken token) {
      this.resumeFrom = token;
      return this;
    }

    /**
     * Asks a failed page again, up to {@code maxRetries} times, when the failure is retryable (timeouts,
     * unavailable, overloaded, lost connection, no node available, throttled by the driver), waiting about
     * {@code backoff} before the first retry and twice as long before each next one, never more than 10 s
     * (or {@code backoff}, when that is longer); each wait is random, between half of that and all of it; see
     * {@link #retry(int, Duration, Duration)}.
     *
     * @param maxRetries the retries per page, from 0 to 100; 0 turns retries off
     * @param backoff the wait before the first retry, {@code >= 0}; the waits are capped at 10 s, or at
     *     {@code backoff} when that is longer
     * @return this builder
     * @throws IllegalArgumentException if {@code maxRetries} is out of range, or {@code backoff} is null or
     *     negative; the message holds the bad value
     */
    public Builder retry(int maxRetries, Duration backoff) {
      Duration cap = backoff != null && backoff.compareTo(DEFAULT_MAX_RETRY_BACKOFF) > 0 ? backoff
          : DEFAULT_MAX_RETRY_BACKOFF;
      return retry(maxRetries, backoff, cap);
    }

    /**
     * Asks a failed page again, up to {@code maxRetries} times, when the failure is retryable (timeouts,
     * unavailable, overloaded, lost connection, no node available, throttled by the driver). Retry {@code n}
     * waits a random time between half and all of {@code min(maxBackoff, backoff × 2^(n-1))}: exponential, capped, and
     * jittered so that streams that failed together do not retry together. The page is asked with the
     * same paging state, on whichever node the driver's load balancing picks, so no row is repeated or
     * lost. Retries are counted in {@link StreamStats#retries()} and each is logged once at INFO.
     * {@code retry(0, ...)} turns retries off.
     *
     * <p>A page that timed out ({@link StreamConfig#firstPageTimeout()}, {@link
     * StreamConfig#pageTimeout()}, the driver's request timeout, or a replica's read timeout) is asked again
     * for half as many rows, down to 100 rows (a page of at most 100 rows is asked again whole), and every
     * later page of the stream asks for at most that, whatever {@link StreamConfig#firstPageSize()} and
     * {@link StreamConfig#targetPageBytes()} would choose, since a smaller page answers sooner. Such a
     * retry counts against {@code maxRetries} like any other. The paging state does not depend on the page
     * size, so rows and resume tokens stay exact. A table scan halves a range's pages in the same way, but
     * before it counts retries (see {@link TableScan}).
     *
     * @param maxRetries the retries per page, from 0 to 100; 0 turns retries off
     * @param backoff the wait before the first retry, {@code >= 0}
     * @param maxBackoff the longest wait before one retry, {@code >= backoff}
     * @return this builder
     * @throws IllegalArgumentException if {@code maxRetries} is out of range, {@code backoff} is null or
     *     negative, or {@code maxBackoff} is null or shorter than {@code backoff}; the message holds the bad
     *     value
     */
    public Builder retry(int maxRetries, Duration backoff, Duration maxBackoff) {
      if (maxRetries < 0 || maxRetries > 100) {
        throw new IllegalArgumentException("maxRetries must be between 0 and 100: " + maxRetries);
      }
      if (backoff == null || backoff.isNegative()) {
        throw new IllegalArgumentException("retry backoff must be >= 0: " + backoff);
      }
      if (maxBackoff == null || maxBackoff.compareTo(backoff) < 0) {
        throw new IllegalArgumentException("maxBackoff must be >= backoff (" + backoff + "): " + maxBackoff);
      }
      this.maxRetries = maxRetries;
      this.retryBackoff = backoff;
      this.maxRetryBackoff = maxBackoff;
      return this;
    }

    /**
     * The configuration set so far; the builder stays usable.
     *
     * @return a new, immutable configuration; later changes to the builder do not change it
     * @throws IllegalArgumentException when {@code firstPageSize} is above {@code fetchSize}
     */
    public StreamConfig build() {
      if (fetchSize > 0 && firstPageSize > fetchSize) {
        throw new IllegalArgumentException(
            "firstPageSize must be <= fetchSize (" + fetchSize + "): " + firstPageSize);
      }
      return new StreamConfig(this);
    }

    private static @Nullable Duration checkTimeout(String name, @Nullable Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException(name + " must be positive: " + timeout);
      }
      return timeout;
    }
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof StreamConfig)) {
      return false;
    }
    StreamConfig that = (StreamConfig) other;
    return fetchSize == that.fetchSize
        && firstPageSize == that.firstPageSize
        && targetPageBytes == that.targetPageBytes
        && prefetchPages == that.prefetchPages
        && maxBufferedBytes == that.maxBufferedBytes
        && maxPages == that.maxPages
        && maxRows == that.maxRows
        && Objects.equals(firstPageTimeout, that.firstPageTimeout)
        && Objects.equals(pageTimeout, that.pageTimeout)
        && Objects.equals(totalTimeout, that.totalTimeout)
        && Objects.equals(listener, that.listener) && Objects.equals(name, that.name)
        && Objects.equals(executor, that.executor)
        && Objects.equals(resumeFrom, that.resumeFrom)
        && maxRetries == that.maxRetries
        && Objects.equals(retryBackoff, that.retryBackoff)
        && Objects.equals(maxRetryBackoff, that.maxRetryBackoff);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fetchSize, firstPageSize, targetPageBytes, prefetchPages, maxBufferedBytes, maxPages,
        maxRows, firstPageTimeout, pageTimeout, totalTimeout, listener, name, executor, resumeFrom, maxRetries,
        retryBackoff, maxRetryBackoff);
  }
}
