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
package org.asynccassandra.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Several real Cassandra nodes of one cluster, on 127.0.0.1, 127.0.0.2, ... (Linux's loopback answers all
 * of 127/8), with the same ports, the same cluster name and node 1 as seed, each in a folder of its own.
 * Start one with {@code CassandraServer.builder().nodes(3).heap("512M").startCluster()}.
 *
 * <p>Each node is a {@link CassandraServer} that can be stopped, killed and restarted on its own. Thread-safe
 * as its nodes are. {@link #close()} closes every node (kills it and deletes its folder); it is idempotent,
 * and the JVM shutdown hook closes clusters that were not closed.
 */
public final class CassandraCluster implements AutoCloseable {
  private final List<CassandraServer> nodes;
  private final Duration startupTime;

  CassandraCluster(List<CassandraServer> nodes, Duration startupTime) {
    this.nodes = List.copyOf(nodes);
    this.startupTime = startupTime;
  }

  /** {@return the nodes, in start order (unmodifiable)}; the first one is the seed. */
  public List<CassandraServer> nodes() {
    return nodes;
  }

  /**
   * Node {@code index}, counted from 0: node(0) is 127.0.0.1.
   *
   * @param index the node's position in {@link #nodes()}, from 0 to the node count minus 1
   * @return the node, on address 127.0.0.{@code index + 1}
   * @throws IndexOutOfBoundsException if {@code index} is negative or not less than the node count
   */
  public CassandraServer node(int index) {
    if (index < 0 || index >= nodes.size()) {
      throw new IndexOutOfBoundsException("node index must be in [0, " + nodes.size() + "): " + index);
    }
    return nodes.get(index);
  }

  /** {@return the first node's contact point}: the seed's address and native (CQL) port. */
  public InetSocketAddress contactPoint() {
    return nodes.get(0).contactPoint();
  }

  /** {@return the datacenter of every node}: always {@code datacenter1}. */
  public String localDatacenter() {
    return nodes.get(0).localDatacenter();
  }

  /** {@return the cluster name that all nodes share} */
  public String clusterName() {
    return nodes.get(0).clusterName();
  }

  /** {@return how long starting all nodes took, one after another} */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * A session builder with every node as a contact point, and the testkit's generous timeouts.
   *
   * @return a new builder, local datacenter set; add to it freely
   */
  public CqlSessionBuilder sessionBuilder() {
    CqlSessionBuilder builder = nodes.get(0).sessionBuilder();
    for (CassandraServer node : nodes.subList(1, nodes.size())) {
      builder.addContactPoint(node.contactPoint());
    }
    return builder;
  }

  /**
   * Opens a session to the cluster; blocks until it is connected.
   *
   * @return a connected session, which the caller closes
   * @throws com.datastax.oss.driver.api.core.AllNodesFailedException if no node can be reached
   */
  public CqlSession newSession() {
    return sessionBuilder().build();
  }

  /** Closes every node: kills it and deletes its folder. Idempotent. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (CassandraServer node : nodes) {
      try {
        node.close();
      } catch (RuntimeException nodeFailure) {
        if (failure == null) {
          failure = nodeFailure;
        } else {
          failure.addSuppressed(nodeFailure);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "CassandraCluster{" + clusterName() + ", " + nodes.size() + " nodes: " + nodes + "}";
  }
}
