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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asynccassandra.cli.AsyncCassandraCli;

/**
 * Scenario 5c, the Flink export: async-cassandra-flink's {@code ExportJob} writes the whole main table to CSV
 * part files on a local Flink (a MiniCluster in a fresh child JVM, started by the job itself) at parallelism
 * 1, 2 and 4, next to our CLI's {@code export} and dsbulk's {@code unload} of the same table to CSV. The two
 * CLI figures come from the export scenario of the same run when it ran, else this scenario runs them once per
 * round itself. Every run is timed from process start to exit; the Flink job also prints its own runtime (from
 * the job's start to its end, without the JVM's and the MiniCluster's start-up). Every run's files are counted
 * and must hold the table's rows.
 */
final class FlinkExportScenario implements Scenario {
  static final String ID = "flink-export";
  static final String FLINK = "Flink ExportJob";
  static final String EXPORT_JOB = "org.asynccassandra.flink.export.ExportJob";
  /** Checkpoints every 2 s: the FileSink commits its last files at the first checkpoint after the input ends. */
  static final long CHECKPOINT_MILLIS = 2_000;
  /** The fetch size of our CLI export's default, so that both page alike. */
  static final int FETCH_SIZE = 5_000;
  /** Rows per second that read 10 billion rows in an hour. */
  static final double TEN_BILLION_AN_HOUR = 10e9 / 3600;
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  private static final Pattern JOB_RUNTIME = Pattern.compile("Job Runtime: (\\d+) ms");
  private static final String CSV = ExportScenario.Format.CSV.variant();

  /** One child: the Flink job at a parallelism, or one of the two CLI tools (parallelism 0). */
  private record Run(String mode, int parallelism) {
    String variant() {
      return mode.equals(FLINK) ? parallelismVariant(parallelism) : CSV;
    }

    String shortName() {
      return mode.equals(FLINK) ? "flink-p" + parallelism : mode.equals(ExportScenario.OURS) ? "ours" : "dsbulk";
    }
  }

  @Override
  public String id() {
    return ID;
  }

  static String parallelismVariant(int parallelism) {
    return "format=csv,parallelism=" + parallelism;
  }

  /** Parallelism 1, 2 and 4; the harness's own tiny run only 1 and 2 (each is a JVM with a MiniCluster). */
  static List<Integer> parallelisms(BenchSettings settings) {
    return settings.name().equals("tiny") ? List.of(1, 2) : List.of(1, 2, 4);
  }

  @Override
  public void run(BenchContext context) throws Exception {
    BenchSettings settings = context.settings();
    FlinkClasspath flink = FlinkClasspath.load(); // a missing jar fails here, before any child starts
    boolean reuse = exportScenarioRan(context.results());
    Dsbulk dsbulk = reuse ? null : Dsbulk.load();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<Run> runs = new ArrayList<>();
    parallelisms(settings).forEach(parallelism -> runs.add(new Run(FLINK, parallelism)));
    if (!reuse) {
      runs.add(new Run(ExportScenario.OURS, 0));
      runs.add(new Run(ExportScenario.DSBULK, 0));
    }
    context.out().printf(Locale.ROOT, "  Flink %s (%d jars next to the bench's classpath) on %s (Java %s); %s%n",
        flink.version(), flink.jars().size(), java, System.getProperty("java.version"),
        reuse ? "our export and dsbulk from the export scenario of this run" : "our export and dsbulk run here");
    warmUp(context);
    try (TempFolder temp = TempFolder.create("async-cassandra-bench-flink-")) {
      for (int round = 1; round <= settings.exportRounds(); round++) {
        StringBuilder line = new StringBuilder("  round " + round + ":");
        for (Run run : Scenario.rotated(runs, round)) {
          Path folder = temp.path().resolve(run.shortName() + "-" + round);
          double seconds = measure(context, flink, dsbulk, java, run, round, folder);
          TempFolder.delete(folder);
          line.append(String.format(Locale.ROOT, " %s %.2f s;", run.shortName(), seconds));
        }
        context.out().println(line);
      }
    }
    report(context, flink, reuse);
  }

  /** Whether this run's export scenario measured both CLI tools on CSV. */
  private static boolean exportScenarioRan(Results results) {
    return results.values(ExportScenario.ID, ExportScenario.OURS, CSV, "rowsPerSecond").length > 0
        && results.values(ExportScenario.ID, ExportScenario.DSBULK, CSV, "rowsPerSecond").length > 0;
  }

