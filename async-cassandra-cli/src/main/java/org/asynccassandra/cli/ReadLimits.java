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
package org.asynccassandra.cli;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import org.asynccassandra.ReadLimiter;

/**
 * The CLI's read limits, on Bucket4j token buckets: {@code --max-rate} rows per second and
 * {@code --max-bytes-rate} bytes per second. The scan asks them before each page request (rows) and after
 * each response (bytes), and holds requests back on its timer; nothing sleeps.
 */
final class ReadLimits {
  private ReadLimits() {}

  /**
   * The most tokens a second that Bucket4j refills (one a nanosecond). A faster limit counts its permits in
   * units of several, rounded up.
   */
  static final long MAX_TOKENS_PER_SECOND = 1_000_000_000L;

  /**
   * A limiter of {@code perSecond} permits a second, with a burst of at least {@code burst} permits (a page
   * request reserves a whole page at once, so the bucket must hold one).
   */
  static ReadLimiter perSecond(long perSecond, long burst) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("permits a second must be > 0: " + perSecond);
    }
    // Bucket4j refills at most one token a nanosecond: above that, one token stands for several permits.
    long unit = ceilDiv(perSecond, MAX_TOKENS_PER_SECOND);
    long tokensPerSecond = perSecond / unit;
    long capacity = Math.max(tokensPerSecond, ceilDiv(burst, unit));
    Bucket bucket = Bucket.builder()
        .addLimit(limit -> limit.capacity(capacity).refillGreedy(tokensPerSecond, Duration.ofSeconds(1)))
        .build();
    bucket.tryConsumeAsMuchAsPossible(); // start empty: the first second is limited too
    return permits -> reserve(bucket, capacity, permits <= 0 ? permits : ceilDiv(permits, unit));
  }

  /** {@code value / divisor} rounded up, for positive values, without overflow near {@link Long#MAX_VALUE}. */
  private static long ceilDiv(long value, long divisor) {
    return (value - 1) / divisor + 1;
  }

  /**
   * Takes all of {@code permits} from {@code bucket}, into debt, and returns the nanoseconds until the debt is
   * paid. Bucket4j refuses (an infinite wait) a charge above the capacity, such as a response larger than a
   * second of {@code --max-bytes-rate}, so a large charge is taken in capacity-sized chunks whose debt adds up:
   * the last chunk's wait is that of every permit (at most one chunk per second of wait). Zero permits (a
   * response of unknown size), which Bucket4j refuses, take nothing and wait for the debt already there.
   */
  private static long reserve(Bucket bucket, long capacity, long permits) {
    if (permits <= 0) {
      return bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
    }
    long wait = 0;
    for (long left = permits; left > 0; left -= capacity) {
      wait = bucket.consumeIgnoringRateLimits(Math.min(left, capacity));
    }
    return wait;
  }
}
