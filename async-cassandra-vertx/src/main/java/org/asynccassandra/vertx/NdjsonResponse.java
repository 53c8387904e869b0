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
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.BiConsumer;
import org.asynccassandra.ResultStream;

/**
 * Sends a stream's rows as an NDJSON HTTP response with end-to-end backpressure: while the client reads
 * slowly, the response's write queue stays full, the {@link CassandraReadStream} is paused, and no further
 * page is requested; when the client goes away, the stream is closed and its request cancelled at once.
 *
 * <p>Plain {@code body.pipeTo(response)} works too, into a response made chunked first: when the client goes
 * away, the writes still queued fail, the pipe drops the stream's handler, and that closes the stream. But a
 * pipe learns of a client that went away only from a failed write, so while a page is on its way with nothing
 * queued (the first page, say) the stream stays open until that page arrives; and a pipe ends the response
 * cleanly when the stream fails, so the client cannot tell a failed export from a complete one. {@link #send}
 * closes the stream from the response's close handler, and answers a failed stream with
 * {@link HttpServerResponse#reset()}, so that the client sees an incomplete response; when the stream fails
 * before anything was sent, the response can still say so itself: with status 500 and no body, or with the
 * answer the caller chose ({@link #send(HttpServerResponse, ResultStream, BiConsumer)}).
 *
 * <p>Call it on the request's context (in the request handler). It sets the response's close and drain
 * handlers, and the headers {@code Content-Type: application/x-ndjson} (unless set) and chunked transfer
 * encoding, and it takes over the stream's handlers. Each page goes out in chunks of at most 16 KiB: with an
 * idle timeout on the server ({@code HttpServerOptions.setIdleTimeout}), a client then counts as idle only
 * when it reads less than 16 KiB in that time, not less than a whole page.
 *
 * <p><b>HTTP/1.0.</b> HTTP/1.0 has no chunked encoding (Vert.x ignores {@code setChunked(true)} for it, as for
 * {@code curl -0} or nginx's default {@code proxy_http_version 1.0}), so the body has no framing: it ends where
 * the connection ends. {@link #send} then adds {@code Connection: close}, and the connection closes after the
 * last row: Vert.x closes it after the end, and when the client asked to keep it alive (Vert.x then answers
 * {@code Connection: keep-alive} whatever the response says), {@link #send} closes it once the last row was
 * written. A failure after the first row closes the connection too, so over HTTP/1.0 an export cut short
 * cannot be told from a complete one by its framing: a client that must know speaks HTTP/1.1 (or HTTP/2),
 * where a failed export ends without the last chunk.
 */
public final class NdjsonResponse {
  /** The media type of newline-delimited JSON. */
  public static final String CONTENT_TYPE = "application/x-ndjson";
  /** The most bytes of one write (one HTTP chunk): a page is written in slices of this size at most. */
  static final int WRITE_SLICE = 16 * 1024;
  /** The answer to a stream that failed before anything was sent, unless the caller chose one: 500, no body. */
  private static final BiConsumer<HttpServerResponse, Throwable> STATUS_500 =
      (response, failure) -> response.setStatusCode(500).putHeader("Content-Length", "0").end();

  private NdjsonResponse() {}

  /**
   * Streams {@code rows} as NDJSON into {@code response} ({@link CassandraReadStream#ndjson}) on the current
   * context. Give the stream {@link CassandraReadStream#executor} of that context as its executor.
   *
   * @param response the response to write; its headers are set unless already sent
   * @param rows the rows to send; closed when the response ends, fails or the client goes away
   * @return a future that completes once the response ended; it fails with the stream's failure (the
   *     response was reset, or answered 500 when nothing was sent yet), or with an {@link HttpClosedException}
   *     when the client went away first
   * @throws IllegalStateException when called outside a Vert.x context ({@code rows} is closed first)
   */
  public static Future<Void> send(HttpServerResponse response, ResultStream<Row> rows) {
    return send(response, rows, STATUS_500);
  }

