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
package org.asynccassandra.flink;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.asynccassandra.flink.CassandraSessionFactory;

/**
 * Session factories for the jobs of the ITs: the testkit's generous timeouts (the machine's 2 cores run three
 * Cassandra nodes and Flink), and optionally a {@link RequestTracker} that counts the pages Cassandra
 * returned for queries of one table, in this JVM (the MiniCluster runs here).
 */
final class TestSessions {
  /** Pages received, by counter name. */
  private static final Map<String, AtomicLong> PAGES = new ConcurrentHashMap<>();

  private TestSessions() {}

  static CassandraSessionFactory of(List<InetSocketAddress> contactPoints) {
    return factory(contactPoints, null, "");
  }

  /** Sessions that count in {@link #pages(String)} every page of a query on {@code table}. */
  static CassandraSessionFactory counting(List<InetSocketAddress> contactPoints, String table, String counter) {
    return factory(contactPoints, table, counter);
  }

  private static CassandraSessionFactory factory(List<InetSocketAddress> contactPoints, String tableName,
      String counter) {
    List<InetSocketAddress> points = List.copyOf(contactPoints);
    return () -> {
      CqlSessionBuilder builder = CqlSession.builder().addContactPoints(points).withLocalDatacenter("datacenter1")
          .withConfigLoader(DriverShutdown.quick(DriverConfigLoader.programmaticBuilder())
              .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
              .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(20))
              .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(20))
              .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
              .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
              .build());
      if (tableName != null) {
        AtomicLong pages = PAGES.computeIfAbsent(counter, name -> new AtomicLong());
        builder.addRequestTracker(new RequestTracker() {
          @Override
          public void onSuccess(Request request, long latencyNanos, DriverExecutionProfile profile, Node node,
              String requestLogPrefix) {
            String query = request instanceof SimpleStatement simple ? simple.getQuery()
                : request instanceof BoundStatement bound ? bound.getPreparedStatement().getQuery() : "";
            if (query.contains(tableName)) {
              pages.incrementAndGet();
            }
          }

          @Override
          public void close() {}
        });
      }
      return builder;
    };
  }

  static long pages(String counter) {
    AtomicLong pages = PAGES.get(counter);
    return pages == null ? 0 : pages.get();
  }
}
