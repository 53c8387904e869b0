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

import org.asynccassandra.internal.stream.DefaultPage;
import org.asynccassandra.internal.stream.Position;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanRange;
import org.jspecify.annotations.Nullable;

/**
 * Which page of each range a table scan's consumer entered last, told by the scan's {@link Position}; with
 * the position's {@link Position.Snapshot} it makes an exact {@link ScanCheckpoint}.
 *
 * <p>It keeps a small record per range, never a page or its rows, and refers to nothing of the stream, so
 * that a dropped scan stays collectable. Its map is guarded by the position's monitor: the position calls
 * {@link #entered} under it, and {@link #checkpoint} reads under it.
 */
final class ScanProgress implements Position.Tracker {
  /** What a checkpoint needs of the last page entered of one range. */
  private record Entered(int pageNumber, int pageRows, int responseRowsAfterSkip, int skipped,
      @Nullable ByteBuffer requestPagingState, @Nullable ByteBuffer nextPagingState, boolean rangeFinished,
      long rowsBefore, @Nullable String lastToken) {}

  /** How far into a range a token lies, from 0 to 1; 0 when that cannot be told (see ScanPlanner). */
  @FunctionalInterface
  interface Fraction {
    double of(ScanRange range, String token);
  }

  private final ScanRanges ranges;
  private final Fraction fraction;
  private final Map<Integer, Entered> lastEntered = new HashMap<>();
  /** The most {@link #progress} returned, as {@link Double#doubleToRawLongBits}. */
  private final java.util.concurrent.atomic.AtomicLong highestBits = new java.util.concurrent.atomic.AtomicLong();

  ScanProgress(ScanRanges ranges) {
    this(ranges, (range, token) -> 0);
  }

  /**
   * @param fraction how far into a range its last page's last row lies: a range being read counts for that
   *     part of its share, so that a scan whose ranges are all read at once (a single node's few ranges) does not
   *     show 0 % until they all end together
   */
  ScanProgress(ScanRanges ranges, Fraction fraction) {
    this.ranges = ranges;
    this.fraction = fraction;
  }

  @Override
  public void entered(DefaultPage page) {
    ScanPageSource.RangePage rangePage = (ScanPageSource.RangePage) page.source();
    Entered previous = lastEntered.get(rangePage.range.index);
    long rowsBefore = previous == null ? rangePage.range.initialRows : previous.rowsBefore() + previous.pageRows();
    lastEntered.put(rangePage.range.index, new Entered(page.number(), page.size(), rangePage.size(),
        rangePage.skipped, rangePage.requestPagingState, rangePage.nextPagingState, rangePage.rangeFinished,
        rowsBefore, rangePage.lastToken != null ? rangePage.lastToken
            : previous != null ? previous.lastToken() : null));
  }

  /**
   * The checkpoint at one moment: ranges whose pages the consumer took whole are done or at their next
   * page; the range of the page it holds is at the row it will receive next (a page cut by
   * {@code maxRows} included); the others are where they started.
   */
  ScanCheckpoint checkpoint(Position position, ScanPlanner planner) {
    List<ScanCheckpoint.Range> states = position.whileNoPageChanges(() -> {
      Position.Snapshot at = position.snapshot();
      List<PlannedRange> now = ranges.snapshot();
      List<ScanCheckpoint.Range> list = new ArrayList<>(now.size());
      for (PlannedRange range : now) {
        list.add(state(range, at));
      }
      return list;
    });
    return new ScanCheckpoint(planner.keyspace, planner.table, planner.fingerprint, states);
  }

  /**
   * The share of the planned ranges done at one moment, from 0 to 1, each range counted for its width in
   * tokens (see {@link PlannedRange#share}): the pieces of a split range count for their part of it, so a
   * split never makes it go down. A range being read counts for the part of its share before its last page's
   * last row, when the partitioner tells tokens apart by number (Murmur3, random); 1 only once every range
   * is done.
   */
  double progress(Position position) {
    return highest(computed(position));
  }

  /** {@link #progress} as computed now, before the highest value returned is kept (for tests of the shares). */
  double computed(Position position) {
    return position.whileNoPageChanges(() -> {
      Position.Snapshot at = position.snapshot();
      List<PlannedRange> now = ranges.snapshot();
      long done = 0; // whole: exact, so that every range done is exactly 1
      double partials = 0;
      long all = 0; // the same at every moment: a split keeps the sum of the shares exactly
      for (PlannedRange range : now) {
        all += range.share;
        if (done(range, at)) {
          done += range.share;
        } else {
          partials += partial(range);
        }
      }
      if (now.isEmpty() || done == all) {
        return 1.0;
      }
      // Below 1 while a range is not done, whatever the rounding of the partial shares.
      return Math.min(Math.nextDown(1.0), ((double) done + partials) / all);
    });
  }

  /**
   * {@code computed}, or the most an earlier call returned: a range split while it is read takes a part of its
   * share with it, and the part before its last row, counted in the narrowed range's smaller share, comes out a
   * little lower than it was (whole ranges alone never go down: see {@link PlannedRange#share}).
   */
  private double highest(double computed) {
    while (true) {
      long bits = highestBits.get();
      double seen = Double.longBitsToDouble(bits);
      if (computed <= seen || highestBits.compareAndSet(bits, Double.doubleToRawLongBits(computed))) {
        return Math.max(computed, seen);
      }
    }
  }

  /** The part of {@code range}'s share before the last row of its last page entered, below its whole share. */
  private double partial(PlannedRange range) {
    Entered page = lastEntered.get(range.index);
    String token = page == null ? null : page.lastToken();
    if (token == null) {
      return 0;
    }
    double part = fraction.of(range.range, token);
    // Below the whole share: only done() counts a range whole, so that 100 % means every range was read.
    return part > 0 ? Math.min(range.share * Math.min(part, 1.0), Math.max(0, range.share - 1)) : 0;
  }

  /**
   * Whether {@link #state} says DONE, without making the checkpoint's record (a progress bar asks often, and a
   * scan of a cluster's vnodes has thousands of ranges).
   */
  private boolean done(PlannedRange range, Position.Snapshot at) {
    Entered page = lastEntered.get(range.index);
    if (page == null) {
      return range.initialState == ScanCheckpoint.State.DONE;
    }
    return received(page, at) >= page.responseRowsAfterSkip() && page.rangeFinished();
  }

  /** The rows of the range's last page entered that the consumer received. */
  private static int received(Entered page, Position.Snapshot at) {
    return page.pageNumber() == at.pageNumber() ? at.received() : page.pageRows();
  }

  private ScanCheckpoint.Range state(PlannedRange range, Position.Snapshot at) {
    Entered page = lastEntered.get(range.index);
    if (page == null) {
      return range.initial();
    }
    int received = received(page, at);
    long rows = page.rowsBefore() + received;
    if (received >= page.responseRowsAfterSkip()) {
      return page.rangeFinished() ? range.at(ScanCheckpoint.State.DONE, null, 0, rows)
          : range.at(ScanCheckpoint.State.IN_PROGRESS, page.nextPagingState(), 0, rows);
    }
    return range.at(ScanCheckpoint.State.IN_PROGRESS, page.requestPagingState(), page.skipped() + received, rows);
  }
}
