package org.asynccassandra.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Cassandra 5.0 node in a child JVM, for tests, demos and benchmarks. In the spirit of
 * OkHttp's MockWebServer: start it, point the driver at it, check.
 *
 * <pre>{@code
 * try (CassandraServer server = CassandraServer.builder().heap("1G").start();
 *      CqlSession session = server.newSession()) {
 *   session.execute("SELECT release_version FROM system.local");
 * }
 * }</pre>
 *
 * <p>The server's jars come from the local Maven repository (the build resolves them from Maven Central)
 * and never share the client's classpath. It runs on a JDK 11 or 17 that it finds by itself (see
 * {@link Builder#javaHome(Path)}), on free ports of 127.0.0.1, in a folder of its own under java.io.tmpdir
 * ({@link #directory()}) with its logs in {@code logs/}. It opens no JMX port.
 *
 * <p><b>Threads.</b> Thread-safe. {@link Builder#start()}, {@link #stop()}, {@link #restart()} and
 * {@link #close()} block until done; {@link #kill()} blocks only until the process is gone. Lifecycle calls
 * are serialized, except {@link #kill()} and {@link #close()}, which end a start in progress at once (it
 * then fails with a {@link CassandraStartException}).
 *
 * <p><b>Cleanup.</b> {@link #close()} kills the process and deletes the folder. A JVM shutdown hook does the
 * same for servers not closed, and where util-linux {@code setpriv} exists the kernel kills the server if
 * this JVM dies without running its hooks (SIGKILL); the next server started deletes folders left that
 * way. A start that fails leaves no process and no folder behind, and its exception carries the log tail.
 */
public final class CassandraServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraServer.class);
  private static final String LOCAL_DATACENTER = "datacenter1";

  /** Servers not closed yet: the shutdown hook closes them. */
  private static final Set<CassandraServer> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(CassandraServer::close),
        "cassandra-testkit-shutdown"));
  }

  private final ServerSettings settings;
  private final ServerFolder folder;
  /**
   * The child process of the last launch, null before it and after close. Written only under this object's
   * monitor; volatile so that kill, close and toString can read it without waiting for a start to end.
   */
  private volatile Process process;
  /** Set once by close; a start in progress checks it and gives up. */
  private volatile boolean closed;
  private Duration startupTime = Duration.ZERO; // guarded by this
  private String releaseVersion = "5.0"; // guarded by this

  private CassandraServer(ServerSettings settings, ServerFolder folder) {
    this.settings = settings;
    this.folder = folder;
    OPEN.add(this);
  }

  /** A builder for one node ({@link Builder#start()}) or a cluster ({@link Builder#startCluster()}). */
  public static Builder builder() {
    return new Builder();
  }

  /** The address and native (CQL) port to connect to. */
  public InetSocketAddress contactPoint() {
    return new InetSocketAddress(settings.address(), settings.nativePort());
  }

  /** The node's datacenter, for {@code withLocalDatacenter}: always {@code datacenter1} (SimpleSnitch). */
  public String localDatacenter() {
    return LOCAL_DATACENTER;
  }

  /** The node's cluster name: unique per server or cluster unless {@link Builder#clusterName} chose one. */
  public String clusterName() {
    return settings.clusterName();
  }

  /** How long the last start or restart took, from launching the JVM until a CQL query answered. */
  public synchronized Duration startupTime() {
    return startupTime;
  }

  /** The node's folder: {@code conf/}, {@code data/}, {@code logs/}; deleted by {@link #close()}. */
  public Path directory() {
    return folder.path();
  }

  /** Cassandra's log, {@code logs/system.log} in {@link #directory()}. */
  public Path logFile() {
    return ServerLogs.systemLog(folder.path());
  }

  /** Whether the server process is alive (it may still be starting). */
  public boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /**
   * The process id of the server, for checks that no process is left.
   *
   * @throws IllegalStateException when it was never started or was closed
   */
  public long pid() {
    Process current = process;
    if (current == null) {
      throw new IllegalStateException("No process: " + this);
    }
    return current.pid();
  }

  /**
   * A driver session builder for this node, with timeouts generous enough for a loaded 2-core machine
   * (requests 20 s). Add to it freely; {@link #sessionBuilder(Consumer)} changes driver options.
   */
  public CqlSessionBuilder sessionBuilder() {
    return sessionBuilder(options -> {});
  }

  /**
   * A driver session builder for this node whose options {@code customizer} may change, for example to
   * enable metrics or shorten the request timeout. The customizer runs on the calling thread, before this
   * method returns.
   */
  public CqlSessionBuilder sessionBuilder(Consumer<ProgrammaticDriverConfigLoaderBuilder> customizer) {
    ProgrammaticDriverConfigLoaderBuilder options = driverOptions();
    customizer.accept(options);
    return CqlSession.builder()
        .addContactPoint(contactPoint())
        .withLocalDatacenter(localDatacenter())
        .withConfigLoader(options.build());
  }

  /** Opens a session to this node ({@link #sessionBuilder()}); blocks until it is connected. */
  public CqlSession newSession() {
    return sessionBuilder().build();
  }

  /**
   * Stops the server gracefully: SIGTERM, which flushes memtables and closes the commit log, then SIGKILL
   * if it is not gone within {@link Builder#stopTimeout} (30 s). The data stays for {@link #restart()}.
   * Does nothing when it is not running. Blocks until the process is gone (4 to 5 s).
   */
  public synchronized void stop() {
    Process current = process;
    if (current == null || !current.isAlive()) {
      return;
    }
    long start = System.nanoTime();
    if (ProcessLauncher.terminate(current, settings.stopTimeout())) {
      LOG.info("Stopped {} in {} ms", describe(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } else {
      LOG.warn("{} did not stop within {} of SIGTERM and was killed", describe(), settings.stopTimeout());
    }
  }

  /**
   * Kills the server at once with SIGKILL, as a crash would; blocks until the process is gone. A later
   * {@link #restart()} replays the commit log.
   *
   * <p><b>What survives.</b> With {@code commitlogSync("batch")} every acknowledged write survives: each one
   * was synced to the commit log before its acknowledgement. With the default periodic mode, Cassandra
   * marks the commit log's synced end every 100 ms (and fsyncs every 10 s), so writes acknowledged in the
   * last ~100 ms before the kill (longer on a loaded machine) may be lost. Tests that need written data to
   * survive a kill use {@code commitlogSync("batch")}, or {@link #stop()} instead of kill.
   */
  public void kill() {
    Process current = process;
    if (current != null && current.isAlive()) {
      ProcessLauncher.kill(current);
      LOG.info("Killed {}", describe());
    }
  }

  /**
   * Starts the server again on the same address, ports and folder, so its data is still there; stops it
   * first (gracefully) if it runs. Blocks until it answers CQL.
   *
   * @throws CassandraStartException when it does not start: the process is killed, the folder kept
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("Cannot restart a closed server: " + this);
    }
    stop();
    launch();
  }

  /**
   * Kills the server (SIGKILL: its data is deleted anyway, so a graceful stop would only cost time) and
   * deletes its folder. Idempotent; ends a start in progress in another thread.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Process current = process;
    if (current != null) {
      ProcessLauncher.kill(current); // first, so that a start in progress ends and releases the monitor
    }
    synchronized (this) {
      current = process;
      if (current != null) {
        ProcessLauncher.kill(current);
      }
      folder.delete();
    }
    OPEN.remove(this);
    LOG.info("Closed {} (process killed, folder deleted)", describe());
  }

  @Override
  public String toString() {
    Process current = process;
    String state = closed ? "closed"
        : current == null ? "not started"
        : current.isAlive() ? "pid " + current.pid()
        : "stopped";
    return "CassandraServer{" + settings.address() + ":" + settings.nativePort() + ", " + state + ", cluster "
        + settings.clusterName() + ", " + folder + "}";
  }

  private String describe() {
    return "Cassandra " + settings.address() + ":" + settings.nativePort();
  }

  // --- starting -------------------------------------------------------------------------------------

  /** Driver options for tests: generous timeouts, as a 2-core machine shares its cores with the server. */
  static ProgrammaticDriverConfigLoaderBuilder driverOptions() {
    return DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30));
  }

  private void writeConfiguration() {
    Path path = folder.path();
    try {
      Files.writeString(path.resolve("conf/cassandra.yaml"), settings.cassandraYaml(path), StandardCharsets.UTF_8);
      Files.writeString(path.resolve("conf/logback.xml"), ServerSettings.logbackXml(path.resolve("logs")),
          StandardCharsets.UTF_8);
    } catch (IOException failure) {
      throw new CassandraStartException("Cannot write the configuration of " + describe() + " in " + path + ": "
          + failure, failure);
    }
  }

  /** Launches the JVM and waits until a CQL query answers; on failure kills it and throws. Holds the monitor. */
  private void launch() {
    assert Thread.holdsLock(this);
    if (settings.checkPorts()) {
      checkPortFree(settings.address(), "nativePort", settings.nativePort());
      checkPortFree(settings.address(), "storagePort", settings.storagePort());
    }
    long start = System.nanoTime();
    Process started = ProcessLauncher.start(settings.command(folder.path(), ProcessLauncher.prefix()),
        folder.path(), ServerLogs.stdoutLog(folder.path()));
    process = started;
    try {
      awaitReady(started, start);
    } catch (RuntimeException failure) {
      ProcessLauncher.kill(started);
      throw failure;
    }
    startupTime = Duration.ofNanos(System.nanoTime() - start);
    LOG.info("Cassandra {} ready at {}:{} in {} ms (pid {}, folder {})", releaseVersion, settings.address(),
        settings.nativePort(), startupTime.toMillis(), started.pid(), folder);
  }

  private static void checkPortFree(String address, String option, int port) {
    if (!Ports.isFree(address, port)) {
      throw new CassandraStartException("Port " + port + " on " + address + " is already in use, so "
          + "Cassandra could not listen there (" + option + "); choose another " + option + "(...) or leave "
          + "it out to get a free one");
    }
  }

  private void awaitReady(Process started, long startNanos) {
    Duration timeout = settings.startTimeout();
    InetSocketAddress cql = contactPoint();
    while (true) {
      if (closed) {
        throw new CassandraStartException(describe() + " was closed while starting");
      }
      if (!started.isAlive()) {
        throw failure(describe() + " exited with code " + started.exitValue() + " while starting");
      }
      if (System.nanoTime() - startNanos > timeout.toNanos()) {
        throw failure(describe() + " did not answer CQL within " + timeout.toSeconds()
            + " s; raise startTimeout(...) on a slow machine");
      }
      if (Ports.isOpen(cql) && cqlAnswers()) {
        return;
      }
      try {
        started.waitFor(250, TimeUnit.MILLISECONDS); // the next poll, or at once if the process exits
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new CassandraStartException("Interrupted while waiting for " + describe() + " to start", interrupted);
      }
    }
  }

  /** The exception for a failed start: the cause found in the logs, then the logs' last lines. */
  private CassandraStartException failure(String headline) {
    return new CassandraStartException(headline
        + ServerLogs.cause(folder.path()).map(cause -> ": " + cause).orElse("")
        + ServerLogs.tail(folder.path()));
  }

  /** Whether a real query answers; the CQL port opens as Cassandra's last startup step. */
  private boolean cqlAnswers() {
    // Short timeouts: whatever listens may not be Cassandra yet (or at all, if another process took the port).
    ProgrammaticDriverConfigLoaderBuilder options = driverOptions()
        .withString(DefaultDriverOption.SESSION_NAME, "testkit-probe")
        .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
        .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
        .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
    try (CqlSession probe = CqlSession.builder().addContactPoint(contactPoint())
        .withLocalDatacenter(localDatacenter()).withConfigLoader(options.build()).build()) {
      Row row = probe.execute("SELECT release_version FROM system.local").one();
      if (row != null) {
        releaseVersion = row.getString(0);
        return true;
      }
      return false;
    } catch (RuntimeException notYet) {
      LOG.debug("{} does not answer CQL yet: {}", describe(), notYet.toString());
      return false;
    }
  }

  /** Starts the configured nodes one after another, each ready before the next; on failure closes them all. */
  private static List<CassandraServer> startNodes(Builder builder) {
    ServerClasspath classpath = ServerClasspath.load();
    Path javaHome = builder.javaHome != null ? JavaHomes.checkExplicit(builder.javaHome) : JavaHomes.find();
    List<String> addresses = new ArrayList<>();
    for (int node = 1; node <= builder.nodes; node++) {
      addresses.add(builder.nodes == 1 ? builder.address : "127.0.0." + node);
    }
    int nativePort = builder.nativePort != 0 ? builder.nativePort : Ports.free(addresses, Set.of());
    int storagePort = builder.storagePort != 0 ? builder.storagePort : Ports.free(addresses, Set.of(nativePort));
    if (nativePort == storagePort) {
      throw new IllegalArgumentException("nativePort and storagePort must differ: " + nativePort);
    }
    String clusterName = builder.clusterName != null ? builder.clusterName
        : "testkit-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    if (builder.checkPorts) {
      for (String address : addresses) { // before creating anything; launch() checks again for restarts
        checkPortFree(address, "nativePort", nativePort);
        checkPortFree(address, "storagePort", storagePort);
      }
    }
    String seeds = addresses.get(0) + ":" + storagePort; // node 1 is the seed, even of a single node
    List<CassandraServer> started = new ArrayList<>();
    try {
      for (String address : addresses) {
        ServerSettings settings = new ServerSettings(clusterName, address, nativePort, storagePort, seeds,
            builder.heap, builder.commitlogSync, builder.yaml, builder.jvmOptions, builder.startTimeout,
            builder.stopTimeout, builder.checkPorts, javaHome, classpath);
        CassandraServer server = new CassandraServer(settings, ServerFolder.create());
        started.add(server);
        server.writeConfiguration();
        synchronized (server) {
          server.launch();
        }
      }
      return started;
    } catch (RuntimeException failure) {
      started.forEach(CassandraServer::close);
      throw failure;
    }
  }

  /**
   * Configures and starts a node or a cluster. Not thread-safe: configure it on one thread. Every option
   * has a default that suits tests; nothing is required.
   */
  public static final class Builder {
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]");
    private static final Pattern YAML_KEY = Pattern.compile("[a-z][a-z0-9_]*");
    /** cassandra.yaml keys that the testkit sets from other options, with the option to use instead. */
    private static final Map<String, String> MANAGED_KEYS = Map.ofEntries(
        Map.entry("cluster_name", "clusterName(...)"), Map.entry("listen_address", "address(...)"),
        Map.entry("rpc_address", "address(...)"), Map.entry("storage_port", "storagePort(...)"),
        Map.entry("native_transport_port", "nativePort(...)"), Map.entry("seed_provider", "nodes(...)"),
        Map.entry("commitlog_sync", "commitlogSync(...)"), Map.entry("commitlog_sync_period", "commitlogSync(...)"),
        Map.entry("data_file_directories", "nothing: the folder is the testkit's"),
        Map.entry("commitlog_directory", "nothing: the folder is the testkit's"),
        Map.entry("saved_caches_directory", "nothing: the folder is the testkit's"),
        Map.entry("hints_directory", "nothing: the folder is the testkit's"),
        Map.entry("cdc_raw_directory", "nothing: the folder is the testkit's"));

    private String heap = "1G";
    private Path javaHome;
    private String address = "127.0.0.1";
    private int nativePort;
    private int storagePort;
    private String clusterName;
    private String commitlogSync = "periodic";
    private Duration startTimeout = Duration.ofSeconds(120);
    private Duration stopTimeout = Duration.ofSeconds(30);
    private int nodes = 1;
    private final Map<String, String> yaml = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    /** Off only in tests, to let a port clash reach Cassandra itself. */
    boolean checkPorts = true;

    private Builder() {}

    /** The heap of each node, as for -Xms and -Xmx: "1G" (default), "512M" (enough for clusters). */
    public Builder heap(String heap) {
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
     */
    public Builder javaHome(Path javaHome) {
      this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
      return this;
    }

    /** The address of a single node (default 127.0.0.1). Cluster node i always runs on 127.0.0.i. */
    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The CQL port; by default a free one. A port in use fails the start before launching anything. */
    public Builder nativePort(int port) {
      this.nativePort = checkPort("nativePort", port);
      return this;
    }

    /** The internode port; by default a free one. */
    public Builder storagePort(int port) {
      this.storagePort = checkPort("storagePort", port);
      return this;
    }

    private static int checkPort(String option, int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(option + " must be between 1 and 65535: " + port);
      }
      return port;
    }

    /** The cluster name; by default a unique one, so that independent servers never join each other. */
    public Builder clusterName(String clusterName) {
      this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
      return this;
    }

    /**
     * The commit log's sync mode: "periodic" (default: fsync every 10 s, fast) or "batch" (every write is
     * synced before it is acknowledged, slower; acknowledged writes then survive {@link CassandraServer#kill()}).
     */
    public Builder commitlogSync(String mode) {
      if (!"periodic".equals(mode) && !"batch".equals(mode)) {
        throw new IllegalArgumentException("commitlogSync must be periodic or batch: " + mode);
      }
      this.commitlogSync = mode;
      return this;
    }

    /** How long a node may take until it answers CQL (default 120 s). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = positive("startTimeout", timeout);
      return this;
    }

    /** How long {@link CassandraServer#stop()} waits after SIGTERM before SIGKILL (default 30 s). */
    public Builder stopTimeout(Duration timeout) {
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
     * one fails the start with Cassandra's own message.
     *
     * @throws IllegalArgumentException for a malformed key, or one that another option sets
     */
    public Builder yaml(String key, String value) {
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

    /** Adds a JVM option for the server, after the testkit's own (so it may override them). */
    public Builder jvmOption(String option) {
      jvmOptions.add(Objects.requireNonNull(option, "option"));
      return this;
    }

    /**
     * The number of nodes for {@link #startCluster()} (default 1): node i runs on 127.0.0.i, all with the
     * same ports, cluster name and seed (node 1).
     */
    public Builder nodes(int nodes) {
      if (nodes < 1 || nodes > 9) {
        throw new IllegalArgumentException("nodes must be between 1 and 9: " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    /**
     * Starts one node and blocks until it answers CQL.
     *
     * @throws CassandraStartException when it does not start; nothing is left behind
     * @throws IllegalStateException when {@link #nodes(int)} asked for more than one
     */
    public CassandraServer start() {
      if (nodes != 1) {
        throw new IllegalStateException("nodes(" + nodes + ") was set: use startCluster(), which returns a "
            + "CassandraCluster");
      }
      return startNodes(this).get(0);
    }

    /**
     * Starts {@link #nodes(int)} nodes one after another, each answering CQL before the next starts (about
     * 10 s per node).
     *
     * @throws CassandraStartException when a node does not start; the others are closed again
     */
    public CassandraCluster startCluster() {
      long start = System.nanoTime();
      List<CassandraServer> started = startNodes(this);
      CassandraCluster cluster = new CassandraCluster(started, Duration.ofNanos(System.nanoTime() - start));
      LOG.info("Cluster {} of {} nodes ready in {} ms", cluster.clusterName(), nodes,
          cluster.startupTime().toMillis());
      return cluster;
    }
  }
}