  /**
   * {@link #send(HttpServerResponse, ResultStream)}, with {@code failureAnswer} answering a stream that fails
   * before anything was sent, instead of status 500 and no body: a 503 with {@code Retry-After} for a node
   * that cannot be reached, say, with a body that says why.
   *
   * @param response the response to write; its headers are set unless already sent
   * @param rows the rows to send; closed when the response ends, fails or the client goes away
   * @param failureAnswer called on the context, at most once, with the response and the stream's failure when
   *     the stream fails before the response's head was written; the response is then as it was before
   *     {@code send} (not chunked, without the headers that {@code send} set), and the answer must end it,
   *     with a status, headers and a body of its choosing. When it throws before the head was written, the
   *     response is answered with status 500 and no body; after, it is reset
   * @return a future that completes once the response ended; it fails with the stream's failure (the
   *     response was reset, or answered by {@code failureAnswer} when nothing was sent yet), or with an
   *     {@link HttpClosedException} when the client went away first
   * @throws IllegalStateException when called outside a Vert.x context ({@code rows} is closed first)
   * @throws NullPointerException when {@code failureAnswer} is null ({@code rows} is closed first)
   */
  public static Future<Void> send(HttpServerResponse response, ResultStream<Row> rows,
      BiConsumer<? super HttpServerResponse, ? super Throwable> failureAnswer) {
    // Either refusal closes rows first: they belong to the response from the call on, and a caller whose call
    // threw (in a stage that drops the exception, say) has no response future to close them with.
    if (failureAnswer == null) {
      rows.close();
      throw new NullPointerException("failureAnswer");
    }
    Context context = Vertx.currentContext();
    if (context == null) {
      rows.close();
      throw new IllegalStateException("NdjsonResponse.send must be called on a Vert.x context (in the request "
          + "handler); the rows were closed");
    }
    return send(response, CassandraReadStream.ndjson(context, rows), failureAnswer);
  }

  /**
   * Sends {@code body}, NDJSON buffers, into {@code response}; see {@link #send(HttpServerResponse, ResultStream)}.
   * Call it on {@code body}'s context.
   *
   * <p>{@code body} belongs to the response from now on: to stop sending, reset the response (which closes
   * {@code body} and fails the future). Closing {@code body} yourself signals nothing ({@link
   * CassandraReadStream#close()}), so the response would neither end nor fail until the client went away.
   *
   * @param response the response to write; {@code Content-Type} and chunked transfer encoding are set unless
   *     its head was already sent (a handler that wrote a prefix, say, must have made it chunked)
   * @param body the NDJSON buffers, for example from {@link CassandraReadStream#ndjson}
   * @return a future that completes once the response ended; it fails with the stream's failure (the
   *     response was reset, or answered 500 when nothing was sent yet), or with an {@link HttpClosedException}
   *     when the client went away first (also
   *     when the response was already closed: {@code body} is then closed at once, unread), or with an
   *     {@link IllegalStateException} when the response had already ended or refused its headers ({@code body}
   *     closed at once, unread)
   */
  public static Future<Void> send(HttpServerResponse response, CassandraReadStream<Buffer> body) {
    return send(response, body, STATUS_500);
  }

  /**
   * {@link #send(HttpServerResponse, CassandraReadStream)}, with {@code failureAnswer} answering a stream that
   * fails before anything was sent, as {@link #send(HttpServerResponse, ResultStream, BiConsumer)} says.
   *
   * @param response the response to write; {@code Content-Type} and chunked transfer encoding are set unless
   *     its head was already sent
   * @param body the NDJSON buffers, for example from {@link CassandraReadStream#ndjson}
   * @param failureAnswer called on the context, at most once, with the response and the stream's failure when
   *     the stream fails before the response's head was written; see
   *     {@link #send(HttpServerResponse, ResultStream, BiConsumer)}
   * @return a future that completes once the response ended; it fails as
   *     {@link #send(HttpServerResponse, CassandraReadStream)} says, the failure answered by
   *     {@code failureAnswer} when nothing was sent yet
   * @throws NullPointerException when {@code failureAnswer} is null ({@code body} is closed first)
   */
  public static Future<Void> send(HttpServerResponse response, CassandraReadStream<Buffer> body,
      BiConsumer<? super HttpServerResponse, ? super Throwable> failureAnswer) {
    if (failureAnswer == null) {
      body.close();
      throw new NullPointerException("failureAnswer");
    }
    Promise<Void> outcome = Promise.promise();
    if (response.closed()) {
      // The client went away before: a close handler set now would never run, and every write would fail.
      body.close();
      outcome.tryFail(new HttpClosedException("The client went away before the response started"));
      return outcome.future();
    }
    if (response.ended()) {
      body.close();
      outcome.tryFail(new IllegalStateException("The response has already ended: no NDJSON can be sent in it"));
      return outcome.future();
    }
    Sending sending = new Sending(response, body, outcome, failureAnswer);
    try {
      sending.prepareHead();
    } catch (RuntimeException refused) { // a response of Vert.x's that refuses its head: closed, never leaked
      body.close();
      outcome.tryFail(refused);
      return outcome.future();
    }
    sending.start();
    return outcome.future();
  }

  /** One response being sent: its handlers and what {@link #send} set on its head. Confined to the context. */
  private static final class Sending {
    private final HttpServerResponse response;
    private final CassandraReadStream<Buffer> body;
    private final Promise<Void> outcome;
    private final BiConsumer<? super HttpServerResponse, ? super Throwable> failureAnswer;
    /** Whether {@link #prepareHead} set the Content-Type: a failure's answer has it taken back. */
    private boolean contentTypeSet;
    /** Whether {@link #prepareHead} set {@code Connection: close} (HTTP/1.0): taken back likewise. */
    private boolean connectionCloseSet;
    /** Neither chunked nor of a known length (HTTP/1.0): the body ends only where the connection does. */
    private boolean unframed;
    /** The last write: once it completed, every byte written before it reached the socket too. */
    private Future<Void> lastWrite = Future.succeededFuture();

