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
package org.asynccassandra.internal.session;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.MappedAsyncPagingIterable;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.InvalidResumeTokenException;
import org.asynccassandra.OffsetLimits;
import org.asynccassandra.OffsetPage;
import org.asynccassandra.internal.util.Queries;
import org.asynccassandra.internal.util.StatementFingerprint;
import org.asynccassandra.QueryStream;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.ResultStream;
import org.asynccassandra.RowMapper;
import org.asynccassandra.ScanRange;
import java.util.List;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.TableScan;
import org.asynccassandra.internal.scan.DefaultTableScan;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.stream.StreamEvents;
import org.asynccassandra.internal.stream.DefaultReadAheadBudget;
import org.asynccassandra.ReadAheadBudget;
import org.jspecify.annotations.Nullable;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.internal.stream.DriverPage;
import org.asynccassandra.internal.stream.DriverPageSource;
import org.asynccassandra.internal.stream.PageSource;
import org.asynccassandra.internal.stream.SharedColumns;
import org.asynccassandra.internal.util.Retryable;
import org.asynccassandra.internal.util.Threads;
import org.asynccassandra.internal.util.TimeoutScheduler;

/**
 * The {@link AsyncSession}: a driver session, a callback executor, a timer thread for stream timeouts,
 * and the set of streams still open (so that closing the session closes them).
 */
public final class DefaultAsyncSession implements AsyncSession {
  /**
   * Callback tasks that may wait at once. A stream queues at most one page delivery at a time (the engine
   * never overlaps its sink calls), plus at most one stage resumption or publisher emission and one
   * terminal signal; the rest are completions of execute() and prepare(). A full queue fails the stream
   * that met it with an error that says so (never "shut down").
   */
  static final int CALLBACK_QUEUE_CAPACITY = 65_536;

  private final CqlSession session;
  private final boolean ownsSession;
  private final StreamConfig defaults;
  private final ThreadPoolExecutor callbackExecutor;
  private final ScheduledThreadPoolExecutor timer;
  private final TimeoutScheduler scheduler;
  /** Handles of open streams; each removes itself when its stream ends. */
  private final Set<DefaultRowStream.Handle> openStreams = ConcurrentHashMap.newKeySet();
  /** The result columns its streams keep, each shape once. */
  private final SharedColumns sharedColumns = new SharedColumns();
  private final java.util.List<org.asynccassandra.StreamListener> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  private final @Nullable DefaultReadAheadBudget budget;

  private DefaultAsyncSession(CqlSession session, StreamConfig defaults, boolean ownsSession,
      @Nullable ReadAheadBudget budget) {
    if (budget != null && !(budget instanceof DefaultReadAheadBudget)) {
      throw new IllegalArgumentException("Make the budget with ReadAheadBudget.ofBytes(bytes): " + budget);
    }
    this.budget = (DefaultReadAheadBudget) budget;
    this.session = session;
    this.ownsSession = ownsSession;
    this.defaults = defaults;
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.callbackExecutor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(CALLBACK_QUEUE_CAPACITY), Threads.daemonFactory("async-cassandra-callback"));
    this.callbackExecutor.allowCoreThreadTimeOut(true);
    this.timer = new ScheduledThreadPoolExecutor(1, Threads.daemonFactory("async-cassandra-timer"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.scheduler = TimeoutScheduler.of(timer);
  }

  public static AsyncSession wrap(CqlSession session, StreamConfig defaults, boolean ownsSession) {
    return wrap(session, defaults, ownsSession, null);
  }

  public static AsyncSession wrap(CqlSession session, StreamConfig defaults, boolean ownsSession,
      @Nullable ReadAheadBudget budget) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(defaults, "defaults");
    return new DefaultAsyncSession(session, defaults, ownsSession, budget);
  }

