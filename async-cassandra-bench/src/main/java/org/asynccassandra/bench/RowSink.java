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
package org.asynccassandra.bench;

import com.datastax.oss.driver.api.core.cql.Row;

/**
 * The consumer every read mode feeds: light work on every column of every row (a checksum), and the
 * scenario's {@link PageWork} after every page's worth of rows. When a page starts, and again when its
 * work is done, it notes how many pages the driver had already received beyond that page: the read-ahead
 * that mode really used. Confined to one thread at a time (the mode's consumer thread); not thread-safe.
 */
final class RowSink {
  /** What a scenario does after each page: nothing, simulated work, or a memory sample. */
  interface PageWork {
    PageWork NONE = page -> {};

    void afterPage(long pageIndex) throws Exception;
  }

  private final int pageSize;
  private final PageWork work;
  private final PageCounter counter;
  private final long tag;
  private long rows;
  private long checksum;
  private long pagesEntered;
  private long maxAhead;

  /**
   * @param tag the read's {@link PageCounter} tag, or {@code 0} when the pages ahead are not measured
   */
  RowSink(int pageSize, PageWork work, PageCounter counter, long tag) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be > 0: " + pageSize);
    }
    this.pageSize = pageSize;
    this.work = work;
    this.counter = counter;
    this.tag = tag;
  }

  void row(Row row) {
    if (rows % pageSize == 0) {
      pagesEntered++;
      noteAhead();
    }
    checksum = checksum * 31 + row.getInt(0) * 1_000_003L + row.getInt(1) + row.getString(2).hashCode();
    rows++;
    if (rows % pageSize == 0) {
      afterPage();
    }
  }

  /** Ends the read: the work of a last, partial page. */
  void finish() {
    if (rows % pageSize != 0) {
      afterPage();
    }
  }

  private void noteAhead() {
    if (tag != 0) {
      maxAhead = Math.max(maxAhead, counter.pages(tag) - pagesEntered);
    }
  }

  private void afterPage() {
    try {
      work.afterPage(pagesEntered - 1);
      noteAhead(); // pages that arrived while this one was worked on
    } catch (RuntimeException failure) {
      throw failure;
    } catch (Exception failure) {
      throw new IllegalStateException("page work failed after page " + (pagesEntered - 1), failure);
    }
  }

  long rows() {
    return rows;
  }

  long checksum() {
    return checksum;
  }

  /** The most pages the driver had received beyond the one the consumer was starting. */
  long maxPagesAhead() {
    return maxAhead;
  }
}
