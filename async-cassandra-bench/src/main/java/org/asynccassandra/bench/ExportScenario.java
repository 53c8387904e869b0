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

import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asynccassandra.cli.AsyncCassandraCli;

/**
 * Scenario 5b, export against dsbulk: our CLI's {@code export} and dsbulk's {@code unload} each write the
 * whole main table to CSV and to NDJSON as a fresh child JVM, timed from process start to exit. dsbulk runs
 * on its own recorded classpath ({@link Dsbulk}), ours on the bench's own; both on the bench's JVM. Every
 * run's files are counted and must hold the table's rows.
 */
final class ExportScenario implements Scenario {
  static final String ID = "export";
  static final String OURS = "async-cassandra export";
  static final String DSBULK = "dsbulk unload";
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  private static final double GOAL_RATIO = 2.0;

  /** The two formats, by their name in each tool. */
  enum Format {
    CSV("CSV", "csv", "csv", true),
    NDJSON("NDJSON", "ndjson", "json", false);

    final String label;
    final String ours;
    final String dsbulkConnector;
    final boolean header;

    Format(String label, String ours, String dsbulkConnector, boolean header) {
      this.label = label;
      this.ours = ours;
      this.dsbulkConnector = dsbulkConnector;
      this.header = header;
    }

    String variant() {
      return "format=" + ours;
    }
  }

  private record Run(String mode, Format format) {
    String shortName() {
      return mode.equals(OURS) ? "ours " + format.ours : "dsbulk " + format.dsbulkConnector;
    }
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    BenchSettings settings = context.settings();
    Dsbulk dsbulk = Dsbulk.load(); // a missing jar fails here, before any child starts
    Path java = javaBinary();
    List<Run> runs = List.of(new Run(OURS, Format.CSV), new Run(DSBULK, Format.CSV), new Run(OURS, Format.NDJSON),
        new Run(DSBULK, Format.NDJSON));
    context.out().printf(Locale.ROOT, "  children run on %s (Java %s); dsbulk %s on its own classpath of %d jars%n",
        java, System.getProperty("java.version"), dsbulk.version(), dsbulk.jars().size());
    warmUp(context);
    try (TempFolder temp = TempFolder.create("async-cassandra-bench-export-")) {
      for (int round = 1; round <= settings.exportRounds(); round++) {
        StringBuilder line = new StringBuilder("  round " + round + ":");
        for (Run run : Scenario.rotated(runs, round)) {
          Path folder = temp.path().resolve(run.shortName().replace(' ', '-') + "-" + round);
          double seconds = measure(context, dsbulk, java, run, round, folder);
          TempFolder.delete(folder); // free the disk before the next run
          line.append(String.format(Locale.ROOT, " %s %.2f s;", run.shortName(), seconds));
        }
        context.out().println(line);
      }
    }
    report(context, dsbulk);
  }