  public static CompletionStage<AsyncSession> connect(CqlSessionBuilder builder, StreamConfig defaults) {
    Objects.requireNonNull(builder, "builder");
    CompletableFuture<AsyncSession> result = new CompletableFuture<>();
    builder.buildAsync().whenComplete((session, error) -> {
      if (error != null) {
        // No callback executor exists yet: the fallback executor (the JDK's common pool), never the driver
        // thread that failed it.
        Throwable failure = Retryable.unwrap(error); // the driver's own exception, not its CompletionException
        Threads.fallbackExecutor().execute(() -> result.completeExceptionally(failure));
        return;
      }
      DefaultAsyncSession wrapped = new DefaultAsyncSession(session, defaults, true, null);
      // Complete on the new session's callback executor, not on the driver's admin thread.
      wrapped.callbackExecutor.execute(() -> {
        if (!result.complete(wrapped)) {
          wrapped.closeAsync(); // cancelled or timed out by the caller meanwhile: nobody else can close it
        }
      });
    });
    return result;
  }

  @Override
  public CompletionStage<AsyncResultSet> execute(Statement<?> statement) {
    Objects.requireNonNull(statement, "statement");
    checkOpen();
    return onCallbackExecutor(session.executeAsync(statement));
  }

  @Override
  public CompletionStage<AsyncResultSet> execute(String query, Object... values) {
    return execute(SimpleStatement.newInstance(query, values));
  }

  @Override
  public CompletionStage<PreparedStatement> prepare(String query) {
    Objects.requireNonNull(query, "query");
    checkOpen();
    return onCallbackExecutor(session.prepareAsync(query));
  }

  @Override
  public QueryStream executeStream(Statement<?> statement) {
    return executeStream(statement, defaults);
  }

  @Override
  public QueryStream executeStream(String query, Object... values) {
    return executeStream(SimpleStatement.newInstance(query, values), defaults);
  }

  @Override
  public QueryStream executeStream(Statement<?> statement, StreamConfig config) {
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(config, "config");
    checkOpen();
    ResumeToken token = config.resumeFrom().orElse(null);
    if (token != null) {
      if (!token.matches(StatementFingerprint.of(statement, session))) {
        throw new InvalidResumeTokenException(InvalidResumeTokenException.Reason.WRONG_STATEMENT,
            "the token was made for another statement (query text, keyspace or bound values) than '"
                + Queries.describe(statement) + "'");
      }
      if (!token.isEnd() && !Queries.isSelect(statement)
          && !Queries.isIdempotent(statement, session.getContext().getConfig())) {
        // A conditional write (INSERT ... IF NOT EXISTS, a conditional batch) returns rows and makes tokens too.
        throw new IllegalArgumentException("Resuming '" + Queries.describe(statement) + "' would execute it "
            + "again, and it is neither a SELECT nor marked idempotent: a write, a conditional one included, "
            + "would be applied twice. Mark the statement idempotent (setIdempotent(true)) if executing it again "
            + "is safe");
      }
    }
    Statement<?> paged = statement;
    if (config.fetchSize().isPresent()) {
      paged = statement.setPageSize(config.fetchSize().getAsInt());
    }
    return open(new DriverPageSource(session, paged, sharedColumns), config, statement);
  }

