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
 * What a {@link StreamListener} learns about one page: its number, its size, the size its request asked
 * for, how long its fetch took, how large the server's response was, and how long the consumer waited for
 * it. Immutable.
 *
 * @param pageNumber the 1-based number of the page in its stream
 * @param rowsInPage the rows in this page (after any {@link StreamConfig#maxRows()} cut)
 * @param totalRows the rows of this page and of every page before it
 * @param fetchLatency how long the request for this page took, from sending to the response; for a table
 *     scan, the request of the page's range, which may have read it ahead long before the consumer asked;
 *     close to zero for page 1 of a stream that {@code AsyncSession.continueStream} made, which the
 *     caller fetched before the stream existed
 * @param responseBytes the size of the server's response in bytes, or -1 when the driver did not report it
 * @param last whether this is the last page of the stream
 * @param requestedPageSize the rows the request for this page asked for: the fetch size, or the size that
 *     {@link StreamConfig#firstPageSize()} or {@link StreamConfig#targetPageBytes()} chose, or less after a
 *     page timed out (see {@link StreamConfig.Builder#retry(int, Duration, Duration)}); for a table scan,
 *     what the page's range asked for (its fetch size, halved after timeouts, or sized by bytes)
 * @param consumerWait how long the consumer waited for this page, from asking for it to receiving it:
 *     zero when read-ahead had it ready
 */
public record PageEvent(
    int pageNumber,
    int rowsInPage,
    long totalRows,
    Duration fetchLatency,
    long responseBytes,
    boolean last,
    int requestedPageSize,
    Duration consumerWait) {}
