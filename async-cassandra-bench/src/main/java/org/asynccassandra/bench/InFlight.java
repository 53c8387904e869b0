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

import com.codahale.metrics.Gauge;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metrics.DefaultNodeMetric;
import com.datastax.oss.driver.api.core.metrics.Metrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The requests a session has on its connections, from the driver's {@code pool.in-flight} node gauge, which
 * counts an abandoned request (cancelled by the client, its stream id orphaned) until the server's answer
 * arrives: what the server may still be working on for a read that the client already gave up. The session
 * must enable that metric ({@link #METRIC}).
 */
final class InFlight {
  /** The node metric to enable in {@code advanced.metrics.node.enabled}. */
  static final String METRIC = DefaultNodeMetric.IN_FLIGHT.getPath();

  private InFlight() {}

  /**
   * Waits until no request is in flight on any connection of {@code session}, polling the gauge every
   * millisecond (the driver tells of no such moment).
   *
   * @throws IllegalStateException when requests are still in flight after {@code timeout}, or when the
   *     session does not enable the metric
   */
  static void awaitNone(CqlSession session, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int inFlight;
    while ((inFlight = count(session)) > 0) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(inFlight + " request(s) still in flight after " + timeout.toMillis()
            + " ms: the server did not answer the requests a measurement abandoned");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** The requests in flight on every node's connections, orphaned ones included. */
  static int count(CqlSession session) {
    Metrics metrics = session.getMetrics().orElseThrow(() -> new IllegalStateException(
        "The session has no metrics: enable " + METRIC + " in advanced.metrics.node.enabled"));
    int total = 0;
    for (Node node : session.getMetadata().getNodes().values()) {
      Object gauge = metrics.getNodeMetric(node, DefaultNodeMetric.IN_FLIGHT).orElse(null);
      if (gauge == null) {
        if (node.getOpenConnections() == 0) {
          continue; // no pool, so no gauge yet: nothing in flight to it
        }
        throw new IllegalStateException("The session does not measure " + METRIC + " for " + node
            + ": enable it in advanced.metrics.node.enabled");
      }
      total += ((Number) ((Gauge<?>) gauge).getValue()).intValue();
    }
    return total;
  }
}