  @Override
  public QueryStream continueStream(AsyncResultSet first, StreamConfig config) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(config, "config");
    checkOpen();
    // Its firstPageSize has no effect: the source holds the first page (PageSource.heldPageSize).
    return open(HeldPageSource.of(session, sharedColumns, first, new DriverPage(first), config), config,
        first.getExecutionInfo().getRequest());
  }

  @Override
  public <T> ResultStream<T> continueStream(MappedAsyncPagingIterable<T> first, StreamConfig config,
      RowMapper<? extends T> mapper) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(mapper, "mapper");
    checkOpen();
    return open(HeldPageSource.of(session, sharedColumns, first, HeldValues.page(first), config), config,
        first.getExecutionInfo().getRequest()).map(HeldValues.unwrapping(mapper));
  }

  /** A stream of {@code source}'s pages, heard by the listeners, registered as open until it ends. */
  private QueryStream open(PageSource source, StreamConfig config, com.datastax.oss.driver.api.core.session.Request request) {
    String keyspace = request.getKeyspace() != null ? request.getKeyspace().asInternal()
        : session.getKeyspace().map(id -> id.asInternal()).orElse(null);
    StreamEvents events = StreamEvents.of(StreamInfo.Kind.QUERY, keyspace, null, config.name().orElse(null),
        source.query(), listenersFor(config));
    DefaultRowStream stream = new DefaultRowStream(source, config, callbackExecutor, scheduler, null,
        openStreams::remove, events, budget);
    openStreams.add(stream.handle());
    if (closed.get()) {
      stream.close(); // the session closed meanwhile
    }
    return stream;
  }

  @Override
  public CompletionStage<OffsetPage> fetchPage(Statement<?> statement, int pageNumber, int pageSize,
      OffsetLimits limits) {
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(limits, "limits");
    return OffsetPager.fetchPage(statement, pageNumber, pageSize, limits, this::executeStream, defaults);
  }

  @Override
  public TableScan scanTable(String keyspace, String table, ScanConfig config) {
    Objects.requireNonNull(keyspace, "keyspace");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(config, "config");
    checkOpen();
    DefaultTableScan scan = DefaultTableScan.create(session, keyspace, table, config,
        config.streamConfig().executor().orElse(callbackExecutor), scheduler, openStreams::remove,
        listenersFor(config.streamConfig()), budget);
    openStreams.add(scan.handle());
    if (closed.get()) {
      scan.close();
    }
    return scan;
  }

  @Override
  public List<ScanRange> planScan(String keyspace, String table, ScanConfig config) {
    Objects.requireNonNull(keyspace, "keyspace");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(config, "config");
    return DefaultTableScan.plan(session, keyspace, table, config);
  }

  @Override
  public java.util.Optional<ReadAheadBudget> readAheadBudget() {
    return java.util.Optional.ofNullable(budget);
  }

  @Override
  public void addListener(org.asynccassandra.StreamListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(org.asynccassandra.StreamListener listener) {
    listeners.remove(listener);
  }

  /** The session's listeners, then the config's own. */
  private java.util.List<org.asynccassandra.StreamListener> listenersFor(StreamConfig config) {
    if (listeners.isEmpty() && config.listener().isEmpty()) {
      return java.util.List.of();
    }
    java.util.List<org.asynccassandra.StreamListener> all = new java.util.ArrayList<>(listeners);
    config.listener().ifPresent(all::add);
    return all;
  }

  /** Streams and scans still open: registered until they end, fail or are closed. */
  public int openStreamCount() {
    return openStreams.size();
  }

  @Override
  public CqlSession cqlSession() {
    return session;
  }

  @Override
  public Executor callbackExecutor() {
    return callbackExecutor;
  }

  @Override
  public StreamConfig defaultStreamConfig() {
    return defaults;
  }

  @Override
  public CompletionStage<Void> closeAsync() {
    if (closed.compareAndSet(false, true)) {
      for (DefaultRowStream.Handle stream : openStreams) {
        stream.close("its session was closed");
      }
      CompletionStage<Void> driverClosed =
          ownsSession ? session.closeAsync() : CompletableFuture.completedFuture(null);
      driverClosed.whenComplete((ignored, error) -> {
        timer.shutdownNow();
        callbackExecutor.shutdown();
        // Its dependents run on the fallback executor (the JDK's common pool): the callback executor takes
        // no more tasks, and the driver's close completes on one of its own threads, where the caller's code must not run.
        Threads.fallbackExecutor().execute(() -> {
          if (error != null) {
            closeFuture.completeExceptionally(error);
          } else {
            closeFuture.complete(null);
          }
        });
      });
    }
    return closeFuture.copy();
  }

  @Override
  public void close() {
    Threads.checkNotDriverThread("AsyncSession.close()");
    closeAsync().toCompletableFuture().join();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("This AsyncSession is closed");
    }
  }

  private <T> CompletionStage<T> onCallbackExecutor(CompletionStage<T> driverStage) {
    CompletableFuture<T> result = new CompletableFuture<>();
    // Never on the driver's I/O thread, where the caller's dependents must not run: on the callback
    // executor, or on the fallback pool when it is closed or full (rather than never).
    driverStage.whenComplete((value, error) -> Threads.executeOrFallback(callbackExecutor, () -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(value);
      }
    }));
    return result;
  }

  @Override
  public String toString() {
    return "AsyncSession{" + session.getName() + (ownsSession ? ", owned" : ", wrapped") + "}";
  }
}
