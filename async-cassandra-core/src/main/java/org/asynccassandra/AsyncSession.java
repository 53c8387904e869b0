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

import java.util.List;
import java.util.Objects;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.MappedAsyncPagingIterable;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.concurrent.Flow;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.asynccassandra.internal.session.DefaultAsyncSession;

/**
 * The entry point: a driver {@link CqlSession} with true async streaming on top.
 *
 * <p>{@link #executeStream} returns a {@link QueryStream} that pages on demand and reads ahead; the other
 * methods are thin, thread-safe wrappers of the driver's asynchronous calls whose stages complete on the
 * session's callback executor instead of a driver I/O thread.
 *
 * <p><b>The callback executor.</b> Each session owns a pool of daemon threads named
 * {@code async-cassandra-callback-N}: as many threads as processors (at least 2), with a bounded queue.
 * It runs user code of streams that set no {@link StreamConfig#executor() executor}, and the completions
 * of the stages returned here. Blocking in a callback ties up one of its threads; pass your own executor
 * for blocking work.
 *
 * <p><b>Closing.</b> {@link #closeAsync()} closes every stream still open (with
 * {@link StreamClosedException}), stops the callback executor and, for a session made by
 * {@link #connect}, closes the driver session. A session made by {@link #wrap} leaves the driver session
 * open. {@link #close()} blocks until done and throws {@link IllegalStateException} on a driver thread.
 *
 * <p>Thread-safe.
 */
public interface AsyncSession extends AutoCloseable {

  /**
   * Wraps a driver session that the caller keeps owning: closing the result leaves it open. Its streams
   * get {@link StreamConfig#defaults()}.
   *
   * @param session the driver session to send every request through, open; it may be shared with other
   *     code
   * @return a new session with its own callback executor and timer thread, which its {@link #close()}
   *     stops
   * @throws NullPointerException if {@code session} is null
   */
  static AsyncSession wrap(CqlSession session) {
    return DefaultAsyncSession.wrap(session, StreamConfig.defaults(), false);
  }

  /**
   * Wraps a driver session, with defaults for every stream. Closing the result leaves the driver session
   * open.
   *
   * @param session the driver session to send every request through, open; it may be shared with other
   *     code
   * @param defaults the config of every stream made without one, and the base of {@link #fetchPage}'s
   *     streams; {@link #defaultStreamConfig()} returns it
   * @return a new session with its own callback executor and timer thread, which its {@link #close()}
   *     stops
   * @throws NullPointerException if {@code session} or {@code defaults} is null
   */
  static AsyncSession wrap(CqlSession session, StreamConfig defaults) {
    return DefaultAsyncSession.wrap(session, defaults, false);
  }

  /**
   * Wraps a driver session, with defaults for every stream and one read-ahead budget for all its streams
   * (see {@link ReadAheadBudget}; a table scan's read-ahead across its ranges takes from it too). Closing
   * the result leaves the driver session open.
   *
   * @param session the driver session to send every request through, open; it may be shared with other
   *     code
   * @param defaults the config of every stream made without one, and the base of {@link #fetchPage}'s
   *     streams
   * @param readAheadBudget a budget made with {@link ReadAheadBudget#ofBytes}, for this session only
   *     (two sessions that share one would share its bytes)
   * @return a new session with its own callback executor and timer thread, which its {@link #close()}
   *     stops
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if {@code readAheadBudget} is another implementation than the one
   *     {@link ReadAheadBudget#ofBytes} makes
   */
  static AsyncSession wrap(CqlSession session, StreamConfig defaults, ReadAheadBudget readAheadBudget) {
    java.util.Objects.requireNonNull(readAheadBudget, "readAheadBudget");
    return DefaultAsyncSession.wrap(session, defaults, false, readAheadBudget);
  }

  /**
   * Connects a new driver session that the returned session owns and closes. Its streams get
   * {@link StreamConfig#defaults()}. Never blocks: the driver connects in the background.
   *
   * @param builder the driver's builder, configured (contact points, local datacenter, keyspace, auth);
   *     {@code buildAsync()} is called on it once
   * @return a stage that completes on the session's callback executor once connected; if the driver
   *     cannot connect, it fails with the driver's exception on the JDK's common pool (there is no
   *     callback executor yet; on a daemon thread of the library's own when that pool runs no task, as
   *     with {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=0}), never on a driver thread. Cancelled or completed from outside (a
   *     timeout) before it connected, the session it connects afterwards is closed
   * @throws NullPointerException if {@code builder} is null
   */
  static CompletionStage<AsyncSession> connect(CqlSessionBuilder builder) {
    return DefaultAsyncSession.connect(builder, StreamConfig.defaults());
  }

