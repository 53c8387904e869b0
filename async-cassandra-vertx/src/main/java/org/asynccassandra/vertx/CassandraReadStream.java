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
package org.asynccassandra.vertx;

import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.asynccassandra.Page;
import org.asynccassandra.ResultStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ResultStream} as a Vert.x {@link ReadStream}: the rows (or values, or one item per page) of a
 * query, delivered on one Vert.x {@link Context} with the demand of {@link #pause()}, {@link #resume()} and
 * {@link #fetch(long)}.
 *
 * <pre>{@code
 * QueryStream rows = session.executeStream(statement, StreamConfig.builder()
 *     .executor(CassandraReadStream.executor(context))   // the stream's callbacks on the event loop
 *     .build());
 * NdjsonResponse.send(response, rows);   // headers, backpressure, a client that goes away, a failed stream
 * }</pre>
 *
 * <p>Or through a {@link io.vertx.core.streams.Pipe}, with what {@link NdjsonResponse#send} does by hand: the
 * response must be chunked before the first write (a write into a response that is neither chunked nor of a
 * known length throws, and the pipe then ends the response: an empty {@code 200}), and a failed stream must
 * reset the response rather than end it (a pipe ends it cleanly by default, so the client could not tell a
 * failed export from a complete one):
 *
 * <pre>{@code
 * response.setChunked(true).putHeader("Content-Type", NdjsonResponse.CONTENT_TYPE);
 * CassandraReadStream.ndjson(context, rows).pipe().endOnFailure(false).to(response)
 *     .onFailure(failure -> response.reset());
 * }</pre>
 *
 * <p><b>Demand and read-ahead.</b> Nothing is fetched until a handler is set. The adapter pulls one page at a
 * time with {@link ResultStream#nextPage()}, and only while there is demand: it holds the page it is handing
 * out, and the stream itself reads ahead at most {@link StreamConfig#prefetchPages()} pages behind it. While
 * paused it asks for no page, so a paused stream holds at most {@code 1 + prefetchPages} pages, whatever the
 * size of the result. As in every Vert.x stream, a new stream is flowing: setting a handler starts delivery
 * unless {@link #pause()} was called first.
 *
 * <p><b>Threads.</b> Every handler (items, end, exception) runs on the context, one at a time: on an event
 * loop context, on its event loop thread. Pages that the stream delivers on another thread are handed over
 * to the context once per page, never once per row. Give the stream {@link #executor(Context)} as its
 * executor so that its own callbacks and its {@link org.asynccassandra.RowMapper} run on the context too, and
 * nothing of the user's runs on the session's callback threads. The methods may be called from any thread;
 * calls made outside the context take effect on the context, in order.
 *
 * <p><b>The end.</b> The end handler runs once, after the last item was handed out: even while paused when the
 * page of that item said it was the last, else once there is demand for the next page (a result whose rows
 * fill their last page exactly ends on an empty page, asked for like any other); the
 * exception handler runs once, instead of the end, when a page fails ({@link org.asynccassandra.PageFetchException}
 * and the like, after every earlier item), when the item handler throws (with that exception), or when the
 * page-to-items function throws. Either way the stream is closed, and nothing is signalled after it; a
 * handler's or the function's exception ends it with {@link ResultStream#closeExceptionally}, so that its
 * listeners (metrics, traces) hear it failed with that exception, not closed. An end or a failure that
 * comes within the call that sets the item handler (a stream whose pages were there already, or that was
 * consumed in another style), before an end or exception handler was set, is signalled in a task of its own
 * on the context: the handlers set right after that call hear it, as Vert.x's {@code collect} sets them.
 *
 * <p><b>Cancel.</b> {@link #close()}, or setting a {@code null} item handler while the stream is open (what a
 * {@link io.vertx.core.streams.Pipe} does when its destination fails), closes the stream without a signal: the
 * request in flight is cancelled and the pages read ahead are dropped. An end or a failure that came before the
 * close, and waits for its own task as said above, is still signalled. The stream also keeps no handler after
 * it ended, failed or was closed.
 *
 * @param <T> the items: rows, mapped values, or one item per page ({@link #ofPages})
 */
public interface CassandraReadStream<T> extends ReadStream<T> {

  /**
   * The values of {@code stream}, one item each, delivered on {@code context}. The adapter consumes the
   * stream with {@link ResultStream#nextPage()}: a stream already consumed in another style fails it, with the
   * stream's {@link IllegalStateException}, when the first page is pulled.
   *
   * @param <T> the stream's values
   * @param context the context that runs every handler (an event loop's, typically the request's)
   * @param stream the stream to read; the returned stream owns it and closes it
   * @return the read stream; nothing is fetched until a handler is set
   */
  static <T> CassandraReadStream<T> of(Context context, ResultStream<T> stream) {
    return new DefaultCassandraReadStream<T, T>(context, stream, Page::rows);
  }

  /**
   * {@link #of(Context, ResultStream)} on the caller's context: {@code vertx.getOrCreateContext()}.
   *
   * @param <T> the stream's values
   * @param vertx the Vert.x instance whose current (or a new) context runs the handlers
   * @param stream the stream to read; the returned stream owns it and closes it
   * @return the read stream
   */
  static <T> CassandraReadStream<T> of(Vertx vertx, ResultStream<T> stream) {
    return of(vertx.getOrCreateContext(), stream);
  }

  /**
   * One item per page of {@code stream}: {@code pageMapper}'s result, made on {@code context} when the page
   * arrives. Demand counts pages. A {@code null} result skips the page (no item, no demand spent).
   *
   * @param <T> the stream's values
   * @param <R> the items, one per page
   * @param context the context that runs every handler (an event loop's, typically the request's)
   * @param stream the stream to read; the returned stream owns it and closes it
   * @param pageMapper called on {@code context} once per page; an exception it throws fails the read stream
   *     into its exception handler and closes it
   * @return the read stream
   */
  static <T, R> CassandraReadStream<R> ofPages(Context context, ResultStream<T> stream,
      Function<? super Page<T>, ? extends @Nullable R> pageMapper) {
    Objects.requireNonNull(pageMapper, "pageMapper");
    return new DefaultCassandraReadStream<T, R>(context, stream, page -> {
      R item = pageMapper.apply(page);
      return item == null ? List.of() : List.of(item);
    });
  }

  /**
   * The rows of {@code stream} as NDJSON, one {@link Buffer} per page (no buffer for an empty page): one JSON
   * object per row and line, every column's value mapped by its CQL type as the values module's
   * {@link org.asynccassandra.values.RowWriter#ndjson RowWriter} does ({@code docs/values.md}). Ready for
   * {@link NdjsonResponse#send}, which also sets the headers, handles a client that goes away and answers a
   * failed stream; or for a pipe into a response made chunked first (see the class documentation).
   *
   * @param context the context that runs every handler (an event loop's, typically the request's)
   * @param stream the rows to write; the returned stream owns it and closes it
   * @return the read stream of NDJSON buffers
   */
  static CassandraReadStream<Buffer> ndjson(Context context, ResultStream<Row> stream) {
    return ofPages(context, stream, new NdjsonPages());
  }

  /**
   * An executor that runs each task on {@code context} ({@code context.runOnContext}), for
   * {@link StreamConfig.Builder#executor}: the stream's callbacks, its mapper and the completions of its
   * stages then run on the context, an event loop thread for an event loop context.
   *
   * @param context the context to run the tasks on
   * @return an executor that never runs a task on the calling thread directly
   */
  static Executor executor(Context context) {
    Objects.requireNonNull(context, "context");
    return task -> context.runOnContext(ignored -> task.run());
  }

  /**
   * The context on which the handlers run.
   *
   * @return the context given at creation
   */
  Context context();

  /**
   * The counters of the underlying stream; callable from any thread.
   *
   * @return a snapshot of the counters (pages fetched and buffered, rows, bytes)
   */
  StreamStats stats();

  /**
   * The items handed to the item handler so far; callable from any thread.
   *
   * @return the number of items delivered
   */
  long delivered();

  /**
   * Closes the stream without a signal (see the class documentation); idempotent, callable from any thread.
   *
   * @return a future that completes, on the context, once the underlying stream cancelled its request and
   *     dropped its pages
   */
  Future<Void> close();

  @Override
  CassandraReadStream<T> exceptionHandler(@Nullable Handler<Throwable> handler);

  /** Sets the item handler: starts delivery when flowing; {@code null} closes an open stream. */
  @Override
  CassandraReadStream<T> handler(@Nullable Handler<T> handler);

  /** Stops delivery and the pulling of pages until {@link #resume()} or {@link #fetch(long)}. */
  @Override
  CassandraReadStream<T> pause();

  @Override
  CassandraReadStream<T> resume();

  /**
   * Adds {@code amount} items to the demand (saturating at {@link Long#MAX_VALUE}, which is flowing).
   *
   * @throws IllegalArgumentException when {@code amount} is negative
   */
  @Override
  CassandraReadStream<T> fetch(long amount);

  @Override
  CassandraReadStream<T> endHandler(@Nullable Handler<Void> endHandler);
}
