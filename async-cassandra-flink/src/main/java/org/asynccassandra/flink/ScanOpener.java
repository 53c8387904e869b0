package org.asynccassandra.flink;

import java.util.concurrent.CompletableFuture;
import org.asynccassandra.TableScan;

/**
 * Where a {@link CassandraSourceReader} gets its scans: a connection made once, then one
 * {@link TableScan} per split. The reader calls every method on its task thread; the stage of
 * {@link #connect()} may complete on any thread.
 */
interface ScanOpener extends AutoCloseable {
  /** Connects without blocking; the stage completes once {@link #open} may be called. */
  CompletableFuture<Void> connect();

  /**
   * The scan of {@code split}, from its position or from the start of its range; nothing is sent yet.
   *
   * @throws IllegalArgumentException when the split's position belongs to another scan (other columns)
   */
  TableScan open(CassandraSplit split);

  /** Closes the scans' session; blocks until it is closed. */
  @Override
  void close();
}
