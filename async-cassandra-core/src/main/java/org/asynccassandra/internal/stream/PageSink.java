package org.asynccassandra.internal.stream;

/**
 * The consumer side of a {@link PageEngine}: one per consumption style. The engine calls it serially
 * (calls never overlap) on the stream's executor, and only after the sink asked for a page with
 * {@link PageEngine#request()}, except for an abort ({@code onError} of a close, a total timeout or a
 * consumer failure), which comes as soon as no other call is running.
 */
interface PageSink {
  /** Delivers one page; the sink calls {@link PageEngine#request()} once it is ready for the next one. */
  void onPage(DefaultPage page);

  /** The stream ended after the last page was consumed. */
  void onComplete();

  /** The stream failed or was closed. */
  void onError(Throwable error);
}
