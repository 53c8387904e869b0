package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;
import org.asynccassandra.Page;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.TableScan;
import org.asynccassandra.internal.util.TimeoutScheduler;

/**
 * The {@link TableScan}: a {@link DefaultRowStream} over a {@link ScanPageSource}, plus the bookkeeping
 * that turns the pages handed to the consumer into a {@link ScanCheckpoint}.
 */
public final class DefaultTableScan implements TableScan {
  private final DefaultRowStream stream;
  private final ScanPageSource source;
  private final ScanPlanner planner;
  private final List<ScanRange> ranges;
  /** The last page of each range handed to the consumer, by range index; guarded by itself. */
  private final Map<Integer, DefaultPage> lastEntered = new HashMap<>();

  private DefaultTableScan(DefaultRowStream stream, ScanPageSource source, ScanPlanner planner,
      List<ScanRange> ranges) {
    this.stream = stream;
    this.source = source;
    this.planner = planner;
    this.ranges = ranges;
  }

  /**
   * Plans and creates a scan. Nothing is sent until consumption starts.
   *
   * @throws IllegalArgumentException for an unknown keyspace or table, or a checkpoint of another scan
   */
  public static DefaultTableScan create(CqlSession session, String keyspace, String table, ScanConfig config,
      Executor executor, TimeoutScheduler scheduler, Consumer<DefaultRowStream.Handle> onTerminate) {
    ScanPlanner planner = ScanPlanner.of(session, keyspace, table, config);
    List<ScanRange> ranges;
    if (config.resumeFrom().isPresent()) {
      ranges = planner.resume(config.resumeFrom().get());
    } else {
      int nodes = Math.max(1, session.getMetadata().getNodes().size());
      ranges = planner.split(config.splits().orElse(4 * nodes));
    }
    StreamConfig perRange = config.streamConfig();
    int parallelism = config.parallelism().orElse(Math.min(4, ranges.size()));
    ScanPageSource source = new ScanPageSource(session, planner, ranges, parallelism, perRange.prefetchPages(),
        perRange.fetchSize().orElse(5_000), perRange.maxRetries(), perRange.retryBackoff(), scheduler);
    // The scan's own engine reads no further ahead: the range readers are its buffer.
    StreamConfig whole = perRange.toBuilder().prefetchPages(0).resumeFrom(null).retry(0, perRange.retryBackoff())
        .firstPageTimeout(null).pageTimeout(null).build();
    DefaultRowStream stream = new DefaultRowStream(source, whole, executor, scheduler, onTerminate);
    DefaultTableScan scan = new DefaultTableScan(stream, source, planner, ranges);
    stream.engine().position().onEnter(scan::entered);
    return scan;
  }

  private void entered(DefaultPage page) {
    ScanPageSource.RangePage rangePage = (ScanPageSource.RangePage) page.source();
    if (rangePage.reader == null) {
      return; // the empty page that ends a scan
    }
    synchronized (lastEntered) {
      lastEntered.put(rangePage.reader.range.index, page);
    }
  }

  @Override
  public ScanCheckpoint checkpoint() {
    List<ScanCheckpoint.Range> states = new ArrayList<>(ranges.size());
    synchronized (lastEntered) {
      Object[] held = stream.engine().position().held();
      DefaultPage heldPage = (DefaultPage) held[0];
      int received = (Integer) held[1];
      for (ScanRange range : ranges) {
        DefaultPage page = lastEntered.get(range.index);
        if (page == null) {
          states.add(range.initial());
          continue;
        }
        ScanPageSource.RangePage rangePage = (ScanPageSource.RangePage) page.source();
        int rows = page == heldPage ? received : page.size();
        if (rows >= page.size()) {
          states.add(rangePage.rangeFinished ? range.at(ScanCheckpoint.State.DONE, null, 0)
              : range.at(ScanCheckpoint.State.IN_PROGRESS, rangePage.nextPagingState, 0));
        } else {
          states.add(range.at(ScanCheckpoint.State.IN_PROGRESS, rangePage.requestPagingState,
              rangePage.skipped + rows));
        }
      }
    }
    return new ScanCheckpoint(planner.keyspace, planner.table, planner.fingerprint, states);
  }

  @Override
  public double progress() {
    ScanCheckpoint checkpoint = checkpoint();
    return ranges.isEmpty() ? 1 : (double) checkpoint.rangesDone() / ranges.size();
  }

  /** The handle the session keeps to close this scan. */
  public DefaultRowStream.Handle handle() {
    return stream.handle();
  }

  @Override
  public int rangeCount() {
    return ranges.size();
  }

  @Override
  public ResumeToken position() {
    throw new UnsupportedOperationException("A table scan resumes from checkpoint(), not from a row position");
  }

  @Override
  public StreamStats stats() {
    StreamStats stats = stream.stats();
    return new StreamStats(stats.pagesFetched(), stats.rowsFetched(), stats.rowsDelivered(), stats.bufferedPages(),
        stats.maxBufferedPages(), stats.bytesFetched(), stats.consumerWaitTime(), stats.pageIdleTime(),
        source.retries());
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
  public CompletionStage<Void> forEachPage(Consumer<? super Page> consumer) {
    return stream.forEachPage(consumer);
  }

  @Override
  public CompletionStage<Optional<Page>> nextPage() {
    return stream.nextPage();
  }

  @Override
  public Flow.Publisher<Row> rows() {
    return stream.rows();
  }

  @Override
  public Flow.Publisher<Page> pages() {
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
  public String toString() {
    return "TableScan{" + planner.keyspace + "." + planner.table + ", " + ranges.size() + " ranges}";
  }
}
