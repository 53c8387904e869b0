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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * <p>The server's jars come from the local Maven repository and never share the client's classpath. Those
 * missing there, as in any project that takes the testkit from Maven Central, are fetched on the starting
 * thread before the first start (about 67 MB, each checked against its published SHA-1) from Maven Central,
 * or from the repository that system property {@code asynccassandra.testkit.mavenRepository} or environment
 * variable {@code ASYNC_CASSANDRA_MAVEN_REPOSITORY} names. It runs on a JDK 11 or 17 that it finds by itself (see
 * {@link CassandraServerBuilder#javaHome(Path)}), on free ports of 127.0.0.1 (on Linux, below the range the
 * kernel gives outgoing connections' local ports from, so that no connection takes one before Cassandra listens
 * on it, or between a {@link #kill()} and a {@link #restart()}), in a folder of its own under java.io.tmpdir
 * ({@link #directory()}) with its logs in {@code logs/}. It opens no JMX port.
 *
 * <p><b>Threads.</b> Thread-safe. {@link CassandraServerBuilder#start()}, {@link #stop()}, {@link #restart()}
 * and {@link #close()} block until done; {@link #kill()} blocks only until the process is gone. Lifecycle calls
 * are serialized, except {@link #kill()} and {@link #close()}, which end a start in progress at once (it
 * then fails with a {@link CassandraStartException}).
 *
 * <p><b>Cleanup.</b> {@link #close()} kills the process and deletes the folder; the server that
 * {@link CassandraExtension} shares refuses it (the extension closes that one when the test run ends). A JVM
 * shutdown hook does the same for servers not closed, and where util-linux {@code setpriv} exists the kernel
 * kills the server if this JVM dies without running its hooks (SIGKILL); the next server started deletes
 * folders left that way. A start that fails leaves no process and no folder behind, and its exception carries
 * the log tail.
 */
public final class CassandraServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraServer.class);
  private static final String LOCAL_DATACENTER = "datacenter1";
  /** The start check's query: the cluster name tells this server's node from another on the same port. */
  static final String PROBE_QUERY = "SELECT cluster_name, release_version FROM system.local";

  /** Servers not closed yet: the shutdown hook closes them. */
  private static final Set<CassandraServer> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(CassandraServer::closeAtExit),
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
  /**
   * True while {@link CassandraExtension} shares this server between test classes: {@link #close()} then
   * refuses, and only the extension closes it ({@link #closeShared()}) or the shutdown hook.
   */
  private volatile boolean shared;
  /** What the shutdown hook runs before it closes this server (see {@link #closeAtExitAfter}); null: nothing. */
  private volatile Runnable beforeExitClose;
  private Duration startupTime = Duration.ZERO; // guarded by this
  private String releaseVersion = "5.0"; // guarded by this
  /** Where the logs ended at the last launch: a start failure reads only what follows. Guarded by this. */
  private ServerLogs.Mark logsAtLaunch = ServerLogs.Mark.START;

  CassandraServer(ServerSettings settings, ServerFolder folder) {
    this.settings = settings;
    this.folder = folder;
    OPEN.add(this);
  }

  /**
   * A builder for one node ({@link CassandraServerBuilder#start()}) or a cluster
   * ({@link CassandraServerBuilder#startCluster()}).
   *
   * @return a new builder with the defaults (one node, free ports, 127.0.0.1)
   */
  public static CassandraServerBuilder builder() {
    return new CassandraServerBuilder();
  }

  /** {@return the address and native (CQL) port to connect to}; the same across restarts. */
  public InetSocketAddress contactPoint() {
    return new InetSocketAddress(settings.address(), settings.nativePort());
  }

  /** {@return the node's datacenter, for {@code withLocalDatacenter}}: always {@code datacenter1} (SimpleSnitch). */
  public String localDatacenter() {
    return LOCAL_DATACENTER;
  }

  /**
   * {@return the node's cluster name}: unique per server or cluster unless
   * {@link CassandraServerBuilder#clusterName} set it.
   */
  public String clusterName() {
    return settings.clusterName();
  }

  /**
   * {@return how long the last start or restart took}, from launching the JVM until a CQL query answered.
   */
  public synchronized Duration startupTime() {
    return startupTime;
  }

  /** {@return the node's folder}: {@code conf/}, {@code data/}, {@code logs/}; deleted by {@link #close()}. */
  public Path directory() {
    return folder.path();
  }

  /** {@return the path of Cassandra's log}, {@code logs/system.log} in {@link #directory()}. */
  public Path logFile() {
    return ServerLogs.systemLog(folder.path());
  }

  /** {@return whether the server process is alive} (it may still be starting, or not answer yet). */
  public boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /**
   * The process id of the server, for checks that no process is left.
   *
   * @return the operating system's id of the last launched process (it may have exited since, and after
   *     {@link #close()} it has: the id stays readable so that a test can check the process is gone)
   * @throws IllegalStateException when no process was ever launched
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
   *
   * @return a new builder with this node as contact point and its local datacenter set (and the
   *     credentials and TLS the server was started with)
   */
  public CqlSessionBuilder sessionBuilder() {
    return sessionBuilder(options -> {});
  }

  /**
   * A driver session builder for this node whose options {@code customizer} may change, for example to
   * enable metrics or shorten the request timeout. The customizer runs on the calling thread, before this
   * method returns.
   *
   * @param customizer changes the driver options this method starts from (the testkit's timeouts, and the
   *     credentials and TLS the server was started with); this method builds the loader after it returns
   * @return a new builder with this node as contact point, its local datacenter and the customized options
   */
  public CqlSessionBuilder sessionBuilder(Consumer<ProgrammaticDriverConfigLoaderBuilder> customizer) {
    ProgrammaticDriverConfigLoaderBuilder options = settings.security().driverOptions(driverOptions());
    customizer.accept(options);
    return CqlSession.builder()
        .addContactPoint(contactPoint())
        .withLocalDatacenter(localDatacenter())
        .withConfigLoader(options.build());
  }

  /**
   * The stores a client needs to connect to this node when it was started with
   * {@link CassandraServerBuilder#clientEncryption()}.
   *
   * @return the node's truststore and client keystore (files in {@link #directory()}) and their password
   * @throws IllegalStateException when client encryption is off
   */
  public ClientTls clientTls() {
    if (settings.security().tls() == null) {
      throw new IllegalStateException("Client encryption is off: start the server with clientEncryption(): " + this);
    }
    return settings.security().tls().client();
  }

  /**
   * Opens a session to this node ({@link #sessionBuilder()}); blocks until it is connected.
   *
   * @return a connected session, which the caller closes
   * @throws com.datastax.oss.driver.api.core.AllNodesFailedException if the node cannot be reached
   */
  public CqlSession newSession() {
    return sessionBuilder().build();
  }

  /**
   * Stops the server gracefully: SIGTERM, which flushes memtables and closes the commit log, then SIGKILL
   * if it is not gone within {@link CassandraServerBuilder#stopTimeout} (30 s). The data stays for
   * {@link #restart()}.
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
   *
   * @throws IllegalStateException on the server that {@link CassandraExtension} shares between test classes:
   *     closed, it could not be restarted for the classes that follow, so the extension closes it itself when
   *     the test run ends (a test that needs a server down uses {@link #stop()} or {@link #kill()}, then
   *     {@link #restart()}); the server is left as it was
   */
  @Override
  public void close() {
    if (shared) {
      throw new IllegalStateException("This is the server that CassandraExtension shares between test classes, "
          + "and it closes it when the test run ends: closed, no later class could use it. To test a server "
          + "that is down, stop() or kill() it and restart() it before the class ends, or start a server of your "
          + "own with CassandraServer.builder(): " + this);
    }
    closeNow();
  }

  /** Marks this server as the one {@link CassandraExtension} shares: {@link #close()} refuses from now on. */
  void share() {
    shared = true;
  }

  /** Closes the server that {@link CassandraExtension} shares, when the last run that holds it ends. */
  void closeShared() {
    shared = false;
    closeNow();
  }

  private void closeNow() {
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

  /**
   * Has the JVM's shutdown hook run {@code first} before it closes this server, when the server is still open
   * at exit: for an application that uses the server and must shut down while it still answers. The JVM
   * starts every shutdown hook at once, in no order, so the application's own hook (Spring Boot's, for one)
   * would race the hook that closes the server; give the application's shutdown here instead. A {@code first}
   * that throws is logged, and the server is closed all the same. A second call replaces the first.
   *
   * @param first what to run before the server closes at exit, on the shutdown hook's thread
   * @throws NullPointerException if {@code first} is null
   */
  public void closeAtExitAfter(Runnable first) {
    beforeExitClose = java.util.Objects.requireNonNull(first, "first");
  }

  /** What the shutdown hook does for this server: runs {@link #closeAtExitAfter}'s task, then closes it. */
  void closeAtExit() {
    Runnable first = beforeExitClose;
    try {
      if (first != null && !closed) {
        first.run();
      }
    } catch (RuntimeException | Error failure) {
      LOG.warn("What was to run before {} closes at exit failed; closing it all the same", describe(), failure);
    } finally {
      closeNow(); // the shared server too: the JVM is exiting
    }
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

  void writeConfiguration() {
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
  void launch() {
    assert Thread.holdsLock(this);
    if (settings.checkPorts()) {
      checkPortFree(settings.address(), "nativePort", settings.nativePort());
      checkPortFree(settings.address(), "storagePort", settings.storagePort());
    }
    logsAtLaunch = ServerLogs.mark(folder.path()); // a restart's logs follow the earlier runs' lines
    long start = System.nanoTime();
    // No prefix here: ProcessLauncher.start puts the setpriv prefix before the command itself (twice nested
    // setpriv commands worked, but were never the command the probe checked).
    Process started = ProcessLauncher.start(settings.command(folder.path(), List.of()),
        folder.path(), ServerLogs.stdoutLog(folder.path()));
    process = started;
    try {
      awaitReady(started, start);
    } catch (RuntimeException failure) {
      ProcessLauncher.kill(started);
      throw failure;
    } catch (LinkageError clash) {
      // The readiness probe's driver classes did not load (a Netty or config version clash on the classpath):
      // the node may be up, but nothing here can use it. As a start failure, it is cleaned up like one (the
      // process killed, the folder deleted) and the extension does not start another node for every class.
      ProcessLauncher.kill(started);
      throw new CassandraStartException(describe() + " was launched, but the driver that checks it answers CQL "
          + "failed to load: " + clash + ". Check the versions of the driver's dependencies (Netty, Typesafe "
          + "Config) on the test classpath", clash);
    } catch (Error failure) { // no process of a failed start is left running, whatever failed
      ProcessLauncher.kill(started);
      throw failure;
    }
    startupTime = Duration.ofNanos(System.nanoTime() - start);
    LOG.info("Cassandra {} ready at {}:{} in {} ms (pid {}, folder {})", releaseVersion, settings.address(),
        settings.nativePort(), startupTime.toMillis(), started.pid(), folder);
  }

  static void checkPortFree(String address, String option, int port) {
    if (!Ports.isFree(address, port)) {
      throw new CassandraStartException("Port " + port + " on " + address + " is already in use, so "
          + "Cassandra could not listen there (" + option + "); choose another " + option + "(...) or leave "
          + "it out to get a free one");
    }
  }

  /**
   * Polls until a CQL query answers, the process exits, {@link #close()} runs or the start timeout passes. The
   * timeout is checked after each poll, so at least one runs; its message carries the last query's failure. A
   * node of another cluster that answers on the port fails the start at once ({@link #checkOwnNode}), and so
   * does a process that exits just after its node answered.
   */
  void awaitReady(Process started, long startNanos) {
    Duration timeout = settings.startTimeout();
    InetSocketAddress cql = contactPoint();
    RuntimeException lastProbeFailure = null; // why the last CQL query failed; null while none ran
    while (true) {
      if (closed) {
        throw new CassandraStartException(describe() + " was closed while starting");
      }
      if (!started.isAlive()) {
        throw failure(describe() + " exited with code " + started.exitValue() + " while starting", null);
      }
      if (Ports.isOpen(cql)) {
        String answeredClusterName = null; // null: no answer yet
        try {
          answeredClusterName = probeClusterName();
        } catch (RuntimeException notYet) {
          lastProbeFailure = notYet;
          LOG.debug("{} does not answer CQL yet: {}", describe(), notYet.toString());
        }
        if (answeredClusterName != null) {
          checkOwnNode(answeredClusterName);
          if (!started.isAlive()) { // it answered, and died just after: no node to hand out
            throw failure(describe() + " answered CQL, then exited with code " + started.exitValue(), null);
          }
          return;
        }
      }
      if (System.nanoTime() - startNanos > timeout.toNanos()) {
        throw failure(timeoutMessage(timeout, lastProbeFailure), lastProbeFailure);
      }
      try {
        started.waitFor(250, TimeUnit.MILLISECONDS); // the next poll, or at once if the process exits
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new CassandraStartException("Interrupted while waiting for " + describe() + " to start", interrupted);
      }
    }
  }

  /**
   * Checks that the node that answered the start check on this server's CQL port is this server's own node,
   * from the cluster name it answered: each server (or cluster) has a cluster name of its own, so another
   * name means another process (another JVM's test node, for one) listened on the port first, and this node
   * cannot bind it.
   *
   * @param answeredClusterName the {@code cluster_name} of the {@code system.local} row that the port answered
   * @throws CassandraStartException when it is not this server's cluster name
   */
  void checkOwnNode(String answeredClusterName) {
    if (!settings.clusterName().equals(answeredClusterName)) {
      throw new CassandraStartException("Port " + settings.nativePort() + " on " + settings.address()
          + " answers CQL for another Cassandra, of cluster '" + answeredClusterName + "', not this server's "
          + "cluster '" + settings.clusterName() + "': another process took the port first, so this node cannot "
          + "listen there. Stop that process, or choose another nativePort(...) (or leave it out to get a free one)");
    }
  }

  /**
   * Why the start timed out: with the last failure of the CQL query when the port was open (such as a login
   * that the node refuses), which a longer timeout would not cure.
   */
  private String timeoutMessage(Duration timeout, RuntimeException lastProbeFailure) {
    String headline = describe() + " did not answer CQL within " + timeout.toSeconds() + " s";
    if (lastProbeFailure == null) {
      return headline + " (its CQL port never opened); raise startTimeout(...) on a slow machine";
    }
    return headline + ": its CQL port was open, but the testkit's query (" + PROBE_QUERY + ")"
        + " failed, last with " + lastProbeFailure + ". Look for a yaml(...) or jvmOption(...) setting that changes"
        + " how clients connect or log in; else raise startTimeout(...) on a slow machine";
  }

  /**
   * The exception for a failed start: the cause found in the logs, then the logs' last lines, both from what
   * this launch wrote (not an earlier run's error, after a restart).
   */
  private CassandraStartException failure(String headline, Throwable cause) {
    ServerLogs.Mark since = logsAtLaunch;
    return new CassandraStartException(headline
        + ServerLogs.cause(folder.path(), since).map(found -> ": " + found).orElse("")
        + ServerLogs.tail(folder.path(), since), cause);
  }

  /**
   * Creates a superuser role that logs in with {@code password}, logged in as the built-in
   * {@code cassandra}/{@code cassandra} (the default role appears just after the start: tried for 30 s).
   */
  void createSuperuser(String username, String password) {
    Security builtIn = settings.security().builtInSuperuser();
    RuntimeException last = null;
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < deadline; ) {
      try (CqlSession session = CqlSession.builder().addContactPoint(contactPoint())
          .withLocalDatacenter(localDatacenter()).withConfigLoader(builtIn.driverOptions(driverOptions()).build())
          .build()) {
        // No bind markers in role statements: the password is a quoted literal.
        session.execute("CREATE ROLE IF NOT EXISTS \"" + username.replace("\"", "\"\"") + "\" WITH PASSWORD = '"
            + password.replace("'", "''") + "' AND LOGIN = true AND SUPERUSER = true");
        return;
      } catch (com.datastax.oss.driver.api.core.AllNodesFailedException notYet) {
        last = notYet; // the built-in role is not there yet: the login fails
        try {
          Thread.sleep(250);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new CassandraStartException("Cannot create the role " + username + " on " + describe() + ": " + last, last);
  }

  /**
   * Runs a real query on the CQL port, which opens as Cassandra's last startup step, and keeps the release
   * version it answers.
   *
   * @return the cluster name of the node that answered, for {@link #checkOwnNode}; null when no row came back
   * @throws RuntimeException the driver's failure to connect, log in or query, for the caller to keep
   */
  private String probeClusterName() {
    // Short timeouts: whatever listens may not be Cassandra yet (or at all, if another process took the port).
    ProgrammaticDriverConfigLoaderBuilder options = settings.security().builtInSuperuser()
        .driverOptions(driverOptions())
        .withString(DefaultDriverOption.SESSION_NAME, "testkit-probe")
        .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
        .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
        .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
    try (CqlSession probe = CqlSession.builder().addContactPoint(contactPoint())
        .withLocalDatacenter(localDatacenter()).withConfigLoader(options.build()).build()) {
      Row row = probe.execute(PROBE_QUERY).one();
      if (row == null) {
        return null;
      }
      releaseVersion = row.getString("release_version");
      return String.valueOf(row.getString("cluster_name"));
    }
  }
}
