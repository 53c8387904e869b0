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

  /** Wraps a driver session that the caller keeps owning: closing the result leaves it open. */
  static AsyncSession wrap(CqlSession session) {
    return DefaultAsyncSession.wrap(session, StreamConfig.defaults(), false);
  }

  /**
   * Wraps a driver session, with defaults for every stream. Closing the result leaves the driver session
   * open.
   */
  static AsyncSession wrap(CqlSession session, StreamConfig defaults) {
    return DefaultAsyncSession.wrap(session, defaults, false);
  }

  /**
   * Wraps a driver session, with defaults for every stream and one read-ahead budget for all its streams
   * (see {@link ReadAheadBudget}; a table scan's read-ahead across its ranges takes from it too). Closing
   * the result leaves the driver session open.
   */
  static AsyncSession wrap(CqlSession session, StreamConfig defaults, ReadAheadBudget readAheadBudget) {
    java.util.Objects.requireNonNull(readAheadBudget, "readAheadBudget");
    return DefaultAsyncSession.wrap(session, defaults, false, readAheadBudget);
  }

  /**
   * Connects a new driver session that the returned session owns and closes.
   *
   * @return a stage that completes on the session's callback executor once connected
   */
  static CompletionStage<AsyncSession> connect(CqlSessionBuilder builder) {
    return DefaultAsyncSession.connect(builder, StreamConfig.defaults());
  }

  /** Executes a statement; the stage completes on the callback executor with its first page. */
  CompletionStage<AsyncResultSet> execute(Statement<?> statement);

  /** Executes a CQL string with positional values; see {@link #execute(Statement)}. */
  CompletionStage<AsyncResultSet> execute(String query, Object... values);

  /** Prepares a statement; the stage completes on the callback executor. */
  CompletionStage<PreparedStatement> prepare(String query);

  /**
   * Streams a statement's rows with the session's default {@link StreamConfig}. Nothing is sent yet. A
   * statement that carries a paging state starts there.
   */
  QueryStream executeStream(Statement<?> statement);

  /**
   * Streams a statement's rows with {@code config}. Nothing is sent until consumption starts. A statement
   * that carries a paging state starts there, unless the config resumes from a token.
   *
   * @throws InvalidResumeTokenException when the config resumes from a token of another statement
   */
  QueryStream executeStream(Statement<?> statement, StreamConfig config);

  /** Streams a CQL string with positional values, with the session's default {@link StreamConfig}. */
  QueryStream executeStream(String query, Object... values);

  /**
   * Streams a statement's rows mapped by {@code mapper}, with the session's default {@link StreamConfig}:
   * {@code executeStream(statement).map(mapper)}. The mapper runs where values are delivered, never on a
   * driver I/O thread (see {@link RowMapper}). For the stream's position, keep the {@link QueryStream} and
   * call {@link RowStream#map} on it yourself.
   */
  default <T> ResultStream<T> executeStream(Statement<?> statement, RowMapper<T> mapper) {
    return executeStream(statement).map(mapper);
  }

  /** Streams a statement's rows mapped by {@code mapper}, with {@code config}; see above. */
  default <T> ResultStream<T> executeStream(Statement<?> statement, StreamConfig config, RowMapper<T> mapper) {
    return executeStream(statement, config).map(mapper);
  }

  /**
   * A cold publisher of a statement's rows mapped by {@code mapper}: each subscriber gets a stream of its
   * own, started when it subscribes, so that a reactive library's {@code retry()} or {@code repeat()}
   * reads the result again. Each stream keeps every promise of {@link ResultStream#rows()}: row-level
   * demand, read-ahead bounded by {@code config}, signals on the stream's executor, and cancelling closes
   * it. A subscriber that cannot get a stream (the session is closed) gets {@code onError}.
   */
  default <T> Flow.Publisher<T> publisher(Statement<?> statement, StreamConfig config, RowMapper<T> mapper) {
    java.util.Objects.requireNonNull(statement, "statement");
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(mapper, "mapper");
    return ColdPublisher.of(() -> executeStream(statement, config).map(mapper).rows());
  }

  /** A cold publisher of a statement's rows; see {@link #publisher(Statement, StreamConfig, RowMapper)}. */
  default Flow.Publisher<Row> publisher(Statement<?> statement, StreamConfig config) {
    java.util.Objects.requireNonNull(statement, "statement");
    java.util.Objects.requireNonNull(config, "config");
    return ColdPublisher.of(() -> executeStream(statement, config).rows());
  }

  /**
   * Streams the rest of a result the caller already holds, with the session's default {@link
   * StreamConfig}; see {@link #continueStream(AsyncResultSet, StreamConfig)}.
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
   * StreamStats#pagesFetched()}, though it was not requested), and its {@link QueryStream#position()}
   * resumes with {@link #executeStream(Statement, StreamConfig)} of the same statement. Positions count
   * the held page's rows from its start: when rows were already taken from {@code first}, a resume inside
   * that page repeats as many rows. {@link StreamConfig#firstPageSize()} has no effect (the first page
   * is there already); {@link StreamConfig#fetchSize()} sizes the following pages.
   *
   * @throws IllegalArgumentException when {@code config} resumes from a token (this stream starts at
   *     {@code first}), or {@code first} is not the result of a statement
   */
  QueryStream continueStream(AsyncResultSet first, StreamConfig config);

  /**
   * Streams the rest of a mapped result the caller already holds (for example one that an object mapper
   * DAO returned), with the session's default {@link StreamConfig}; see {@link
   * #continueStream(MappedAsyncPagingIterable, StreamConfig, RowMapper)}.
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
   * ResultStream#iterator()}), never a driver I/O thread.
   *
   * @throws IllegalArgumentException when {@code config} resumes from a token, or {@code first} is not the
   *     result of a statement
   */
  <T> ResultStream<T> continueStream(MappedAsyncPagingIterable<T> first, StreamConfig config,
      RowMapper<? extends T> mapper);

  /**
   * Offset paging: page {@code pageNumber} (1-based) of {@code pageSize} rows. The rows before the page
   * are read and dropped as they stream by (never kept); the stream stops one row after the page. A page
   * past the end completes with an empty page whose {@code isLast()} is true.
   *
   * @throws PagingLimitExceededException before any query, when the page number or the rows to skip
   *     are over {@code limits}
   */
  CompletionStage<OffsetPage> fetchPage(Statement<?> statement, int pageNumber, int pageSize, OffsetLimits limits);

  /** {@link #fetchPage(Statement, int, int, OffsetLimits)} with {@link OffsetLimits#DEFAULT}. */
  default CompletionStage<OffsetPage> fetchPage(Statement<?> statement, int pageNumber, int pageSize) {
    return fetchPage(statement, pageNumber, pageSize, OffsetLimits.DEFAULT);
  }

  /**
   * Reads a whole table by token ranges in parallel; see {@link TableScan}. Nothing is sent until
   * consumption starts.
   *
   * @throws IllegalArgumentException for an unknown keyspace or table, or a checkpoint of another scan
   */
  TableScan scanTable(String keyspace, String table, ScanConfig config);

  /**
   * The token ranges that {@link #scanTable} would read with {@code config}, in ring order, without
   * reading anything: the ranges chosen in the config, a checkpoint's ranges, or the ring split by
   * {@link ScanConfig#splits()} along the cluster's token map. Hand subsets of them to scans on other
   * threads, processes or machines ({@link ScanConfig.Builder#ranges}).
   *
   * @throws IllegalArgumentException for an unknown keyspace or table, or a checkpoint of another scan
   */
  List<ScanRange> planScan(String keyspace, String table, ScanConfig config);

  /** The session's read-ahead budget with its live counters, when it has one. */
  java.util.Optional<ReadAheadBudget> readAheadBudget();

  /**
   * Adds a listener that hears every stream and scan this session creates from now on, before the
   * stream's own {@link StreamConfig#listener()}; see {@link StreamListener} for the threads. Metrics and
   * tracing modules attach here.
   */
  void addListener(StreamListener listener);

  /** Removes a listener added with {@link #addListener}; streams created before keep hearing it. */
  void removeListener(StreamListener listener);

  /** The driver session underneath. */
  CqlSession cqlSession();

  /** The session's callback executor; see the class documentation. */
  Executor callbackExecutor();

  /** The {@link StreamConfig} that streams get when none is given. */
  StreamConfig defaultStreamConfig();

  /** Closes the session without blocking; see the class documentation. */
  CompletionStage<Void> closeAsync();

  /**
   * Closes the session and waits for it.
   *
   * @throws IllegalStateException when called on a driver thread
   */
  @Override
  void close();
}
