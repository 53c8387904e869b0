package org.asynccassandra.internal.scan;

import org.asynccassandra.internal.stream.DriverPage;
import org.asynccassandra.internal.stream.SourcePage;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Sends the page requests of a table scan's ranges; the driver's implementation builds each range's query,
 * unit tests complete the futures by hand.
 */
interface RangeRequests {
  /**
   * Requests one page of {@code range}.
   *
   * @param pagingState {@code null} for the range's first page
   * @param pageSize the rows to ask for
   * @return a future of the response; cancelling it must cancel the request
   */
  CompletableFuture<SourcePage> fetch(PlannedRange range, @Nullable ByteBuffer pagingState, int pageSize);

  /** The driver's requests: each range query carries its routing token and keyspace, and is idempotent. */
  static RangeRequests driver(CqlSession session, ScanPlanner planner) {
    return (range, pagingState, fetchSize) -> {
      SimpleStatement statement = SimpleStatement.newInstance(planner.query(range))
          .setPageSize(fetchSize)
          .setIdempotent(true)
          .setRoutingKeyspace(planner.keyspace);
      if (range.end != null) {
        statement = statement.setRoutingToken(range.end);
      }
      if (pagingState != null) {
        statement = statement.setPagingState(pagingState);
      }
      return DriverPage.execute(session, statement);
    };
  }
}
