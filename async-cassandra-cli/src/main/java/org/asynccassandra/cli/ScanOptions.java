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
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamConfig;
import picocli.CommandLine.Option;

/** The table and scan options shared by export and count. */
final class ScanOptions {
  @Option(names = "--keyspace", required = true, description = "The keyspace of the table.")
  String keyspace;

  @Option(names = "--table", required = true, description = "The table to read.")
  String table;

  @Option(names = "--where", paramLabel = "CQL",
      description = "An extra restriction on non-key columns, e.g. \"status = 'open'\".")
  String where;

  @Option(names = "--allow-filtering", description = "Add ALLOW FILTERING to the range queries (most --where need it).")
  boolean allowFiltering;

  @Option(names = "--splits", description = "Token ranges to split the ring into (default: 4 per node; more where "
      + "neighbouring vnodes have other replicas: a range is read from a replica of all of it).")
  Integer splits;

  @Option(names = "--parallelism", defaultValue = "4", description = "Ranges read at once (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--fetch-size", defaultValue = "5000", description = "Rows per page (default: ${DEFAULT-VALUE}).")
  int fetchSize;

  @Option(names = "--token-range", paramLabel = "START:END",
      description = "Read only the tokens in (START, END], as the ring reads it (START above END wraps).")
  String tokenRange;

  @Option(names = "--shard", paramLabel = "K/N",
      description = "Read only the K-th of N equal slices of the token ring (K from 1 to N), so that N runs on "
          + "N machines read the table exactly once between them.")
  String shard;

  @Option(names = "--max-rate", paramLabel = "ROWS_PER_SECOND",
      description = "Read at most this many rows per second, to spare a busy cluster (default: no limit).")
  Long maxRate;

  @Option(names = "--max-bytes-rate", paramLabel = "BYTES_PER_SECOND",
      description = "Read at most this many response bytes per second (default: no limit).")
  Long maxBytesRate;

  /**
   * The keyspace to scan, checked against the cluster. A command's session reads the schema of this keyspace
   * only ({@link ConnectionOptions#defaults}), so the scan's own error for an unknown keyspace could list none of
   * the others: this one asks the cluster for them. A keyspace the cluster has but the session's schema lacks
   * (created since the session connected) is read into it, and then left to the scan.
   *
   * @throws IllegalArgumentException for a keyspace the cluster does not have, naming those it has
   */
  String knownKeyspace(CqlSession session) {
    CqlIdentifier id;
    try {
      id = CqlIdentifier.fromCql(keyspace);
    } catch (IllegalArgumentException notCql) {
      return keyspace; // the scan names it in its own error
    }
    if (session.getMetadata().getKeyspace(id).isPresent()) {
      return keyspace;
    }
    List<String> others = new ArrayList<>();
    ResultSet keyspaces;
    try {
      keyspaces = session.execute("SELECT keyspace_name FROM system_schema.keyspaces");
    } catch (DriverException unreadable) { // no permission, say: the scan names the keyspace in its own error
      return keyspace;
    }
    for (Row row : keyspaces) {
      String name = row.getString(0);
      if (id.asInternal().equals(name)) {
        session.refreshSchema();
        return keyspace;
      }
      if (name != null && !name.startsWith("system")) {
        others.add(CqlIdentifier.fromInternal(name).asCql(true));
      }
    }
    Collections.sort(others);
    throw new IllegalArgumentException("Unknown keyspace '" + keyspace + "'; keyspaces: " + String.join(", ", others));
  }

  /** Whether {@link #startSummary} wrote this run's "started" summary to a file. */
  private boolean startWritten;

  /** When this run reached each stage, for the summary; the command marks them. */
  final RunTimings timings = new RunTimings();

  @Option(names = "--summary", paramLabel = "FILE",
      description = "Also write the end-of-run summary (ranges, rows, retries, when each stage was reached) to FILE"
          + " as JSON.")
  java.nio.file.Path summary;

  @Option(names = "--metrics-summary",
      description = "Print the async-cassandra meters (streams, rows, pages, bytes, page latency, consumer wait,"
          + " retries) on stderr at the end.")
  boolean metricsSummary;

  /** What {@code --metrics-summary} prints at the end: bound to {@code session} now, or nothing (null). */
  MetricsSummary metricsSummary(org.asynccassandra.AsyncSession session) {
    return metricsSummary ? MetricsSummary.attach(session, System.err) : null;
  }

  /** The scan's configuration from the options; a bad value is a usage error (exit 2) naming it. */
  ScanConfig.Builder scanConfig(List<String> columns, picocli.CommandLine.Model.CommandSpec spec) {
    try {
      return scanConfig(columns);
    } catch (IllegalArgumentException bad) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
  }

  /**
   * Prints the scan's summary on stderr and writes it to {@code --summary FILE}.
   *
   * @return whether every range was read in full
   */
  boolean summarize(org.asynccassandra.TableScan tableScan, ScanConfig config, boolean failed) {
    ScanSummary account = summary(tableScan, config, failed);
    account.print(System.err);
    writeSummary(account);
    return account.complete();
  }

  /**
   * Prints and writes the summary of a scan that failed with {@code failure}, and returns that failure for the
   * caller to throw: a summary that cannot be written is attached to it as suppressed (its stack trace shows with
   * --verbose), never thrown instead, and said in a warning line on stderr (the error line names the scan's
   * failure only; the summary left under that name is the one {@link #startSummary} wrote).
   */
  RuntimeException summarizeFailure(org.asynccassandra.TableScan tableScan, ScanConfig config,
      RuntimeException failure) {
    return summarizeFailure(summary(tableScan, config, true), failure);
  }

