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

import java.time.Duration;

/**
 * A snapshot of a {@link RowStream}'s counters, taken by {@link RowStream#stats()}.
 *
 * @param pagesFetched pages received from the server so far
 * @param rowsFetched rows received from the server so far that the stream kept: not those a resumed stream
 *     skipped (delivered before its token) nor those past {@link StreamConfig#maxRows()}
 * @param rowsDelivered rows handed to the consumer so far
 * @param bufferedPages pages fetched and not yet handed to the consumer, now; for a table scan, the pages
 *     its ranges read ahead and queued, at most {@code parallelism × (1 + prefetchPages)}
 * @param maxBufferedPages the most pages that ever waited, fetched, for a consumer busy with an earlier
 *     page: the read-ahead actually used (the page a consumer asked for does not count, also while the call
 *     that asked for it still runs); never more than {@code prefetchPages}; for a table scan, the most its
 *     ranges had queued at once
 * @param bytesFetched response bytes received so far, as the driver reported them
 * @param consumerWaitTime the total time the consumer waited for a page that was not there yet
 * @param pageIdleTime the total time fetched pages waited in the buffer for the consumer; for a table scan,
 *     in its ranges' queue
 * @param retries page requests that were retried after a retryable failure
 * @param requestedPageSize the rows the latest page request asked for: the fetch size, or the size that
 *     {@link StreamConfig#firstPageSize()} or {@link StreamConfig#targetPageBytes()} chose, or less after a
 *     page timed out (see {@link StreamConfig.Builder#retry(int, Duration, Duration)}); 0 before the
 *     first request; for a table scan, what the latest request of any of its ranges asked for
 */
public record StreamStats(
    long pagesFetched,
    long rowsFetched,
    long rowsDelivered,
    int bufferedPages,
    int maxBufferedPages,
    long bytesFetched,
    Duration consumerWaitTime,
    Duration pageIdleTime,
    long retries,
    int requestedPageSize) {

  /**
   * Statistics without a requested page size (0), as they were made before it was reported.
   *
   * @param pagesFetched pages received from the server so far
   * @param rowsFetched rows received from the server so far that the stream kept (not skipped by a resume,
   *     nor past {@code maxRows})
   * @param rowsDelivered rows handed to the consumer so far
   * @param bufferedPages pages fetched and not yet handed to the consumer, now
   * @param maxBufferedPages the most pages that ever waited, fetched, for a consumer busy with an earlier
   *     page
   * @param bytesFetched response bytes received so far, as the driver reported them
   * @param consumerWaitTime the total time the consumer waited for a page that was not there yet
   * @param pageIdleTime the total time fetched pages waited in the buffer for the consumer
   * @param retries page requests that were retried after a retryable failure
   */
  public StreamStats(long pagesFetched, long rowsFetched, long rowsDelivered, int bufferedPages,
      int maxBufferedPages, long bytesFetched, Duration consumerWaitTime, Duration pageIdleTime, long retries) {
    this(pagesFetched, rowsFetched, rowsDelivered, bufferedPages, maxBufferedPages, bytesFetched,
        consumerWaitTime, pageIdleTime, retries, 0);
  }
}