  /**
   * Executes a statement; the stage completes on the callback executor with its first page.
   *
   * <p>Only this stage is moved off the driver's threads: the page it completes with is the driver's own
   * {@link AsyncResultSet}, whose {@code fetchNextPage()} stage completes on a driver I/O thread, so code
   * chained on it runs there. To page on, use {@link #continueStream} (or {@link #executeStream} from the start).
   *
   * @param statement the statement, as the driver's {@code executeAsync} takes it
   * @return a stage that completes on the callback executor (or, once that is shut down or full, on a
   *     fallback pool; never on a driver I/O thread) with the driver's first page, or fails with the
   *     driver's exception
   * @throws IllegalStateException when this session is closed
   * @throws NullPointerException if {@code statement} is null
   */
  CompletionStage<AsyncResultSet> execute(Statement<?> statement);

  /**
   * Executes a CQL string with positional values; see {@link #execute(Statement)}.
   *
   * @param query the CQL text, with a {@code ?} for each value
   * @param values the values of its bind markers, in order, as {@code SimpleStatement.newInstance} takes
   *     them; none for a query without markers
   * @return a stage that completes on the callback executor with the first page, or fails with the
   *     driver's exception
   * @throws IllegalStateException when this session is closed
   */
  CompletionStage<AsyncResultSet> execute(String query, Object... values);

  /**
   * Prepares a statement; the stage completes on the callback executor.
   *
   * @param query the CQL text to prepare, with bind markers
   * @return a stage that completes on the callback executor (never on a driver I/O thread) with the
   *     prepared statement, or fails with the driver's exception (a syntax error, for one)
   * @throws IllegalStateException when this session is closed
   * @throws NullPointerException if {@code query} is null
   */
  CompletionStage<PreparedStatement> prepare(String query);

  /**
   * Streams a statement's rows with the session's default {@link StreamConfig}. Nothing is sent yet. A
   * statement that carries a paging state starts there.
   *
   * @param statement the statement whose rows to stream; its own page size applies unless the config sets
   *     a fetch size
   * @return a new, unconsumed stream; closing the session closes it
   * @throws IllegalStateException when this session is closed
   * @throws InvalidResumeTokenException when the default config resumes from a token of another statement
   * @throws IllegalArgumentException when the default config resumes from a token short of the end and the
   *     statement is neither a {@code SELECT} nor idempotent: resuming would execute it again
   * @throws NullPointerException if {@code statement} is null
   */
  QueryStream executeStream(Statement<?> statement);

  /**
   * Streams a statement's rows with {@code config}. Nothing is sent until consumption starts. A statement
   * that carries a paging state starts there, unless the config resumes from a token.
   *
   * @param statement the statement whose rows to stream; {@link StreamConfig#fetchSize()}, when set,
   *     replaces its page size
   * @param config how to read: read-ahead, bounds, timeouts, executor, listener, where to resume
   * @return a new, unconsumed stream; closing the session closes it
   * @throws IllegalStateException when this session is closed
   * @throws InvalidResumeTokenException when the config resumes from a token of another statement
   *     (another query text, keyspace or bound values), with reason {@code WRONG_STATEMENT}
   * @throws IllegalArgumentException when the config resumes from a token short of the end and the statement
   *     is neither a {@code SELECT} nor idempotent: resuming would execute it again
   * @throws NullPointerException if {@code statement} or {@code config} is null
   */
  QueryStream executeStream(Statement<?> statement, StreamConfig config);

  /**
   * Streams a CQL string with positional values, with the session's default {@link StreamConfig}.
   *
   * @param query the CQL text, with a {@code ?} for each value
   * @param values the values of its bind markers, in order, as {@code SimpleStatement.newInstance} takes
   *     them; none for a query without markers
   * @return a new, unconsumed stream; nothing is sent until consumption starts
   * @throws IllegalStateException when this session is closed
   * @throws InvalidResumeTokenException when the default config resumes from a token of another statement
   * @throws IllegalArgumentException when the default config resumes from a token short of the end and the
   *     statement is neither a {@code SELECT} nor idempotent: resuming would execute it again
   */
  QueryStream executeStream(String query, Object... values);

