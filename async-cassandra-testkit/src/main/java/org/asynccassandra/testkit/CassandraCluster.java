package org.asynccassandra.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Several {@link CassandraServer} nodes of one cluster, on 127.0.0.1, 127.0.0.2, ..., each with its own
 * folder. Each node can be stopped, killed and restarted on its own. {@link #close()} closes them all.
 */
public final class CassandraCluster implements AutoCloseable {
  private final List<CassandraServer> nodes;

  CassandraCluster(List<CassandraServer> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /** The nodes, in start order; the first one is the seed. */
  public List<CassandraServer> nodes() {
    return nodes;
  }

  public CassandraServer node(int index) {
    return nodes.get(index);
  }

  /** The first node's contact point. */
  public InetSocketAddress contactPoint() {
    return nodes.get(0).contactPoint();
  }

  public String localDatacenter() {
    return nodes.get(0).localDatacenter();
  }

  /** A session builder with every node as a contact point. */
  public CqlSessionBuilder sessionBuilder() {
    CqlSessionBuilder builder = nodes.get(0).sessionBuilder();
    for (CassandraServer node : nodes.subList(1, nodes.size())) {
      builder.addContactPoint(node.contactPoint());
    }
    return builder;
  }

  /** Opens a session to the cluster. */
  public CqlSession newSession() {
    return sessionBuilder().build();
  }

  @Override
  public void close() {
    for (CassandraServer node : nodes) {
      node.close();
    }
  }

  @Override
  public String toString() {
    return "CassandraCluster" + nodes;
  }
}
