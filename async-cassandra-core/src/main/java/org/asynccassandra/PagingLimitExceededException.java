package org.asynccassandra;

/**
 * An offset page request went over its {@link OffsetLimits}; thrown before any query runs. The message
 * names the limit, its value and the request's value. In a web service, map it to HTTP 400.
 */
public class PagingLimitExceededException extends AsyncCassandraException {
  private static final long serialVersionUID = 1L;

  private final String limit;
  private final long allowed;
  private final long requested;

  public PagingLimitExceededException(String limit, long allowed, long requested, String detail) {
    super(detail + ": " + requested + " is over " + limit + " " + allowed);
    this.limit = limit;
    this.allowed = allowed;
    this.requested = requested;
  }

  /** The name of the limit: {@code maxPageNumber} or {@code maxSkippedRows}. */
  public String limit() {
    return limit;
  }

  public long allowed() {
    return allowed;
  }

  public long requested() {
    return requested;
  }
}
