package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.function.Consumer;
import org.asynccassandra.Page;
import org.asynccassandra.PageListener;

/**
 * The sink of {@code forEach} and {@code forEachPage}: runs the consumer over each page on the stream's
 * executor, then asks for the next page. The row loop checks for an abort between rows, so that close()
 * stops it within one row.
 */
final class ConsumerSink implements PageSink {
  private final PageEngine engine;
  private final PageListener listener;
  private final Consumer<? super Row> rowConsumer; // null for forEachPage
  private final Consumer<? super Page> pageConsumer; // null for forEach
  private final StreamFuture<Void> result;

  private ConsumerSink(PageEngine engine, PageListener listener, Consumer<? super Row> rowConsumer,
      Consumer<? super Page> pageConsumer, StreamFuture<Void> result) {
    this.engine = engine;
    this.listener = listener;
    this.rowConsumer = rowConsumer;
    this.pageConsumer = pageConsumer;
    this.result = result;
  }

  static ConsumerSink forRows(PageEngine engine, PageListener listener, Consumer<? super Row> consumer,
      StreamFuture<Void> result) {
    return new ConsumerSink(engine, listener, consumer, null, result);
  }

  static ConsumerSink forPages(PageEngine engine, PageListener listener, Consumer<? super Page> consumer,
      StreamFuture<Void> result) {
    return new ConsumerSink(engine, listener, null, consumer, result);
  }

  @Override
  public void onPage(DefaultPage page) {
    if (result.isDone()) {
      return;
    }
    try {
      if (listener != null) {
        listener.onPage(page.event());
      }
      Position position = engine.position();
      position.enter(page);
      if (pageConsumer != null) {
        position.received(page, page.size());
        pageConsumer.accept(page);
        engine.addDelivered(page.size());
      } else {
        deliverRows(page, position);
      }
    } catch (Throwable error) {
      // User code threw: the stage fails with that very exception, and the stream is closed.
      result.completeExceptionally(error);
      engine.abort(error, true);
      return;
    }
    engine.request();
  }

  private void deliverRows(DefaultPage page, Position position) {
    List<Row> rows = page.rows();
    int delivered = 0;
    try {
      for (int i = 0, n = rows.size(); i < n && !engine.isAborted(); i++) {
        delivered++;
        position.received(page, delivered);
        rowConsumer.accept(rows.get(i));
      }
    } finally {
      engine.addDelivered(delivered);
    }
  }

  @Override
  public void onComplete() {
    result.complete(null);
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }
}