  private static Path javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** One plain scan through the bench's session, so that neither tool pays for a cold server first. */
  private static void warmUp(BenchContext context) {
    long start = System.nanoTime();
    ResultSet rows = context.session().execute(SimpleStatement.newInstance("SELECT pk FROM "
        + context.mainTable()).setPageSize(5000));
    long count = 0;
    for (var ignored : rows) {
      count++;
    }
    if (count != context.settings().rows()) {
      throw new IllegalStateException("The warm-up scan read " + count + " rows of " + context.mainTable()
          + " where " + context.settings().rows() + " were loaded");
    }
    context.out().printf(Locale.ROOT, "  warm-up scan of %,d rows in %.1f s%n", count,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Runs one tool for one format in {@code folder}, checks its rows and records the sample.
   *
   * @return the wall time in seconds
   */
  private static double measure(BenchContext context, Dsbulk dsbulk, Path java, Run run, int round,
      Path folder) throws IOException, InterruptedException {
    Path output = folder.resolve("output");
    Path childTemp = folder.resolve("tmp");
    Path log = folder.resolve("child.log");
    Files.createDirectories(childTemp);
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Djava.io.tmpdir=" + childTemp));
    if (run.mode.equals(OURS)) {
      Files.createDirectories(output);
      command.addAll(oursArguments(context, run.format, output.resolve("export." + run.format.ours)));
    } else {
      command.addAll(dsbulk.unloadArguments(context.contactPoint(), context.datacenter(), context.keyspace(),
          BenchContext.MAIN_TABLE, run.format.dsbulkConnector, output, folder.resolve("dsbulk-logs")));
    }
    String name = run.mode + " " + run.format.label + " (round " + round + ")";
    long nanos = ChildProcess.run(name, command, folder, log, TIMEOUT);
    if (!Files.isDirectory(output)) {
      throw new IllegalStateException(name + " wrote no output folder " + output + "; the end of its output:\n"
          + ChildProcess.tail(log));
    }
    ExportOutput written = ExportOutput.count(output, run.format.header);
    long expected = context.settings().rows();
    if (written.rows() != expected) {
      throw new IllegalStateException(String.format(Locale.ROOT, "%s wrote %,d rows (%,d lines in %d files) "
          + "where %s holds %,d; the end of its output:%n%s", name, written.rows(), written.lines(),
          written.files(), context.mainTable(), expected, ChildProcess.tail(log)));
    }
    double seconds = nanos / 1e9;
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("rows", (double) written.rows());
    metrics.put("seconds", seconds);
    metrics.put("rowsPerSecond", written.rows() / seconds);
    metrics.put("outputBytes", (double) written.bytes());
    metrics.put("files", (double) written.files());
    metrics.put("javaFeatureVersion", (double) Runtime.version().feature());
    context.results().add(ID, run.mode, run.format.variant(), round, metrics);
    return seconds;
  }

  /** Our CLI's export with its defaults, after {@code java} and its options. */
  private static List<String> oursArguments(BenchContext context, Format format, Path file) {
    InetSocketAddress node = context.contactPoint();
    return List.of("-cp", System.getProperty("java.class.path"), AsyncCassandraCli.class.getName(), "export",
        "--contact-point", node.getHostString() + ":" + node.getPort(), "--datacenter", context.datacenter(),
        "--keyspace", context.keyspace(), "--table", BenchContext.MAIN_TABLE,
        "--format", format.ours, "--output", file.toString());
  }

  private void report(BenchContext context, Dsbulk dsbulk) throws IOException {
    Results results = context.results();
    BenchSettings settings = context.settings();
    List<List<String>> table = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put(OURS, new ArrayList<>());
    series.put(DSBULK, new ArrayList<>());
    List<String> measured = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    for (Format format : Format.values()) {
      for (String mode : List.of(OURS, DSBULK)) {
        double[] rates = results.values(ID, mode, format.variant(), "rowsPerSecond");
        table.add(List.of(mode, format.label + (mode.equals(DSBULK) ? " (`-c " + format.dsbulkConnector + "`)" : ""),
            secondsSpread(results.values(ID, mode, format.variant(), "seconds")), Markdown.rateSpread(rates),
            mib(results.median(ID, mode, format.variant(), "outputBytes")),
            Markdown.number(results.median(ID, mode, format.variant(), "files"))));
        series.get(mode).add(Stats.median(rates));
      }
      double ours = results.median(ID, OURS, format.variant(), "rowsPerSecond");
      double theirs = results.median(ID, DSBULK, format.variant(), "rowsPerSecond");
      double oursWall = results.median(ID, OURS, format.variant(), "seconds");
      double theirsWall = results.median(ID, DSBULK, format.variant(), "seconds");
      double ratio = ours / theirs;
      boolean met = ratio >= GOAL_RATIO && oursWall < theirsWall;
      measured.add(String.format(Locale.ROOT, "%s: %s vs %s rows/s = %s, wall %s vs %s", format.label,
          Markdown.rate(ours), Markdown.rate(theirs), Markdown.ratio(ratio), Markdown.seconds(oursWall),
          Markdown.seconds(theirsWall)));
      if (!met) {
        missed.add(String.format(Locale.ROOT, "%s (%s of dsbulk's rows/s%s)", format.label, Markdown.ratio(ratio),
            oursWall < theirsWall ? "" : ", and no lower wall time"));
      }
    }
    boolean met = missed.isEmpty();
    String goalName = "Export at least 2× dsbulk's rows/s, with a lower wall time";
    String note = met ? "" : "Missed for " + String.join(" and ", missed) + " in this run.";
    results.goal(goalName, "ours / dsbulk ≥ 2.00× rows/s and a lower wall time, for CSV and for NDJSON",
        String.join("; ", measured), met, note);

    String chart = Charts.bars(context.outputDirectory(), "export.png",
        String.format(Locale.ROOT, "Export of %,d rows to local files, JVM start to exit (median rows/s)",
            settings.rows()), "rows/s", List.of(Format.CSV.label, Format.NDJSON.label), series);
    InetSocketAddress node = context.contactPoint();
    String dsbulkCommand = "java -cp <dsbulk's " + dsbulk.jars().size() + " jars> " + Dsbulk.MAIN_CLASS + " "
        + String.join(" ", Dsbulk.unloadOptions(node, context.datacenter(), context.keyspace(),
        BenchContext.MAIN_TABLE, "csv|json", "OUTPUT_FOLDER", "LOG_FOLDER"));
    String oursCommand = "java -cp <the bench's classpath> " + AsyncCassandraCli.class.getName() + " export "
        + "--contact-point " + node.getHostString() + ":" + node.getPort() + " --datacenter " + context.datacenter()
        + " --keyspace " + context.keyspace() + " --table " + BenchContext.MAIN_TABLE
        + " --format csv|ndjson --output OUTPUT_FILE";
    String how = String.format(Locale.ROOT,
        "Both tools write all %,d rows of the main table to local files, on the same machine as the server and "
            + "from the same table, each run a fresh child JVM timed from process start to exit: JVM start-up, "
            + "connecting and shutting down count for both, and rows/s is rows / wall time.%n%n"
            + "Our `export` runs with its defaults (4 token ranges at a time, fetch size 5,000, one file). "
            + "dsbulk %s runs `unload` on its own classpath (its own driver, com.datastax.oss 4.14) with its "
            + "defaults apart from where to connect, where to write, its log folder and its console progress "
            + "display (turned off): it picks its own query concurrency and may write several files in parallel "
            + "(%s for CSV, %s for JSON here), and its checkpointing is on. Both ran on the bench's own JDK, %s "
            + "(Java %s), with no JVM option but -Djava.io.tmpdir (a temporary folder, deleted afterwards).%n%n"
            + "One plain scan of the table through the bench's session warms the server first; then %d round(s), "
            + "the four runs in a rotated order in each. Every run's files were counted line by line (less one CSV "
            + "header per file) and held the table's %,d rows. With few rows, start-up dominates both wall "
            + "times.%n%n",
        settings.rows(), dsbulk.version(), Markdown.number(results.median(ID, DSBULK, Format.CSV.variant(), "files")),
        Markdown.number(results.median(ID, DSBULK, Format.NDJSON.variant(), "files")), System.getProperty("java.home"),
        System.getProperty("java.version"), settings.exportRounds(), settings.rows());
    String markdown = how
        + Markdown.table(List.of("tool", "format", "wall time, median (range)", "rows/s, median (range)",
            "output", "files"), table)
        + "\n" + Markdown.image("export", chart)
        + "\nThe command lines:\n\n```\n" + oursCommand + "\n" + dsbulkCommand + "\n```\n\n"
        + "Goal, export at least 2× dsbulk's rows/s with a lower wall time, in both formats: "
        + Markdown.yesNo(met) + ".\n\n"
        + String.join("\n", measured.stream().map(line -> "- " + line).toList()) + "\n"
        + (met ? "" : "\nThe goal is missed in this run for " + String.join(" and ", missed) + ".\n");
    results.section(ID, "5b. Export against dsbulk", markdown);
  }

  private static String secondsSpread(double[] values) {
    if (values.length == 0) {
      return "n/a";
    }
    if (values.length == 1) {
      return Markdown.seconds(values[0]);
    }
    return String.format(Locale.ROOT, "%.2f s (%.2f–%.2f)", Stats.median(values), Stats.min(values),
        Stats.max(values));
  }

  private static String mib(double bytes) {
    return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
  }
}
