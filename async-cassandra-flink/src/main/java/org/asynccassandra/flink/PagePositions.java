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
package org.asynccassandra.flink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.asynccassandra.ScanCheckpoint;
import org.jspecify.annotations.Nullable;

/**
 * The position inside a page: a {@link org.asynccassandra.TableScan} says where it is between pages (its
 * checkpoint counts a page as received once it is handed over), and a source reader emits a page row by
 * row, so a Flink checkpoint may come in the middle of one. The place after the {@code emitted}-th row of a
 * page is the place before the page, with that page's range moved on by {@code emitted} rows: the same
 * paging state and {@code emitted} more rows to skip (skipping counts rows after the paging state, across
 * responses, so it holds whatever the page sizes).
 *
 * <p>The page's range is the one whose count of rows delivered grew between the checkpoint before the page
 * and the one after it; ranges are matched by their start token, which a range keeps when the scan narrows
 * it around trouble. The bounds and the other ranges are taken from the checkpoint after the page, so that
 * pieces split off meanwhile are kept. Stateless.
 */
final class PagePositions {
  private PagePositions() {}

  /**
   * The position after the first {@code emitted} rows of a page of {@code pageRows} rows.
   *
   * @param before the scan's checkpoint just before the page was asked for
   * @param after the scan's checkpoint once the page was handed over
   * @throws IllegalStateException when no single range received the page: the scan broke its contract
   */
  static ScanCheckpoint within(ScanCheckpoint before, ScanCheckpoint after, int pageRows, int emitted) {
    if (emitted < 0 || emitted > pageRows) {
      throw new IllegalArgumentException("emitted must be between 0 and " + pageRows + ": " + emitted);
    }
    if (emitted == 0) {
      return before;
    }
    if (emitted == pageRows) {
      return after;
    }
    Map<String, ScanCheckpoint.Range> earlier = new HashMap<>();
    for (ScanCheckpoint.Range range : before.ranges()) {
      earlier.put(range.start(), range);
    }
    int pageRange = -1;
    List<ScanCheckpoint.Range> ranges = after.ranges();
    for (int i = 0; i < ranges.size(); i++) {
      ScanCheckpoint.Range now = ranges.get(i);
      ScanCheckpoint.Range then = earlier.get(now.start());
      long rowsBefore = then == null ? 0 : then.rowsDelivered();
      if (now.rowsDelivered() - rowsBefore == pageRows) {
        if (pageRange >= 0) {
          throw ambiguous(before, after, pageRows);
        }
        pageRange = i;
      } else if (now.rowsDelivered() != rowsBefore) {
        throw ambiguous(before, after, pageRows);
      }
    }
    if (pageRange < 0) {
      throw ambiguous(before, after, pageRows);
    }
    ScanCheckpoint.Range now = ranges.get(pageRange);
    ScanCheckpoint.Range then = earlier.get(now.start());
    @Nullable String pagingState = null;
    int skip = 0;
    long rows = 0;
    if (then != null) {
      rows = then.rowsDelivered();
      if (then.state() == ScanCheckpoint.State.IN_PROGRESS) {
        pagingState = then.pagingState();
        skip = then.rowsToSkip();
      }
    }
    if ((long) skip + emitted > Integer.MAX_VALUE) {
      throw new IllegalStateException("Too many rows to skip in " + now.range() + ": " + skip + " + " + emitted);
    }
    List<ScanCheckpoint.Range> moved = new ArrayList<>(ranges);
    moved.set(pageRange, new ScanCheckpoint.Range(now.start(), now.end(), ScanCheckpoint.State.IN_PROGRESS,
        pagingState, skip + emitted, rows + emitted));
    return new ScanCheckpoint(after.keyspace(), after.table(), after.queryFingerprint(), moved);
  }

  private static IllegalStateException ambiguous(ScanCheckpoint before, ScanCheckpoint after, int pageRows) {
    return new IllegalStateException("Cannot tell which range a page of " + pageRows + " rows came from: "
        + "before it " + before.encode().replace('\n', ';') + " after it " + after.encode().replace('\n', ';'));
  }
}
