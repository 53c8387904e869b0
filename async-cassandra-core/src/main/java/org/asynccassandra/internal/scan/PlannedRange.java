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

import com.datastax.oss.driver.api.core.metadata.token.Token;
import java.nio.ByteBuffer;
import java.util.Base64;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanRange;
import org.jspecify.annotations.Nullable;

/**
 * One token range of a planned table scan: its public {@link ScanRange}, its tokens parsed for routing,
 * its place in the scan, and where its reading starts (a paging state and rows to skip, when resumed from
 * a checkpoint). Immutable.
 */
final class PlannedRange {
  final int index;
  final ScanRange range;
  final @Nullable Token end; // the routing token; null for the whole ring
  final ScanCheckpoint.State initialState;
  final @Nullable ByteBuffer initialPagingState;
  final int initialSkip;
  /** Rows of this range delivered before this scan (by the scans its checkpoint continues). */
  final long initialRows;
  /** What a range as planned (or resumed) is worth in {@link #share}: many small divisors, no rounding. */
  static final long WHOLE = 720_720;
  /**
   * How much of the scan's progress this range is worth: as planned (or resumed), its width in tokens, scaled
   * (or {@link #WHOLE} where the partitioner has no token arithmetic, or the range is the whole ring); for a
   * piece of a split one, its part of that. In whole units whose sum a split keeps exactly, so that a split
   * never makes the progress go down, not even by a rounding.
   */
  final long share;

  PlannedRange(int index, ScanRange range, @Nullable Token end, ScanCheckpoint.State initialState,
      @Nullable ByteBuffer initialPagingState, int initialSkip, long initialRows) {
    this(index, range, end, initialState, initialPagingState, initialSkip, initialRows, WHOLE);
  }

  PlannedRange(int index, ScanRange range, @Nullable Token end, ScanCheckpoint.State initialState,
      @Nullable ByteBuffer initialPagingState, int initialSkip, long initialRows, long share) {
    this.index = index;
    this.share = share;
    this.range = range;
    this.end = end;
    this.initialState = initialState;
    this.initialPagingState = initialPagingState;
    this.initialSkip = initialSkip;
    this.initialRows = initialRows;
  }

  /**
   * This range cut down to {@code (start, newEnd]} after a split: same place in the scan, same starting
   * point (a paging state stays valid, as the rows before {@code newEnd} are the same), worth {@code share}.
   */
  PlannedRange narrowedTo(ScanRange narrowed, @Nullable Token newEnd, long share) {
    return new PlannedRange(index, narrowed, newEnd, initialState, initialPagingState, initialSkip, initialRows,
        share);
  }

  boolean fullRing() {
    return range.isFullRing();
  }

  /** The CQL restriction of this range on {@code tokenOf}, e.g. {@code token(pk) > -12 AND token(pk) <= 40}. */
  String restriction(String tokenOf) {
    return tokenOf + " > " + range.start() + " AND " + tokenOf + " <= " + range.end();
  }

  ScanCheckpoint.Range at(ScanCheckpoint.State state, @Nullable ByteBuffer pagingState, int skip, long rows) {
    String encoded = pagingState == null ? null
        : Base64.getUrlEncoder().withoutPadding().encodeToString(copy(pagingState));
    return new ScanCheckpoint.Range(range.start(), range.end(), state, encoded, skip, rows);
  }

  ScanCheckpoint.Range initial() {
    return at(initialState, initialPagingState, initialSkip, initialRows);
  }

  private static byte[] copy(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  @Override
  public String toString() {
    return range.toString();
  }
}
