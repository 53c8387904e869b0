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

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The size of a table from Cassandra's own estimates, {@code system.size_estimates}: each node keeps, for
 * the token ranges it is the primary replica of, the mean partition size and the partition count of every
 * table, refreshed every few minutes (so a table written a moment ago may have none yet). Summed over every
 * node that is up, they estimate the table's bytes without replication. Blocking; call it off Flink's
 * coordinator thread.
 */
final class SizeEstimates {
  private static final Logger LOG = LoggerFactory.getLogger(SizeEstimates.class);

  private SizeEstimates() {}

  /** The estimated bytes of {@code keyspace.table}, 0 when no node has an estimate. */
  static long tableBytes(CqlSession session, String keyspace, String table) {
    String keyspaceName = CqlIdentifier.fromCql(keyspace).asInternal();
    String tableName = CqlIdentifier.fromCql(table).asInternal();
    long bytes = 0;
    for (Node node : session.getMetadata().getNodes().values()) {
      if (node.getState() != NodeState.UP) {
        continue;
      }
      SimpleStatement query = SimpleStatement.newInstance("SELECT mean_partition_size, partitions_count FROM "
          + "system.size_estimates WHERE keyspace_name = ? AND table_name = ?", keyspaceName, tableName)
          .setNode(node);
      try {
        for (Row row : session.execute(query)) {
          bytes = Math.addExact(bytes, rangeBytes(row.getLong(0), row.getLong(1)));
        }
      } catch (RuntimeException unavailable) {
        LOG.info("No size estimates from {}: {}", node.getEndPoint(), unavailable.toString());
      }
    }
    return bytes;
  }

  /** The bytes of one range's estimate; negative figures (none yet) count as 0. */
  static long rangeBytes(long meanPartitionSize, long partitions) {
    if (meanPartitionSize <= 0 || partitions <= 0) {
      return 0;
    }
    return Math.multiplyExact(meanPartitionSize, partitions);
  }

  /**
   * How many splits a table of {@code bytes} needs for splits of about {@code targetBytes}: at least
   * {@code minimum}, at most 100,000.
   */
  static int splitsFor(long bytes, long targetBytes, int minimum) {
    long splits = (bytes + targetBytes - 1) / targetBytes;
    return (int) Math.min(100_000, Math.max(minimum, splits));
  }
}
