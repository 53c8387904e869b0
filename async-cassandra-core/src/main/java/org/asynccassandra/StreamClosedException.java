package org.asynccassandra;

/**
 * Completes the pending stages of a {@link RowStream} that was closed before it ended: by
 * {@link RowStream#close()}, by closing its {@link AsyncSession}, by an interrupt of a thread blocked on it,
 * or by the leak detector.
 *
 * <p>A blocking call on a closed stream throws it too.
 */
public class StreamClosedException extends AsyncCassandraException {
  private static final long serialVersionUID = 1L;

  public StreamClosedException(String message) {
    super(message);
  }

  public StreamClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
