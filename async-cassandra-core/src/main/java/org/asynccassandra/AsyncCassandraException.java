package org.asynccassandra;

/**
 * The base of every exception that async-cassandra itself raises.
 *
 * <p>Errors that come from the driver are never replaced: when one causes a stream to fail, it is kept
 * as the {@linkplain #getCause() cause} of the async-cassandra exception that says which query and which
 * page failed.
 */
public class AsyncCassandraException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AsyncCassandraException(String message) {
    super(message);
  }

  public AsyncCassandraException(String message, Throwable cause) {
    super(message, cause);
  }
}
