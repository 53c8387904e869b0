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
 * A rate limit on what a table scan reads, as permits (rows or bytes): the scan reserves permits before
 * each page request (rows: the page size it asks for) or after each response (bytes: the response's
 * size), and holds its next requests back for as long as the limiter says, on its timer thread. The scan
 * never sleeps a thread and never blocks on it.
 *
 * <p>Implement it with a rate-limiting library; for example, with Bucket4j:
 * <pre>{@code
 * Bucket bucket = Bucket.builder()
 *     .addLimit(limit -> limit.capacity(5_000).refillGreedy(5_000, Duration.ofSeconds(1))).build();
 * ReadLimiter rows = bucket::consumeIgnoringRateLimits; // returns the nanoseconds to wait
 * }</pre>
 * Bucket4j answers {@link Long#MAX_VALUE} (never) to a charge above the bucket's capacity: give a row
 * limiter a capacity of at least the fetch size, and a byte limiter one of at least the largest response
 * (or charge a large response in capacity-sized parts). A scan fails the range whose request or response
 * is answered {@link Long#MAX_VALUE}, naming the limiter, rather than wait for ever.
 *
 * <p>A byte limiter is charged for every response that arrives, also one that arrives as its range times out
 * or its scan is closed: the cluster and the network did that work, and a limiter shared between scans
 * must count it.
 *
 * <p>Implementations must be thread-safe and must not block: the scan calls it from any thread that sends or
 * receives a page, driver I/O threads among them (also the thread that asks for rows, the stream's executor, the
 * timer of a retry's wait, and the pool that wakes a read-ahead the session budget had held back).
 */
@FunctionalInterface
public interface ReadLimiter {
  /**
   * Takes {@code permits} now, going into debt if need be, and returns how long, in nanoseconds, the
   * caller must wait before acting on them: 0 to go at once. A negative result counts as 0.
   *
   * @param permits the rows of the page size about to be requested (a row limiter), or the bytes of the
   *     response just received (a byte limiter); {@code >= 0}
   * @return the nanoseconds to wait before the scan sends its next request; {@code <= 0} to send at once;
   *     {@link Long#MAX_VALUE} means never, and fails the range
   */
  long reserve(long permits);
}
