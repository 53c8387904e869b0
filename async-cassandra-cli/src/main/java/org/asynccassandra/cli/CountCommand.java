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

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.RelationMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.TableScan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Counts a table's rows with a parallel token-range scan that reads only the partition key's columns. */
@Command(name = "count", mixinStandardHelpOptions = true,
    description = "Counts the rows of a table (optionally matching --where), reading its token ranges in parallel.")
final class CountCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection = new ConnectionOptions();

  @Mixin
  ScanOptions scan = new ScanOptions();

  @Option(names = "--verbose", description = "Print stack traces of failures.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The count reached stdout (read by {@link Interruption}'s hook, on another thread). */
  private volatile boolean printed;

  @Override
  public Integer call() {
    scan.timings.started();
    if (!connection.hasContactPoint()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "count needs --contact-point HOST:PORT");
    }
    scan.scanConfig(List.of(), spec); // a bad scan option is a usage error before connecting, as in export
    scan.checkSummaryFile(spec);
    // The connection options' usage errors too, before the summary file is touched.
    CqlSessionBuilder sessionBuilder = connection.sessionBuilder(spec.commandLine(),
        connection.address(spec.commandLine()), ConnectionOptions.DEFAULT_DATACENTER, scan.keyspace);
    scan.startSummary(); // a run that fails from here on leaves its own summary, never an earlier run's
    try (Interruption interruption = Interruption.during("the count of " + scan.keyspace + "." + scan.table,
        () -> (printed ? "the count was printed" : "no count was printed")
            + (scan.summary != null ? ", and the summary says only that it started" : ""), null)) {
      return count(sessionBuilder, interruption);
    }
  }

  @SuppressWarnings("try") // the metrics summary is only closed: it prints then
  private int count(CqlSessionBuilder sessionBuilder, Interruption interruption) {
    ScheduledExecutorService ticker = Progress.newTicker();
    try (DriverSession driver = DriverSession.connect(sessionBuilder);
         AsyncSession async = AsyncSession.wrap(driver.session());
         MetricsSummary metrics = scan.metricsSummary(async)) { // null without --metrics-summary
      CqlSession session = driver.session();
      String scanned = scan.knownKeyspace(session);
      List<String> keyColumns = session.getMetadata().getKeyspace(CqlIdentifier.fromCql(scanned))
          .flatMap(keyspace -> keyspace.getTable(CqlIdentifier.fromCql(scan.table)).<RelationMetadata>map(t -> t)
              .or(() -> keyspace.getView(CqlIdentifier.fromCql(scan.table)))) // a materialized view too
          .map(relation -> scannedColumns(relation.getPartitionKey()))
          .orElse(List.of()); // an unknown table: scanTable says which in its error
      AtomicLong rows = new AtomicLong();
      long start = System.nanoTime();
      ScanConfig config = scan.scanConfig(keyColumns, spec).build();
      ScanSummary account;
      try (TableScan tableScan = async.scanTable(scanned, scan.table, config);
           Progress progress = Progress.ofFraction("Counting " + scan.keyspace + "." + scan.table,
               tableScan::progress, System.err, ticker)) {
        interruption.progress(progress);
        scan.timings.ready();
        try {
          scan.timings.firstRequest();
          tableScan.forEachPage(page -> {
            scan.timings.page();
            rows.addAndGet(page.size());
            progress.add(page.size());
          }).toCompletableFuture().join();
        } catch (RuntimeException failure) {
          progress.close();
          throw scan.summarizeFailure(tableScan, config, failure);
        }
        scan.timings.lastRow();
        progress.close();
        account = scan.summary(tableScan, config, false);
      }
      account.print(System.err);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.println(rows.get());
      printed = true;
      System.err.printf(Locale.ROOT, "%,d rows in %s.%s (%.1f s, %,.0f rows/s)%n", rows.get(), scan.keyspace,
          scan.table, seconds, rows.get() / Math.max(seconds, 1e-9));
      if (System.out.checkError()) { // a PrintStream never throws: a closed pipe or a full disk sets its flag
        UncheckedIOException notWritten = new UncheckedIOException("Cannot write the count to stdout (a closed"
            + " pipe or a full disk?); it is on stderr above", new IOException("stdout's error flag is set"));
        try {
          scan.writeSummary(account.failed()); // the run failed: its summary must not say complete
        } catch (RuntimeException summaryFailed) {
          notWritten.addSuppressed(summaryFailed);
        }
        throw notWritten;
      }
      scan.writeSummary(account); // after the count is printed: a summary that cannot be written never costs it
      // Done: a Ctrl-C while the metrics summary waits and the session closes must not say the count stopped.
      interruption.close();
      return account.complete() ? 0 : 1;
    } finally {
      ticker.shutdownNow();
    }
  }

  /**
   * The columns a count reads: the partition key's, every one of them. One column would do to count rows, but
   * the scan can split a slow range after its last row only when it can compute that row's token, which takes
   * the whole partition key: with only its first column, a count of a table with a composite partition key
   * could not split a range, and failed where an export finished.
   */
  static List<String> scannedColumns(List<ColumnMetadata> partitionKey) {
    return partitionKey.stream().map(column -> column.getName().asCql(true)).collect(Collectors.toList());
  }
}
