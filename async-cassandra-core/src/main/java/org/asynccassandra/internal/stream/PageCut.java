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
package org.asynccassandra.internal.stream;

/**
 * Which rows of each response a stream hands over: it skips the rows a resumed stream already delivered
 * and stops at {@code maxRows} and {@code maxPages}. Confined to the engine's lock.
 */
final class PageCut {
  private final long maxPages; // 0: unlimited
  private final long maxRows; // 0: unlimited
  /** Rows still to skip at the start of the result (a resume token's offset). */
  private int skipRemaining;
  private long rowsKept;
  private int pagesKept;

  /** What to keep of one response. */
  record Cut(int offset, int size, boolean limitReached, boolean skippedWhole) {}

  PageCut(long maxPages, long maxRows, int skip) {
    this.maxPages = maxPages;
    this.maxRows = maxRows;
    this.skipRemaining = skip;
  }

  /** Decides the cut of a response of {@code responseRows} rows; {@code more}: the server has more pages. */
  Cut cut(int responseRows, boolean more) {
    boolean skipping = skipRemaining > 0;
    int offset = Math.min(skipRemaining, responseRows);
    skipRemaining -= offset;
    int size = responseRows - offset;
    if (size == 0 && skipping && more) {
      // Every row of this response was delivered before a resume, or it has none (filtering, tombstones) while
      // rows of the resume are still to skip: nothing to hand over, and not a page that counts towards
      // maxPages (the resumed stream may ask for fewer rows per page than the first one did). Handed over as
      // an empty page, it would make tokens that forget the rows still to skip, and repeat them.
      return new Cut(offset, 0, false, true);
    }
    boolean limitReached = maxPages > 0 && pagesKept + 1 >= maxPages;
    if (maxRows > 0 && rowsKept + size >= maxRows) {
      size = (int) (maxRows - rowsKept);
      limitReached = true;
    }
    rowsKept += size;
    pagesKept++;
    return new Cut(offset, size, limitReached, false);
  }

  /**
   * The most rows the rest of the result can still give this stream: the rows {@code maxRows} still allows,
   * plus those a resume still skips before them; {@link Long#MAX_VALUE} without {@code maxRows}.
   */
  long rowsWanted() {
    if (maxRows == 0) {
      return Long.MAX_VALUE;
    }
    long allowed = maxRows - rowsKept; // never negative: cut() stops at maxRows
    return allowed > Long.MAX_VALUE - skipRemaining ? Long.MAX_VALUE : allowed + skipRemaining;
  }

  /** Rows of a resume's offset still to skip: 0 once the first new row came. */
  int skipRemaining() {
    return skipRemaining;
  }

  /** Rows kept so far: the rows of every page handed to the buffer. */
  long rowsKept() {
    return rowsKept;
  }

  /** Pages kept so far: the number of the last one. */
  int pagesKept() {
    return pagesKept;
  }
}
