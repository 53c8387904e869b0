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

import org.asynccassandra.StreamConfig;

/**
 * Chooses the rows each page request of one stream asks for: the fetch size, or a small first page that
 * doubles up to it ({@link StreamConfig#firstPageSize()}), or as many rows as fit in a byte target at the
 * width of the rows of the page before ({@link StreamConfig#targetPageBytes()}), or both (the smaller).
 * Every size lies between {@link #MIN_PAGE_SIZE} and the fetch size, and below the {@linkplain #cap cap}
 * that a stream sets after a page timed out ({@link #afterTimeout}: half the size that timed out, down to
 * {@link #MIN_TIMEOUT_PAGE_SIZE}). Confined to its owner's lock: a stream's engine, or one range reader of a
 * table scan (which sizes each range's pages by bytes too, without a first page size, see {@link
 * #PageSizer(int, long)}, and keeps its own cap).
 *
 * <p>The paging state does not depend on the page size, so a stream may change it between requests: a
 * resume token stays exact whatever sizes the pages had, before or after the resume.
 */
public final class PageSizer {
  /** The fewest rows a page asks for: a row wider than the byte target comes alone. */
  static final int MIN_PAGE_SIZE = 1;
  /**
   * The fewest rows a page is cut down to after timeouts: a page of at most this many rows that times out
   * is asked again with the same size.
   */
  public static final int MIN_TIMEOUT_PAGE_SIZE = 100;

  /** The most rows a page asks for; 0 when the source sizes its own pages (nothing is chosen here). */
  private final int maxPageSize;
  /** The first page size, or 0; when set, each page asks for at most twice the rows of the one before. */
  private final int firstPageSize;
  private final long targetPageBytes; // 0: pages are not sized by bytes
  /** The most rows any later request asks for, set by {@link #cap} after a timeout; no cap at first. */
  private int cap = Integer.MAX_VALUE;
  /** The size of the next request. */
  private int next;
  /** Rows and response bytes of the last page that measured the row width; 0 rows before any did. */
  private long measuredRows;
  private long measuredBytes;

  /**
   * @param maxPageSize the source's own page size ({@link PageSource#pageSize()}), 0 when it sizes its
   *     pages itself
   * @param skip the rows a resumed stream skips at the start: without a byte target, the first request
   *     asks for them on top, so that its page still has the first page size of new rows; with one, they
   *     pass in pages sized by bytes like any rows (a page of them all could be of any size)
   * @param firstPageHeld the source holds the first page (no request asks for it): the first page size does
   *     not apply, and with a byte target the first request probes when that page measured no width
   */
  PageSizer(StreamConfig config, int maxPageSize, int skip, boolean firstPageHeld) {
    this.maxPageSize = Math.max(0, maxPageSize);
    int firstPageSize = firstPageHeld ? 0 : config.firstPageSize().orElse(0);
    this.targetPageBytes = config.targetPageBytes().orElse(0);
    this.firstPageSize = firstPageSize;
    int first;
    if (firstPageSize > 0) {
      first = firstPageSize;
    } else if (targetPageBytes > 0) {
      first = StreamConfig.PROBE_PAGE_SIZE;
    } else {
      first = this.maxPageSize;
    }
    this.next = clamp(first + (targetPageBytes > 0 ? 0L : Math.max(0, skip)));
  }

  /**
   * Pages of at most {@code maxPageSize} rows sized by {@code targetPageBytes} (0: always {@code
   * maxPageSize}), with no first page size: a table scan's range.
   */
  public PageSizer(int maxPageSize, long targetPageBytes) {
    this.maxPageSize = Math.max(0, maxPageSize);
    this.targetPageBytes = Math.max(0, targetPageBytes);
    this.firstPageSize = 0;
    this.next = clamp(this.targetPageBytes > 0 ? StreamConfig.PROBE_PAGE_SIZE : this.maxPageSize);
  }

  /** Whether a first page size is set: pages ramp up from it. */
  private boolean ramp() {
    return firstPageSize > 0;
  }

  /** The rows the next request asks for; 0 when the source sizes its own pages. */
  public int next() {
    return next;
  }