  /**
   * Streams a statement's rows mapped by {@code mapper}, with the session's default {@link StreamConfig}:
   * {@code executeStream(statement).map(mapper)}. The mapper runs where values are delivered, never on a
   * driver I/O thread unless the stream's executor runs tasks on the calling thread (see {@link RowMapper}). For the stream's position, keep the {@link QueryStream} and
   * call {@link RowStream#map} on it yourself.
   *
   * @param <T> the type of the values
   * @param statement the statement whose rows to stream
   * @param mapper turns each row into a value, once per row, in order
   * @return a new, unconsumed stream of mapped values
   * @throws IllegalStateException when this session is closed
   * @throws InvalidResumeTokenException when the default config resumes from a token of another statement
   * @throws IllegalArgumentException when the default config resumes from a token short of the end and the
   *     statement is neither a {@code SELECT} nor idempotent: resuming would execute it again
   * @throws NullPointerException if {@code statement} or {@code mapper} is null
   */
  default <T> ResultStream<T> executeStream(Statement<?> statement, RowMapper<T> mapper) {
    Objects.requireNonNull(mapper, "mapper"); // before the stream opens: no stream left open and unreachable
    return executeStream(statement).map(mapper);
  }

  /**
   * Streams a statement's rows mapped by {@code mapper}, with {@code config}; see above.
   *
   * @param <T> the type of the values
   * @param statement the statement whose rows to stream
   * @param config how to read, as for {@link #executeStream(Statement, StreamConfig)}
   * @param mapper turns each row into a value, once per row, in order
   * @return a new, unconsumed stream of mapped values
   * @throws IllegalStateException when this session is closed
   * @throws InvalidResumeTokenException when the config resumes from a token of another statement
   * @throws IllegalArgumentException when the config resumes from a token short of the end and the statement
   *     is neither a {@code SELECT} nor idempotent: resuming would execute it again
   * @throws NullPointerException if any argument is null
   */
  default <T> ResultStream<T> executeStream(Statement<?> statement, StreamConfig config, RowMapper<T> mapper) {
    Objects.requireNonNull(mapper, "mapper"); // before the stream opens: no stream left open and unreachable
    return executeStream(statement, config).map(mapper);
  }

  /**
   * A cold publisher of a statement's rows mapped by {@code mapper}: each subscriber gets a stream of its
   * own, started when it subscribes, so that a reactive library's {@code retry()} or {@code repeat()}
   * reads the result again. Each stream keeps every promise of {@link ResultStream#rows()}: row-level
   * demand, read-ahead bounded by {@code config}, signals on the stream's executor, and cancelling closes
   * it. A subscriber that cannot get a stream (the session is closed) gets {@code onError}.
   *
   * @param <T> the type of the values
   * @param statement the statement that each subscription executes anew
   * @param config how each subscription's stream reads; a config that resumes from a token makes every
   *     subscription resume from that same place
   * @param mapper turns each row into a value; shared by the subscriptions, so it must be thread-safe when
   *     they run at once
   * @return a publisher for any number of subscribers, one at a time or concurrently; subscribing does not
   *     throw: the failure to open a stream ({@link IllegalStateException} for a closed session,
   *     {@link InvalidResumeTokenException}) reaches the subscriber's {@code onError}, on the subscribing
   *     thread
   * @throws NullPointerException if any argument is null
   */
  default <T> Flow.Publisher<T> publisher(Statement<?> statement, StreamConfig config, RowMapper<T> mapper) {
    java.util.Objects.requireNonNull(statement, "statement");
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(mapper, "mapper");
    return ColdPublisher.of(() -> executeStream(statement, config).map(mapper).rows());
  }

  /**
   * A cold publisher of a statement's rows; see {@link #publisher(Statement, StreamConfig, RowMapper)}.
   *
   * @param statement the statement that each subscription executes anew
   * @param config how each subscription's stream reads
   * @return a publisher for any number of subscribers, each with a stream of its own; the failure to open
   *     a stream reaches the subscriber's {@code onError}
   * @throws NullPointerException if {@code statement} or {@code config} is null
   */
  default Flow.Publisher<Row> publisher(Statement<?> statement, StreamConfig config) {
    java.util.Objects.requireNonNull(statement, "statement");
    java.util.Objects.requireNonNull(config, "config");
    return ColdPublisher.of(() -> executeStream(statement, config).rows());
  }

