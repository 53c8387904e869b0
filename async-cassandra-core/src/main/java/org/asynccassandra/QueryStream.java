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
   */
  ResumeToken position();
}
