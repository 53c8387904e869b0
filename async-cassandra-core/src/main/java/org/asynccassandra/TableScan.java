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

/**
 * A parallel read of a whole table by token ranges: a {@link RowStream} (every consumption style works)
 * whose rows come unordered, with checkpoints to resume from.
 *
 * <p><b>Memory.</b> At most {@code parallelism} ranges are open at once, a range is open from its first
 * request until the consumer took its last page, and an open range holds at most {@code 1 +
 * prefetchPages} pages (in flight or waiting): so at most {@code parallelism × (1 + prefetchPages)} pages
 * wait, plus the page being consumed, however many ranges there are and however small they are. A
 * consumer that holds still stops the reads. With {@link StreamConfig#targetPageBytes()} each range sizes
 * its pages by bytes, so that bound is in bytes whatever the row width; with the session's
 * {@link ReadAheadBudget}, every request but the one the consumer waits for takes from it.
 *
 * <p><b>Routing and faults.</b> Each range query carries its routing token, so it goes to a replica of
 * that range. Each range request has the page timeouts and the retries of the scan's
 * {@link ScanConfig#streamConfig() StreamConfig}; a range that fails for good fails the scan with a
 * {@link PageFetchException} that names the range, after every row already received.
 *
 * <p><b>Trouble on a range.</b> A range whose page requests time out is asked for smaller pages (halved,
 * down to 100 rows); if it still times out, the part of it not yet read is split into smaller ranges,
 * read from where it was (never from its start; twice at most, so into 16 pieces at most); only then do
 * its timeouts use up the retries, and it fails naming the range. {@link #ranges()} and the checkpoint
 * show the pieces from then on, and {@link #splits()} counts the splits. A single huge partition cannot be
 * split by tokens: the error says so. With {@code retry(0, ...)} a scan takes none of these steps.
 *
 * <p><b>Resuming.</b> A scan says where it is with {@link #checkpoint()}, per range; its pages carry no
 * {@link Page#resumeToken() token}.
 */
public interface TableScan extends RowStream {
  /**
   * Where the scan is: the ranges done, and for each range in progress the exact place of its next row
   * not yet received by the consumer (pages read ahead do not count). Exact when called from the
   * consumer's own callback or after the scan ended or was closed; from another thread, exact as of a
   * moment during the call. Callable from any thread, after close too; never blocks.
   *
   * @return a new, immutable checkpoint, never null; save it with
   *     {@link ScanCheckpoint#write(java.nio.file.Path)} and resume with {@link ScanConfig.Builder#resumeFrom}
   */
  ScanCheckpoint checkpoint();

  /**
   * The fraction of the scan's token ranges finished, for progress bars and ETAs, each range counted for its
   * width in tokens: with the Murmur3 and random partitioners, whose tokens spread a table's rows evenly, that
   * is about the share of the rows read, however unequal the ranges (with another partitioner, each range
   * counts the same). A range being read counts for the part of its tokens before the last row of the page
   * the consumer took (with those two partitioners, when the scan reads the partition key, as it does for
   * {@code SELECT *}; else a range counts only once done), so that a scan of few ranges read at once, a single
   * node's, does not stay at 0 until they all end. It never goes down, a range split after timeouts included;
   * a scan resumed from a checkpoint starts at the share its done ranges are worth. Callable from any thread;
   * never blocks.
   *
   * @return from 0 (no range done) to 1 (every range done, or none to read); as of the consumer's
   *     position, so ranges read ahead but not yet consumed do not count
   */
  double progress();

  /**
   * How many ranges the scan reads now: the ranges it planned (for a resumed scan, those its checkpoint
   * holds), plus the pieces of the ranges it split around trouble.
   *
   * @return the number of ranges now, the same as {@code ranges().size()}; it grows when a range is split
   */
  int rangeCount();

  /**
   * The token ranges this scan reads now, in the order of {@link AsyncSession#planScan}; a range split around
   * trouble shows as its narrowed self followed by its pieces.
   *
   * @return an immutable snapshot of the ranges, taken during the call
   */
  List<ScanRange> ranges();

  /**
   * How many times the scan split a range that kept timing out; 0 on a healthy cluster.
   *
   * @return the splits so far, {@code >= 0}
   */
  long splits();
}
