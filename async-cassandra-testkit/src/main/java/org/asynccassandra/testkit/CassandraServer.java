package org.asynccassandra.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Cassandra 5.0 node running in a child JVM, for tests, demos and benchmarks. In the
 * spirit of OkHttp's MockWebServer: start it, point the driver at {@link #contactPoint()}, check.
 *
 * <pre>{@code
 * try (CassandraServer server = CassandraServer.builder().heap("1G").start();
 *      CqlSession session = server.sessionBuilder().build()) {
 *   session.execute("SELECT release_version FROM system.local");
 * }
 * }</pre>
 *
 * <p>The server's jars come from the local Maven repository (resolved by the build from Maven Central) and
 * never share the client's classpath. It runs on a JDK 11 or 17 found by itself (see
 * {@link Builder#javaHome(Path)}), on free ports, in a temporary folder.
 *
 * <p><b>Blocking.</b> {@code start}, {@link #stop()}, {@link #kill()}, {@link #restart()} and
 * {@link #close()} block until done. The methods are thread-safe (serialized on this object).
 *
 * <p><b>Cleanup.</b> {@link #close()} stops the process and deletes the folder; a JVM shutdown hook does
 * the same for servers not closed. A start that fails leaves no process and no folder behind.
 */
public final class CassandraServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraServer.class);
  private static final Set<CassandraServer> LIVE = ConcurrentHashMap.newKeySet();
  private static final int LOG_TAIL_LINES = 40;

  static {
    Thread hook = new Thread(() -> {
      for (CassandraServer server : List.copyOf(LIVE)) {
        server.close();
      }
    }, "cassandra-testkit-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  private final Builder config;
  private final String address;
  private final int nativePort;
  private final int storagePort;
  private final String seeds;
  private final Path directory;
  private final boolean ownsDirectory;
  private final Path javaHome;
  private final ServerClasspath classpath;
  private Process process;
  private Duration startupTime = Duration.ZERO;
  private boolean closed;

  private CassandraServer(Builder config, String address, int nativePort, int storagePort, String seeds,
      Path directory, boolean ownsDirectory, Path javaHome, ServerClasspath classpath) {
    this.config = config;
    this.address = address;
    this.nativePort = nativePort;
    this.storagePort = storagePort;
    this.seeds = seeds;
    this.directory = directory;
    this.ownsDirectory = ownsDirectory;
    this.javaHome = javaHome;
    this.classpath = classpath;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The address and native (CQL) port to connect to. */
  public InetSocketAddress contactPoint() {
    return new InetSocketAddress(address, nativePort);
  }

  /** The local datacenter of the node, for {@code withLocalDatacenter}: {@code datacenter1}. */
  public String localDatacenter() {
    return "datacenter1";
  }

  /** How long the last start took, from launching the JVM until a CQL query answered. */
  public synchronized Duration startupTime() {
    return startupTime;
  }

  /** The node's folder: data, commit log, logs and configuration. */
  public Path directory() {
    return directory;
  }

  /** The server's log file. */
  public Path logFile() {
    return directory.resolve("logs/system.log");
  }

  /** Whether the server process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The process id of the running server, for checks that no process is left. */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("Not running: " + this);
    }
    return process.pid();
  }

  /**
   * A driver session builder for this node, with request timeouts generous enough for a 2-core machine.
   */
  public CqlSessionBuilder sessionBuilder() {
    return sessionBuilder(options -> {});
  }

  /**
   * A driver session builder for this node whose configuration {@code customizer} may extend, for example
   * to enable metrics.
   */
  public CqlSessionBuilder sessionBuilder(Consumer<ProgrammaticDriverConfigLoaderBuilder> customizer) {
    ProgrammaticDriverConfigLoaderBuilder options = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30));
    customizer.accept(options);
    return CqlSession.builder()
        .addContactPoint(contactPoint())
        .withLocalDatacenter(localDatacenter())
        .withConfigLoader(options.build());
  }

  /** Stops the server gracefully (SIGTERM, then SIGKILL after 60 s). Its data stays for a restart. */
  public synchronized void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          LOG.warn("{} did not stop within 60 s of SIGTERM; killing it", this);
          process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      } catch (InterruptedException interrupted) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Kills the server at once (SIGKILL), as a crash would. Acknowledged writes survive a restart: the
   * commit log is written to the operating system at each write (periodic sync only delays the fsync,
   * which matters for a machine crash, not a process kill), and a restart replays it.
   */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts the server again, on the same address, ports and data; stops it first if it runs. */
  public synchronized void restart() {
    checkNotClosed();
    stop();
    launchAndAwait();
  }

  /** Stops the server and deletes its folder. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    if (ownsDirectory) {
      deleteRecursively(directory);
    }
    LIVE.remove(this);
  }

  @Override
  public String toString() {
    return "CassandraServer{" + address + ":" + nativePort + ", dir=" + directory
        + (process == null ? "" : ", pid=" + process.pid()) + "}";
  }

  // ---------------------------------------------------------------------------------------------------

  private void checkNotClosed() {
    if (closed) {
      throw new IllegalStateException("This server was closed: " + this);
    }
  }

  /** Launches the JVM and waits until a CQL query answers; on failure kills it and throws. */
  private void launchAndAwait() {
    long start = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder(command())
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("logs/stdout.log").toFile()));
    try {
      process = builder.start();
    } catch (IOException failure) {
      throw new CassandraStartException("Could not launch " + javaHome.resolve("bin/java") + ": "
          + failure.getMessage(), failure);
    }
    try {
      awaitReady(start);
    } catch (RuntimeException failure) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw failure;
    }
    startupTime = Duration.ofNanos(System.nanoTime() - start);
    LOG.info("Cassandra started at {}:{} in {} ms (pid {}, folder {})", address, nativePort,
        startupTime.toMillis(), process.pid(), directory);
  }

  private void awaitReady(long startNanos) {
    long deadline = startNanos + config.startTimeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new CassandraStartException("Cassandra exited with code " + process.exitValue()
            + " while starting; see the log tail below" + logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new CassandraStartException("Cassandra did not answer CQL on " + address + ":" + nativePort
            + " within " + config.startTimeout + "; raise startTimeout(...) on a slow machine" + logTail());
      }
      if (portOpen() && cqlAnswers()) {
        return;
      }
      try {
        Thread.sleep(250); // polling a child process: there is nothing to wait on but its port
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new CassandraStartException("Interrupted while waiting for Cassandra to start");
      }
    }
  }

  private boolean portOpen() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, nativePort), 500);
      return true;
    } catch (IOException closedPort) {
      return false;
    }
  }

  private boolean cqlAnswers() {
    try (CqlSession session = sessionBuilder().build()) {
      return session.execute("SELECT release_version FROM system.local").one() != null;
    } catch (RuntimeException notYet) {
      LOG.debug("CQL not ready yet on {}:{}: {}", address, nativePort, notYet.toString());
      return false;
    }
  }

  private List<String> command() {
    List<String> command = new ArrayList<>();
    Path setpriv = Path.of("/usr/bin/setpriv");
    if (Files.isExecutable(setpriv)) {
      // As root, mlockall() succeeds and pins the whole heap; dropping CAP_IPC_LOCK makes it fail harmlessly.
      command.addAll(List.of(setpriv.toString(), "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock", "--"));
    }
    command.add(javaHome.resolve("bin/java").toString());
    command.add("-Xms" + config.heap);
    command.add("-Xmx" + config.heap);
    command.addAll(List.of("-Xss256k", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
        "-XX:+PerfDisableSharedMem", "-Djava.net.preferIPv4Stack=true", "-Djdk.attach.allowAttachSelf=true",
        "-javaagent:" + classpath.jammAgent));
    for (String export : List.of("java.base/jdk.internal.misc", "java.management.rmi/com.sun.jmx.remote.internal.rmi",
        "java.rmi/sun.rmi.registry", "java.rmi/sun.rmi.server", "java.sql/java.sql", "java.base/java.lang.ref",
        "jdk.unsupported/sun.misc", "jdk.compiler/com.sun.tools.javac.file", "jdk.attach/sun.tools.attach")) {
      command.add("--add-exports=" + export + "=ALL-UNNAMED");
    }
    for (String open : List.of("java.base/java.lang.module", "java.base/jdk.internal.loader",
        "java.base/jdk.internal.ref", "java.base/jdk.internal.reflect", "java.base/jdk.internal.math",
        "java.base/jdk.internal.module", "java.base/jdk.internal.util.jar",
        "jdk.management/com.sun.management.internal", "java.base/sun.nio.ch", "java.base/java.io",
        "java.base/java.lang.reflect", "jdk.compiler/com.sun.tools.javac", "java.base/java.lang",
        "java.base/java.util")) {
      command.add("--add-opens=" + open + "=ALL-UNNAMED");
    }
    command.addAll(List.of("-Dio.netty.tryReflectionSetAccessible=true",
        "-Dcassandra.config=file://" + directory.resolve("conf/cassandra.yaml"),
        "-Dcassandra.logdir=" + directory.resolve("logs"),
        "-Dcassandra.storagedir=" + directory.resolve("data"),
        "-Dlogback.configurationFile=" + directory.resolve("conf/logback.xml"),
        "-Dcassandra-foreground=yes",
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.ring_delay_ms=1000",
        "-Dcassandra.superuser_setup_delay_ms=0",
        "-Dcassandra.gossip_settle_min_wait_ms=0",
        "-Dcassandra.shutdown_announce_in_ms=200"));
    command.addAll(config.jvmOptions);
    command.add("-cp");
    command.add(classpath.asArgument());
    command.add("org.apache.cassandra.service.CassandraDaemon");
    return command;
  }

  private void writeConfiguration() throws IOException {
    Files.createDirectories(directory.resolve("conf"));
    Files.createDirectories(directory.resolve("logs"));
    Files.createDirectories(directory.resolve("data"));
    Files.writeString(directory.resolve("conf/cassandra.yaml"), yaml(), StandardCharsets.UTF_8);
    Files.writeString(directory.resolve("conf/logback.xml"), LOGBACK.replace("LOGDIR", directory.resolve("logs").toString()),
        StandardCharsets.UTF_8);
  }

  /** The node's cassandra.yaml. */
  String yaml() {
    Path data = directory.resolve("data");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("cluster_name", "'" + config.clusterName + "'");
    settings.put("num_tokens", "16");
    settings.put("allocate_tokens_for_local_replication_factor", "3");
    settings.put("partitioner", "org.apache.cassandra.dht.Murmur3Partitioner");
    settings.put("auto_bootstrap", "false");
    settings.put("authenticator", "AllowAllAuthenticator");
    settings.put("authorizer", "AllowAllAuthorizer");
    settings.put("data_file_directories", "[" + data.resolve("data") + "]");
    settings.put("commitlog_directory", data.resolve("commitlog").toString());
    settings.put("saved_caches_directory", data.resolve("saved_caches").toString());
    settings.put("hints_directory", data.resolve("hints").toString());
    settings.put("cdc_raw_directory", data.resolve("cdc_raw").toString());
    settings.put("commitlog_sync", "periodic");
    settings.put("commitlog_sync_period", "10000ms");
    settings.put("commitlog_segment_size", "32MiB");
    settings.put("listen_address", address);
    settings.put("rpc_address", address);
    settings.put("storage_port", Integer.toString(storagePort));
    settings.put("native_transport_port", Integer.toString(nativePort));
    settings.put("start_native_transport", "true");
    settings.put("endpoint_snitch", "SimpleSnitch");
    settings.put("auto_snapshot", "false");
    settings.putAll(config.yaml);
    StringBuilder yaml = new StringBuilder("# Written by async-cassandra-testkit\n");
    settings.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
    yaml.append("seed_provider:\n")
        .append("  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n")
        .append("    parameters:\n")
        .append("      - seeds: \"").append(seeds).append("\"\n");
    return yaml.toString();
  }

  private static final String LOGBACK = String.join("\n",
      "<configuration scan=\"false\">",
      "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">",
      "    <file>LOGDIR/system.log</file>",
      "    <encoder><pattern>%-5level [%thread] %date{HH:mm:ss.SSS} %logger{0} - %msg%n</pattern></encoder>",
      "  </appender>",
      "  <root level=\"INFO\"><appender-ref ref=\"FILE\"/></root>",
      "</configuration>", "");

  /** The last lines of the server's logs, for exception messages. */
  String logTail() {
    StringBuilder tail = new StringBuilder();
    for (Path log : List.of(directory.resolve("logs/system.log"), directory.resolve("logs/stdout.log"))) {
      try {
        if (Files.isReadable(log) && Files.size(log) > 0) {
          List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
          List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
          tail.append("\n--- last ").append(last.size()).append(" lines of ").append(log).append(" ---\n")
              .append(String.join("\n", last));
        }
      } catch (IOException | java.io.UncheckedIOException unreadable) {
        tail.append("\n(").append(log).append(" unreadable: ").append(unreadable.getMessage()).append(')');
      }
    }
    return tail.length() == 0 ? "\n(the server wrote no log)" : tail.toString();
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(Collections.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException busy) {
          LOG.warn("Could not delete {}: {}", path, busy.toString());
        }
      });
    } catch (IOException | java.io.UncheckedIOException failure) {
      LOG.warn("Could not delete {}: {}", root, failure.toString());
    }
  }

  static int freePort(List<String> addresses) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(addresses.get(0)))) {
        port = socket.getLocalPort();
      } catch (IOException failure) {
        throw new CassandraStartException("Cannot find a free port on " + addresses.get(0) + ": " + failure);
      }
      if (addresses.stream().allMatch(address -> portFree(address, port))) {
        return port;
      }
    }
    throw new CassandraStartException("Cannot find a port free on all of " + addresses);
  }

  static boolean portFree(String address, int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address))) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** Starts nodes one after another; on failure closes the ones already started. */
  static List<CassandraServer> startNodes(Builder config) {
    ServerClasspath classpath = ServerClasspath.load();
    Path javaHome = config.javaHome != null ? JavaHomes.checkExplicit(config.javaHome) : JavaHomes.find();
    List<String> addresses = new ArrayList<>();
    for (int node = 1; node <= config.nodes; node++) {
      addresses.add(config.nodes == 1 ? config.address : "127.0.0." + node);
    }
    int nativePort = config.nativePort;
    if (nativePort == 0) {
      nativePort = freePort(addresses);
    } else {
      for (String address : addresses) {
        if (!portFree(address, nativePort)) {
          throw new CassandraStartException("Port " + nativePort + " on " + address + " is already in use; "
              + "choose another nativePort(...) or leave it out to get a free one");
        }
      }
    }
    int storagePort = freePort(addresses);
    while (storagePort == nativePort) {
      storagePort = freePort(addresses);
    }
    String seeds = addresses.get(0) + ":" + storagePort;
    String clusterName = config.clusterName != null ? config.clusterName
        : "testkit-" + Long.toHexString(System.nanoTime());
    Builder effective = config.copy();
    effective.clusterName = clusterName;
    List<CassandraServer> started = new ArrayList<>();
    try {
      for (String address : addresses) {
        Path directory = Files.createTempDirectory("async-cassandra-");
        CassandraServer server = new CassandraServer(effective, address, nativePort, storagePort, seeds,
            directory, true, javaHome, classpath);
        LIVE.add(server);
        started.add(server);
        server.writeConfiguration();
        server.launchAndAwait();
      }
      return started;
    } catch (IOException failure) {
      started.forEach(CassandraServer::close);
      throw new CassandraStartException("Cannot prepare the server folder: " + failure.getMessage(), failure);
    } catch (RuntimeException failure) {
      started.forEach(CassandraServer::close);
      throw failure;
    }
  }

  /** Configures and starts a server or a cluster. Not thread-safe. */
  public static final class Builder {
    private String heap = "1G";
    private Path javaHome;
    private String address = "127.0.0.1";
    private int nativePort;
    private String clusterName;
    private Duration startTimeout = Duration.ofSeconds(120);
    private int nodes = 1;
    private final Map<String, String> yaml = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();

    private Builder() {}

    private Builder copy() {
      Builder copy = new Builder();
      copy.heap = heap;
      copy.javaHome = javaHome;
      copy.address = address;
      copy.nativePort = nativePort;
      copy.clusterName = clusterName;
      copy.startTimeout = startTimeout;
      copy.nodes = nodes;
      copy.yaml.putAll(yaml);
      copy.jvmOptions.addAll(jvmOptions);
      return copy;
    }

    /** The heap of each node, as for -Xmx: "1G" (default), "512M". */
    public Builder heap(String heap) {
      if (heap == null || !heap.matches("\\d+[kKmMgG]")) {
        throw new IllegalArgumentException("heap must look like 512M or 1G: " + heap);
      }
      this.heap = heap;
      return this;
    }

    /** The JDK to run Cassandra on (11 or 17); by default one is found (see {@link CassandraServer}). */
    public Builder javaHome(Path javaHome) {
      this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
      return this;
    }

    /** The node's address (single node only); default 127.0.0.1. */
    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The CQL port; by default a free one. A port in use fails the start at once. */
    public Builder nativePort(int port) {
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("nativePort must be between 1 and 65535: " + port);
      }
      this.nativePort = port;
      return this;
    }

    /** The cluster name; by default a unique one, so that independent servers never join each other. */
    public Builder clusterName(String clusterName) {
      this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
      return this;
    }

    /** How long a node may take to answer CQL (default 120 s). */
    public Builder startTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive: " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /** Adds or overrides a top-level cassandra.yaml setting, written as {@code key: value}. */
    public Builder yaml(String key, String value) {
      yaml.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a JVM option for the server. */
    public Builder jvmOption(String option) {
      jvmOptions.add(Objects.requireNonNull(option, "option"));
      return this;
    }

    /** The number of nodes for {@link #startCluster()}: node i runs on 127.0.0.i. */
    public Builder nodes(int nodes) {
      if (nodes < 1 || nodes > 9) {
        throw new IllegalArgumentException("nodes must be between 1 and 9: " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    /** Starts one node and waits until it answers CQL. */
    public CassandraServer start() {
      if (nodes != 1) {
        throw new IllegalStateException("nodes(" + nodes + ") was set: use startCluster()");
      }
      return startNodes(this).get(0);
    }

    /** Starts {@code nodes} nodes one after another, each waiting until it answers CQL. */
    public CassandraCluster startCluster() {
      return new CassandraCluster(startNodes(this));
    }
  }
}
