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

import java.io.Serializable;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One token range of a table scan, {@code (start, end]} as the ring reads it, or the whole ring: a plain,
 * serializable value that a scheduler can hand to another process or machine and give back to
 * {@link ScanConfig.Builder#ranges} there.
 *
 * <p>Tokens are kept as text, in the format of the cluster's partitioner (a signed 64-bit number for
 * Murmur3), so a range means the same thing on every client. A range never wraps around the ring: the
 * planner unwraps a wrapping range of the ring into two, and a scan refuses a chosen range that wraps
 * (Cassandra would read it as empty). Immutable and thread-safe.
 */
public final class ScanRange implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String WHOLE_RING = "*";
  private static final ScanRange FULL_RING = new ScanRange(WHOLE_RING, WHOLE_RING);

  /** The exclusive start token, or {@code *} for the whole ring; part of the serialized form. */
  private final String start;
  /** The inclusive end token, or {@code *} for the whole ring; part of the serialized form. */
  private final String end;

  private ScanRange(String start, String end) {
    this.start = start;
    this.end = end;
  }

  /**
   * The range {@code (start, end]}, tokens as the partitioner formats them.
   *
   * @param start the exclusive start token, one word (for Murmur3, a signed 64-bit number such as
   *     {@code -9223372036854775808}); {@code *} only together with {@code end} {@code *}
   * @param end the inclusive end token, one word; {@code *} only together with {@code start} {@code *}
   * @return the range; {@link #fullRing()} for {@code ("*", "*")}
   * @throws IllegalArgumentException for a blank token or one with a space, {@code start} equal to
   *     {@code end}, or {@code *} on one side only; the message holds both tokens
   * @throws NullPointerException if {@code start} or {@code end} is null
   */
  public static ScanRange of(String start, String end) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.isBlank() || end.isBlank() || start.contains(" ") || end.contains(" ")) {
      throw new IllegalArgumentException("A token must be one word: (" + start + ", " + end + "]");
    }
    if (WHOLE_RING.equals(start) && WHOLE_RING.equals(end)) {
      return FULL_RING;
    }
    if (WHOLE_RING.equals(start) || WHOLE_RING.equals(end) || start.equals(end)) {
      throw new IllegalArgumentException("Not a token range: (" + start + ", " + end + "]");
    }
    return new ScanRange(start, end);
  }

  /**
   * The whole ring, read as one range.
   *
   * @return the single whole-ring instance, whose {@link #start()} and {@link #end()} are {@code *}
   */
  public static ScanRange fullRing() {
    return FULL_RING;
  }

  /**
   * The exclusive start token.
   *
   * @return the token as the partitioner formats it, or {@code *} for the whole ring
   */
  public String start() {
    return start;
  }

  /**
   * The inclusive end token.
   *
   * @return the token as the partitioner formats it, or {@code *} for the whole ring
   */
  public String end() {
    return end;
  }

  /**
   * Whether this is the whole ring.
   *
   * @return true for {@link #fullRing()}, also after serialization
   */
  public boolean isFullRing() {
    return this == FULL_RING || (WHOLE_RING.equals(start) && WHOLE_RING.equals(end));
  }

  /**
   * Keeps the whole ring a single instance across serialization.
   *
   * @return the shared whole-ring instance, or this range
   */
  private Object readResolve() {
    return isFullRing() ? FULL_RING : this;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ScanRange && start.equals(((ScanRange) other).start)
        && end.equals(((ScanRange) other).end);
  }

  @Override
  public int hashCode() {
    return start.hashCode() * 31 + end.hashCode();
  }

  /** {@code (start, end]}, or {@code (whole ring)}. */
  @Override
  public String toString() {
    return isFullRing() ? "(whole ring)" : "(" + start + ", " + end + "]";
  }
}
