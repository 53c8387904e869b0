package org.asynccassandra;

/**
 * Receives one {@link PageEvent} for each page of a stream, set with
 * {@link StreamConfig.Builder#pageListener(PageListener)}.
 *
 * <p><b>Thread:</b> called on the thread that delivers the page to the consumer, just before the consumer
 * sees it: the stream's executor for the asynchronous styles, the consuming thread for
 * {@link RowStream#iterator()}. Calls for one stream never overlap and come in page order. A listener that
 * throws fails the stream like a throwing consumer.
 */
@FunctionalInterface
public interface PageListener {
  void onPage(PageEvent event);
}
