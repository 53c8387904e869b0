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

import java.util.ArrayList;
import java.util.List;

/**
 * The ranges of one table scan, in the order planned (see {@code AsyncSession.planScan}): the planned ones, then, after a range was split around
 * trouble, its narrowed self followed by its new pieces. Changed by the scan's page source, read from any
 * thread as an immutable snapshot: before or after a split, never half of one (a checkpoint taken between
 * the two halves would lose the pieces).
 */
final class ScanRanges {
  private volatile List<PlannedRange> ranges;
  private int nextIndex; // guarded by this

  ScanRanges(List<PlannedRange> planned) {
    this.ranges = List.copyOf(planned);
    this.nextIndex = planned.stream().mapToInt(range -> range.index + 1).max().orElse(0);
  }

  /** The ranges now, in that order. */
  List<PlannedRange> snapshot() {
    return ranges;
  }

  int size() {
    return ranges.size();
  }

  /** A fresh index for a new piece of a split range. */
  synchronized int newIndex() {
    return nextIndex++;
  }

  /** Replaces {@code split} by {@code narrowed} followed by {@code pieces}, in one step. */
  synchronized void replace(PlannedRange split, PlannedRange narrowed, List<PlannedRange> pieces) {
    List<PlannedRange> now = ranges;
    int at = now.indexOf(split);
    if (at < 0) {
      throw new IllegalStateException("Range " + split + " is not part of this scan");
    }
    List<PlannedRange> next = new ArrayList<>(now.size() + pieces.size());
    next.addAll(now.subList(0, at));
    next.add(narrowed);
    next.addAll(pieces);
    next.addAll(now.subList(at + 1, now.size()));
    ranges = List.copyOf(next);
  }
}