    Sending(HttpServerResponse response, CassandraReadStream<Buffer> body, Promise<Void> outcome,
        BiConsumer<? super HttpServerResponse, ? super Throwable> failureAnswer) {
      this.response = response;
      this.body = body;
      this.outcome = outcome;
      this.failureAnswer = failureAnswer;
    }

    void prepareHead() {
      if (!response.headWritten()) {
        if (!response.headers().contains("Content-Type")) {
          response.putHeader("Content-Type", CONTENT_TYPE);
          contentTypeSet = true;
        }
        response.setChunked(true);
        if (!response.isChunked()) {
          // HTTP/1.0: Vert.x ignored setChunked(true). The body ends where the connection does, so say so.
          response.putHeader("Connection", "close");
          connectionCloseSet = true;
        }
      }
      unframed = !response.isChunked() && !response.headers().contains("Content-Length");
    }

    void start() {
      response.closeHandler(ignored -> {
        // The client went away (or the connection closed after the end, when this does nothing).
        body.close();
        outcome.tryFail(new HttpClosedException("The client went away before the response ended"));
      });
      body.exceptionHandler(this::failed);
      body.endHandler(ignored -> ended());
      body.handler(this::write);
    }

    private void write(Buffer lines) {
      // In slices, each its own chunk: a write counts as activity for the server's idle timeout only once it
      // reached the socket whole, so a page in one write would cut off a client reading it slowly but surely.
      // A failed write means a closed connection: the close handler sees to it, and so does this, in case the
      // connection closed between the check in send and the handler's being set.
      for (int from = 0; from < lines.length(); from += WRITE_SLICE) {
        Buffer slice = lines.length() <= WRITE_SLICE ? lines
            : lines.slice(from, Math.min(lines.length(), from + WRITE_SLICE));
        lastWrite = response.write(slice);
        lastWrite.onFailure(failed -> {
          body.close();
          outcome.tryFail(new HttpClosedException("The client went away before the response ended"));
        });
      }
      if (response.writeQueueFull()) {
        body.pause();
        response.drainHandler(drained -> body.resume());
      }
    }

    private void ended() {
      if (unframed && response.headWritten() && !"close".equalsIgnoreCase(response.headers().get("Connection"))) {
        // HTTP/1.0 with keep-alive: Vert.x would keep the connection open, and the body would have no end. It
        // ends where the connection does: closed once the last row reached the socket.
        lastWrite.onSuccess(written -> {
          outcome.tryComplete(); // first: the close handler that the reset runs then finds it settled
          response.reset();
        });
        return;
      }
      try {
        response.end().onComplete(ended -> {
          if (ended.succeeded()) {
            outcome.tryComplete();
          } else {
            outcome.tryFail(ended.cause()); // the close handler may have failed it first
          }
        });
      } catch (RuntimeException refused) { // ended by the application meanwhile, or its headers-end handler threw
        outcome.tryFail(refused);
      }
    }

    private void failed(Throwable failure) {
      try {
        if (!response.closed() && !response.ended()) {
          if (!response.headWritten()) {
            answer(failure); // nothing sent yet: a status the client can read, not a connection closed without one
          } else {
            // First: on HTTP/2 the reset runs the close handler at once, which would settle the future as the
            // client's leaving and lose this failure.
            outcome.tryFail(failure);
            response.reset(); // an incomplete response, not a clean end after the rows sent so far
          }
        }
      } catch (RuntimeException refused) { // a headers-end handler of the application's that threw, say
        // Vert.x marked the response written before it ran the handler: it can neither be sent nor reset,
        // and the client waits for its own timeout. The future fails all the same.
        failure.addSuppressed(refused);
        outcome.tryFail(failure); // before the reset, as above
        response.reset();
      } finally {
        outcome.tryFail(failure);
      }
    }

    /** Answers a failure before the head: the response as it was before send, then the caller's answer. */
    private void answer(Throwable failure) {
      response.setChunked(false);
      if (contentTypeSet) {
        response.headers().remove("Content-Type");
      }
      if (connectionCloseSet) {
        response.headers().remove("Connection");
      }
      try {
        failureAnswer.accept(response, failure);
      } catch (RuntimeException thrown) {
        if (failureAnswer == STATUS_500 || response.headWritten() || response.ended()) {
          throw thrown; // failed() resets the response
        }
        failure.addSuppressed(thrown);
        STATUS_500.accept(response, failure);
      }
    }
  }
}