  /**
   * Streams the rest of a result the caller already holds, with the session's default {@link
   * StreamConfig}; see {@link #continueStream(AsyncResultSet, StreamConfig)}.
   *
   * @param first a result of a statement that this session's driver session executed, whose rows not
   *     yet taken the stream takes over; not to be used by the caller afterwards
   * @return a new, unconsumed stream of the rest of the result
   * @throws IllegalArgumentException when the default config resumes from a token, or {@code first} is not
   *     the result of a statement
   * @throws IllegalStateException when this session is closed
   * @throws NullPointerException if {@code first} is null
   */
  default QueryStream continueStream(AsyncResultSet first) {
    return continueStream(first, defaultStreamConfig());
  }

  /**
   * Streams the rest of a result the caller already holds: first the rows of {@code first}'s current page
   * that were not taken from it yet (they come from {@code first} itself, with no request), then the
   * following pages, read ahead as {@code config} says, by executing again the statement that produced
   * {@code first} ({@code first.getExecutionInfo().getRequest()}) with each page's paging state. Nothing
   * is sent until consumption starts; {@code first} must not be used after (its rows are the stream's, and
   * calling its {@code fetchNextPage()} would read the next page twice).
   *
   * <p>The stream is that statement's stream: its page 1 is the held page (counted in {@link
   * StreamStats#pagesFetched()}, though it was not requested; its {@link PageEvent#fetchLatency()} is
   * close to zero, as the stream does not know when the caller fetched it), and its {@link
   * QueryStream#position()} resumes with {@link #executeStream(Statement, StreamConfig)} of the same
   * statement. Positions count the held page's rows from its start: when rows were already taken from
   * {@code first}, a resume inside that page repeats as many rows. {@link StreamConfig#firstPageSize()}
   * has no effect (the first page is there already); {@link StreamConfig#fetchSize()} sizes the following
   * pages.
   *
   * @param first a result of a statement that this session's driver session executed, whose rows not
   *     yet taken the stream takes over; not to be used by the caller afterwards
   * @param config how to read the following pages; it must not resume from a token
   * @return a new, unconsumed stream of the rest of the result
   * @throws IllegalArgumentException when {@code config} resumes from a token (this stream starts at
   *     {@code first}), or {@code first} is not the result of a statement
   * @throws IllegalStateException when this session is closed
   * @throws NullPointerException if {@code first} or {@code config} is null
   */
  QueryStream continueStream(AsyncResultSet first, StreamConfig config);

  /**
   * Streams the rest of a mapped result the caller already holds (for example one that an object mapper
   * DAO returned), with the session's default {@link StreamConfig}; see {@link
   * #continueStream(MappedAsyncPagingIterable, StreamConfig, RowMapper)}.
   *
   * @param <T> the type of the values
   * @param first a mapped result of a statement, whose values not yet taken the stream takes over; not to
   *     be used by the caller afterwards
   * @param mapper maps the rows of the following pages as {@code first} mapped its own
   * @return a new, unconsumed stream of the rest of the result's values
   * @throws IllegalArgumentException when the default config resumes from a token, or {@code first} is not
   *     the result of a statement
   * @throws IllegalStateException when this session is closed
   * @throws NullPointerException if {@code first} or {@code mapper} is null
   */
  default <T> ResultStream<T> continueStream(MappedAsyncPagingIterable<T> first, RowMapper<? extends T> mapper) {
    return continueStream(first, defaultStreamConfig(), mapper);
  }

