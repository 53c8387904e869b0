package org.asynccassandra.testkit;

/**
 * A Cassandra server could not be started: no suitable JDK, a port in use, a bad option, a start timeout,
 * or a server that died while starting. The message says what happened and what to do, and includes the
 * tail of the server's log when the server ran. No process and no temporary folder are left behind.
 */
public class CassandraStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CassandraStartException(String message) {
    super(message);
  }

  public CassandraStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
