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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link CassandraServerBuilder}'s options into running nodes: picks the addresses (node i on
 * 127.0.0.i), the shared ports, cluster name and seed, then starts the nodes one after another, each
 * answering CQL before the next starts. A failed start closes the nodes already started.
 */
final class ClusterLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterLauncher.class);

  private ClusterLauncher() {}

  /** Starts {@code builder}'s nodes as one cluster and logs how long it took. */
  static CassandraCluster startCluster(CassandraServerBuilder builder) {
    long start = System.nanoTime();
    List<CassandraServer> started = startNodes(builder);
    CassandraCluster cluster = new CassandraCluster(started, Duration.ofNanos(System.nanoTime() - start));
    LOG.info("Cluster {} of {} nodes ready in {} ms", cluster.clusterName(), started.size(),
        cluster.startupTime().toMillis());
    return cluster;
  }

  /** Starts the configured nodes one after another, each ready before the next; on failure closes them all. */
  static List<CassandraServer> startNodes(CassandraServerBuilder builder) {
    List<String> addresses = new ArrayList<>();
    for (int node = 1; node <= builder.nodes; node++) {
      addresses.add(builder.nodes == 1 ? builder.address : "127.0.0." + node);
    }
    Ports.checkListenable(addresses); // first: an address not of this machine is no port problem
    ServerClasspath classpath = ServerClasspath.load();
    Path javaHome = builder.javaHome != null ? JavaHomes.checkExplicit(builder.javaHome) : JavaHomes.find();
    int nativePort = builder.nativePort != 0 ? builder.nativePort : Ports.free(addresses, Set.of());
    int storagePort = builder.storagePort != 0 ? builder.storagePort : Ports.free(addresses, Set.of(nativePort));
    if (nativePort == storagePort) {
      throw new IllegalArgumentException("nativePort and storagePort must differ: " + nativePort);
    }
    String clusterName = builder.clusterName != null ? builder.clusterName
        : "testkit-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    if (builder.checkPorts) {
      for (String address : addresses) { // before creating anything; launch() checks again for restarts
        CassandraServer.checkPortFree(address, "nativePort", nativePort);
        CassandraServer.checkPortFree(address, "storagePort", storagePort);
      }
    }
    String seeds = addresses.get(0) + ":" + storagePort; // node 1 is the seed, even of a single node
    List<CassandraServer> started = new ArrayList<>();
    try {
      for (String address : addresses) {
        ServerFolder folder = ServerFolder.create();
        Security security;
        try {
          security = new Security(builder.username, builder.password, builder.clientEncryption
              ? TestCertificates.generate(folder.path().resolve("tls"), List.of(address)) : null);
        } catch (Throwable failure) { // an Error too: nothing else deletes the folder of a node not created
          folder.delete();
          throw failure;
        }
        ServerSettings settings = new ServerSettings(clusterName, address, nativePort, storagePort, seeds,
            builder.heap, builder.commitlogSync, builder.yaml, builder.jvmOptions, builder.startTimeout,
            builder.stopTimeout, builder.checkPorts, javaHome, classpath, security);
        CassandraServer server = new CassandraServer(settings, folder);
        started.add(server);
        server.writeConfiguration();
        synchronized (server) {
          server.launch();
        }
      }
      if (builder.username != null && !"cassandra".equals(builder.username)) {
        started.get(0).createSuperuser(builder.username, builder.password);
      }
      return started;
    } catch (Throwable failure) { // an Error too: the nodes started must not run until the shutdown hook
      for (CassandraServer server : started) {
        try {
          server.close();
        } catch (Throwable alsoFailed) {
          failure.addSuppressed(alsoFailed);
        }
      }
      throw failure;
    }
  }
}
