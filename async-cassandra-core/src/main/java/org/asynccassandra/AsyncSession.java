package org.asynccassandra;

import java.util.List;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
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