  /** One plain scan through the bench's session, so that the first child does not pay for a cold server. */
  private static void warmUp(BenchContext context) {
    long start = System.nanoTime();
    ResultSet rows = context.session().execute(SimpleStatement.newInstance("SELECT pk FROM "
        + context.mainTable()).setPageSize(5000));
    long count = 0;
    for (var ignored : rows) {
      count++;
    }
    context.out().printf(Locale.ROOT, "  warm-up scan of %,d rows in %.1f s%n", count,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Runs one child in {@code folder}, checks its rows and records the sample.
   *
   * @return the wall time in seconds
   */
  private static double measure(BenchContext context, FlinkClasspath flink, Dsbulk dsbulk, Path java, Run run,
      int round, Path folder) throws IOException, InterruptedException {
    Path output = folder.resolve("output");
    Path childTemp = folder.resolve("tmp");
    Path log = folder.resolve("child.log");
    Files.createDirectories(childTemp);
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Djava.io.tmpdir=" + childTemp));
    InetSocketAddress node = context.contactPoint();
    String contactPoint = node.getHostString() + ":" + node.getPort();
    if (run.mode.equals(FLINK)) {
      command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"); // Flink logs much at INFO
      command.addAll(List.of("-cp", flink.classpath(System.getProperty("java.class.path")), EXPORT_JOB));
      command.addAll(jobOptions(contactPoint, context.datacenter(), context.keyspace(), output.toUri().toString(),
          run.parallelism));
    } else if (run.mode.equals(ExportScenario.OURS)) {
      Files.createDirectories(output);
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), AsyncCassandraCli.class.getName(),
          "export", "--contact-point", contactPoint, "--datacenter", context.datacenter(),
          "--keyspace", context.keyspace(), "--table", BenchContext.MAIN_TABLE, "--format", "csv",
          "--output", output.resolve("export.csv").toString()));
    } else {
      command.addAll(dsbulk.unloadArguments(node, context.datacenter(), context.keyspace(), BenchContext.MAIN_TABLE,
          "csv", output, folder.resolve("dsbulk-logs")));
    }
    String name = run.mode + (run.mode.equals(FLINK) ? " parallelism " + run.parallelism : " CSV")
        + " (round " + round + ")";
    long nanos = ChildProcess.run(name, command, folder, log, TIMEOUT);
    if (!Files.isDirectory(output)) {
      throw new IllegalStateException(name + " wrote no output folder " + output + "; the end of its output:\n"
          + ChildProcess.tail(log));
    }
    // In-progress files left behind would be counted too, and make the count wrong: only committed files pass.
    ExportOutput written = ExportOutput.count(output, true);
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
    if (run.mode.equals(FLINK)) {
      double jobSeconds = jobRuntimeMillis(log, name) / 1e3;
      metrics.put("parallelism", (double) run.parallelism);
      metrics.put("jobSeconds", jobSeconds);
      metrics.put("jobRowsPerSecond", written.rows() / jobSeconds);
      metrics.put("jobRowsPerSecondPerReader", written.rows() / jobSeconds / run.parallelism);
    }
    metrics.put("outputBytes", (double) written.bytes());
    metrics.put("files", (double) written.files());
    context.results().add(ID, run.mode, run.variant(), round, metrics);
    return seconds;
  }

  /** The export job's own options: the main table to CSV files in {@code outputUri}, at a parallelism. */
  static List<String> jobOptions(String contactPoint, String datacenter, String keyspace, String outputUri,
      int parallelism) {
    return List.of("--contact-point", contactPoint, "--datacenter", datacenter, "--keyspace", keyspace,
        "--table", BenchContext.MAIN_TABLE, "--format", "csv", "--output", outputUri,
        "--parallelism", Integer.toString(parallelism), "--fetch-size", Integer.toString(FETCH_SIZE),
        "--checkpoint-interval", Long.toString(CHECKPOINT_MILLIS));
  }

  /** The job's runtime that ExportJob printed, from the child's log. */
  private static long jobRuntimeMillis(Path log, String name) throws IOException {
    String text = Files.readString(log, StandardCharsets.UTF_8);
    long millis = jobRuntimeMillis(text);
    if (millis < 0) {
      throw new IllegalStateException(name + " printed no 'Job Runtime: N ms'; the end of its output:\n"
          + ChildProcess.tail(log));
    }
    return millis;
  }

  /** The last {@code Job Runtime: N ms} of a log, or -1. */
  static long jobRuntimeMillis(String log) {
    Matcher matcher = JOB_RUNTIME.matcher(log);
    long millis = -1;
    while (matcher.find()) {
      millis = Long.parseLong(matcher.group(1));
    }
    return millis;
  }

  private void report(BenchContext context, FlinkClasspath flink, boolean reuse) throws IOException {
    Results results = context.results();
    BenchSettings settings = context.settings();
    String cliScenario = reuse ? ExportScenario.ID : ID;
    List<List<String>> table = new ArrayList<>();
    List<String> categories = new ArrayList<>();
    List<Double> wallRates = new ArrayList<>();
    List<Double> jobRates = new ArrayList<>();
    List<Integer> parallelisms = parallelisms(settings);
    double baseJobRate = results.median(ID, FLINK, parallelismVariant(1), "jobRowsPerSecond");
    double bestJobRate = 0;
    for (int parallelism : parallelisms) {
      String variant = parallelismVariant(parallelism);
      double jobRate = results.median(ID, FLINK, variant, "jobRowsPerSecond");
      bestJobRate = Math.max(bestJobRate, jobRate);
      table.add(List.of(FLINK, Integer.toString(parallelism), spread(results.values(ID, FLINK, variant, "seconds")),
          Markdown.rateSpread(results.values(ID, FLINK, variant, "rowsPerSecond")),
          spread(results.values(ID, FLINK, variant, "jobSeconds")),
          Markdown.rateSpread(results.values(ID, FLINK, variant, "jobRowsPerSecond")),
          Markdown.rate(results.median(ID, FLINK, variant, "jobRowsPerSecondPerReader")),
          Markdown.ratio(jobRate / baseJobRate),
          Markdown.number(results.median(ID, FLINK, variant, "files"))));
      categories.add("Flink p=" + parallelism);
      wallRates.add(results.median(ID, FLINK, variant, "rowsPerSecond"));
      jobRates.add(jobRate);
    }
    for (String mode : List.of(ExportScenario.OURS, ExportScenario.DSBULK)) {
      table.add(List.of(mode, mode.equals(ExportScenario.OURS) ? "4 ranges at a time" : "its own",
          spread(results.values(cliScenario, mode, CSV, "seconds")),
          Markdown.rateSpread(results.values(cliScenario, mode, CSV, "rowsPerSecond")), "n/a", "n/a", "n/a", "n/a",
          Markdown.number(results.median(cliScenario, mode, CSV, "files"))));
      categories.add(mode.equals(ExportScenario.OURS) ? "our export" : "dsbulk");
      wallRates.add(results.median(cliScenario, mode, CSV, "rowsPerSecond"));
      jobRates.add(Double.NaN);
    }
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("rows/s, JVM start to exit", wallRates);
    series.put("rows/s, Flink's job runtime (CLI tools: none)", jobRates);
    String chart = Charts.bars(context.outputDirectory(), "flink-export.png",
        String.format(Locale.ROOT, "CSV export of %,d rows: Flink's ExportJob on a local MiniCluster against the CLI "
            + "tools (median rows/s)", settings.rows()), "rows/s", categories, series);

    double ours = results.median(cliScenario, ExportScenario.OURS, CSV, "rowsPerSecond");
    double dsbulkRate = results.median(cliScenario, ExportScenario.DSBULK, CSV, "rowsPerSecond");
    int top = parallelisms.get(parallelisms.size() - 1);
    double topWall = results.median(ID, FLINK, parallelismVariant(top), "rowsPerSecond");
    String jobCommand = "java -cp <the bench's classpath + Flink " + flink.version() + "'s " + flink.jars().size()
        + " jars> " + EXPORT_JOB + " " + String.join(" ", jobOptions(context.contactPoint().getHostString() + ":"
        + context.contactPoint().getPort(), context.datacenter(), context.keyspace(), "file:///OUTPUT_FOLDER", top))
        .replace("--parallelism " + top, "--parallelism 1|2|4");
    String how = String.format(Locale.ROOT,
        "async-cassandra-flink's `ExportJob` (a `CassandraSource` into a `FileSink` of CSV part files) writes all "
            + "%,d rows of the main table, each run a fresh child JVM that starts a local Flink %s MiniCluster "
            + "(`StreamExecutionEnvironment.getExecutionEnvironment()` outside a cluster) with one task slot per "
            + "reader. Options: fetch size %,d (our export's default), the job's default split count (4 per node "
            + "or 4 per reader, whichever is more: %s splits on this one-node server), 2 splits read at a time per "
            + "reader, checkpoints every %d ms (the job's default is 10 s; the FileSink commits its last files at "
            + "the first checkpoint after the input ends, so up to one interval is part of the runtime, and it "
            + "rolls a new part file at every checkpoint). Wall time counts JVM start-up, the MiniCluster's "
            + "start and stop and connecting; the job runtime is what the job printed (`Job Runtime: N ms`, from "
            + "the job's start to its end), the figure to compare with a job on a running cluster. Rows/s per "
            + "reader is the job's rows/s over the parallelism.%n%n"
            + "Our `export` and dsbulk's `unload` to CSV (defaults as in 5b) %s. Everything ran on the same "
            + "machine as the server (%d cores shared by the server, the readers and the writers) on %s (Java %s); "
            + "%d round(s), the runs in a rotated order in each. Every run's files were counted line by line (less "
            + "one header per file) and held the table's %,d rows.%n%n",
        settings.rows(), flink.version(), FETCH_SIZE, splitCounts(parallelisms), CHECKPOINT_MILLIS,
        reuse ? "are the figures of the export scenario (5b) of this run" : "ran in this scenario, once a round",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.home"),
        System.getProperty("java.version"), settings.exportRounds(), settings.rows());
    List<String> findings = new ArrayList<>();
    findings.add(String.format(Locale.ROOT, "Flink at parallelism %d: %s rows/s from JVM start to exit, %.2f× our "
        + "export's %s and %.2f× dsbulk's %s", top, Markdown.rate(topWall), topWall / ours, Markdown.rate(ours),
        topWall / dsbulkRate, Markdown.rate(dsbulkRate)));
    findings.add(String.format(Locale.ROOT, "Job runtime rows/s: %s at parallelism 1 (one reader), at best %s; "
        + "parallelism %d gives %s of parallelism 1", Markdown.rate(baseJobRate), Markdown.rate(bestJobRate), top,
        Markdown.ratio(results.median(ID, FLINK, parallelismVariant(top), "jobRowsPerSecond") / baseJobRate)));
    int cores = Runtime.getRuntime().availableProcessors();
    double slots = Math.ceil(TEN_BILLION_AN_HOUR / baseJobRate * 4 / 3);
    double perServerCore = bestJobRate / cores;
    findings.add(String.format(Locale.ROOT, "10 billion rows in an hour is %s rows/s. At this run's one-reader "
        + "job rate that is %.0f readers, %.0f task slots with a third more for stragglers and restarts; and at "
        + "this run's best job rate on %d cores shared by the server and the readers (a floor of %s rows/s per "
        + "server core), %.0f server cores busy with range reads, twice that to keep the nodes at half their CPU. "
        + "The estimate with its assumptions is in docs/flink.md", Markdown.rate(TEN_BILLION_AN_HOUR),
        Math.ceil(TEN_BILLION_AN_HOUR / baseJobRate), slots, cores, Markdown.rate(perServerCore),
        Math.ceil(TEN_BILLION_AN_HOUR / perServerCore)));
    String markdown = how
        + Markdown.table(List.of("tool", "parallelism", "wall time, median (range)", "rows/s, JVM start to exit",
            "job runtime", "rows/s, job runtime", "rows/s per reader", "vs parallelism 1 (job)", "files"), table)
        + "\n" + Markdown.image("flink-export", chart)
        + "\nThe job's command line:\n\n```\n" + jobCommand + "\n```\n\n"
        + "No goal: issue 17 asks for these figures, not for a speed. What they show:\n\n"
        + String.join("\n", findings.stream().map(line -> "- " + line).toList()) + "\n";
    results.section(ID, "5c. Flink export at parallelism " + String.join(", ",
        parallelisms.stream().map(String::valueOf).toList()), markdown);
  }

  /** The job's default split counts on one node at these parallelisms (4 per node or 4 per reader). */
  private static String splitCounts(List<Integer> parallelisms) {
    return String.join(", ", parallelisms.stream().map(parallelism -> (4 * Math.max(1, parallelism)) + " at p="
        + parallelism).toList());
  }

  private static String spread(double[] values) {
    if (values.length == 0) {
      return "n/a";
    }
    if (values.length == 1) {
      return Markdown.seconds(values[0]);
    }
    return String.format(Locale.ROOT, "%.2f s (%.2f–%.2f)", Stats.median(values), Stats.min(values),
        Stats.max(values));
  }
}
