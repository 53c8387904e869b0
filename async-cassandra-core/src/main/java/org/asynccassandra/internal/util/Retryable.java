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
package org.asynccassandra.internal.util;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.util.List;
import org.asynccassandra.StreamTimeoutException;

/**
 * Which page failures are worth asking again: timeouts, unavailable and overloaded replicas, lost
 * connections (also a request written to a connection that just closed), no node available. Re-requesting a page with the same paging state returns the same rows,
 * so a retry never repeats or loses one. Syntax, invalid-query and authorization errors are final.
 */
public final class Retryable {
  private Retryable() {}

  /** The cause inside {@code CompletionException} wrappers. */
  public static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * Whether {@code error} says that a page took too long: one of the stream's own page timeouts ({@link
   * StreamTimeoutException.Kind#FIRST_PAGE} or {@link StreamTimeoutException.Kind#PAGE}, not the total
   * one), the driver's request timeout, or a replica's read timeout. A smaller page may answer in time
   * where this one did not, so streams and scans ask again for fewer rows after one.
   */
  public static boolean isTimeout(Throwable error) {
    if (error instanceof StreamTimeoutException) {
      return ((StreamTimeoutException) error).kind() != StreamTimeoutException.Kind.TOTAL;
    }
    return error instanceof DriverTimeoutException || error instanceof ReadTimeoutException;
  }

  public static boolean isRetryable(Throwable error) {
    if (error instanceof AllNodesFailedException) {
      // No node available (none tried) or every tried node failed: retryable when every failure is.
      List<Throwable> errors = ((AllNodesFailedException) error).getAllErrors().values().stream()
          .flatMap(List::stream).toList();
      return errors.stream().allMatch(Retryable::isRetryable);
    }
    return isTimeout(error)
        || error instanceof UnavailableException
        || error instanceof OverloadedException
        || error instanceof BootstrappingException
        || error instanceof ClosedConnectionException
        || error instanceof HeartbeatException
        || error instanceof BusyConnectionException
        // The driver's request throttler shed it (its queue full, or it waited too long): never sent, and a
        // page asked again after a backoff finds room where a stream failed an hour into a scan. Not when the
        // throttler refused it because the driver's session is closing (its only other message): that is final.
        || error instanceof com.datastax.oss.driver.api.core.RequestThrottlingException
            && !String.valueOf(error.getMessage()).contains("shutting down")
        // The node is up but its pool has no connection at the moment (they were lost, and are reconnecting).
        || error instanceof com.datastax.oss.driver.api.core.NodeUnavailableException
        // The driver writes a request to a connection that the node, or the network, has just closed: Netty
        // fails the write with a ClosedChannelException, or an IOException from the socket (a reset, a
        // broken pipe), and with no other node to try the driver gives up with it inside an
        // AllNodesFailedException. The request never reached the server.
        || error instanceof java.nio.channels.ClosedChannelException
        || error instanceof java.io.IOException;
  }
}
