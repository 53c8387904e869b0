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
package org.asynccassandra.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.bench.jmh.CostMicrobench;
import org.asynccassandra.bench.jmh.MicroResult;
import org.asynccassandra.bench.jmh.RowPathMicrobench;
import org.asynccassandra.bench.jmh.StreamFootprint;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./async-cassandra bench}: runs every scenario against the embedded Cassandra (or
 * {@code --contact-point}) and writes results.json, README.md and PNG charts. Exit codes: 0 success, 1 a
 * scenario failed (the others still ran and the report says which), 2 bad usage.
 */
@Command(name = "async-cassandra bench", mixinStandardHelpOptions = true,
    description = {
        // One paragraph per element: picocli wraps each at the terminal's width (a line break inside one
        // sentence would be printed as it is, in the middle of a wrapped line).
        "Benchmarks async-cassandra against every way the driver itself can be used, side by side in the same "
            + "run, on a real Cassandra: raw throughput, overlap of fetch and work, an event loop with a heartbeat, "
            + "memory, table scans and export (against dsbulk), time to first row, concurrency and wide rows; then "
            + "JMH micro-benchmarks.",
        "Writes results.json, README.md and PNG charts into --output. A full run takes about 40 minutes on 2 "
            + "cores, and the whole machine: run nothing else meanwhile."})
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "A smoke run of a few minutes (100k rows; default output "
      + "async-cassandra-bench/target/bench-quick).")
  boolean quick;

  @Option(names = "--size", hidden = true, description = "full, quick or tiny (the harness's own test).")
  String size;

  @Option(names = "--output", paramLabel = "DIR",
      description = "Where the report goes (default: docs/benchmarks of the project, or target/bench-quick with --quick).")
  Path output;

  @Option(names = "--scenarios", split = ",", paramLabel = "ID",
      description = "Scenarios to run (default: all): throughput, overlap, event-loop, memory, scan, export, "
          + "flink-export, first-row, concurrency, wide-row.")
  List<String> scenarios;

  @Option(names = "--skip-jmh", description = "Skip the JMH micro-benchmarks.")
  boolean skipJmh;

  @Option(names = "--contact-point", paramLabel = "HOST:PORT",
      description = "A Cassandra node to use instead of the embedded server (the bench creates keyspace "
          + BenchCommand.KEYSPACE + " there).")
  String contactPoint;

  @Option(names = "--datacenter", defaultValue = "datacenter1", description = "The local datacenter with "
      + "--contact-point (default: ${DEFAULT-VALUE}).")
  String datacenter;

  @Option(names = "--server-pid", paramLabel = "PID", description = "With --contact-point on this machine: the "
      + "server's process id, so that the event-loop scenario can give it and the bench cores of their own.")
  Long serverPid;

  @Option(names = "--heap", defaultValue = "2G", description = "Heap of the embedded server (default: ${DEFAULT-VALUE}).")
  String heap;

  @Option(names = "--verbose", description = "Print the stack trace of a failure.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  static final String KEYSPACE = "async_cassandra_bench";
  private final PrintStream out = System.out;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the bench and returns its exit code; no System.exit, so tests can call it. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The command line of the bench: a run-time failure (an unreachable --contact-point, an --output it cannot
   * write) prints one {@code error:} line, as the CLI's commands do, and the stack trace only with
   * {@code --verbose} (picocli's own handler printed the whole trace).
   */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new BenchCommand());
    commandLine.setExecutionExceptionHandler((failure, failed, parsed) -> {
      // A JDK exception's message alone may be a bare path: its type says what happened to it.
      failed.getErr().println("error: " + (failure.getMessage() != null && !(failure instanceof java.io.IOException)
          ? failure.getMessage() : failure.toString()));
      if (((BenchCommand) failed.getCommand()).verbose) {
        failure.printStackTrace(failed.getErr());
      } else {
        failed.getErr().println("(run again with --verbose for the stack trace)");
      }
      return 1;
    });
    return commandLine;
  }

  @Override
  public Integer call() throws Exception {
    BenchSettings settings = settings();
    List<Scenario> chosen = chosenScenarios();
    InetSocketAddress given = contactPoint == null ? null : address();
    Path directory = outputDirectory();
    Files.createDirectories(directory);
    Instant started = Instant.now();
    Results results = new Results();
    Map<String, Object> environment = Environment.describe();
    List<String> failures = new ArrayList<>();
    CassandraServer server = null;
    ExecutorService consumer = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bench-consumer");
      thread.setDaemon(true);
      return thread;
    });
    try {
      InetSocketAddress node;
      String dc;
      if (given != null) {
        node = given;
        dc = datacenter;
      } else {
        out.println("Starting an embedded Apache Cassandra 5.0 (heap " + heap + ")...");
        server = CassandraServer.builder().heap(heap).start();
        node = server.contactPoint();
        dc = server.localDatacenter();
        out.printf(Locale.ROOT, "Cassandra is up at %s:%d after %.1f s.%n", node.getHostString(), node.getPort(),
            server.startupTime().toMillis() / 1000.0);
      }
      PageCounter counter = new PageCounter();
      try (CqlSession session = CqlSession.builder()
              .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                  .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                  .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
                  .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(20))
                  .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(10))
                  // A gauge read only when polled: the first-row scenario waits on it between modes.
                  .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, List.of(InFlight.METRIC))
                  .build())
              .addContactPoint(node).withLocalDatacenter(dc).withRequestTracker(counter).build();
           AsyncSession async = AsyncSession.wrap(session)) {
        environment.put("cassandraVersion",
            session.execute("SELECT release_version FROM system.local").one().getString(0));
        OptionalLong pid = server != null ? OptionalLong.of(server.pid())
            : serverPid != null ? OptionalLong.of(serverPid) : OptionalLong.empty();
        BenchContext context = new BenchContext(settings, session, async, counter, consumer, node, dc, pid,
            KEYSPACE, directory, results, out);
        load(context, chosen);
        for (Scenario scenario : chosen) {
          out.printf("%n== %s%n", scenario.id());
          long start = System.nanoTime();
          try {
            scenario.run(context);
            out.printf(Locale.ROOT, "== %s done in %.0f s%n", scenario.id(), (System.nanoTime() - start) / 1e9);
          } catch (Exception failure) {
            String firstLine = String.valueOf(failure).lines().findFirst().orElse("");
            failures.add(scenario.id() + ": " + firstLine);
            results.section(scenario.id(), scenario.id() + " (failed)",
                "This scenario failed in this run:\n\n```\n" + failure + "\n```\n");
            out.println("== " + scenario.id() + " FAILED: " + failure);
            failure.printStackTrace(out);
          }
        }
      }
    } finally {
      consumer.shutdownNow();
      if (server != null) {
        out.println("Stopping the embedded server...");
        server.close();
      }
    }
    List<MicroResult> micro = List.of();
    if (!skipJmh) {
      out.printf("%n== jmh (per-row path of the stream engine, no server)%n");
      try {
        micro = RowPathMicrobench.run(!settings.name().equals("full"), out);
      } catch (Exception failure) {
        failures.add("jmh: " + failure);
        out.println("== jmh FAILED: " + failure);
      }
      out.printf("%n== footprint (what a stream waiting for its next page keeps, no server)%n");
      try {
        micro = Stream.concat(micro.stream(), footprint(out).stream()).toList();
      } catch (Exception failure) {
        failures.add("footprint: " + failure);
        out.println("== footprint FAILED: " + failure);
      }
    }
    List<MicroResult> costs = List.of();
    if (!skipJmh) {
      out.printf("%n== jmh (per-row costs of listeners and mappers, no server)%n");
      try {
        costs = CostMicrobench.run(!settings.name().equals("full"), out);
      } catch (Exception failure) {
        failures.add("jmh costs: " + failure);
        out.println("== jmh costs FAILED: " + failure);
      }
    }
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("settings", settings.toJson());
    options.put("scenarios", chosen.stream().map(Scenario::id).toList());
    options.put("contactPoint", contactPoint == null ? "embedded" : contactPoint);
    options.put("serverHeap", contactPoint == null ? heap : null);
    options.put("jmh", !skipJmh);
    Report.write(directory, results, micro, costs, environment, options, started, failures);
    out.printf("%nReport: %s%n", directory.resolve("README.md").toAbsolutePath());
    results.goals().forEach(goal -> out.printf("  %-7s %s: %s%n", goal.met() ? "met" : "MISSED", goal.name(),
        goal.measured()));
    if (!failures.isEmpty()) {
      out.println("Failed: " + String.join("; ", failures));
      return 1;
    }
    return 0;
  }

  /**
   * Runs {@link StreamFootprint} in a fresh JVM (heap figures of its own), killed after 2 minutes, and prints
   * its output; its log is a temporary file, deleted after.
   */
  static List<MicroResult> footprint(PrintStream out) throws IOException, InterruptedException {
    Path log = Files.createTempFile("async-cassandra-footprint", ".log");
    try {
      ChildProcess.run("the footprint measurement", StreamFootprint.command(), log.getParent(), log,
          Duration.ofMinutes(2));
      String output = Files.readString(log, StandardCharsets.UTF_8);
      out.print(output);
      return StreamFootprint.parse(output);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private BenchSettings settings() {
    if (size != null && quick) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--quick and --size cannot be combined");
    }
    try {
      CassandraServer.builder().heap(heap); // checked before the output folder is made or anything started
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--" + bad.getMessage());
    }
    try {
      return size != null ? BenchSettings.named(size) : quick ? BenchSettings.quick() : BenchSettings.full();
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--" + bad.getMessage());
    }
  }

  private List<Scenario> chosenScenarios() {
    List<Scenario> all = Scenarios.all();
    if (scenarios == null || scenarios.isEmpty()) {
      return all;
    }
    List<Scenario> chosen = new ArrayList<>();
    for (String id : scenarios) {
      Scenario scenario = all.stream().filter(s -> s.id().equals(id.trim())).findFirst().orElseThrow(() ->
          new CommandLine.ParameterException(spec.commandLine(), "--scenarios: unknown scenario '" + id
              + "'; known: " + String.join(", ", all.stream().map(Scenario::id).toList())));
      chosen.add(scenario);
    }
    return chosen;
  }

  private Path outputDirectory() {
    if (output != null) {
      return output.toAbsolutePath();
    }
    Path root = Paths.get(System.getProperty("asynccassandra.root", ".")).toAbsolutePath().normalize();
    boolean full = size == null && !quick;
    return full ? root.resolve("docs/benchmarks") : root.resolve("async-cassandra-bench/target/bench-" +
        (size != null ? size : "quick"));
  }

  private InetSocketAddress address() {
    String value = contactPoint.trim();
    String host = value;
    int port = 9042;
    try {
      if (value.startsWith("[")) { // [IPv6]:PORT, or [IPv6]
        int end = value.indexOf(']');
        if (end < 0 || end + 1 < value.length() && value.charAt(end + 1) != ':') {
          throw new IllegalArgumentException("unclosed bracket");
        }
        host = value.substring(1, end);
        port = end + 1 < value.length() ? Integer.parseInt(value.substring(end + 2)) : 9042;
      } else if (value.indexOf(':') == value.lastIndexOf(':') && value.indexOf(':') >= 0) { // HOST:PORT
        int colon = value.indexOf(':');
        host = value.substring(0, colon);
        port = Integer.parseInt(value.substring(colon + 1));
      } // else HOST, or an IPv6 address without brackets (::1): the default port
      if (host.isEmpty()) {
        throw new IllegalArgumentException("no host");
      }
      return new InetSocketAddress(host, port);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--contact-point must be HOST, HOST:PORT or [IPv6]:PORT: " + contactPoint);
    }
  }

  /** Creates the keyspace and loads the tables the chosen scenarios read. */
  private void load(BenchContext context, List<Scenario> chosen) {
    BenchSettings settings = context.settings();
    CqlSession session = context.session();
    TestData.createKeyspace(session, KEYSPACE, 1);
    loadTable(session, context.mainTable(), settings.rows(), settings.rowsPerPartition());
    if (chosen.stream().anyMatch(s -> s.id().equals(MemoryScenario.ID))) {
      loadTable(session, context.bigTable(), settings.bigRows(), settings.rowsPerPartition());
    }
    if (chosen.stream().anyMatch(s -> s.id().equals(WideRowScenario.ID))) {
      WideRowScenario.load(context);
    }
    QuietServer.await(session, out);
  }

  private void loadTable(CqlSession session, String table, long rows, int rowsPerPartition) {
    out.printf(Locale.ROOT, "Loading %,d rows of ~100 B into %s...%n", rows, table);
    TestData.createSampleTable(session, table);
    long start = System.nanoTime();
    // Called on driver threads with each acknowledged batch's row count.
    AtomicLong loaded = new AtomicLong();
    AtomicLong lastPrinted = new AtomicLong(start);
    TestData.loadSampleRows(session, table, rows, rowsPerPartition, batch -> {
      long total = loaded.addAndGet(batch);
      long now = System.nanoTime();
      long last = lastPrinted.get();
      if (now - last > 5_000_000_000L && lastPrinted.compareAndSet(last, now)) {
        out.printf(Locale.ROOT, "  %,d of %,d rows (%.0f%%)%n", total, rows, 100.0 * total / rows);
      }
    });
    out.printf(Locale.ROOT, "  loaded in %.1f s%n", (System.nanoTime() - start) / 1e9);
  }
}
