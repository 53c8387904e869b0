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
package org.asynccassandra.examples.spring;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NodeUnavailableException;
import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamTimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The answer to a request that Cassandra failed, the same on both stacks: each stack's
 * {@code CassandraErrorAdvice} answers with it while the response has not started, and leaves a failure after the
 * {@code 200} to the server, which closes the connection without the body's end.
 *
 * <table>
 *   <caption>Failures and answers</caption>
 *   <tr><th>failure, or the cause of the {@link PageFetchException}</th><th>status</th><th>reason</th></tr>
 *   <tr><td>no node could be asked ({@link AllNodesFailedException}, {@code NoNodeAvailableException},
 *       {@link NodeUnavailableException}), the replicas are unavailable or overloaded
 *       ({@link UnavailableException}, {@link OverloadedException}), a node is bootstrapping, a connection was
 *       lost or busy: what the library retries, other than timeouts</td>
 *       <td>{@code 503}, {@code Retry-After: 5}</td><td>{@code UNAVAILABLE}</td></tr>
 *   <tr><td>a timeout: the driver's request timeout ({@link DriverTimeoutException}), a replica's
 *       ({@link ReadTimeoutException}, {@link WriteTimeoutException}), the stream's own
 *       ({@link StreamTimeoutException})</td><td>{@code 504}</td><td>{@code TIMEOUT}</td></tr>
 *   <tr><td>the table is not in the keyspace's schema ({@link TableNotFoundException})</td><td>{@code 404}</td>
 *       <td>{@code TABLE_NOT_FOUND}</td></tr>
 *   <tr><td>any other failure of the driver or the library: an invalid query, a server error</td>
 *       <td>{@code 500}</td><td>{@code CASSANDRA_ERROR}</td></tr>
 * </table>
 *
 * <p>The body is {@code {"error": "...", "reason": "..."}}, the shape of {@link BadRequestAdvice}'s answers. The
 * error is the message of the exception the stream failed with: a {@link PageFetchException}'s names the query,
 * the page, the rows delivered before it and the driver's exception (after the retries of
 * {@code async-cassandra.retries}). A 503 or 504 is logged in one line at WARN, a 500 with its stack trace at
 * ERROR, a 404 not at all.
 *
 * @param reason what went wrong, which gives the status
 * @param message what the body's {@code error} says
 */
public record CassandraErrorResponse(Reason reason, String message) {
  /**
   * Seconds a client is asked to wait after a 503: the driver tries to reconnect to a lost node after 1 s, then
   * 2 s, 4 s; 5 s leaves time for a few tries, and an overloaded replica for some relief.
   */
  public static final String RETRY_AFTER_SECONDS = "5";
  /** How deep the cause chain is searched, against a chain that loops. */
  private static final int MAX_CAUSES = 16;
  private static final Logger LOG = LoggerFactory.getLogger(CassandraErrorResponse.class);

  /** What went wrong, as the body's {@code reason} says it, and its status. */
  public enum Reason {
    /** Cassandra cannot serve the request now, and may soon: try again later. */
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
    /** Cassandra did not answer in time. */
    TIMEOUT(HttpStatus.GATEWAY_TIMEOUT),
    /** The table is not in the keyspace. */
    TABLE_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** Any other failure of the driver or the library. */
    CASSANDRA_ERROR(HttpStatus.INTERNAL_SERVER_ERROR);

    private final HttpStatus status;

    Reason(HttpStatus status) {
      this.status = status;
    }

    /** The HTTP status of the answer. */
    public HttpStatus status() {
      return status;
    }
  }

  /**
   * The answer to {@code failure}: its reason is that of the first exception in its cause chain that has one
   * (a {@link PageFetchException} has none of its own, so its cause decides), {@link Reason#CASSANDRA_ERROR}
   * when none has; its message is {@code failure}'s, inside any {@link CompletionException} or
   * {@link ExecutionException}.
   */
  public static CassandraErrorResponse of(Throwable failure) {
    Throwable shown = failure;
    while ((shown instanceof CompletionException || shown instanceof ExecutionException) && shown.getCause() != null) {
      shown = shown.getCause();
    }
    @Nullable String message = shown.getMessage();
    return new CassandraErrorResponse(reason(shown), message == null ? shown.getClass().getName() : message);
  }

  /** {@link #of} as a response, logged as the class comment says. Runs on the caller's thread; never blocks. */
  public static ResponseEntity<Map<String, Object>> answer(Throwable failure) {
    CassandraErrorResponse response = of(failure);
    switch (response.reason) {
      case UNAVAILABLE, TIMEOUT -> LOG.warn("Answered {}: {}", response.reason.status(), response.message);
      case CASSANDRA_ERROR -> LOG.error("Answered {}", response.reason.status(), failure);
      case TABLE_NOT_FOUND -> { } // the client's mistake, said in the answer
    }
    return response.toResponseEntity();
  }

  /** The status, {@code Retry-After} for a 503, and the JSON body. */
  public ResponseEntity<Map<String, Object>> toResponseEntity() {
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(reason.status()).contentType(MediaType.APPLICATION_JSON);
    if (reason == Reason.UNAVAILABLE) {
      answer.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("reason", reason.name());
    return answer.body(body);
  }

  private static Reason reason(Throwable failure) {
    @Nullable Throwable cause = failure;
    for (int depth = 0; cause != null && depth < MAX_CAUSES; cause = cause.getCause(), depth++) {
      if (cause instanceof TableNotFoundException) {
        return Reason.TABLE_NOT_FOUND;
      }
      if (cause instanceof DriverTimeoutException || cause instanceof ReadTimeoutException
          || cause instanceof WriteTimeoutException || cause instanceof StreamTimeoutException) {
        return Reason.TIMEOUT;
      }
      if (cause instanceof AllNodesFailedException || cause instanceof NodeUnavailableException
          || cause instanceof UnavailableException || cause instanceof OverloadedException
          || cause instanceof BootstrappingException || cause instanceof ClosedConnectionException
          || cause instanceof HeartbeatException || cause instanceof BusyConnectionException
          || cause instanceof RequestThrottlingException) { // the driver's throttler shed the request: load
        return Reason.UNAVAILABLE;
      }
    }
    return Reason.CASSANDRA_ERROR;
  }
}
