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
package org.asynccassandra.internal.scan;

import org.asynccassandra.internal.stream.DefaultReadAheadBudget;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.stream.Position;
import org.asynccassandra.internal.stream.StreamEvents;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;
import org.asynccassandra.Page;
import org.asynccassandra.ResultStream;
import org.asynccassandra.RowMapper;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.TableScan;
import org.asynccassandra.internal.util.RetryPolicy;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TableScan}: a {@link DefaultRowStream} over a {@link ScanPageSource}, whose position tells a
 * {@link ScanProgress} of each page entered, which turns it into a {@link ScanCheckpoint}.
 */
public final class DefaultTableScan implements TableScan {
  private final DefaultRowStream stream;
  private final ScanPageSource source;
  private final ScanPlanner planner;
  private final ScanRanges ranges;
  private final ScanProgress progress;

  private DefaultTableScan(DefaultRowStream stream, ScanPageSource source, ScanPlanner planner,
      ScanRanges ranges, ScanProgress progress) {
    this.stream = stream;
    this.source = source;
    this.planner = planner;
    this.ranges = ranges;
    this.progress = progress;
  }

  /**
   * The ranges a scan with {@code config} would read, without reading anything.
   *
   * @throws IllegalArgumentException for an unknown keyspace or table, or a checkpoint of another scan
   */
  public static List<ScanRange> plan(CqlSession session, String keyspace, String table, ScanConfig config) {
    ScanPlanner planner = ScanPlanner.of(session, keyspace, table, config);
    return planner.plan(config, session.getMetadata().getNodes().size()).stream()
        .map(range -> range.range).toList();
  }

  /**
   * Plans and creates a scan whose read-ahead takes from {@code budget} too (none when null). Nothing is
   * sent until consumption starts.
   *
   * @throws IllegalArgumentException for an unknown keyspace or table, or a checkpoint of another scan
   */
  public static DefaultTableScan create(CqlSession session, String keyspace, String table, ScanConfig config,
      Executor executor, TimeoutScheduler scheduler, Consumer<DefaultRowStream.Handle> onTerminate,
      List<StreamListener> listeners, @Nullable DefaultReadAheadBudget budget) {
    ScanPlanner planner = ScanPlanner.of(session, keyspace, table, config);
    List<PlannedRange> ranges = planner.plan(config, session.getMetadata().getNodes().size());
    return create(RangeRequests.driver(session, planner), planner, ranges,
        config, executor, scheduler, onTerminate, listeners, budget);
  }

  /** Creates a scan over {@code ranges}, sending its page requests through {@code requests}. */
  static DefaultTableScan create(RangeRequests requests, ScanPlanner planner, List<PlannedRange> planned,
      ScanConfig config, Executor executor, TimeoutScheduler scheduler,
      Consumer<DefaultRowStream.Handle> onTerminate) {
    return create(requests, planner, planned, config, executor, scheduler, onTerminate,
        config.streamConfig().listener().map(List::of).orElse(List.of()), null);
  }

