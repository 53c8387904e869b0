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
package org.asynccassandra.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.CassandraServerBuilder;
import org.asynccassandra.testkit.TestData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The demo: starts a real Cassandra (unless --contact-point), loads a sample table, then reads it three
 * ways on one event-loop thread while a heartbeat measures how long the loop could not run.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "Compares the driver's ways of reading with async-cassandra's on one event-loop thread, on an embedded "
            + "Cassandra.",
        "It starts an embedded Apache Cassandra 5.0 (unless --contact-point is given), loads a sample table, and "
            + "reads it three ways: the driver's blocking iteration, the driver's fetchNextPage() chain, and "
            + "async-cassandra's executeStream with read-ahead. A heartbeat on the same loop measures how long each "
            + "way kept the loop from running anything else.",
        "The embedded server has no login, no TLS and one datacenter, datacenter1: the login, TLS and --datacenter "
            + "options need --contact-point. --config and --request-timeout apply either way."})
final class DemoCommand implements Callable<Integer> {
  static final String KEYSPACE = "async_cassandra_demo";
  static final String TABLE = "events";

  @Mixin
  ConnectionOptions connection = new ConnectionOptions();

  @Option(names = "--rows", defaultValue = "1000000", description = "Rows to load (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--fetch-size", defaultValue = "5000", description = "Rows per page (default: ${DEFAULT-VALUE}).")
  int fetchSize;

