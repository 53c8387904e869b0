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
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metrics.DefaultNodeMetric;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.micrometer.AsyncCassandraMetrics;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

  public static void main(String[] args) {
    System.exit(new CommandLine(new WebServer()).execute(args));
  }

  /** The token key: ASYNC_CASSANDRA_TOKEN_KEY (base64, at least 16 bytes), else a random key per process. */
  static ResumeTokenSigner signerFromEnvironment() {
    String configured = System.getenv("ASYNC_CASSANDRA_TOKEN_KEY");
    if (configured != null && !configured.isBlank()) {
      return ResumeTokenSigner.hmacSha256(Base64.getDecoder().decode(configured.strip()));
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    LOG.info("No ASYNC_CASSANDRA_TOKEN_KEY set: signing next-page tokens with a random key for this process; "
        + "tokens will not survive a restart or work on another instance");
    return ResumeTokenSigner.hmacSha256(key);
  }


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
   * {@link AsyncCassandraMetrics} bound to {@code async}.
   */
  public static HttpServer start(Vertx vertx, CqlSession session, AsyncSession async, String table,
      ResumeTokenSigner signer, int port) throws Exception {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new AsyncCassandraMetrics(async, Tags.of("service", "items")).bindTo(metrics);
    return start(vertx, new ItemService(vertx, async, table, signer, () -> inFlight(session), metrics), port);
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
    return vertx.createHttpServer(options).requestHandler(service.router()).listen(port)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * Serves until the JVM is asked to stop (Ctrl+C, SIGTERM), then closes in order on this thread: the HTTP
   * server and its open exports first (Vert.x), then the streams and the sessions, then the embedded Cassandra;
   * the shutdown hook waits for that (at most {@link #SHUTDOWN_WAIT}) before the JVM halts, and the embedded
   * server's own hook kills Cassandra only after it.
   */
  @Override
  public Integer call() throws Exception {
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
      if (contactPoint == null) {
        System.out.println("Starting an embedded Apache Cassandra 5.0...");
        server = CassandraServer.builder().heap("1G").start();
        server.closeAtExitAfter(stopAndWait); // its hook kills Cassandra: only once the service closed
        builder = server.sessionBuilder(options -> options.withStringList(DefaultDriverOption.METRICS_NODE_ENABLED,
            List.of("pool.in-flight")));
      } else {
        int colon = contactPoint.lastIndexOf(':');
        InetSocketAddress address = colon < 0 ? new InetSocketAddress(contactPoint, 9042)
            : new InetSocketAddress(contactPoint.substring(0, colon), Integer.parseInt(contactPoint.substring(colon + 1)));
        builder = CqlSession.builder().addContactPoint(address).withLocalDatacenter(datacenter);
        Runtime.getRuntime().addShutdownHook(new Thread(stopAndWait, "async-cassandra-serve-shutdown"));
      }
      try (CqlSession session = builder.build(); AsyncSession async = AsyncSession.wrap(session)) {
        TestData.createKeyspace(session, KEYSPACE, 1);
        TestData.createSampleTable(session, TABLE);
        if (stopAsked.getCount() > 0) { // Ctrl+C while starting: no load, no serving
          TestData.loadSampleRows(session, TABLE, rows, 1_000);
        }
        if (stopAsked.getCount() > 0) {
          HttpServer http = start(vertx, session, async, TABLE, signerFromEnvironment(), port);
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
