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
package org.asynccassandra.examples.web;

import com.codahale.metrics.Gauge;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metrics.DefaultNodeMetric;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.micrometer.AsyncCassandraMetrics;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./async-cassandra serve}: the example web service on the embedded Cassandra (or --contact-point),
 * with a sample table of items.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Runs the example web service: token paging, page numbers with limits, NDJSON export.")
public final class WebServer implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
  static final String KEYSPACE = "async_cassandra_web";
  static final String TABLE = KEYSPACE + ".items";
  /** How long a connection may stay without a byte read or written before the server closes it. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  @Option(names = "--contact-point", paramLabel = "HOST:PORT", description = "Use this Cassandra instead of starting one.")
  String contactPoint;

  @Option(names = "--datacenter", defaultValue = "datacenter1", description = "Local datacenter with --contact-point.")
  String datacenter;

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 for any).")
  int port;

  @Option(names = "--rows", defaultValue = "10000", description = "Sample rows to load (default: ${DEFAULT-VALUE}).")
  int rows;

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command with its error handling: a bad option or token key exits 2 with one line naming it (before
   * anything starts), a failure at run time exits 1 with one line (the stack trace goes to the log at DEBUG).
   */
  static CommandLine commandLine() {
    return new CommandLine(new WebServer()).setExecutionExceptionHandler((failure, commandLine, parsed) -> {
      LOG.debug("serve failed", failure);
      commandLine.getErr().println("error: " + describe(failure));
      return 1;
    });
  }

  /** The first line of the message of the failure, or of its cause when it only wraps one. */
  static String describe(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
  }

  /** The environment variable that holds the token key. */
  static final String TOKEN_KEY_VARIABLE = "ASYNC_CASSANDRA_TOKEN_KEY";

  /**
   * The token key: {@code configured} (the value of {@link #TOKEN_KEY_VARIABLE}, base64 of at least 16 bytes),
   * else a random key per process.
   *
   * @throws IllegalArgumentException naming the variable when {@code configured} is not such a key
   */
  static ResumeTokenSigner signer(@Nullable String configured) {
    if (configured != null && !configured.isBlank()) {
      try {
        return ResumeTokenSigner.hmacSha256(Base64.getDecoder().decode(configured.strip()));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException(TOKEN_KEY_VARIABLE + " must be base64 of a key of at least 16 bytes: "
            + bad.getMessage(), bad);
      }
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    LOG.info("No ASYNC_CASSANDRA_TOKEN_KEY set: signing next-page tokens with a random key for this process; "
        + "tokens will not survive a restart or work on another instance");
    return ResumeTokenSigner.hmacSha256(key);
  }


  /**
   * {@code value} as HOST, HOST:PORT or [IPV6]:PORT (port 9042 when none is given).
   *
   * @throws ParameterException naming the value when it is none of these
   */
  static InetSocketAddress contactAddress(String value, CommandLine commandLine) {
    try {
      URI uri = new URI("cql://" + value.strip());
      String host = uri.getHost(); // null when the authority is not host[:port], a bad port included
      if (host == null || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null || uri.getPort() > 65535) {
        throw new URISyntaxException(value, "not HOST[:PORT]");
      }
      return new InetSocketAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
          uri.getPort() < 0 ? 9042 : uri.getPort());
    } catch (URISyntaxException | IllegalArgumentException bad) {
      throw new ParameterException(commandLine, "--contact-point must be HOST, HOST:PORT or [IPV6]:PORT: " + value);
    }
  }

  /**
   * Checks every option, the token key and the HTTP port before anything starts, so that a bad value fails at
   * once with exit code 2 rather than after the embedded Cassandra started and the sample rows loaded.
   *
   * @return the contact point (null: start the embedded Cassandra) and the token signer
   */
  private Checked checkOptions() {
    CommandLine commandLine = spec.commandLine();
    if (rows < 0) {
      throw new ParameterException(commandLine, "--rows must be 0 or more: " + rows);
    }
    if (port < 0 || port > 65535) {
      throw new ParameterException(commandLine, "--port must be between 0 and 65535: " + port);
    }
    InetSocketAddress address = contactPoint == null ? null : contactAddress(contactPoint, commandLine);
    ResumeTokenSigner signer;
    try {
      signer = signer(System.getenv(TOKEN_KEY_VARIABLE));
    } catch (IllegalArgumentException bad) {
      throw new ParameterException(commandLine, bad.getMessage(), bad);
    }
    if (port != 0) {
      try (ServerSocket probe = new ServerSocket(port)) {
        probe.setReuseAddress(true);
      } catch (IOException taken) {
        throw new ParameterException(commandLine, "--port " + port + " cannot be listened on (" + taken.getMessage()
            + "): another process may hold it; choose another port, or 0 for any free one", taken);
      }
    }
    return new Checked(address, signer);
  }

  /** What {@link #checkOptions} found good: the contact point (null: the embedded Cassandra), the token signer. */
  private record Checked(@Nullable InetSocketAddress contactPoint, ResumeTokenSigner signer) {}

  /** The driver's count of requests in flight over every node, or -1 when metrics are off. */
  @SuppressWarnings("unchecked")
  static int inFlight(CqlSession session) {
    if (session.getMetrics().isEmpty()) {
      return -1;
    }
    int total = 0;
    for (Node node : session.getMetadata().getNodes().values()) {
      total += session.getMetrics().get().getNodeMetric(node, DefaultNodeMetric.IN_FLIGHT)
          .map(metric -> ((Gauge<Integer>) metric).getValue()).orElse(0);
    }
    return total;
  }

  /**
   * Starts the HTTP server on {@code vertx} with the service over {@code table}, its {@code /metrics} fed by
   * {@code meters} (an {@link AsyncCassandraMetrics} of {@code async}), bound here to the service's registry. The
   * caller closes {@code meters} once the server is closed: its listener stays on {@code async} until then.
   */
  public static HttpServer start(Vertx vertx, CqlSession session, AsyncSession async, AsyncCassandraMetrics meters,
      String table, ResumeTokenSigner signer, int port) throws Exception {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.bindTo(metrics);
    return start(vertx, new ItemService(vertx, async, table, signer, () -> inFlight(session), metrics), port);
  }

  /** The meters of the example's streams on {@code async}, tagged {@code service=items}; the caller closes them. */
  public static AsyncCassandraMetrics meters(AsyncSession async) {
    return new AsyncCassandraMetrics(async, Tags.of("service", "items"));
  }

  /** Starts the HTTP server on {@code vertx} with {@code service}, closing connections idle for {@link #IDLE_TIMEOUT}. */
  static HttpServer start(Vertx vertx, ItemService service, int port) throws Exception {
    return start(vertx, service, port, IDLE_TIMEOUT);
  }

  /**
   * Starts the HTTP server on {@code vertx} with {@code service}. A connection on which nothing was read or
   * written for {@code idleTimeout} is closed: a client that stops reading an export would otherwise hold its
   * stream, a page and its read-ahead for good (its export ends as closed by the client).
   */
  static HttpServer start(Vertx vertx, ItemService service, int port, Duration idleTimeout) throws Exception {
    // Room for a request line with an 8 KiB token, so that the service itself answers "too large" in JSON.
    HttpServerOptions options = new HttpServerOptions().setMaxInitialLineLength(16 * 1024).setMaxHeaderSize(32 * 1024)
        .setIdleTimeout((int) idleTimeout.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    try {
      return vertx.createHttpServer(options).requestHandler(service.router()).listen(port)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      throw new IllegalStateException("Cannot listen on port " + port + ": " + describe(failed), failed.getCause());
    }
  }

  /** The driver's node metric that {@link #inFlight} reads. */
  private static final List<String> IN_FLIGHT_METRIC = List.of("pool.in-flight");

  /**
   * Loads the sample rows, unless a stop is asked meanwhile: then no more batches are sent (the ones in flight
   * are waited for) and this returns, so that Ctrl+C during a long load stops at once.
   */
  private void load(CqlSession session, CountDownLatch stopAsked) {
    System.out.printf(Locale.ROOT, "Loading %,d sample rows into %s...%n", rows, TABLE);
    try {
      TestData.loadSampleRows(session, TABLE, rows, 1_000, loaded -> {
        if (stopAsked.getCount() == 0) {
          throw new CancellationException("stop asked while loading"); // the load sends no more batches
        }
      });
    } catch (IllegalStateException failed) {
      if (stopAsked.getCount() > 0) {
        throw failed; // a real failure, not the stop
      }
    }
  }

  /**
   * Serves until the JVM is asked to stop (Ctrl+C, SIGTERM), then closes in order on this thread: the HTTP
   * server and its open exports first (Vert.x), then the streams and the sessions, then the embedded Cassandra;
   * the shutdown hook waits for that (at most {@link #SHUTDOWN_WAIT}) before the JVM halts, and the embedded
   * server's own hook kills Cassandra only after it.
   */
  @Override
  public Integer call() throws Exception {
    Checked checked = checkOptions();
    InetSocketAddress address = checked.contactPoint();
    CassandraServer server = null;
    Vertx vertx = Vertx.vertx();
    CountDownLatch stopAsked = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runnable stopAndWait = () -> {
      stopAsked.countDown();
      try {
        if (!closed.await(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS)) {
          LOG.warn("The service did not close within {}; exiting all the same", SHUTDOWN_WAIT);
        }
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    };
    try {
      com.datastax.oss.driver.api.core.CqlSessionBuilder builder;
      if (address == null) {
        System.out.println("Starting an embedded Apache Cassandra 5.0...");
        server = CassandraServer.builder().heap("1G").start();
        server.closeAtExitAfter(stopAndWait); // its hook kills Cassandra: only once the service closed
        builder = server.sessionBuilder(options -> options.withStringList(DefaultDriverOption.METRICS_NODE_ENABLED,
            IN_FLIGHT_METRIC));
      } else {
        // The in-flight metric for /metrics.json, as on the embedded server; the rest from application.conf.
        builder = CqlSession.builder().addContactPoint(address).withLocalDatacenter(datacenter)
            .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, IN_FLIGHT_METRIC).build());
        Runtime.getRuntime().addShutdownHook(new Thread(stopAndWait, "async-cassandra-serve-shutdown"));
      }
      try (CqlSession session = builder.build(); AsyncSession async = AsyncSession.wrap(session);
           AsyncCassandraMetrics meters = meters(async)) {
        TestData.createKeyspace(session, KEYSPACE, 1);
        TestData.createSampleTable(session, TABLE);
        if (stopAsked.getCount() > 0) { // Ctrl+C while starting: no load, no serving
          load(session, stopAsked);
        }
        if (stopAsked.getCount() > 0) {
          HttpServer http = start(vertx, session, async, meters, TABLE, checked.signer(), port);
          System.out.println("Serving " + rows + " items at http://localhost:" + http.actualPort()
              + "/  (Ctrl+C to stop)");
        }
        stopAsked.await();
        System.out.println("Stopping: no new requests; closing the open exports, then the sessions...");
        // Before the sessions: the HTTP server stops taking requests and the open exports' responses end
        // (their streams closed) while the session can still close them.
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      System.out.println("Stopped.");
      return 0;
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS); // done once: no-op
        if (server != null) {
          server.close();
        }
      } finally {
        closed.countDown();
      }
    }
  }

  /** How long the shutdown hook waits for the service to close before the JVM halts. */
  static final java.time.Duration SHUTDOWN_WAIT = java.time.Duration.ofSeconds(60);
}
