package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.asynccassandra.Page;
import org.asynccassandra.PageListener;
import org.jspecify.annotations.Nullable;

/**
 * The sink of {@code forEach} and {@code forEachPage}: runs the consumer over each page on the stream's
 * executor, then asks for the next page. Each row (or page) is handed over only after the position took
 * it, so that close() stops the loop at the next row and no row is handed over uncounted.
 */
final class ConsumerSink implements PageSink {
  private final PageEngine engine;
  private final @Nullable PageListener listener;
  private final @Nullable Consumer<? super Row> rowConsumer; // null for forEachPage
  private final @Nullable Consumer<? super Page> pageConsumer; // null for forEach
  private final StreamFuture<Void> result;

  private ConsumerSink(PageEngine engine, @Nullable PageListener listener,
      @Nullable Consumer<? super Row> rowConsumer, @Nullable Consumer<? super Page> pageConsumer,
      StreamFuture<Void> result) {
    this.engine = engine;
    this.listener = listener;
    this.rowConsumer = rowConsumer;
    this.pageConsumer = pageConsumer;
    this.result = result;
  }

  static ConsumerSink forRows(PageEngine engine, @Nullable PageListener listener, Consumer<? super Row> consumer,
      StreamFuture<Void> result) {
    return new ConsumerSink(engine, listener, consumer, null, result);
  }

  static ConsumerSink forPages(PageEngine engine, @Nullable PageListener listener,
      Consumer<? super Page> consumer, StreamFuture<Void> result) {
    return new ConsumerSink(engine, listener, null, consumer, result);
  }

  @Override
  public void onPage(DefaultPage page) {
    if (result.isClaimed()) {
      return; // completed from outside: the stream is closing
    }
    try {
      if (listener != null) {
        listener.onPage(page.event());
      }
      Position position = engine.position();
      if (!position.enter(page)) {
        return; // closed meanwhile: the terminal signal follows
      }
      if (pageConsumer != null) {
        if (!position.received(page, page.size())) {
          return;
        }
        engine.addDelivered(page.size());
        pageConsumer.accept(page);
      } else if (!deliverRows(page, position)) {
        return;
      }
    } catch (Throwable error) {
      // User code threw: the stage fails with that very exception, and the stream is closed.
      if (result.reserve()) {
        result.settleExceptionally(error);
      }
      engine.abort(error, true);
      return;
    }
    engine.request();
  }

  /** Hands the page's rows over; false when the stream was closed on the way. */
  private boolean deliverRows(DefaultPage page, Position position) {
    List<Row> rows = page.rows();
    // One of the two consumers is set: forEachPage has the page consumer, forEach this one.
    Consumer<? super Row> consumer = Objects.requireNonNull(rowConsumer, "neither a row nor a page consumer");
    for (int i = 0, n = rows.size(); i < n; i++) {
      if (!position.received(page, i + 1)) {
        return false;
      }
      engine.addDelivered(1);
      consumer.accept(rows.get(i));
    }
    return true;
  }

  @Override
  public void onComplete() {
    if (result.reserve()) {
      result.settle(null);
    }
  }

  @Override
  public void onError(Throwable error) {
    if (result.reserve()) {
      result.settleExceptionally(error);
    }
  }
}
