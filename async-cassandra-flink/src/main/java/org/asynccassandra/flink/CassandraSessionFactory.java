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
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * How a task of the job connects to Cassandra: a serializable recipe for a driver
 * {@link CqlSessionBuilder}, shipped with the job to every task manager.
 *
 * <p>It is called by the split enumerator (on the job manager, in a Flink worker thread) each time it plans the
 * splits, and once per task manager for the source's readers there, which share one session: the first
 * reader to start asks for it, and this factory and {@link CqlSessionBuilder#buildAsync()} then run on a
 * thread of their own, so that neither a host name's lookup nor the driver's configuration loading blocks a
 * task thread; the last reader to close closes the session. It is called again after a failed connection
 * (the next reader, once Flink restarted the task, connects anew) and after a failover, so a factory with
 * side effects (fetching credentials, say) runs them each time. Capture only serializable values in a lambda
 * (strings, {@link InetSocketAddress}es, a path to an {@code application.conf}), never a session.
 *
 * <pre>{@code
 * CassandraSessionFactory sessions = () -> CqlSession.builder()
 *     .addContactPoint(new InetSocketAddress("db1.example.com", 9042))
 *     .withLocalDatacenter("dc1")
 *     .withConfigLoader(DriverConfigLoader.fromFile(new File("/etc/cassandra/application.conf")));
 * }</pre>
 */
@FunctionalInterface
public interface CassandraSessionFactory extends Serializable {
  /**
   * A new builder, configured for the cluster; the caller builds it. Called on a thread that may wait for it
   * (see the class comment), never a task thread; it should not connect itself.
   *
   * @return a new, unbuilt builder on each call (the caller may add to it, and builds and closes the session)
   */
  CqlSessionBuilder sessionBuilder();

  /**
   * Sessions to {@code contactPoints} ({@code host:port}, or a host for port 9042) in {@code localDatacenter},
   * with the driver's default configuration (its {@code application.conf} if the job jar has one), except
   * that the driver's event loops stop without their 2 s quiet period (the admin loop keeps 250 ms): a task
   * closes its session only once nothing is pending, and a restart need not wait for it.
   *
   * @param localDatacenter the driver's local datacenter, not blank (surrounding spaces are stripped)
   * @param contactPoints one or more of {@code host:port}, {@code [ipv6]:port} or a bare host; checked
   *     here, and looked up (DNS) again by each builder the factory makes
   * @return a serializable factory of builders for those contact points
   * @throws IllegalArgumentException if {@code localDatacenter} is blank
   * @throws IllegalArgumentException for no contact point or a malformed one, naming it
   */
  static CassandraSessionFactory contactPoints(String localDatacenter, List<String> contactPoints) {
    if (localDatacenter.isBlank()) {
      throw new IllegalArgumentException("localDatacenter must not be blank: '" + localDatacenter + "'");
    }
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("at least one contact point is needed: " + contactPoints);
    }
    List<String> points = new ArrayList<>();
    for (String point : contactPoints) {
      parse(point); // fail here, on the client, not later on every task
      points.add(point.strip());
    }
    String datacenter = localDatacenter.strip();
    return () -> {
      CqlSessionBuilder builder = CqlSession.builder().withLocalDatacenter(datacenter)
          .withConfigLoader(DriverShutdown.quick(DriverConfigLoader.programmaticBuilder()).build());
      points.forEach(point -> builder.addContactPoint(parse(point)));
      return builder;
    };
  }

  /** {@code host:port}, {@code [v6]:port} or a bare host (port 9042). */
  private static InetSocketAddress parse(String point) {
    String text = point.strip();
    int colon = text.lastIndexOf(':');
    boolean bracketed = text.startsWith("[");
    if (colon < 0 || (bracketed && colon < text.indexOf(']')) || (!bracketed && text.indexOf(':') != colon)) {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("A contact point is host:port: '" + point + "'");
      }
      return new InetSocketAddress(text.replace("[", "").replace("]", ""), 9042);
    }
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (host.isEmpty() || port < 1 || port > 65_535) {
        throw new IllegalArgumentException("A contact point is host:port: '" + point + "'");
      }
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException notAPort) {
      throw new IllegalArgumentException("A contact point is host:port: '" + point + "'", notAPort);
    }
  }
}