  @Option(names = "--prefetch", defaultValue = "1",
      description = "Pages async-cassandra reads ahead (default: ${DEFAULT-VALUE}).")
  int prefetch;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Rounds of the three reads, alternated; rows/s is the median (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--heap", defaultValue = "1G", description = "Heap of the embedded server (default: ${DEFAULT-VALUE}).")
  String heap;

  @Option(names = "--keep", description = "Keep the embedded server running at the end, until Ctrl+C.")
  boolean keep;

  @Option(names = "--verbose", description = "Print stack traces of failures.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (rows <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rows must be > 0: " + rows);
    }
    if (fetchSize <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fetch-size must be > 0: " + fetchSize);
    }
    if (rounds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be >= 1: " + rounds);
    }
    if (prefetch < 0 || prefetch > StreamConfig.MAX_PREFETCH_PAGES) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--prefetch must be between 0 and " + StreamConfig.MAX_PREFETCH_PAGES + ": " + prefetch);
    }
    // Every option is checked before the embedded server starts (half a minute), so that a bad one fails at once.
    InetSocketAddress contactPoint = null;
    CassandraServerBuilder serverBuilder = null;
    if (connection.hasContactPoint()) {
      contactPoint = connection.address(spec.commandLine());
      if (keep) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--keep keeps the embedded server running; with --contact-point there is none to keep");
      }
    } else {
      connection.refuseForEmbeddedServer(spec.commandLine());
      try {
        serverBuilder = CassandraServer.builder().heap(heap);
      } catch (IllegalArgumentException badHeap) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--" + badHeap.getMessage(), badHeap);
      }
    }
    // The embedded server's datacenter, and the default for --contact-point; --config, credentials and TLS are
    // read (and a password asked for) here, before anything starts.
    DriverConfigLoader driverConfig = connection.driverConfig(spec.commandLine(),
        ConnectionOptions.DEFAULT_DATACENTER, null, System.getenv(), System.err);
    CassandraServer server = null;
    ScheduledExecutorService ticker = Progress.newTicker();
    boolean embedded = serverBuilder != null;
    Interruption interruption = Interruption.during("the demo", () -> embedded
        ? "the embedded server was stopped and its folder deleted"
        : "the rows loaded so far stay in " + KEYSPACE + "." + TABLE, null);
    try {
      InetSocketAddress node;
      if (serverBuilder == null) {
        node = contactPoint;
      } else {
        out.println("Starting an embedded Apache Cassandra 5.0 in a child JVM (heap " + heap + ")...");
        server = serverBuilder.start();
        node = server.contactPoint();
        // The driver's options were built for this datacenter before the server started.
        if (!server.localDatacenter().equals(ConnectionOptions.DEFAULT_DATACENTER)) {
          throw new IllegalStateException("The embedded server's datacenter is " + server.localDatacenter()
              + ", not " + ConnectionOptions.DEFAULT_DATACENTER);
        }
        out.printf(Locale.ROOT, "Cassandra is up at %s:%d after %.1f s.%n", node.getHostString(), node.getPort(),
            server.startupTime().toMillis() / 1000.0);
      }
      try (DriverSession driver = DriverSession.connect(CqlSession.builder().withConfigLoader(driverConfig)
               .addContactPoint(node));
           AsyncSession async = AsyncSession.wrap(driver.session())) {
        CqlSession session = driver.session();
        TestData.createKeyspace(session, KEYSPACE, 1);
        TestData.createSampleTable(session, KEYSPACE + "." + TABLE);
        // On stderr, as every command's progress: stdout is the demo's report, which may go to a file.
        try (Progress progress = Progress.ofRows("Loading " + KEYSPACE + "." + TABLE, rows, System.err, ticker)) {
          interruption.progress(progress);
          TestData.loadSampleRows(session, KEYSPACE + "." + TABLE, rows, TestData.DEFAULT_ROWS_PER_PARTITION,
              progress::add);
        }
        compare(session, async);
      }
      interruption.close(); // the demo is done: a Ctrl-C from here on (--keep) stops the server, as asked
      if (server != null && keep) {
        InetSocketAddress address = server.contactPoint();
        out.printf("%nThe server keeps running at %s:%d (datacenter %s). Press Ctrl+C to stop it.%n",
            address.getHostString(), address.getPort(), server.localDatacenter());
        new CountDownLatch(1).await();
      }
      return 0;
    } finally {
      interruption.close(); // ended by itself (or by a failure, which says why): nothing to say at exit
      ticker.shutdownNow();
      if (server != null) {
        out.println("Stopping the embedded server...");
        server.close();
      }
    }
  }

  private void compare(CqlSession session, AsyncSession async) throws Exception {
    SimpleStatement query = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + KEYSPACE + "." + TABLE)
        .setPageSize(fetchSize);
    out.printf(Locale.ROOT, "%nReading %,d rows, %,d per page, on one event-loop thread "
        + "(a 1 ms heartbeat runs on the same thread)...%n", rows, fetchSize);
    // Warm-up: the first scan after a start or a load is slower for every mode alike.
    warmUp(async, query);

    try (EventLoopProbe probe = new EventLoopProbe()) {
      List<List<Result>> byMode = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int round = 1; round <= rounds; round++) {
        out.printf("  round %d of %d%n", round, rounds);
        byMode.get(0).add(measure("driver: ResultSet iteration", probe,
            () -> blockingIteration(session, query, probe.loop), -1));
        byMode.get(1).add(measure("driver: fetchNextPage() chain", probe,
            () -> fetchNextPageChain(session, query, probe.loop), -1));
        StreamStats[] stats = new StreamStats[1];
        Result streamed = measure("async-cassandra: executeStream", probe, () -> {
          RowStream stream = async.executeStream(query,
              StreamConfig.builder().prefetchPages(prefetch).executor(probe.loop).build());
          Checksum sum = new Checksum();
          return stream.forEach(sum::add).toCompletableFuture().thenApply(ignored -> {
            stats[0] = stream.stats();
            return sum.rows;
          });
        }, 0);
        byMode.get(2).add(streamed.withPeak(stats[0].maxBufferedPages()));
      }
      print(byMode.stream().map(DemoCommand::summarize).toList());
    }
  }

  /** The median rows/s of the rounds, and the worst stall and peak of any round. */
  private static Result summarize(List<Result> rounds) {
    double[] rates = rounds.stream().mapToDouble(Result::rowsPerSecond).sorted().toArray();
    double median = rates.length % 2 == 1 ? rates[rates.length / 2]
        : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
    Result first = rounds.get(0);
    return new Result(first.mode(), first.rows(), median,
        rounds.stream().mapToDouble(Result::stallMillis).max().orElse(0),
        rounds.stream().mapToInt(Result::peakPages).max().orElse(-1));
  }

  private void warmUp(AsyncSession async, SimpleStatement query) {
    long warmRows = Math.min(rows, 200_000);
    try (RowStream stream = async.executeStream(query, StreamConfig.builder().maxRows(warmRows).build())) {
      stream.forEach(row -> {}).toCompletableFuture().join();
    }
  }

  /** The naive way: iterate the driver's ResultSet on the loop, one page per loop task. */
  private static CompletableFuture<Long> blockingIteration(CqlSession session, SimpleStatement query,
      Executor loop) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    loop.execute(new Runnable() {
      private ResultSet resultSet;
      private final Checksum sum = new Checksum();

      @Override
      public void run() {
        try {
          if (resultSet == null) {
            resultSet = session.execute(query); // blocks the loop for the first page
          }
          Iterator<Row> rows = resultSet.iterator();
          if (!rows.hasNext()) { // blocks the loop at each page boundary while the next page is fetched
            done.complete(sum.rows);
            return;
          }
          for (int i = resultSet.getAvailableWithoutFetching(); i > 0; i--) {
            sum.add(rows.next());
          }
          loop.execute(this); // yield to other loop tasks between pages
        } catch (RuntimeException failure) {
          done.completeExceptionally(failure);
        }
      }
    });
    return done;
  }

  /** The hand-written async way: no blocking, but each page is requested only after the last one. */
  private static CompletableFuture<Long> fetchNextPageChain(CqlSession session, SimpleStatement query,
      Executor loop) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Checksum sum = new Checksum();
    class Chain {
      void onPage(AsyncResultSet page, Throwable error) {
        if (error != null) {
          done.completeExceptionally(error);
          return;
        }
        try {
          for (Row row : page.currentPage()) {
            sum.add(row);
          }
          if (page.hasMorePages()) {
            page.fetchNextPage().whenCompleteAsync(this::onPage, loop);
          } else {
            done.complete(sum.rows);
          }
        } catch (RuntimeException failure) {
          done.completeExceptionally(failure); // else lost in the callback, and the demo would wait for ever
        }
      }
    }
    session.executeAsync(query).whenCompleteAsync(new Chain()::onPage, loop);
    return done;
  }

  private Result measure(String mode, EventLoopProbe probe, Callable<CompletableFuture<Long>> read,
      int peakPages) throws Exception {
    probe.reset();
    long start = System.nanoTime();
    long count = read.call().get();
    double seconds = (System.nanoTime() - start) / 1e9;
    double stall = probe.longestStallMillis();
    if (count != rows) {
      throw new IllegalStateException(mode + " read " + count + " rows where " + rows + " were loaded");
    }
    out.printf(Locale.ROOT, "    %-32s %.2f s%n", mode, seconds);
    return new Result(mode, count, count / seconds, stall, peakPages);
  }

  private void print(List<Result> results) {
    out.println();
    out.printf(Locale.ROOT, "%-34s %12s %12s %20s %20s%n", "mode", "rows", "median rows/s", "longest loop stall",
        "peak buffered pages");
    out.println("-".repeat(102));
    for (Result result : results) {
      out.printf(Locale.ROOT, "%-34s %,12d %,12.0f %17.1f ms %20s%n", result.mode, result.rows, result.rowsPerSecond,
          result.stallMillis, result.peakPages < 0 ? "n/a (no read-ahead)" : Integer.toString(result.peakPages));
    }
    Result naive = results.get(0);
    Result ours = results.get(results.size() - 1);
    out.println();
    out.printf(Locale.ROOT, "The blocking iteration kept the loop from running anything else for up to %.1f ms at a "
        + "time: every page boundary is a network round trip on the loop thread.%n", naive.stallMillis);
    if (prefetch == 0) {
      out.printf(Locale.ROOT, "executeStream ran the consumer on the same loop, one page at a time, without "
          + "read-ahead (--prefetch 0): it asked for page N+1 once page N was processed, without blocking the loop: "
          + "longest stall %.1f ms, %.2fx the rows/s of the blocking iteration.%n", ours.stallMillis,
          ours.rowsPerSecond / naive.rowsPerSecond);
      return;
    }
    out.printf(Locale.ROOT, "executeStream ran the consumer on the same loop, one page at a time, and fetched page "
        + "N+1 while page N was processed: longest stall %.1f ms, %.2fx the rows/s of the blocking "
        + "iteration, %s.%n", ours.stallMillis, ours.rowsPerSecond / naive.rowsPerSecond,
        ours.peakPages == 0 ? "and no page waited in the buffer (each arrived after the consumer had asked for it)"
            : ours.peakPages == 1 ? "with at most 1 page buffered"
            : "with at most " + ours.peakPages + " pages buffered");
  }

  /** Light per-row work, the same for every mode: it reads every column of every row. */
  private static final class Checksum {
    long rows;
    long sum;

    void add(Row row) {
      sum = sum * 31 + row.getInt(0) * 1_000_003L + row.getInt(1) + row.getString(2).hashCode();
      rows++;
    }
  }

  private record Result(String mode, long rows, double rowsPerSecond, double stallMillis, int peakPages) {
    Result withPeak(int peak) {
      return new Result(mode, rows, rowsPerSecond, stallMillis, peak);
    }
  }
}
