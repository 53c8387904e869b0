package org.asynccassandra;

/**
 * A page of a {@link RowStream} could not be fetched. The driver's exception is the {@linkplain #getCause()
 * cause}.
 *
 * <p>It surfaces only after every row of the earlier pages has been delivered, so {@link #rowsDelivered()}
 * rows were handed to the consumer before it.
 */
public class PageFetchException extends AsyncCassandraException {
  private static final long serialVersionUID = 1L;

  private final int pageNumber;
  private final long rowsDelivered;

  public PageFetchException(int pageNumber, long rowsDelivered, String query, Throwable cause) {
    super("Failed to fetch page " + pageNumber + " of '" + query + "' after " + rowsDelivered
        + " rows were delivered: " + describe(cause), cause);
    this.pageNumber = pageNumber;
    this.rowsDelivered = rowsDelivered;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** The 1-based number of the page that failed. */
  public int pageNumber() {
    return pageNumber;
  }

  /** How many rows of the earlier pages were delivered before this failure surfaced. */
  public long rowsDelivered() {
    return rowsDelivered;
  }
}
