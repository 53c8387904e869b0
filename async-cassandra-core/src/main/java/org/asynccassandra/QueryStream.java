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
 * The rows of one query: a {@link RowStream} that can say exactly where its consumer is, as a
 * {@link ResumeToken} that a later stream of the same statement resumes from
 * ({@link StreamConfig.Builder#resumeFrom}). Returned by {@link AsyncSession#executeStream}.
 *
 * <p>Thread-safe, like every {@link RowStream}.
 */
public interface QueryStream extends RowStream {
  /**
   * The exact place of the next row that the consumer has not received yet, as a token to resume from
   * later (see {@link StreamConfig.Builder#resumeFrom}). Pages read ahead do not move it. A row counts as
   * received once it was handed to user code (a consumer, {@code next()}, {@code onNext}); a page, once
   * it was handed over whole. After close, no further row is handed over, so the token stays exact.
   * Callable from any thread, during or after consumption, after close too; never blocks.
   *
   * @return the token of the next row not yet received, never null: before the first row, the place the
   *     stream started from; after the last row of the result, a token that {@link ResumeToken#isEnd()
   *     is at the end}
   * @throws IllegalStateException when the driver's paging state of that place is longer than a token holds
   *     (256 KiB: the last row's partition key and clustering values are that large); the stream is not
   *     affected
   */
  ResumeToken position();
}
