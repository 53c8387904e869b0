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
package org.asynccassandra.internal.util;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.asynccassandra.StreamConfig;

/**
 * When a failed page request is asked again, and after how long: the one home of retry decisions, used by
 * the stream engine and by each range of a table scan.
 *
 * <p>A page is retried at most {@code maxRetries} times, and only for failures that {@link Retryable} deems
 * safe to ask again (a page asked again with the same paging state returns the same rows). Retry
 * {@code n} (from 1) waits a random time in {@code [d/2, d]}, where {@code d = min(maxBackoff,
 * backoff × 2^(n-1))}: exponential, capped, with jitter so that many streams that failed together do not
 * retry together. Immutable and thread-safe.
 */
public final class RetryPolicy {
  /** The cap on one wait when the configuration sets none. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

  /** The policies of the default configuration, for a query safe to retry and for one that is not. */
  private static final RetryPolicy[] COMMON = {common(true), common(false)};

  private final int maxRetries;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final DoubleSupplier random;

  RetryPolicy(int maxRetries, Duration backoff, Duration maxBackoff, DoubleSupplier random) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
    }
    this.maxRetries = maxRetries;
    this.backoff = backoff;
    this.maxBackoff = capOf(backoff, maxBackoff);
    this.random = random;
  }

  /**
   * The policy of a stream's configuration, for a query that is (a {@code SELECT}, an idempotent
   * statement) or is not safe to ask again: the configured retries, or the default for such a query.
   */
  public static RetryPolicy of(StreamConfig config, boolean safeToRetry) {
    int maxRetries = config.maxRetriesFor(safeToRetry);
    Duration backoff = config.retryBackoff();
    Duration maxBackoff = config.maxRetryBackoff();
    for (RetryPolicy common : COMMON) { // most streams use the defaults: one shared instance instead of one each
      if (common.maxRetries == maxRetries && common.backoff.equals(backoff)
          && common.maxBackoff.equals(capOf(backoff, maxBackoff))) {
        return common;
      }
    }
    return new RetryPolicy(maxRetries, backoff, maxBackoff, RetryPolicy::jitter);
  }

  /** The cap on one wait: {@code maxBackoff}, or {@code backoff} when that is longer. */
  private static Duration capOf(Duration backoff, Duration maxBackoff) {
    return maxBackoff.compareTo(backoff) < 0 ? backoff : maxBackoff;
  }

  private static RetryPolicy common(boolean safeToRetry) {
    StreamConfig defaults = StreamConfig.defaults();
    return new RetryPolicy(defaults.maxRetriesFor(safeToRetry), defaults.retryBackoff(),
        defaults.maxRetryBackoff(), RetryPolicy::jitter);
  }

  private static double jitter() {
    return ThreadLocalRandom.current().nextDouble();
  }

  /** A policy with a given source of randomness in {@code [0, 1)}, for tests. */
  public static RetryPolicy of(int maxRetries, Duration backoff, Duration maxBackoff, DoubleSupplier random) {
    return new RetryPolicy(maxRetries, backoff, maxBackoff, random);
  }

  /** The most retries of one page. */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Whether a page that already had {@code retriesSoFar} retries and just failed with {@code failure} is
   * asked again.
   */
  public boolean shouldRetry(int retriesSoFar, Throwable failure) {
    return retriesSoFar < maxRetries && Retryable.isRetryable(failure);
  }

  /** The wait before retry number {@code attempt} (from 1) of a page. */
  public Duration delay(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1: " + attempt);
    }
    long base = Durations.nanos(backoff); // saturated: a maxBackoff of FOREVER means no cap
    long cap = Durations.nanos(maxBackoff);
    long full = base;
    for (int i = 1; i < attempt && full < cap; i++) {
      full = full > cap / 2 ? cap : full * 2;
    }
    full = Math.min(full, cap);
    long half = full / 2;
    return Duration.ofNanos(half + (long) ((full - half) * random.getAsDouble()));
  }

  @Override
  public String toString() {
    return maxRetries == 0 ? "no retries"
        : maxRetries + " retries from " + Durations.millis(backoff) + " ms up to " + Durations.millis(maxBackoff)
            + " ms";
  }
}