  /**
   * Streams the rest of a mapped result the caller already holds: first the values of {@code first}'s
   * current page not taken from it yet (as {@code first} maps them, with no request), then the following
   * pages, read ahead as {@code config} says, with each row mapped by {@code mapper}; otherwise as {@link
   * #continueStream(AsyncResultSet, StreamConfig)}. {@code mapper} should map rows as {@code first} did
   * (for an object-mapper entity, {@code org.asynccassandra.mapper.EntityMappers} makes one from its
   * entity helper). The values of the held page are read from {@code first} where {@code mapper} runs: on
   * the thread that delivers them (the stream's executor, or the consumer's thread for {@link
   * ResultStream#iterator()}), never a driver I/O thread unless the stream's executor runs tasks on the
   * calling thread.
   *
   * @param <T> the type of the values
   * @param first a mapped result of a statement, whose values not yet taken the stream takes over; not to
   *     be used by the caller afterwards
   * @param config how to read the following pages; it must not resume from a token
   * @param mapper maps the rows of the following pages as {@code first} mapped its own
   * @return a new, unconsumed stream of the rest of the result's values
   * @throws IllegalArgumentException when {@code config} resumes from a token, or {@code first} is not the
   *     result of a statement
   * @throws IllegalStateException when this session is closed
   * @throws NullPointerException if any argument is null
   */
  <T> ResultStream<T> continueStream(MappedAsyncPagingIterable<T> first, StreamConfig config,
      RowMapper<? extends T> mapper);

  /**
   * Offset paging: page {@code pageNumber} (1-based) of {@code pageSize} rows. The rows before the page
   * are read and dropped as they stream by (never kept); the stream stops one row after the page. A page
   * past the end completes with an empty page whose {@code isLast()} is true.
   *
   * <p>It reads with a stream based on the session's default {@link StreamConfig} (its executor, timeouts,
   * retries, listener and byte target), with a fetch size of 500 to 5,000 rows chosen for the skip; the
   * default's {@code maxRows} and {@code maxPages} do not apply (the page sets how far it reads).
   *
   * @param statement the statement whose result is paged, the same for every page of one listing; a paging
   *     state it carries is where its result starts, as for every request of the driver, so pages count from
   *     there
   * @param pageNumber the 1-based page to return, {@code >= 1} and at most {@code limits.maxPageNumber()}
   * @param pageSize the rows per page, {@code >= 1} and at most {@code limits.maxPageSize()} (the page's
   *     rows are kept in memory); {@code (pageNumber - 1) * pageSize} rows are skipped, at most
   *     {@code limits.maxSkippedRows()}
   * @param limits the guardrails this request must stay within
   * @return a stage that completes on the stream's executor (the session's callback executor unless the
   *     default config sets one) with the page, or fails with the stream's failure
   *     ({@link PageFetchException}, {@link StreamTimeoutException}); completing or cancelling it from
   *     outside stops the read
   * @throws IllegalArgumentException if {@code pageNumber < 1} or {@code pageSize < 1}; the message holds
   *     the bad value
   * @throws PagingLimitExceededException before any query, when the page size, the page number or the
   *     rows to skip are over {@code limits}
   * @throws IllegalStateException when this session is closed
   * @throws NullPointerException if {@code statement} or {@code limits} is null
   */
  CompletionStage<OffsetPage> fetchPage(Statement<?> statement, int pageNumber, int pageSize, OffsetLimits limits);

  /**
   * {@link #fetchPage(Statement, int, int, OffsetLimits)} with {@link OffsetLimits#DEFAULT}: page 1,000 at
   * most, 100,000 skipped rows at most, pages of 10,000 rows at most.
   *
   * @param statement the statement whose result is paged
   * @param pageNumber the 1-based page to return, {@code >= 1}
   * @param pageSize the rows per page, {@code >= 1} and at most 10,000
   * @return a stage that completes on the stream's executor with the page, or fails with the stream's
   *     failure
   * @throws IllegalArgumentException if {@code pageNumber < 1} or {@code pageSize < 1}
   * @throws PagingLimitExceededException before any query, when the page size, the page number or the rows
   *     to skip are over the default limits
   * @throws IllegalStateException when this session is closed
   */
  default CompletionStage<OffsetPage> fetchPage(Statement<?> statement, int pageNumber, int pageSize) {
    return fetchPage(statement, pageNumber, pageSize, OffsetLimits.DEFAULT);
  }

