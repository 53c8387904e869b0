package org.asynccassandra.bench;

import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the pages the driver received, whoever asked for them: registered as the bench session's
 * request tracker, it sees every page of every mode alike, including the pages the driver's reactive
 * mode reads ahead on its own. Thread-safe; called on driver I/O threads.
 */
final class PageCounter implements RequestTracker {
  private final AtomicLong pages = new AtomicLong();

  long pages() {
    return pages.get();
  }

  @Override
  public void onSuccess(Request request, long latencyNanos, DriverExecutionProfile profile, Node node,
      String requestLogPrefix) {
    if (request instanceof Statement<?>) {
      pages.incrementAndGet();
    }
  }

  @Override
  public void close() {}
}
