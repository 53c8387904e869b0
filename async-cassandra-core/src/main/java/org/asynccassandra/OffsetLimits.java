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

/**
 * The guardrails of offset paging ({@link AsyncSession#fetchPage}): the highest page number, the most rows
 * that may be read and thrown away to reach a page, and the most rows a page may have. Cassandra has no
 * server-side offset, so page N costs reading every row before it: the first two limits bound that cost per
 * request. A page's rows are held in memory until it is returned: the third bounds what one request holds.
 *
 * @param maxPageNumber the highest page number accepted, {@code >= 1}
 * @param maxSkippedRows the most rows skipped to reach a page, {@code >= 0}
 * @param maxPageSize the most rows a page may ask for, {@code >= 1}
 */
public record OffsetLimits(int maxPageNumber, long maxSkippedRows, int maxPageSize) {
  /** The largest page size that {@link #DEFAULT} and the two-limit constructor accept: 10,000 rows. */
  public static final int DEFAULT_MAX_PAGE_SIZE = 10_000;

  /** The defaults: page 1,000 at most, 100,000 skipped rows at most, pages of 10,000 rows at most. */
  public static final OffsetLimits DEFAULT = new OffsetLimits(1_000, 100_000, DEFAULT_MAX_PAGE_SIZE);

  /**
   * Validates the limits.
   *
   * @param maxPageNumber the highest page number accepted, {@code >= 1}
   * @param maxSkippedRows the most rows skipped to reach a page, {@code >= 0}
   * @param maxPageSize the most rows a page may ask for, {@code >= 1}
   * @throws IllegalArgumentException if {@code maxPageNumber < 1}, {@code maxSkippedRows < 0} or
   *     {@code maxPageSize < 1}; the message holds the bad value
   */
  public OffsetLimits {
    if (maxPageNumber < 1) {
      throw new IllegalArgumentException("maxPageNumber must be >= 1: " + maxPageNumber);
    }
    if (maxSkippedRows < 0) {
      throw new IllegalArgumentException("maxSkippedRows must be >= 0: " + maxSkippedRows);
    }
    if (maxPageSize < 1) {
      throw new IllegalArgumentException("maxPageSize must be >= 1: " + maxPageSize);
    }
  }

  /**
   * The page number and skip limits, with pages of at most {@link #DEFAULT_MAX_PAGE_SIZE} rows.
   *
   * @param maxPageNumber the highest page number accepted, {@code >= 1}
   * @param maxSkippedRows the most rows skipped to reach a page, {@code >= 0}
   * @throws IllegalArgumentException if {@code maxPageNumber < 1} or {@code maxSkippedRows < 0}; the
   *     message holds the bad value
   */
  public OffsetLimits(int maxPageNumber, long maxSkippedRows) {
    this(maxPageNumber, maxSkippedRows, DEFAULT_MAX_PAGE_SIZE);
  }

  /**
   * The same as {@link #OffsetLimits(int, long)}, for call sites that read better with a factory.
   *
   * @param maxPageNumber the highest page number accepted, {@code >= 1}
   * @param maxSkippedRows the most rows skipped to reach a page, {@code >= 0}
   * @return the limits, with pages of at most {@link #DEFAULT_MAX_PAGE_SIZE} rows
   * @throws IllegalArgumentException if either value is out of range; the message holds the bad value
   */
  public static OffsetLimits of(int maxPageNumber, long maxSkippedRows) {
    return new OffsetLimits(maxPageNumber, maxSkippedRows);
  }

  /**
   * The same as the canonical constructor, for call sites that read better with a factory.
   *
   * @param maxPageNumber the highest page number accepted, {@code >= 1}
   * @param maxSkippedRows the most rows skipped to reach a page, {@code >= 0}
   * @param maxPageSize the most rows a page may ask for, {@code >= 1}
   * @return the limits
   * @throws IllegalArgumentException if any value is out of range; the message holds the bad value
   */
  public static OffsetLimits of(int maxPageNumber, long maxSkippedRows, int maxPageSize) {
    return new OffsetLimits(maxPageNumber, maxSkippedRows, maxPageSize);
  }
}
