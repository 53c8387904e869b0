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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configures and starts a {@link CassandraServer} ({@link #start()}) or a {@link CassandraCluster}
 * ({@link #startCluster()}); get one from {@link CassandraServer#builder()}.
 *
 * <p>Not thread-safe: configure it on one thread. Every option has a default that suits tests; nothing is
 * required. {@link #start()} and {@link #startCluster()} block until every node answers CQL. The fields are
 * package-private for {@link ClusterLauncher}, which reads them once per start.
 */
public final class CassandraServerBuilder {
  private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]");
  private static final Pattern YAML_KEY = Pattern.compile("[a-z][a-z0-9_]*");
  /**
   * cassandra.yaml keys that the testkit sets from other options, with the option to use instead. Those that
   * change how a client connects or logs in are here too: the start check connects as a client, so with them
   * it failed until the start timeout.
   */
  private static final Map<String, String> MANAGED_KEYS = Map.ofEntries(
      Map.entry("cluster_name", "clusterName(...)"), Map.entry("listen_address", "address(...)"),
      Map.entry("rpc_address", "address(...)"), Map.entry("storage_port", "storagePort(...)"),
      Map.entry("native_transport_port", "nativePort(...)"), Map.entry("seed_provider", "nodes(...)"),
      Map.entry("commitlog_sync", "commitlogSync(...)"), Map.entry("commitlog_sync_period", "commitlogSync(...)"),
      Map.entry("data_file_directories", "nothing: the folder is the testkit's"),
      Map.entry("commitlog_directory", "nothing: the folder is the testkit's"),
      Map.entry("saved_caches_directory", "nothing: the folder is the testkit's"),
      Map.entry("hints_directory", "nothing: the folder is the testkit's"),
      Map.entry("cdc_raw_directory", "nothing: the folder is the testkit's"),
      Map.entry("authenticator", "authentication(...)"),
      Map.entry("client_encryption_options", "clientEncryption()"),
      Map.entry("start_native_transport", "nothing: the testkit checks the start with a CQL query"));

  String heap = "1G";
  Path javaHome;
  String address = "127.0.0.1";
  int nativePort;
  int storagePort;
  String clusterName;
  String commitlogSync = "periodic";
  Duration startTimeout = Duration.ofSeconds(120);
  Duration stopTimeout = Duration.ofSeconds(30);
  int nodes = 1;
  final Map<String, String> yaml = new LinkedHashMap<>();
  final List<String> jvmOptions = new ArrayList<>();
  String username;
  String password;
  boolean clientEncryption;
  /** Off only in tests, to let a port clash reach Cassandra itself. */
  boolean checkPorts = true;

  CassandraServerBuilder() {}

  /**
   * The heap of each node, as for -Xms and -Xmx: "1G" (default), "512M" (enough for clusters).
   *
   * @param heap a whole number followed by a unit, {@code k}, {@code m} or {@code g} in either case
   *     ("512M", "2g")
   * @return this builder
   * @throws IllegalArgumentException if {@code heap} is null or not of that form
   */
  public CassandraServerBuilder heap(String heap) {
    if (heap == null || !HEAP.matcher(heap).matches()) {
      throw new IllegalArgumentException("heap must look like 512M or 1G: " + heap);
    }
    this.heap = heap;
    return this;
  }

  /**
   * The JDK to run Cassandra on; it must be an 11 or a 17 (checked before launching). By default the
   * testkit takes CASSANDRA_JAVA_HOME, else JAVA_HOME if it is 11 or 17, else the {@code java} on the
   * PATH if it is, else a 17 or 11 under /usr/lib/jvm.
   *
   * @param javaHome the JDK's home folder (the one that holds {@code bin/java}), not null; a folder that is
   *     not a JDK 11 or 17 fails the start with a {@link CassandraStartException}
   * @return this builder
   */
  public CassandraServerBuilder javaHome(Path javaHome) {
    this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
    return this;
  }

  /**
   * The address of a single node (default 127.0.0.1). Cluster node i always runs on 127.0.0.i.
   *
   * @param address an IP address of this machine for the node to listen on (such as 127.0.0.2), not null;
   *     used only when {@link #nodes(int)} is 1
   * @return this builder
   */
  public CassandraServerBuilder address(String address) {
    this.address = Objects.requireNonNull(address, "address");
    return this;
  }

  /**
   * The CQL port; by default a free one. A port in use fails the start before launching anything.
   *
   * @param port the native transport port, from 1 to 65535
   * @return this builder
   * @throws IllegalArgumentException if {@code port} is out of that range
   */
  public CassandraServerBuilder nativePort(int port) {
    this.nativePort = checkPort("nativePort", port);
    return this;
  }

  /**
   * The internode port; by default a free one.
   *
   * @param port the storage (gossip and streaming) port, from 1 to 65535
   * @return this builder
   * @throws IllegalArgumentException if {@code port} is out of that range
   */
  public CassandraServerBuilder storagePort(int port) {
    this.storagePort = checkPort("storagePort", port);
    return this;
  }

  private static int checkPort(String option, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(option + " must be between 1 and 65535: " + port);
    }
    return port;
  }

  /**
   * The cluster name; by default a unique one, so that independent servers never join each other.
   *
   * @param clusterName the name written to cassandra.yaml, not null
   * @return this builder
   */
  public CassandraServerBuilder clusterName(String clusterName) {
    this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
    return this;
  }

  /**
   * The commit log's sync mode: "periodic" (default: fsync every 10 s, fast) or "batch" (every write is
   * synced before it is acknowledged, slower; acknowledged writes then survive {@link CassandraServer#kill()}).
   *
   * @param mode {@code "periodic"} or {@code "batch"}, exactly
   * @return this builder
   * @throws IllegalArgumentException for any other mode, null included
   */
  public CassandraServerBuilder commitlogSync(String mode) {
    if (!"periodic".equals(mode) && !"batch".equals(mode)) {
      throw new IllegalArgumentException("commitlogSync must be periodic or batch: " + mode);
    }
    this.commitlogSync = mode;
    return this;
  }

  /**
   * How long a node may take until it answers CQL (default 120 s).
   *
   * @param timeout a positive duration, per node; a node slower than that fails the start with a
   *     {@link CassandraStartException}
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
   */
  public CassandraServerBuilder startTimeout(Duration timeout) {
    this.startTimeout = positive("startTimeout", timeout);
    return this;
  }

  /**
   * How long {@link CassandraServer#stop()} waits after SIGTERM before SIGKILL (default 30 s).
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
   */
  public CassandraServerBuilder stopTimeout(Duration timeout) {
    this.stopTimeout = positive("stopTimeout", timeout);
    return this;
  }

  private static Duration positive(String option, Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(option + " must be positive: " + timeout);
    }
    return timeout;
  }

  /**
   * Adds or overrides a top-level cassandra.yaml setting, written as {@code key: value} (so a value may
   * be any YAML: {@code 64MiB}, {@code true}, {@code [a, b]}). Cassandra checks it when it starts: a bad
   * one fails the start with Cassandra's own message. Keys that other options set are refused, with the option
   * to use: the addresses, ports, cluster name, seeds, folders and commit log sync, {@code authenticator}
   * ({@link #authentication}), {@code client_encryption_options} ({@link #clientEncryption()}) and
   * {@code start_native_transport} (the start is checked with a CQL query).
   *
   * @param key a top-level cassandra.yaml name: lower case letters, digits and underscores, starting with
   *     a letter
   * @param value the YAML text written after {@code key: }, not null; set again, a key keeps its last value
   * @return this builder
   * @throws IllegalArgumentException for a malformed key, or one that another option sets
   */
  public CassandraServerBuilder yaml(String key, String value) {
    Objects.requireNonNull(value, "value");
    if (key == null || !YAML_KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("yaml key must be a lower-case cassandra.yaml name: " + key);
    }
    if (MANAGED_KEYS.containsKey(key)) {
      throw new IllegalArgumentException("yaml key " + key + " is set by the testkit; use "
          + MANAGED_KEYS.get(key));
    }
    yaml.put(key, value);
    return this;
  }

  /**
   * Adds a JVM option for the server, after the testkit's own (so it may override them).
   *
   * @param option one command-line argument for the server's JVM, such as {@code -XX:+UseG1GC}, not null
   * @return this builder
   */
  public CassandraServerBuilder jvmOption(String option) {
    jvmOptions.add(Objects.requireNonNull(option, "option"));
    return this;
  }

  /**
   * Turns on password authentication ({@code PasswordAuthenticator}): clients must log in. The node's
   * built-in superuser is {@code cassandra}/{@code cassandra}; any other user name is created after the start
   * as a superuser role with this password (logged in as {@code cassandra}). The server's own sessions
   * ({@link CassandraServer#sessionBuilder()}, the readiness check) log in as this user.
   *
   * <p>With {@link #nodes(int)} above 1, the {@code system_auth} keyspace keeps Cassandra's default
   * replication factor of 1: each role lives on one node, and logging in fails while that node is down. A
   * test that stops nodes of a cluster should not turn authentication on (raising the replication factor
   * would need a repair to copy the roles made at start, which the testkit does not run).
   *
   * @param username the user that clients log in as, not empty
   * @param password that user's password, not empty
   * @return this builder
   * @throws IllegalArgumentException if either is empty
   */
  public CassandraServerBuilder authentication(String username, String password) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isEmpty() || password.isEmpty()) {
      throw new IllegalArgumentException("username and password must not be empty");
    }
    this.username = username;
    this.password = password;
    return this;
  }

  /**
   * Turns on client encryption, TLS only ({@code client_encryption_options: enabled, not optional}), with
   * client certificates required ({@code require_client_auth: true}). The testkit makes the certificates at
   * start, with the JDK's keytool: a node certificate for its address, and a client certificate the node
   * trusts; {@link CassandraServer#clientTls()} gives the client's stores, and the server's own sessions
   * use them. For a single node only.
   *
   * @return this builder
   */
  public CassandraServerBuilder clientEncryption() {
    this.clientEncryption = true;
    return this;
  }

  /**
   * The number of nodes for {@link #startCluster()} (default 1): node i runs on 127.0.0.i, all with the
   * same ports, cluster name and seed (node 1).
   *
   * @param nodes the number of nodes, from 1 to 9
   * @return this builder
   * @throws IllegalArgumentException if {@code nodes} is out of that range
   */
  public CassandraServerBuilder nodes(int nodes) {
    if (nodes < 1 || nodes > 9) {
      throw new IllegalArgumentException("nodes must be between 1 and 9: " + nodes);
    }
    this.nodes = nodes;
    return this;
  }

  /**
   * Starts one node and blocks until it answers CQL.
   *
   * @return the running node, which the caller closes
   * @throws CassandraStartException when it does not start; nothing is left behind
   * @throws IllegalStateException when {@link #nodes(int)} asked for more than one
   */
  public CassandraServer start() {
    if (nodes != 1) {
      throw new IllegalStateException("nodes(" + nodes + ") was set: use startCluster(), which returns a "
          + "CassandraCluster");
    }
    return ClusterLauncher.startNodes(this).get(0);
  }

  /**
   * Starts {@link #nodes(int)} nodes one after another, each answering CQL before the next starts (about
   * 10 s per node).
   *
   * @return the running cluster, which the caller closes
   * @throws CassandraStartException when a node does not start; the others are closed again
   * @throws IllegalStateException when {@link #clientEncryption()} was asked for with more than one node
   */
  public CassandraCluster startCluster() {
    if (clientEncryption && nodes > 1) {
      throw new IllegalStateException("clientEncryption() is for a single node: nodes(" + nodes + ") was set");
    }
    return ClusterLauncher.startCluster(this);
  }
}
