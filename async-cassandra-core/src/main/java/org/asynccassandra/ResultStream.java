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

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Values fetched page by page as they are needed, with the next page read ahead while the current one is
 * consumed: the rows of one query ({@link QueryStream}, which can also say where it is as a
 * {@link ResumeToken}) or of a whole table ({@link TableScan}, which says where it is as a
 * {@link ScanCheckpoint}), or those rows mapped to the user's type ({@link RowStream#map}).
 *
 * <p><b>One use, one style.</b> A stream is consumed once, in one of these styles; starting a second
 * style, or the same style twice, throws {@link IllegalStateException}:
 * <ul>
 *   <li>{@link #forEach}, {@link #forEachAsync}, {@link #forEachPage}: push, with a stage that completes
 *       after the last row;
 *   <li>{@link #nextPage()}: pull one page at a time;
 *   <li>{@link #rows()}, {@link #pages()}: a {@link Flow.Publisher} for one subscriber;
 *   <li>{@link #iterator()}, {@link #blocking()}: blocking iteration, for plain or virtual threads.
 * </ul>
 * It is deliberately not {@link Iterable}: its {@code forEach} is asynchronous. Use {@link #blocking()} in
 * a for-each loop.
 *
 * <p><b>Fetching.</b> Nothing is fetched until consumption starts. When page N reaches the consumer, page
 * N+1 is requested at once, up to {@link StreamConfig#prefetchPages()} pages beyond the one being consumed
 * and never more; at most one request is in flight, since paging is sequential. Rows arrive in server
 * order, each once; completion comes only after the last row was delivered.
 *
 * <p><b>Threads.</b> User code (consumers, listeners, subscribers, and dependents of the stages this
 * stream returns) runs on the stream's executor ({@link StreamConfig#executor()}, by default the
 * session's callback executor), hopping once per page, never once per row ({@link #forEachAsync} also
 * once for each action whose stage completes later, to resume its loop), and never on a driver I/O thread
 * unless the user chose a direct executor. The consumer's calls for one stream never overlap one
 * another, and neither do its listeners' calls ({@link StreamListener}); on an executor of several threads
 * a listener's {@code onRetry} or end event may run while the consumer runs. The blocking styles
 * run on the calling thread and throw {@link IllegalStateException} on a driver I/O thread.
 *
 * <p><b>Errors.</b> A failed page surfaces as a {@link PageFetchException} after every row of the earlier
 * pages was delivered; a timeout as a {@link StreamTimeoutException}. An exception thrown by user code
 * closes the stream and fails the returned stage with that same exception. When the stream had already
 * ended by then (closed from another thread, timed out, its stage completed from outside) and nothing can
 * carry that exception any more, it is logged at WARN rather than lost.
 *
 * <p><b>The stages it returns.</b> The stages of the push styles and of {@link #nextPage()} belong to the
 * stream: completing, failing, cancelling or timing one out from outside ({@code complete},
 * {@code cancel}, {@code orTimeout} on it or on its {@code toCompletableFuture()}) closes the stream at
 * once, and no page is lost to it: a page is handed over only into a stage that nobody else completed.
 * Dependents registered before the stream completes a stage run on the stream's executor, on the close
 * and failure paths too (a fallback pool runs them when that executor was shut down); a direct executor
 * runs them on whichever thread ends the stream.
 *
 * <p><b>Closing.</b> {@link #close()} is idempotent, never blocks on the network or on user code, and may
 * be called from any thread. It stops the consumer at the next row (no row is handed over after it),
 * cancels the in-flight request, drops buffered pages and fails pending stages with {@link
 * StreamClosedException} on the stream's executor (or, when the stream had already failed, with a timeout
 * say, and its end had not reached a stage yet, with that failure, the one its listeners heard). Nothing is
 * sent after it returns: when another thread
 * is handing a request to the driver at that moment, it waits for that hand-over (the time the driver
 * takes to queue a request) and the request is cancelled before it returns. A close on a driver thread
 * never waits for another thread (that thread may wait for a driver lock this one holds): such a request
 * may reach the driver after the close returns, and is cancelled right after. A stream that ran to its end or failed needs no close, but closing it is
 * harmless; use try-with-resources. A stream that becomes unreachable while still open is reported once at
 * WARN, with the place where it was created, and then cleaned up.
 *
 * <p><b>Mapped streams.</b> A stream of another type than {@link com.datastax.oss.driver.api.core.cql.Row}
 * maps each row with a {@link RowMapper} where it is delivered: on the stream's executor, or on the
 * consumer's thread for {@link #iterator()}. Every promise above holds for it; a mapper that throws fails
 * the stream with that exception, after every earlier value (in the page styles, after every earlier page:
 * see {@link RowMapper}).
 *
 * <p>The methods of this interface are thread-safe.
 *
 * @param <T> the type of the values: {@link com.datastax.oss.driver.api.core.cql.Row} for a {@link RowStream}
 */
public interface ResultStream<T> extends AutoCloseable {

  /**
   * Delivers every row to {@code consumer}, in order, on the stream's executor.
   *
   * @param consumer called once per value, one call at a time; it should not block (it holds one of the
   *     executor's threads); an exception it throws closes the stream
   * @return a stage that completes after the consumer returned from the last row, or exceptionally with the
   *     stream's failure or the consumer's exception. Cancelling its future closes the stream.
   * @throws IllegalStateException when the stream is already consumed (in any style), or it is a row
   *     stream that was {@link RowStream#map mapped}
   * @throws NullPointerException if {@code consumer} is null
   */
  CompletionStage<Void> forEach(Consumer<? super T> consumer);

  /**
   * Delivers every row to {@code action} and waits for the stage it returns before the next row: the
   * stream is backpressured by the action. Stages that are already complete do not grow the stack.
   *
   * @param action called once per value on the stream's executor, the next call only after the stage it
   *     returned completed; it must not return null
   * @return a stage that completes after the last row's stage completed, or exceptionally with the first
   *     failure (of the stream, of an action, or of a stage an action returned)
   * @throws IllegalStateException when the stream is already consumed (in any style), or it is a row
   *     stream that was {@link RowStream#map mapped}
   * @throws NullPointerException if {@code action} is null
   */
  CompletionStage<Void> forEachAsync(Function<? super T, ? extends CompletionStage<?>> action);

  /**
   * Delivers every page to {@code consumer}, in order, on the stream's executor.
   *
   * @param consumer called once per page, one call at a time, with a page that is its own from then on;
   *     an exception it throws closes the stream
   * @return a stage that completes after the consumer returned from the last page, or exceptionally with
   *     the stream's failure or the consumer's exception. Cancelling its future closes the stream.
   * @throws IllegalStateException when the stream is already consumed (in any style), or it is a row
   *     stream that was {@link RowStream#map mapped}
   * @throws NullPointerException if {@code consumer} is null
   */
  CompletionStage<Void> forEachPage(Consumer<? super Page<T>> consumer);

  /**
   * Pulls the next page. The stage completes on the stream's executor with the page, or with empty once
   * the stream has ended (and so on every later call). Only one call may be pending at a time; calling
   * again before it completed throws {@link IllegalStateException}. Read-ahead runs between calls.
   *
   * @return a stage that completes on the stream's executor with the next page, or with empty once the
   *     stream has ended; or exceptionally with the stream's failure ({@link StreamClosedException} once
   *     closed). Completing or cancelling it from outside closes the stream.
   * @throws IllegalStateException when the previous call's stage is still pending, the stream is already
   *     consumed in another style, or it is a row stream that was {@link RowStream#map mapped}
   */
  CompletionStage<Optional<Page<T>>> nextPage();

  /**
   * The rows as a {@link Flow.Publisher} for a single subscriber, with row-level demand. A second
   * subscriber receives {@code onError(IllegalStateException)}. {@code onSubscribe} (and a second subscriber's
   * {@code onSubscribe} and {@code onError}) come on the thread that calls {@code subscribe}; every other signal
   * comes on the stream's executor; cancelling the subscription closes the stream without a signal, and so
   * does a subscriber that throws from {@code onSubscribe} (its subscription counts as cancelled, and what it
   * threw is logged). Once the last page's rows went out, {@code onComplete} follows without further demand.
   * When a result's last page is full, Cassandra says more may follow, and answers one more, empty, page: with
   * read-ahead ({@code prefetchPages} of 1 or more) that page is fetched anyway and {@code onComplete} still
   * follows without demand; with {@code prefetchPages(0)} it is fetched on the next {@code request}.
   *
   * @return the publisher; nothing is fetched until its subscriber requests
   * @throws IllegalStateException when the stream is already consumed (in any style), or it is a row
   *     stream that was {@link RowStream#map mapped}
   */
  Flow.Publisher<T> rows();

  /**
   * The pages as a {@link Flow.Publisher} for a single subscriber, with page-level demand. As for
   * {@link #rows()}: a second subscriber receives {@code onError(IllegalStateException)}, {@code onSubscribe}
   * comes on the subscribing thread and the other signals on the stream's executor, and cancelling the
   * subscription closes the stream.
   *
   * @return the publisher; each {@code request(1)} lets one page through
   * @throws IllegalStateException when the stream is already consumed (in any style), or it is a row
   *     stream that was {@link RowStream#map mapped}
   */
  Flow.Publisher<Page<T>> pages();

  /**
   * A blocking iterator over the rows. {@code hasNext()} blocks while the next page is fetched; it works
   * on virtual threads without pinning a carrier. Interrupting a thread blocked in it closes the stream
   * and throws {@link StreamClosedException} with the interrupt flag set again.
   *
   * @return an iterator for the calling thread (not thread-safe); its {@code hasNext()} throws the stream's
   *     failure ({@link PageFetchException}, {@link StreamTimeoutException}, {@link StreamClosedException})
   *     after the rows before it, and so does every later call; on a {@link RowStream#map mapped} stream,
   *     {@code next()} throws what the mapper threw for that row, and every later call throws it too (an
   *     {@link Error} or a checked exception then wrapped in an {@link AsyncCassandraException})
   * @throws IllegalStateException when called on a driver I/O thread, when the stream is already consumed
   *     (in any style), or it is a row stream that was {@link RowStream#map mapped}
   */
  Iterator<T> iterator();

  /**
   * A single-use {@link Iterable} over the rows, for {@code for (Row row : stream.blocking())}. Its
   * iterator is {@link #iterator()}.
   *
   * @return an iterable whose first {@code iterator()} call starts consumption, as {@link #iterator()}
   *     does (throwing what it throws); a second call throws {@link IllegalStateException}
   */
  Iterable<T> blocking();

  /**
   * A snapshot of the stream's counters; may be called at any time from any thread.
   *
   * @return a new, immutable snapshot on each call; never blocks
   */
  StreamStats stats();

  /**
   * The columns of the rows (of a mapped stream: of the rows it maps): known before the first page for a
   * bound statement, otherwise once the first page has arrived; empty until then.
   *
   * @return the column definitions, or empty while they are not known yet
   */
  Optional<ColumnDefinitions> columnDefinitions();

  /**
   * Closes the stream as {@link #close()} does; see the class documentation.
   *
   * @return a stage that completes once the in-flight request was cancelled and buffers were dropped; the
   *     close does that during the call, so the stage is already complete when returned and its dependents
   *     run on the calling thread
   */
  CompletionStage<Void> closeAsync();

  /**
   * Closes the stream without waiting for the network or for user code; nothing is sent after it returns
   * (see the class documentation). Idempotent; callable from any thread, a driver thread included.
   */
  @Override
  void close();

  /**
   * Ends the stream as a failure of its consumer, with {@code cause}: what {@link #close()} does (no row is
   * handed over after it, the request in flight is cancelled, the pages read ahead are dropped, nothing is
   * sent after it returns), except that pending stages fail with {@code cause} and the stream's listeners
   * hear {@link StreamListener#onFailure} with it, not {@link StreamListener#onClose}: in metrics and traces
   * the stream failed, as it does when a {@link #forEach} consumer throws. For consumers outside this
   * interface's styles, such as an adapter whose handler threw. A stream that already ended, failed or was
   * closed keeps the outcome it had; this then does what {@link #close()} does. Callable from any thread, a
   * driver thread included; never waits for the network or for user code.
   *
   * <p>The default implementation, for implementations of this interface outside the library, calls
   * {@link #close()}.
   *
   * @param cause why the consumer failed
   * @throws NullPointerException if {@code cause} is null
   */
  default void closeExceptionally(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    close();
  }
}