  /** Creates a scan heard by {@code listeners}, whose read-ahead takes from {@code budget} too. */
  static DefaultTableScan create(RangeRequests requests, ScanPlanner planner, List<PlannedRange> planned,
      ScanConfig config, Executor executor, TimeoutScheduler scheduler,
      Consumer<DefaultRowStream.Handle> onTerminate, List<StreamListener> listeners,
      @Nullable DefaultReadAheadBudget budget) {
    StreamConfig perRange = config.streamConfig();
    StreamEvents events = StreamEvents.of(StreamInfo.Kind.SCAN, planner.keyspace, planner.table,
        perRange.name().orElse(null), planner.selectPrefix, listeners);
    int parallelism = Math.max(1, config.parallelism().orElse(Math.min(4, planned.size())));
    ScanRanges ranges = new ScanRanges(planned);
    ScanPageSource source = new ScanPageSource(requests, planner.description(),
        ranges, parallelism, perRange.prefetchPages(), RetryPolicy.of(perRange, true),
        perRange.firstPageTimeout().orElse(null), perRange.pageTimeout().orElse(null), scheduler,
        config.rowLimiter().orElse(null), config.byteLimiter().orElse(null), perRange.fetchSize().orElse(5_000),
        perRange.targetPageBytes().orElse(0), perRange.maxBufferedBytes().orElse(0), events, budget);
    // The scan's own engine reads no further ahead (the range readers are its buffer) and leaves retries
    // and page timeouts to the ranges.
    StreamConfig whole = perRange.toBuilder().prefetchPages(0).resumeFrom(null).retry(0, perRange.retryBackoff())
        .firstPageTimeout(null).pageTimeout(null).build();
    ScanProgress progress = new ScanProgress(ranges, planner::fractionUpTo);
    DefaultRowStream stream = new DefaultRowStream(source, whole, executor, scheduler, progress, onTerminate,
        events);
    // The listeners' view of the checkpoint holds the engine's position, never the scan (leak detection).
    Position position = stream.consumerPosition();
    events.bindScanCheckpoint(() -> progress.checkpoint(position, planner));
    return new DefaultTableScan(stream, source, planner, ranges, progress);
  }

  @Override
  public ScanCheckpoint checkpoint() {
    return progress.checkpoint(stream.consumerPosition(), planner);
  }

  @Override
  public double progress() {
    return progress.progress(stream.consumerPosition());
  }

  /** {@link #progress()} as computed now, without the highest value kept: for tests of the shares. */
  double computedProgress() {
    return progress.computed(stream.consumerPosition());
  }

  /** The handle the session keeps to close this scan. */
  public DefaultRowStream.Handle handle() {
    return stream.handle();
  }

  /** The source of the scan's pages, its range readers; for tests. */
  ScanPageSource source() {
    return source;
  }

  /** Pages in flight or queued in the range readers now; tests check the memory bound with it. */
  int pagesOwned() {
    return source.pagesOwned();
  }

  @Override
  public int rangeCount() {
    return ranges.size();
  }

  @Override
  public List<ScanRange> ranges() {
    return ranges.snapshot().stream().map(range -> range.range).toList();
  }

  @Override
  public long splits() {
    return source.splits();
  }

  @Override
  public StreamStats stats() {
    return stream.stats(); // the source adds the pages its range readers hold, its retries and page sizes
  }

  @Override
  public <T> ResultStream<T> map(RowMapper<? extends T> mapper) {
    return stream.map(mapper);
  }

  @Override
  public CompletionStage<Void> forEach(Consumer<? super Row> consumer) {
    return stream.forEach(consumer);
  }

  @Override
  public CompletionStage<Void> forEachAsync(Function<? super Row, ? extends CompletionStage<?>> action) {
    return stream.forEachAsync(action);
  }

  @Override
  public CompletionStage<Void> forEachPage(Consumer<? super Page<Row>> consumer) {
    return stream.forEachPage(consumer);
  }

  @Override
  public CompletionStage<Optional<Page<Row>>> nextPage() {
    return stream.nextPage();
  }

  @Override
  public Flow.Publisher<Row> rows() {
    return stream.rows();
  }

  @Override
  public Flow.Publisher<Page<Row>> pages() {
    return stream.pages();
  }

  @Override
  public Iterator<Row> iterator() {
    return stream.iterator();
  }

  @Override
  public Iterable<Row> blocking() {
    return stream.blocking();
  }

  @Override
  public Optional<ColumnDefinitions> columnDefinitions() {
    return stream.columnDefinitions();
  }

  @Override
  public CompletionStage<Void> closeAsync() {
    return stream.closeAsync();
  }

  @Override
  public void close() {
    stream.close();
  }

  @Override
  public void closeExceptionally(Throwable cause) {
    stream.closeExceptionally(cause);
  }

  @Override
  public String toString() {
    return "TableScan{" + planner.keyspace + "." + planner.table + ", " + ranges.size() + " ranges}";
  }
}