  /**
   * Reads a whole table by token ranges in parallel; see {@link TableScan}. Nothing is sent until
   * consumption starts.
   *
   * <p>It plans on the calling thread from the driver's metadata (schema and token map), without a
   * request.
   *
   * @param keyspace the keyspace, as CQL names it (case-insensitive unless double-quoted)
   * @param table the table in it, as CQL names it
   * @param config what to read (columns, restriction, ranges), how (splits, parallelism, the stream config
   *     of each range) and where to resume
   * @return a new, unconsumed scan; closing the session closes it
   * @throws IllegalArgumentException for an unknown keyspace or table, a checkpoint of another scan, a
   *     token or range that is not of the cluster's partitioner, a chosen range that wraps around the end
   *     of the ring, or a shard on a partitioner other than Murmur3 or Random
   * @throws IllegalStateException when this session is closed, or the driver has no token map
   * @throws NullPointerException if any argument is null
   */
  TableScan scanTable(String keyspace, String table, ScanConfig config);

  /**
   * The token ranges that {@link #scanTable} would read with {@code config}, in the order it would take them,
   * without reading anything: the ranges chosen in the config, a checkpoint's ranges, or the ring split by
   * {@link ScanConfig#splits()} along the cluster's token map. Hand subsets of them to scans on other
   * threads, processes or machines ({@link ScanConfig.Builder#ranges}). Runs on the calling thread from
   * the driver's metadata; sends nothing.
   *
   * @param keyspace the keyspace, as CQL names it (case-insensitive unless double-quoted)
   * @param table the table in it, as CQL names it
   * @param config the scan's config, as {@link #scanTable} would get it
   * @return the ranges, immutable: a split ring's in ring order, the range across the ring's end last (as its
   *     two halves); chosen ranges and a checkpoint's in their own order
   * @throws IllegalArgumentException for an unknown keyspace or table, a checkpoint of another scan, a
   *     token or range that is not of the cluster's partitioner, or a shard on a partitioner other than
   *     Murmur3 or Random
   * @throws IllegalStateException when the driver has no token map
   * @throws NullPointerException if any argument is null
   */
  List<ScanRange> planScan(String keyspace, String table, ScanConfig config);

  /**
   * The session's read-ahead budget with its live counters, when it has one.
   *
   * @return the budget given to {@link #wrap(CqlSession, StreamConfig, ReadAheadBudget)}; empty for a
   *     session made without one
   */
  java.util.Optional<ReadAheadBudget> readAheadBudget();

  /**
   * Adds a listener that hears every stream and scan this session creates from now on, before the
   * stream's own {@link StreamConfig#listener()}; see {@link StreamListener} for the threads. Metrics and
   * tracing modules attach here.
   *
   * @param listener the listener, thread-safe; added once per call (adding it twice makes it hear each
   *     event twice)
   * @throws NullPointerException if {@code listener} is null
   */
  void addListener(StreamListener listener);

  /**
   * Removes a listener added with {@link #addListener}; streams created before keep hearing it.
   *
   * @param listener the listener to remove (one registration of it); a listener that was not added is
   *     ignored
   */
  void removeListener(StreamListener listener);

  /**
   * The driver session underneath.
   *
   * @return the driver session this session sends through: the wrapped one, or the one {@link #connect}
   *     made (closed by this session's close)
   */
  CqlSession cqlSession();

  /**
   * The session's callback executor; see the class documentation.
   *
   * @return the executor; it is shut down when the session's close completes, and rejects tasks from then
   *     on
   */
  Executor callbackExecutor();

  /**
   * The {@link StreamConfig} that streams get when none is given.
   *
   * @return the defaults given to {@link #wrap(CqlSession, StreamConfig)}, or {@link StreamConfig#defaults()}
   */
  StreamConfig defaultStreamConfig();

  /**
   * Closes the session without waiting for the network or for user code; see the class documentation.
   * Idempotent: later calls return a stage of the same close. Open streams are closed during the call (as
   * {@link ResultStream#close()} does: nothing is sent for them after it returns), their pending stages
   * failed with {@link StreamClosedException} on their executors.
   *
   * @return a stage that completes once the driver session is closed (at once for a session made by
   *     {@link #wrap}) and the executors were told to shut down, on the JDK's common pool (or a daemon
   *     thread of the library's own when that pool runs no task; never on a driver thread, and not on the
   *     callback executor, which takes no more tasks); it fails with the
   *     driver's exception if closing the driver session failed
   */
  CompletionStage<Void> closeAsync();

  /**
   * Closes the session and waits for it.
   *
   * @throws IllegalStateException when called on a driver thread
   * @throws java.util.concurrent.CompletionException when closing the driver session failed, with the
   *     driver's exception as its cause
   */
  @Override
  void close();
}
