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
package org.asynccassandra.bench;

import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the pages the driver received for each read, whoever asked for them: registered as the bench
 * session's request tracker, it sees every page of every mode alike, including the pages the driver's
 * reactive mode reads ahead on its own. A read is told apart by a tag carried as its statement's query
 * timestamp (which every page request copies and a read ignores), because the driver calls the tracker
 * after it completed the page: a read's last page may be counted after the next read began.
 * Thread-safe; called on driver I/O threads.
 */
final class PageCounter implements RequestTracker {
  private final AtomicLong lastTag = new AtomicLong(System.currentTimeMillis() * 1000);
  // One entry per read in progress, removed by release(); a late page of a released read is ignored.
  private final Map<Long, AtomicLong> pagesByTag = new ConcurrentHashMap<>();

  /** A new tag: set it as the statement's query timestamp, and {@link #release} it after the read. */
  long newTag() {
    long tag = lastTag.incrementAndGet();
    pagesByTag.put(tag, new AtomicLong());
    return tag;
  }

  /** The pages received so far for the read with this tag. */
  long pages(long tag) {
    AtomicLong pages = pagesByTag.get(tag);
    return pages == null ? 0 : pages.get();
  }

  void release(long tag) {
    pagesByTag.remove(tag);
  }

  @Override
  public void onSuccess(Request request, long latencyNanos, DriverExecutionProfile profile, Node node,
      String requestLogPrefix) {
    if (request instanceof Statement<?> statement) {
      AtomicLong pages = pagesByTag.get(statement.getQueryTimestamp());
      if (pages != null) {
        pages.incrementAndGet();
      }
    }
  }

  @Override
  public void close() {}
}