  /** {@link #summarizeFailure(org.asynccassandra.TableScan, ScanConfig, RuntimeException)} of a summary. */
  RuntimeException summarizeFailure(ScanSummary account, RuntimeException failure) {
    account.print(System.err);
    try {
      writeSummary(account);
    } catch (RuntimeException summaryFailed) {
      failure.addSuppressed(summaryFailed);
      System.err.println("warning: " + summaryFailed.getMessage() + (startWritten
          && java.nio.file.Files.isRegularFile(summary) ? "; the summary there says only that this run started"
          : ""));
    }
    return failure;
  }

  /** The scan's account at its end, not yet printed nor written. */
  ScanSummary summary(org.asynccassandra.TableScan tableScan, ScanConfig config, boolean failed) {
    return summary(tableScan.checkpoint(), tableScan, config, failed);
  }

  /** The account of {@code checkpoint} (the scan's place at some moment) with the rest of the scan's figures. */
  ScanSummary summary(org.asynccassandra.ScanCheckpoint checkpoint, org.asynccassandra.TableScan tableScan,
      ScanConfig config, boolean failed) {
    return new ScanSummary(keyspace + "." + table, checkpoint, tableScan.stats().retries(), tableScan.splits(),
        config, failed, timings);
  }

  /**
   * Writes {@code account} to {@code --summary FILE}, if given, whole or not at all (a file beside it, then
   * moved over it).
   *
   * @throws java.io.UncheckedIOException naming the file and the reason
   */
  void writeSummary(ScanSummary account) {
    if (summary != null) {
      try {
        account.write(summary);
      } catch (java.io.IOException failure) {
        throw new java.io.UncheckedIOException("Cannot write the summary " + summary + ": " + OutputFiles.describe(failure),
            failure);
      }
    }
  }

  /**
   * Refuses, before anything is read, a {@code --summary} that cannot be a file: a folder, or in a folder that
   * does not exist (for a symbolic link, its file's).
   *
   * @throws picocli.CommandLine.ParameterException naming the option and the path (exit code 2)
   */
  void checkSummaryFile(picocli.CommandLine.Model.CommandSpec spec) {
    if (summary != null) {
      OutputFiles.checkWritableFile(spec, "--summary", OutputFiles.target(summary));
    }
  }

  /**
   * Writes, after the usage checks and before connecting, this run's "started" summary to {@code --summary FILE}
   * ({@link ScanSummary#writeStarted}): an earlier run's summary, which may say complete, never outlives a run
   * that fails before its scan.
   *
   * @throws java.io.UncheckedIOException naming the file and the reason, before any work that it would cost
   */
  void startSummary() {
    if (summary != null) {
      try {
        ScanSummary.writeStarted(summary, keyspace + "." + table, timings);
        startWritten = true;
      } catch (java.io.IOException failure) {
        throw new java.io.UncheckedIOException("Cannot write the summary " + summary + ": "
            + OutputFiles.describe(failure), failure);
      }
    }
  }

  /**
   * The scan's configuration from the options.
   *
   * @throws IllegalArgumentException naming the bad option value
   */
  ScanConfig.Builder scanConfig(List<String> columns) {
    StreamConfig.Builder stream = StreamConfig.builder();
    named("--fetch-size", "fetchSize", () -> stream.fetchSize(fetchSize));
    ScanConfig.Builder builder = ScanConfig.builder();
    named("--columns", "columns", () -> builder.columns(columns));
    builder.where(where)
        .allowFiltering(allowFiltering)
        .streamConfig(stream.prefetchPages(1).retry(5, java.time.Duration.ofMillis(200)).build());
    named("--parallelism", "parallelism", () -> builder.parallelism(parallelism));
    if (splits != null) {
      named("--splits", "splits", () -> builder.splits(splits));
    }
    if (tokenRange != null) {
      String[] bounds = tokenRange.split(":");
      if (bounds.length != 2) {
        throw new IllegalArgumentException("--token-range must be START:END, e.g. -100:4000: " + tokenRange);
      }
      named("--token-range", "tokenRange", () -> builder.tokenRange(ScanRange.of(bounds[0].strip(),
          bounds[1].strip())));
    }
    if (shard != null) {
      named("--shard", "shard", () -> builder.shard(ScanConfig.Shard.parse(shard)));
    }
    if (maxRate != null) {
      if (maxRate <= 0) {
        throw new IllegalArgumentException("--max-rate must be > 0: " + maxRate);
      }
      builder.rowLimiter(ReadLimits.perSecond(maxRate, fetchSize));
    }
    if (maxBytesRate != null) {
      if (maxBytesRate <= 0) {
        throw new IllegalArgumentException("--max-bytes-rate must be > 0: " + maxBytesRate);
      }
      builder.byteLimiter(ReadLimits.perSecond(maxBytesRate, maxBytesRate));
    }
    return builder;
  }

  /**
   * Runs {@code set}, a builder's setter that checks its value, and says the option in its error: the builder
   * names its own property ({@code "fetchSize must be > 0: 0"}), which is not what the user typed.
   *
   * @throws IllegalArgumentException the setter's, with {@code option} in place of {@code property}
   */
  private static void named(String option, String property, Runnable set) {
    try {
      set.run();
    } catch (IllegalArgumentException bad) {
      String message = String.valueOf(bad.getMessage());
      throw new IllegalArgumentException(message.startsWith(property + " ")
          ? option + message.substring(property.length()) : option + ": " + message, bad);
    }
  }
}
