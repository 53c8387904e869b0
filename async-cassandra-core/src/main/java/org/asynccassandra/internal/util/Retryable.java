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
 * connections, no node available. Re-requesting a page with the same paging state returns the same rows,
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

  public static boolean isRetryable(Throwable error) {
    if (error instanceof AllNodesFailedException) {
      // No node available (none tried) or every tried node failed: retryable when every failure is.
      List<Throwable> errors = ((AllNodesFailedException) error).getAllErrors().values().stream()
          .flatMap(List::stream).toList();
      return errors.stream().allMatch(Retryable::isRetryable);
    }
    if (error instanceof StreamTimeoutException) {
      return ((StreamTimeoutException) error).kind() != StreamTimeoutException.Kind.TOTAL;
    }
    return error instanceof DriverTimeoutException
        || error instanceof ReadTimeoutException
        || error instanceof UnavailableException
        || error instanceof OverloadedException
        || error instanceof BootstrappingException
        || error instanceof ClosedConnectionException
        || error instanceof HeartbeatException
        || error instanceof BusyConnectionException;
  }
}
