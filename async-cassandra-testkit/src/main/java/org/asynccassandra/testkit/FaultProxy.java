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
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a free port of 127.0.0.1 in front of a node's CQL port, to break the network under a
 * driver on purpose: {@link #dropAllConnections()} resets every proxied connection at once (the driver sees
 * its connections die mid-stream and reconnects through the proxy), {@link #pause()} stops forwarding bytes
 * in both directions until {@link #resume()} (requests time out, connections stay open).
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(server.contactPoint());
 *      CqlSession session = proxy.sessionBuilder(server.localDatacenter()).build()) {
 *   session.execute("SELECT release_version FROM system.local");  // through the proxy
 *   proxy.dropAllConnections();                                    // the driver reconnects
 * }
 * }</pre>
 *
 * <p><b>Routing the driver through it.</b> The driver connects to its contact points as given, but finds the
 * other nodes (and, after a reconnection, possibly the same node) under the addresses that the server
 * advertises, its real ones. {@link #sessionBuilder(String)} makes the proxy the contact point and installs
 * {@link FaultProxyTranslator}, which maps each proxied node's real address to its proxy, so that every
 * connection of the session goes through a proxy. For a cluster, start one proxy per node and route the
 * driver through all of them with {@link #routeThrough(ProgrammaticDriverConfigLoaderBuilder, FaultProxy...)}.
 *
 * <p><b>Threads.</b> Thread-safe. One daemon thread accepts connections and two daemon threads forward each
 * connection's bytes, all named {@code fault-proxy-<port>-...}. No method blocks for long; {@link #close()}
 * closes the listening socket and every connection, and waits until all of its threads have ended: a few
 * milliseconds, or up to the 5 s connect timeout while the proxy opens a connection to an unresponsive target.
 * It waits even when the calling thread is interrupted (which stays interrupted); threads still alive after
 * 10 s are named in a warning. It is idempotent. Should accepting fail (this JVM out of file descriptors, for
 * one), the proxy logs why and closes its port, so that new connections are refused; open ones go on.
 */
public final class FaultProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
  private static final int BUFFER_BYTES = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  /** How long {@link #close()} waits for all of the proxy's threads together. */
  private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final InetSocketAddress address;
  private final String name;
  private final Thread acceptor;
  /** Open proxied connections; a connection removes itself when it closes. */
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  /** Forwarding threads still running; each removes itself when it ends. */
  private final Set<Thread> forwarders = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicInteger connectionIds = new AtomicInteger();
  /** Forwarders wait on it while paused; resuming, closing the proxy and the end of a connection notify it. */
  private final Object gate = new Object();
  private boolean paused; // guarded by gate
  private volatile boolean closed;

  private FaultProxy(InetSocketAddress target, ServerSocket listener) {
    this.target = target;
    this.listener = listener;
    this.address = new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    this.name = "fault-proxy-" + listener.getLocalPort();
    this.acceptor = new Thread(this::acceptLoop, name + "-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Starts a proxy on a free port of 127.0.0.1 that forwards to {@code target}, such as
   * {@link CassandraServer#contactPoint()}. Returns once it accepts connections.
   *
   * @param target the address to forward to, not null; it is connected to only when a client connects
   *     to the proxy (an unreachable target resets that client's connection)
   * @return the running proxy, which the caller closes
   * @throws NullPointerException if {@code target} is null
   * @throws UncheckedIOException when no port can be opened
   */
  public static FaultProxy start(InetSocketAddress target) {
    Objects.requireNonNull(target, "target");
    ServerSocket listener;
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException failure) {
      throw new UncheckedIOException("Cannot open a port for a fault proxy to " + target, failure);
    }
    return start(target, listener);
  }

  /** Starts a proxy that accepts on {@code listener}, a bound socket it takes over (tests give their own). */
  static FaultProxy start(InetSocketAddress target, ServerSocket listener) {
    FaultProxy proxy = new FaultProxy(target, listener);
    proxy.acceptor.start();
    LOG.debug("Started {}", proxy);
    return proxy;
  }

  /** {@return the address to connect to instead of {@link #target()}}: 127.0.0.1 and the proxy's port. */
  public InetSocketAddress address() {
    return address;
  }

  /** {@return the address the proxy forwards to} */
  public InetSocketAddress target() {
    return target;
  }

  /** {@return how many proxied connections are open now} */
  public int openConnections() {
    return connections.size();
  }

  /** {@return how many connections the proxy has accepted since it started}, dropped ones included. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /**
   * Resets every proxied connection now (the client side sees a connection reset, the server an end of
   * stream). New connections are accepted and forwarded as before.
   */
  public void dropAllConnections() {
    List<Connection> dropped = new ArrayList<>(connections);
    dropped.forEach(Connection::abort); // wakes their forwarders waiting in a pause
    LOG.info("{} dropped {} connection(s)", this, dropped.size());
  }

  /**
   * Stops forwarding bytes in both directions, on open and new connections, until {@link #resume()}.
   * Connections stay open, so requests sent meanwhile time out. Bytes already read are held, not lost.
   */
  public void pause() {
    synchronized (gate) {
      paused = true;
    }
    LOG.info("{} paused", this);
  }

  /** Forwards bytes again, starting with those held during the pause. */
  public void resume() {
    synchronized (gate) {
      paused = false;
      gate.notifyAll();
    }
    LOG.info("{} resumed", this);
  }

  /** {@return whether forwarding is paused}: true from {@link #pause()} until {@link #resume()}. */
  public boolean isPaused() {
    synchronized (gate) {
      return paused;
    }
  }

  /**
   * A driver session builder whose every connection goes through this proxy, for a single node in
   * {@code localDatacenter}, with the testkit's generous timeouts. See the class comment.
   *
   * @param localDatacenter the datacenter of the proxied node, such as
   *     {@link CassandraServer#localDatacenter()}
   * @return a new builder with the proxy as contact point and {@link FaultProxyTranslator} installed
   */
  public CqlSessionBuilder sessionBuilder(String localDatacenter) {
    return sessionBuilder(localDatacenter, options -> {});
  }

  /**
   * Like {@link #sessionBuilder(String)}, and {@code customizer} may change driver options, for example
   * shorten the request timeout for a test of {@link #pause()}. It runs on the calling thread.
   *
   * @param localDatacenter the datacenter of the proxied node, such as
   *     {@link CassandraServer#localDatacenter()}
   * @param customizer changes the driver options, after the testkit's timeouts and the proxy's route are
   *     set; runs before this method returns, which then builds the loader
   * @return a new builder with the proxy as contact point and the customized options
   */
  public CqlSessionBuilder sessionBuilder(String localDatacenter,
      Consumer<ProgrammaticDriverConfigLoaderBuilder> customizer) {
    ProgrammaticDriverConfigLoaderBuilder options = CassandraServer.driverOptions();
    routeThrough(options, this);
    customizer.accept(options);
    return CqlSession.builder()
        .addContactPoint(address)
        .withLocalDatacenter(localDatacenter)
        .withConfigLoader(options.build());
  }

  /**
   * Makes a driver configuration translate each proxy's {@link #target()} into the proxy's
   * {@link #address()}, with {@link FaultProxyTranslator}; addresses of nodes without a proxy stay as they
   * are. Use a proxy's address as contact point. For a cluster:
   *
   * <pre>{@code
   * List<FaultProxy> proxies = cluster.nodes().stream().map(node -> FaultProxy.start(node.contactPoint())).toList();
   * ProgrammaticDriverConfigLoaderBuilder options = DriverConfigLoader.programmaticBuilder();
   * FaultProxy.routeThrough(options, proxies.toArray(FaultProxy[]::new));
   * CqlSession session = CqlSession.builder().addContactPoint(proxies.get(0).address())
   *     .withLocalDatacenter(cluster.localDatacenter()).withConfigLoader(options.build()).build();
   * }</pre>
   *
   * @param options the configuration to change; its address translator and its list of routes are
   *     replaced, so pass every proxy in one call
   * @param proxies the proxies to route through, one per node (none routes nothing)
   */
  public static void routeThrough(ProgrammaticDriverConfigLoaderBuilder options, FaultProxy... proxies) {
    List<String> routes = new ArrayList<>();
    for (FaultProxy proxy : proxies) {
      routes.add(FaultProxyTranslator.route(proxy.target(), proxy.address()));
    }
    options.withString(DefaultDriverOption.ADDRESS_TRANSLATOR_CLASS, FaultProxyTranslator.class.getName())
        .withStringList(FaultProxyTranslator.ROUTES, routes);
  }

  /**
   * Closes the listening socket and every connection, and waits until the proxy's threads have ended (at most
   * 10 s; threads still alive then are named in a warning). An interrupt does not cut the wait short: the
   * calling thread's interrupt status is set again before this method returns.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    new ArrayList<>(connections).forEach(Connection::abort);
    synchronized (gate) {
      gate.notifyAll();
    }
    long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
    boolean interrupted = awaitEnd(acceptor, deadline); // first: only the acceptor starts forwarders
    List<Thread> remaining = new ArrayList<>(forwarders);
    for (Thread forwarder : remaining) {
      interrupted |= awaitEnd(forwarder, deadline);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    remaining.add(acceptor);
    List<String> alive = remaining.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    if (alive.isEmpty()) {
      LOG.debug("Closed {}", this);
    } else {
      LOG.warn("Closed {}, but {} of its threads are still alive after {} s: {}", this, alive.size(),
          TimeUnit.NANOSECONDS.toSeconds(CLOSE_WAIT_NANOS), alive);
    }
  }

  @Override
  public String toString() {
    return "FaultProxy{" + FaultProxyTranslator.key(address) + " -> " + FaultProxyTranslator.key(target)
        + (closed ? ", closed" : "") + "}";
  }

  // ---------------------------------------------------------------------------------------------------

  /**
   * Waits until {@code thread} ends or {@code deadline} (of {@link System#nanoTime()}) passes; they end as soon
   * as their sockets are closed. An interrupt does not end the wait.
   *
   * @return whether the calling thread was interrupted meanwhile (its status is then cleared: the caller sets
   *     it again once it has stopped waiting)
   */
  private static boolean awaitEnd(Thread thread, long deadline) {
    boolean interrupted = false;
    long left;
    while (thread.isAlive() && (left = deadline - System.nanoTime()) > 0) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))); // join(0) would wait for ever
      } catch (InterruptedException interrupt) {
        interrupted = true;
      }
    }
    return interrupted;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException closedOrBroken) {
        if (!closed) {
          // Left open, the port would take connections into its backlog that nobody accepts: clients would hang
          // until their connect timeout instead of being refused.
          LOG.warn("{} stops accepting and closes its port, so that new connections are refused (open ones go on)"
              + ": {}", this, closedOrBroken.toString());
          try {
            listener.close();
          } catch (IOException ignored) {
            // refused all the same
          }
        }
        return;
      }
      accepted.incrementAndGet();
      Socket upstream = new Socket();
      try {
        upstream.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
        upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
      } catch (IOException unreachable) {
        LOG.debug("{} cannot reach its target: {}", this, unreachable.toString());
        closeQuietly(upstream);
        resetQuietly(client); // the client sees what it would see without the proxy: a refusal
        continue;
      }
      Connection connection = new Connection(connectionIds.incrementAndGet(), client, upstream);
      connections.add(connection);
      if (closed) {
        connection.abort(); // close() may have run between accept and add
        return;
      }
      connection.start();
    }
  }

  /** One proxied connection: the client's socket, the socket to the target, and a forwarder each way. */
  private final class Connection {
    private final int id;
    private final Socket client;
    private final Socket upstream;
    /** Set once, by the first close from either forwarder or from drop/close. */
    private volatile boolean done;

    Connection(int id, Socket client, Socket upstream) {
      this.id = id;
      this.client = client;
      this.upstream = upstream;
    }

    void start() {
      forward(client, upstream, name + "-" + id + "-to-server");
      forward(upstream, client, name + "-" + id + "-to-client");
    }

    private void forward(Socket from, Socket to, String threadName) {
      Thread thread = new Thread(() -> {
        try {
          pump(from, to);
        } finally {
          forwarders.remove(Thread.currentThread());
        }
      }, threadName);
      thread.setDaemon(true);
      forwarders.add(thread);
      thread.start();
    }

    private void pump(Socket from, Socket to) {
      byte[] buffer = new byte[BUFFER_BYTES];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (!awaitForwarding()) {
            break;
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException endOfConnection) {
        // one side closed or was reset: close the other side too
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      } finally {
        close();
      }
    }

    /** Waits while paused; false when the connection or the proxy closed meanwhile. */
    private boolean awaitForwarding() throws InterruptedException {
      synchronized (gate) {
        while (paused && !done && !closed) {
          gate.wait();
        }
      }
      return !done && !closed;
    }

    /** Closes both sides in an orderly way: the end of one direction ends the connection. */
    void close() {
      if (finish()) {
        closeQuietly(client);
        closeQuietly(upstream);
        wakeWaiters();
      }
    }

    /** Resets the client side (RST) and closes the server side: a connection dropped by the network. */
    void abort() {
      if (finish()) {
        resetQuietly(client);
        closeQuietly(upstream);
        wakeWaiters();
      }
    }

    private synchronized boolean finish() {
      if (done) {
        return false;
      }
      done = true;
      connections.remove(this);
      return true;
    }

    /**
     * Wakes the forwarders waiting in a pause, so that this connection's other forwarder, which holds bytes
     * read before its side closed, ends now instead of at {@link #resume()} or {@link FaultProxy#close()}.
     */
    private void wakeWaiters() {
      synchronized (gate) {
        gate.notifyAll();
      }
    }
  }

  private static void resetQuietly(Socket socket) {
    try {
      socket.setSoLinger(true, 0); // close() then sends RST instead of FIN
    } catch (IOException ignored) {
      // already closed
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
