package org.asynccassandra;

/**
 * A parallel read of a whole table by token ranges: a {@link RowStream} (every consumption style works)
 * whose rows come unordered, with checkpoints to resume from.
 *
 * <p>Memory is bounded by {@code parallelism × (1 + prefetchPages)} pages plus the page being consumed.
 * Each range query carries its routing token, so it goes to a replica of that range.
 *
 * <p>{@link #position()} is not meaningful for a scan and throws {@link UnsupportedOperationException};
 * use {@link #checkpoint()}.
 */
public interface TableScan extends RowStream {
  /**
   * Where the scan is: the ranges done, and for each range in progress the exact place of its next row
   * not yet received by the consumer (pages read ahead do not count). Exact when called from the
   * consumer's own callback or after the scan ended or was closed; from another thread, exact as of a
   * moment during the call.
   */
  ScanCheckpoint checkpoint();

  /** The fraction of ranges finished, from 0 to 1, for progress bars and ETAs. */
  double progress();

  /** How many ranges the ring was split into (for a resumed scan: the ranges the checkpoint holds). */
  int rangeCount();
}
