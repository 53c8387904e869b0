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

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Hears the life of streams and scans: start, each page, each retry, and exactly one end (completed,
 * failed, closed, or leaked). Set for one stream with {@link StreamConfig.Builder#listener}, or for every
 * stream of a session with {@link AsyncSession#addListener}; metrics and tracing stand on it.
 *
 * <p><b>Threads.</b> {@link #onStart} runs on the thread that starts consumption; {@link #onPage} on the
 * thread that delivers the page, just before the consumer sees it (the stream's executor, or the consuming
 * thread for an iterator); {@link #onRetry} and the end events on the stream's executor (a fallback pool
 * when it rejects them), {@link #onLeak} included, once the leak detector's thread closed the stream. None
 * runs on a driver I/O thread unless the user chose a direct executor. Calls for one stream never overlap,
 * whatever the executor's threads: a retry or end event waits until the running {@code onPage} returns.
 * They come in the order things happened, the end event after every retry, except that when another thread
 * ends the stream (a {@code close()}, a cancelled stage) just as a page reaches the consumer, that page's
 * {@code onPage} may come after the end event.
 *
 * <p><b>Failures.</b> A listener that throws from {@code onStart} or {@code onPage} fails the stream like
 * a throwing consumer; one that throws from a later event is logged at WARN and ignored, since the stream
 * has already ended or its consumer must not be disturbed.
 *
 * <p><b>Cost.</b> A stream without a listener pays nothing: no event is built.
 *
 * <p><b>Context.</b> {@link #executor} lets an instrumentation wrap the stream's callbacks when the
 * stream is created, on the creating thread, so that the caller's context (an OpenTelemetry span, an MDC)
 * flows into every consumer, listener and dependent stage of that stream.
 */
public interface StreamListener {
  /**
   * A stream's consumption started, in the given style ({@code "forEach()"}, {@code "rows()"}, ...). Runs
   * on the thread that starts consumption; throwing fails the stream. Not called for a stream whose end event
   * came already (closed before it was consumed): its consumption fails at once, and nothing follows the end.
   *
   * @param stream the stream, the same instance for every event of it
   * @param style the consumption style, as the method's name with parentheses: {@code "forEach()"},
   *     {@code "forEachAsync()"}, {@code "forEachPage()"}, {@code "nextPage()"}, {@code "rows()"},
   *     {@code "pages()"} or {@code "iterator()"} (also for {@code blocking()})
   */
  default void onStart(StreamInfo stream, String style) {}

  /**
   * A page is about to reach the consumer. Runs on the thread that delivers it; throwing fails the stream.
   *
   * @param stream the stream, the same instance for every event of it
   * @param page what the page is and how it was fetched
   */
  default void onPage(StreamInfo stream, PageEvent page) {}

  /**
   * A page request failed and will be asked again. Runs on the stream's executor.
   *
   * @param stream the stream, the same instance for every event of it
   * @param pageNumber the page of the stream (for a scan: of its range) that failed
   * @param attempt the retry about to be made, from 1
   * @param error why the request failed: the driver's exception, or a {@link StreamTimeoutException}
   */
  default void onRetry(StreamInfo stream, int pageNumber, int attempt, Throwable error) {}

  /**
   * The stream ended: every row was delivered. One of the four end events; runs on the stream's executor.
   *
   * @param stream the stream, the same instance for every event of it
   * @param stats the stream's counters at its end
   */
  default void onComplete(StreamInfo stream, StreamStats stats) {}

  /**
   * The stream failed with {@code error}: a page that could not be read, a timeout, or user code that threw.
   * One of the four end events; runs on the stream's executor. A stream that could not be built (a listener's
   * {@link #executor} threw or returned null) fails with that error on the creating thread, with zero counters,
   * told to the listeners whose {@code executor} was called for it, and no other event.
   *
   * @param stream the stream, the same instance for every event of it
   * @param error the failure the stream's consumer receives: a {@link PageFetchException}, a
   *     {@link StreamTimeoutException}, or the exception that user code threw
   * @param stats the stream's counters at its end
   */
  default void onFailure(StreamInfo stream, Throwable error, StreamStats stats) {}

  /**
   * The stream was closed before its end: by {@code close()}, a cancelled subscription or stage, its session.
   * One of the four end events; runs on the stream's executor.
   *
   * @param stream the stream, the same instance for every event of it
   * @param stats the stream's counters when it was closed
   */
  default void onClose(StreamInfo stream, StreamStats stats) {}

  /**
   * The stream became unreachable while open, and was closed; {@code createdAt} shows where it was made,
   * when the stream recorded it. One of the four end events; runs on the stream's executor, as the others
   * (with a direct executor, on the leak detector's thread).
   *
   * <p>Recording a stack costs about 2 µs and up to a few KiB for as long as the stream is open, so by default
   * one stream in 64, chosen at random, records it: every leak is still reported, and one in a code path that
   * runs often shows its stack within a few reports. The system property {@code asynccassandra.leakSites}
   * chooses, read once when the first stream is made: {@code sampled} (the default), {@code all} or
   * {@code none}.
   *
   * @param stream the stream, the same instance for every event of it
   * @param createdAt a throwable made when the stream was created, whose stack trace is the creation site,
   *     or, for a stream that recorded none, a throwable without a stack whose message says so; it was not
   *     thrown
   * @param stats the stream's counters when the leak was found
   */
  default void onLeak(StreamInfo stream, Throwable createdAt, StreamStats stats) {}

  /**
   * The executor the stream runs its callbacks on, given the one it would use: called once, on the thread
   * that creates the stream. Returning a wrapper that carries the creating thread's context into each task
   * makes that context current in every callback of the stream. The default returns it unchanged.
   *
   * @param stream the stream being created; its counters are all zero
   * @param executor the executor the stream would use: its config's, or the session's callback executor,
   *     or the one an earlier listener returned
   * @return the executor to use instead, or {@code executor} itself; not null, and it must run every task
   *     it accepts. Throwing (or returning null) fails the stream's creation with that error: this listener and
   *     those before it hear {@link #onFailure}, so that none keeps the stream.
   */
  default Executor executor(StreamInfo stream, Executor executor) {
    return executor;
  }

  /**
   * A listener that hears only pages, for the simple case.
   *
   * @param pages called with each page's event, where {@link #onPage} runs
   * @return a listener whose other methods do nothing
   * @throws NullPointerException if {@code pages} is null
   */
  static StreamListener onPages(Consumer<? super PageEvent> pages) {
    java.util.Objects.requireNonNull(pages, "pages");
    return new StreamListener() {
      @Override
      public void onPage(StreamInfo stream, PageEvent page) {
        pages.accept(page);
      }
    };
  }
}
