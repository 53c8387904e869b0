package org.asynccassandra.cli;

import java.util.List;
import org.asynccassandra.ScanConfig;
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

  @Option(names = "--splits", description = "Token ranges to split the ring into (default: 4 per node).")
  Integer splits;

  @Option(names = "--parallelism", defaultValue = "4", description = "Ranges read at once (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--fetch-size", defaultValue = "5000", description = "Rows per page (default: ${DEFAULT-VALUE}).")
  int fetchSize;

  ScanConfig.Builder scanConfig(List<String> columns) {
    ScanConfig.Builder builder = ScanConfig.builder()
        .columns(columns)
        .where(where)
        .allowFiltering(allowFiltering)
        .parallelism(parallelism)
        .streamConfig(StreamConfig.builder().fetchSize(fetchSize).prefetchPages(1)
            .retry(5, java.time.Duration.ofMillis(200)).build());
    if (splits != null) {
      builder.splits(splits);
    }
    return builder;
  }
}
