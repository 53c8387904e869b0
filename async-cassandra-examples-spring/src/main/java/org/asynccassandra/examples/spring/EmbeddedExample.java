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
package org.asynccassandra.examples.spring;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.asynccassandra.examples.spring.mvc.MvcExampleApplication;
import org.asynccassandra.examples.spring.webflux.WebFluxExampleApplication;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./async-cassandra serve --spring}: starts an embedded Cassandra (the testkit's, about 10 s), loads sample
 * rows into {@code async_cassandra_spring.items}, and runs {@link WebFluxExampleApplication} against it, or
 * {@link MvcExampleApplication} with {@code --mvc}. Options: {@code --rows N} (default 10000) and any Spring
 * Boot property ({@code --server.port=8081}). A bad {@code --rows} or {@code --server.port}, or a port that cannot
 * be listened on, is refused before anything starts (exit 2); {@code --help} prints the usage. Ctrl+C stops the application, then the server.
 */
public final class EmbeddedExample {
  static final String KEYSPACE = "async_cassandra_spring";

  private static final Set<String> HELP = Set.of("-h", "--help");

  private EmbeddedExample() {}

  /**
   * The command line: the rows to load, MVC or WebFlux, and the arguments left for Spring Boot.
   *
   * @param rows sample rows to load, 0 or more
   * @param mvc whether to run the Spring MVC application rather than the WebFlux one
   * @param springArgs every other argument, for Spring Boot
   * @param help whether {@code -h} or {@code --help} was given: the usage is printed, and nothing starts
   */
  record Options(long rows, boolean mvc, List<String> springArgs, boolean help) {
    /** What the example says to {@code -h} or {@code --help}: nothing starts. */
    static final String USAGE = "Usage: ./async-cassandra serve --spring [--mvc | --webflux] [--rows N] "
        + "[--SPRING.PROPERTY=VALUE ...]\n(./async-cassandra help serve tells more)";

    /**
     * Reads {@code --mvc}, {@code --webflux} and {@code --rows N} (or {@code --rows=N}), as {@code serve} takes
     * them, and leaves the rest to Spring Boot.
     *
     * @throws IllegalArgumentException naming the argument when {@code --rows} is not a count, or when an option
     *     of {@code serve} that this example does not take ({@code --contact-point}, {@code --port},
     *     {@code --datacenter}) is given:
     *     before, they went to Spring Boot, which ignored them
     */
    static Options parse(List<String> args) {
      long rows = 10_000;
      boolean mvc = false;
      boolean help = false;
      List<String> springArgs = new ArrayList<>();
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (arg.equals("--mvc")) {
          mvc = true;
        } else if (arg.equals("--webflux")) {
          mvc = false;
        } else if (arg.equals("--rows") || arg.startsWith("--rows=")) {
          String value = arg.equals("--rows") ? (i + 1 < args.size() ? args.get(++i) : "") : arg.substring(7);
          rows = rows(value);
        } else if (HELP.contains(arg)) {
          help = true;
        } else if (arg.startsWith("--contact-point") || arg.equals("--port") || arg.startsWith("--port=")
            || arg.equals("--datacenter") || arg.startsWith("--datacenter=")) {
          throw new IllegalArgumentException(arg + " is an option of serve without --spring; the Spring example "
              + "starts its own Cassandra, and takes Spring Boot properties: --server.port=8081, or "
              + "--async-cassandra.contact-points=HOST:PORT with the application itself");
        } else {
          springArgs.add(arg);
        }
      }
      return new Options(rows, mvc, List.copyOf(springArgs), help);
    }

    /**
     * The port Spring Boot will listen on: the last {@code --server.port=N} (Spring Boot's own rule), else 8080.
     *
     * @throws IllegalArgumentException when it is not a port number
     */
    int port() {
      String port = "8080";
      for (String arg : springArgs) {
        if (arg.startsWith("--server.port=")) {
          port = arg.substring("--server.port=".length());
        }
      }
      try {
        int number = Integer.parseInt(port.strip());
        if (number >= 0 && number <= 65_535) {
          return number;
        }
      } catch (NumberFormatException notANumber) {
        // said below
      }
      throw new IllegalArgumentException("--server.port must be a port number, 0 to 65535: '" + port + "'");
    }

    /**
     * Fails, naming the port, when {@link #port} cannot be listened on: found before the embedded Cassandra
     * starts and loads its rows, not after.
     */
    void checkPort() {
      int port = port();
      if (port == 0) {
        return;
      }
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new InetSocketAddress(port));
      } catch (IOException taken) {
        throw new IllegalArgumentException("port " + port + " cannot be listened on (" + taken.getMessage()
            + "): another process may hold it; choose another with --server.port=N, or 0 for any free one", taken);
      }
    }

    private static long rows(String value) {
      try {
        long rows = Long.parseLong(value);
        if (rows >= 0) {
          return rows;
        }
      } catch (NumberFormatException notANumber) {
        // said below
      }
      throw new IllegalArgumentException("--rows must be a count of rows, 0 or more: '" + value + "'");
    }
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(List.of(args));
      if (options.help()) {
        System.out.println(Options.USAGE);
        return;
      }
      options.checkPort();
    } catch (IllegalArgumentException bad) {
      System.err.println("error: " + bad.getMessage());
      System.exit(2);
      return;
    }
    try {
      serve(options);
    } catch (RuntimeException failure) {
      // One line, as the Vert.x example and the CLI print a failure at run time (no JDK for Cassandra, a port in
      // use): Java's own handler printed the stack trace under "Exception in thread main". Spring has already
      // logged why it could not start, when that is the failure.
      LoggerFactory.getLogger(EmbeddedExample.class).debug("serve --spring failed", failure);
      Throwable cause = failure;
      while (cause.getCause() != null && cause.getMessage() != null && cause.getMessage().equals(
          String.valueOf(cause.getCause()))) {
        cause = cause.getCause(); // a wrapper that only repeats its cause
      }
      String message = cause.getMessage() == null ? cause.getClass().getSimpleName()
          : cause.getMessage().lines().findFirst().orElse(cause.getMessage());
      System.err.println("error: " + message);
      System.exit(1);
    }
  }

  /** Starts the server, loads the rows, then runs the application; a failure stops the server again. */
  private static void serve(Options options) {
    long rows = options.rows();
    boolean mvc = options.mvc();
    List<String> springArgs = new ArrayList<>(options.springArgs());
    System.out.println("Starting an embedded Apache Cassandra 5.0...");
    CassandraServer server = CassandraServer.builder().heap("1G").start();
    try (CqlSession session = server.newSession()) {
      TestData.createKeyspace(session, KEYSPACE, 1);
      TestData.createSampleTable(session, KEYSPACE, "items");
      TestData.loadSampleRows(session, KEYSPACE, "items", rows, 1_000);
    }
    springArgs.add(0, "--async-cassandra.contact-points=" + server.contactPoint().getHostString() + ":"
        + server.contactPoint().getPort());
    springArgs.add(1, "--async-cassandra.local-datacenter=" + server.localDatacenter());
    springArgs.add(2, "--async-cassandra.keyspace=" + KEYSPACE);
    ConfigurableApplicationContext context;
    try {
      SpringApplication application = mvc ? MvcExampleApplication.application()
          : WebFluxExampleApplication.application();
      // Not Spring's own shutdown hook: the JVM starts every hook at once, and the testkit's would kill the
      // server while the application still serves requests through its session.
      application.setRegisterShutdownHook(false);
      context = application.run(springArgs.toArray(String[]::new));
    } catch (RuntimeException failure) {
      server.close();
      throw failure;
    }
    // At exit the application closes first (requests end, then the session closes its streams), then the server.
    server.closeAtExitAfter(context::close);
    String port = context.getEnvironment().getProperty("local.server.port", "8080");
    System.out.println("Serving " + rows + " rows on " + (mvc ? "Spring MVC" : "WebFlux") + ": http://localhost:"
        + port + "/api/items/export.ndjson and http://localhost:" + port + "/api/items?limit=20  (Ctrl+C to stop)");
  }
}
