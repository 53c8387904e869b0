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
package org.asynccassandra.opentelemetry;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.NodeUnavailableException;
import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.AlreadyExistsException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.CASWriteUnknownException;
import com.datastax.oss.driver.api.core.servererrors.CDCWriteFailureException;
import com.datastax.oss.driver.api.core.servererrors.FunctionFailureException;
import com.datastax.oss.driver.api.core.servererrors.InvalidConfigurationInQueryException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.ProtocolError;
import com.datastax.oss.driver.api.core.servererrors.ReadFailureException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.ServerError;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import com.datastax.oss.driver.api.core.servererrors.TruncateException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteFailureException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * What a span says about a failure: the error the driver reported under the wrappers around it, its
 * Cassandra protocol error code ({@code db.response.status_code}), its {@code error.type}, and a message
 * that quotes no query text.
 */
final class CassandraErrors {
  private CassandraErrors() {}

  /**
   * The most relevant error: the driver's exception under a {@link PageFetchException},
   * {@link CompletionException} or {@link ExecutionException}, and the first node's error of an
   * {@link AllNodesFailedException}.
   */
  static Throwable original(Throwable error) {
    Throwable current = error;
    for (int depth = 0; depth < 16; depth++) {
      Throwable next = null;
      if (current instanceof PageFetchException || current instanceof CompletionException
          || current instanceof ExecutionException) {
        next = current.getCause();
      } else if (current instanceof AllNodesFailedException) {
        next = firstNodeError((AllNodesFailedException) current);
      }
      if (next == null) {
        return current;
      }
      current = next;
    }
    return current;
  }

  private static @Nullable Throwable firstNodeError(AllNodesFailedException failure) {
    for (List<Throwable> errors : failure.getAllErrors().values()) {
      if (!errors.isEmpty()) {
        return errors.get(0);
      }
    }
    return null;
  }

  /**
   * The Cassandra native protocol error code of a server error, as the protocol specification writes it
   * ({@code "0x1200"} for a read timeout); null for an error that is not a server's answer (a client-side
   * timeout, a closed connection, user code that threw).
   */
  static @Nullable String statusCode(Throwable original) {
    int code;
    if (original instanceof ServerError) {
      code = 0x0000;
    } else if (original instanceof ProtocolError) {
      code = 0x000A;
    } else if (original instanceof UnavailableException) {
      code = 0x1000;
    } else if (original instanceof OverloadedException) {
      code = 0x1001;
    } else if (original instanceof BootstrappingException) {
      code = 0x1002;
    } else if (original instanceof TruncateException) {
      code = 0x1003;
    } else if (original instanceof WriteTimeoutException) {
      code = 0x1100;
    } else if (original instanceof ReadTimeoutException) {
      code = 0x1200;
    } else if (original instanceof ReadFailureException) {
      code = 0x1300;
    } else if (original instanceof FunctionFailureException) {
      code = 0x1400;
    } else if (original instanceof WriteFailureException) {
      code = 0x1500;
    } else if (original instanceof CDCWriteFailureException) {
      code = 0x1600;
    } else if (original instanceof CASWriteUnknownException) {
      code = 0x1700;
    } else if (original instanceof SyntaxError) {
      code = 0x2000;
    } else if (original instanceof UnauthorizedException) {
      code = 0x2100;
    } else if (original instanceof InvalidQueryException) {
      code = 0x2200;
    } else if (original instanceof InvalidConfigurationInQueryException) {
      code = 0x2300;
    } else if (original instanceof AlreadyExistsException) {
      code = 0x2400;
    } else {
      return null;
    }
    return String.format(java.util.Locale.ROOT, "0x%04X", code);
  }

  /** {@code error.type}: the status code when there is one, else the original error's class name. */
  static String errorType(Throwable original) {
    String code = statusCode(original);
    return code != null ? code : original.getClass().getName();
  }

  /**
   * A message for {@code error} that quotes no query text, for a span that must not show it: for this
   * library's page and timeout errors the message without the query (their own quotes it), for the driver's
   * errors whose message the driver composes from counts, consistency levels and node addresses (timeouts,
   * unavailable and overloaded replicas, lost connections) that message; null for any other error. A server's
   * syntax or invalid-query error quotes the CQL it rejects, often a literal value of it (an email in a WHERE
   * clause); the library's other errors name the query; what user code threw may say anything.
   */
  static @Nullable String messageWithoutQuery(Throwable error) {
    if (error instanceof PageFetchException failed) {
      Throwable cause = failed.getCause();
      return "Failed to fetch page " + failed.pageNumber()
          + failed.range().map(range -> " in token range " + range).orElse("") + " after "
          + failed.rowsDelivered() + " rows were delivered" + (cause == null ? "" : ": " + describe(original(cause)))
          + failed.advice().map(advice -> "; " + advice).orElse("");
    }
    if (error instanceof StreamTimeoutException timedOut) {
      return switch (timedOut.kind()) {
        case FIRST_PAGE -> "The first page did not arrive within firstPageTimeout " + timedOut.timeout()
            + "; the request was cancelled";
        case PAGE -> "Page " + timedOut.pageNumber() + " did not arrive within pageTimeout " + timedOut.timeout()
            + "; the request was cancelled";
        case TOTAL -> "The stream did not end within totalTimeout " + timedOut.timeout() + " (while on page "
            + timedOut.pageNumber() + "); the stream was closed";
      };
    }
    return composedByTheDriver(error) ? error.getMessage() : null;
  }

  /** The simple class name of {@code error}, with its message when that quotes no query text. */
  private static String describe(Throwable error) {
    String message = messageWithoutQuery(error);
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Whether the driver composes the message of {@code error} itself, from no text of the statement. */
  private static boolean composedByTheDriver(Throwable error) {
    return error instanceof ReadTimeoutException || error instanceof WriteTimeoutException
        || error instanceof ReadFailureException || error instanceof WriteFailureException
        || error instanceof UnavailableException || error instanceof CASWriteUnknownException
        || error instanceof OverloadedException || error instanceof BootstrappingException
        || error instanceof DriverTimeoutException || error instanceof ClosedConnectionException
        || error instanceof HeartbeatException || error instanceof BusyConnectionException
        || error instanceof NoNodeAvailableException || error instanceof NodeUnavailableException
        || error instanceof RequestThrottlingException;
  }
}