  /**
   * The rows to ask for after a page of {@code asked} rows timed out: half of them, down to {@link
   * #MIN_TIMEOUT_PAGE_SIZE}; {@code asked} itself when it is at most that already (or 0: the source sizes
   * its own pages).
   */
  public static int afterTimeout(int asked) {
    return asked <= MIN_TIMEOUT_PAGE_SIZE ? asked : Math.max(MIN_TIMEOUT_PAGE_SIZE, asked / 2);
  }

  /**
   * Caps this request and every later one at {@code rows} (a cap only ever comes down): the first page
   * size's doubling and the byte target size pages below it, never above. Nothing when the source sizes
   * its own pages.
   */
  void cap(int rows) {
    if (maxPageSize == 0 || rows < MIN_PAGE_SIZE) {
      return;
    }
    cap = Math.min(cap, rows);
    next = clamp(next);
  }

  /** Whether a page with rows and a known size was measured (observed or {@linkplain #seed seeded}). */
  public boolean measured() {
    return measuredRows > 0;
  }

  /**
   * Takes the row width measured elsewhere (another range of the same scan) before a page of its own was
   * measured, so that the next request is sized by it instead of the probe; nothing once measured.
   */
  public void seed(int rows, long responseBytes) {
    if (measuredRows == 0 && rows > 0 && responseBytes > 0 && targetPageBytes > 0 && maxPageSize > 0) {
      measuredRows = rows;
      measuredBytes = responseBytes;
      next = clamp(Math.min(ramp() ? next : maxPageSize, rowsWithin(targetPageBytes)));
    }
  }

  /**
   * Learns from the page that answered the last request and sizes the next one.
   *
   * @param rows the rows of the response (before any cut of the stream)
   * @param responseBytes its size in bytes, or -1 when unknown
   */
  public void observe(int rows, long responseBytes) {
    observe(rows, responseBytes, 0);
  }

  /**
   * {@link #observe(int, long)} for a resumed stream that still has {@code stillToSkip} rows to skip after
   * this response (rows delivered before the resume): the first page size's doubling starts with the first
   * new row, which it is for; until then the next request asks for the rows still to skip and a first page
   * of new rows, or, with a byte target, for as many rows as fit in it. Doubling from a probe of skipped rows
   * took a resume at row 4,000 nine requests to reach a new row.
   */
  void observe(int rows, long responseBytes, long stillToSkip) {
    if (maxPageSize == 0) {
      return;
    }
    if (rows > 0 && responseBytes > 0) {
      measuredRows = rows;
      measuredBytes = responseBytes;
    }
    long size = maxPageSize;
    if (ramp() && stillToSkip > 0) {
      size = targetPageBytes > 0 ? size : Math.min(size, stillToSkip + firstPageSize);
    } else if (ramp()) {
      size = Math.min(size, 2L * next);
    }
    if (targetPageBytes > 0) {
      size = Math.min(size, measuredRows == 0 ? next : rowsWithin(targetPageBytes));
    }
    next = clamp(size);
  }

  /**
   * The response bytes that {@code rows} rows of the last measured width take, for the read-ahead budget's
   * estimate; 0 when no width was measured yet (or the source sizes its own pages, when rows is 0).
   */
  public long estimateBytes(int rows) {
    return measuredRows == 0 || rows <= 0 ? 0 : bytesOf(rows, measuredRows, measuredBytes);
  }

  /** {@code rows} rows at {@code measuredBytes} per {@code measuredRows}, at least 1, saturated. */
  public static long bytesOf(long rows, long measuredRows, long measuredBytes) {
    double bytes = Math.ceil((double) rows * measuredBytes / measuredRows);
    return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, (long) bytes);
  }

  /** The rows of the last measured width that fit in {@code bytes}, rounded down. */
  private long rowsWithin(long bytes) {
    // rows * bytes / measuredBytes without overflow: a target above Long.MAX_VALUE / rows is no limit.
    if (bytes > Long.MAX_VALUE / measuredRows) {
      return Long.MAX_VALUE;
    }
    return bytes * measuredRows / measuredBytes;
  }

  private int clamp(long size) {
    if (maxPageSize == 0) {
      return 0;
    }
    return (int) Math.max(MIN_PAGE_SIZE, Math.min(Math.min(cap, maxPageSize), size));
  }
}
