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
import com.datastax.oss.driver.api.core.metadata.EndPoint;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ScanRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans the splits of a {@link CassandraSource}: connects, asks {@link AsyncSession#planScan} for the token
 * ranges (replica-aware: they follow the driver's token map), and notes each range's replicas, as the
 * replicas of its end token, which is also the routing token of its queries. Blocking: the enumerator runs it
 * in a Flink worker thread.
 */
final class SplitPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(SplitPlanner.class);

  private SplitPlanner() {}

  /** Connects with the source's session factory, plans, and closes the session. */
  static List<CassandraSplit> plan(SourceSettings settings, int parallelism) {
    try (CqlSession session = settings.sessions().sessionBuilder().build()) {
      return plan(session, settings, parallelism);
    }
  }

  /** Plans on an open session. */
  static List<CassandraSplit> plan(CqlSession session, SourceSettings settings, int parallelism) {
    int splits = splitCount(session, settings, parallelism);
    List<ScanRange> ranges;
    try (AsyncSession async = AsyncSession.wrap(session)) {
      ranges = async.planScan(settings.keyspace(), settings.table(), settings.scanConfig().splits(splits).build());
    }
    TokenMap tokens = session.getMetadata().getTokenMap().orElse(null);
    CqlIdentifier keyspace = CqlIdentifier.fromCql(settings.keyspace());
    List<CassandraSplit> planned = new ArrayList<>(ranges.size());
    String format = "split-%0" + Math.max(1, String.valueOf(ranges.size() - 1).length()) + "d";
    String query = QueryFingerprint.of(settings); // every split is bound to this query
    for (ScanRange range : ranges) {
      List<String> replicas = tokens == null || range.isFullRing() ? List.of()
          : addresses(tokens.getReplicas(keyspace, tokens.parse(range.end())));
      planned.add(new CassandraSplit(String.format(Locale.ROOT, format, planned.size()), range, replicas, query,
          null));
    }
    LOG.info("Planned {} splits of {} for {} readers ({} asked for)", planned.size(), settings.qualifiedTable(),
        parallelism, splits);
    return planned;
  }

  /**
   * The split count: the one set; else, with a target split size and size estimates, the table's estimated
   * bytes over it (at least one split per reader); else 4 per node or 4 per reader, whichever is more.
   */
  static int splitCount(CqlSession session, SourceSettings settings, int parallelism) {
    return splitCount(settings, parallelism, session.getMetadata().getNodes().size(),
        () -> SizeEstimates.tableBytes(session, settings.keyspace(), settings.table()));
  }

  /**
   * {@link #splitCount(CqlSession, SourceSettings, int)} on a cluster of {@code nodes}, where
   * {@code estimatedBytes} gives the table's bytes by its size estimates (0 for none); it is asked only when
   * the splits are sized by it.
   */
  static int splitCount(SourceSettings settings, int parallelism, int nodes, LongSupplier estimatedBytes) {
    if (settings.splits() > 0) {
      return settings.splits();
    }
    int fallback = Math.min(100_000, 4 * Math.max(Math.max(1, nodes), Math.max(1, parallelism)));
    if (settings.targetSplitBytes() > 0) {
      long bytes = estimatedBytes.getAsLong();
      if (bytes > 0) {
        int sized = SizeEstimates.splitsFor(bytes, settings.targetSplitBytes(), Math.max(1, parallelism));
        LOG.info("{} holds about {} bytes by system.size_estimates: {} splits of about {} bytes",
            settings.qualifiedTable(), bytes, sized, settings.targetSplitBytes());
        return sized;
      }
      LOG.info("{} has no size estimates yet (they are computed every few minutes): {} splits",
          settings.qualifiedTable(), fallback);
    }
    return fallback;
  }

  /** The addresses of {@code nodes}: the broadcast RPC address, and the address the driver connects to. */
  static List<String> addresses(Set<Node> nodes) {
    Set<String> addresses = new LinkedHashSet<>();
    for (Node node : nodes) {
      node.getBroadcastRpcAddress().ifPresent(address -> addresses.add(address.getAddress().getHostAddress()));
      EndPoint endPoint = node.getEndPoint();
      SocketAddress connected = endPoint.resolve();
      if (connected instanceof InetSocketAddress socket) {
        if (socket.getAddress() != null) {
          addresses.add(socket.getAddress().getHostAddress());
        } else {
          addresses.add(socket.getHostString());
        }
      }
    }
    return List.copyOf(addresses);
  }
}
