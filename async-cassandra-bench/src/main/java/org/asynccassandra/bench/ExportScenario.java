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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.asynccassandra.cli.AsyncCassandraCli;
import org.jspecify.annotations.Nullable;

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
  /**
   * dsbulk on the collector our launcher picks ({@code -XX:+UseSerialGC}; CSV only): shows how much of the gap is
   * the collector alone.
   */
  static final String DSBULK_SERIAL = "dsbulk unload, -XX:+UseSerialGC";
  /** Our export through the shipped launcher with its AppCDS archive turned off (CSV only). */
  static final String OURS_NO_CDS = "async-cassandra export, AppCDS off";
  /** Our export's first run through the shipped launcher: the one that builds the AppCDS archive before it starts. */
  static final String OURS_FIRST = "async-cassandra export, first run (builds the AppCDS archive)";
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  static final double GOAL_RATIO = 2.0;

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

  /** Whether a mode is one of dsbulk's (with its own collector or ours), not one of our export's. */
  private static boolean isDsbulk(String mode) {
    return mode.equals(DSBULK) || mode.equals(DSBULK_SERIAL);
  }

  private record Run(String mode, Format format) {
    String shortName() {
      return switch (mode) {
        case OURS -> "ours " + format.ours;
        case OURS_NO_CDS -> "ours-no-cds " + format.ours;
        case OURS_FIRST -> "ours-first " + format.ours;
        case DSBULK_SERIAL -> "dsbulk-serial " + format.dsbulkConnector;
        default -> "dsbulk " + format.dsbulkConnector;
      };
    }

    boolean ours() {
      return !isDsbulk(mode);
    }
  }

  /**
   * The CLI as users get it: its archive (built with the CLI module) unpacked, run through its own
   * {@code bin/async-cassandra}, which turns AppCDS on by itself on Java 19+.
   *
   * @param script the unpacked launcher
   * @param cache the launcher's cache folder (XDG_CACHE_HOME), where it keeps its AppCDS archive
   * @param archive the archive it was unpacked from
   */
  private record Launcher(Path script, Path cache, Path archive) {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    BenchSettings settings = context.settings();
    Dsbulk dsbulk = Dsbulk.load(); // a missing jar fails here, before any child starts
    Path java = javaBinary();
    context.out().printf(Locale.ROOT, "  children run on %s (Java %s); dsbulk %s on its own classpath of %d jars%n",
        java, System.getProperty("java.version"), dsbulk.version(), dsbulk.jars().size());
    warmUp(context);
    Launcher launcher;
    try (TempFolder temp = TempFolder.create("async-cassandra-bench-export-")) {
      launcher = unpackLauncher(temp.path().resolve("cli"), context);
      List<Run> runs = new ArrayList<>(List.of(new Run(OURS, Format.CSV), new Run(DSBULK, Format.CSV),
          new Run(OURS, Format.NDJSON), new Run(DSBULK, Format.NDJSON), new Run(DSBULK_SERIAL, Format.CSV)));
      if (launcher != null) {
        runs.add(new Run(OURS_NO_CDS, Format.CSV));
        Path folder = temp.path().resolve("ours-first");
        double seconds = measure(context, dsbulk, java, launcher, new Run(OURS_FIRST, Format.CSV), 1, folder);
        TempFolder.delete(folder);
        context.out().printf(Locale.ROOT, "  first run through the launcher (builds the AppCDS archive): %.2f s%n",
            seconds);
      }
      for (int round = 1; round <= settings.exportRounds(); round++) {
        StringBuilder line = new StringBuilder("  round " + round + ":");
        for (Run run : Scenario.rotated(runs, round)) {
          Path folder = temp.path().resolve(run.shortName().replace(' ', '-') + "-" + round);
          double seconds = measure(context, dsbulk, java, launcher, run, round, folder);
          TempFolder.delete(folder); // free the disk before the next run
          line.append(String.format(Locale.ROOT, " %s %.2f s;", run.shortName(), seconds));
        }
        context.out().println(line);
      }
    }
    report(context, dsbulk, launcher);
  }

  /**
   * Unpacks the CLI's archive (async-cassandra-cli/target/async-cassandra-cli-*.tar.gz of the checkout) into
   * {@code folder}; null when there is none (then our export runs as {@code java -cp} on the bench's own
   * classpath, without AppCDS).
   */
  private static @Nullable Launcher unpackLauncher(Path folder, BenchContext context)
      throws IOException, InterruptedException {
    Path archive = null;
    for (String root : List.of(System.getProperty("asynccassandra.root", "."), ".", "..")) {
      Path target = Path.of(root).toAbsolutePath().normalize().resolve("async-cassandra-cli/target");
      if (Files.isDirectory(target)) {
        try (Stream<Path> files = Files.list(target)) {
          archive = files.filter(f -> f.getFileName().toString().matches("async-cassandra-cli-.*\\.tar\\.gz"))
              .findFirst().orElse(null);
        }
      }
      if (archive != null) {
        break;
      }
    }
    if (archive == null) {
      context.out().println("  no CLI archive (async-cassandra-cli/target/*.tar.gz): ours runs as java -cp, "
          + "without AppCDS");
      return null;
    }
    Files.createDirectories(folder);
    ChildProcess.run("tar", List.of("tar", "-xzf", archive.toString(), "-C", folder.toString()), folder,
        folder.resolve("tar.log"), Duration.ofMinutes(5));
    Path script;
    try (Stream<Path> files = Files.walk(folder, 3)) {
      script = files.filter(f -> f.endsWith(Path.of("bin", "async-cassandra"))).findFirst()
          .orElseThrow(() -> new IllegalStateException("no bin/async-cassandra in " + folder));
    }
    Path cache = folder.resolve("cache");
    Files.createDirectories(cache);
    context.out().printf(Locale.ROOT, "  ours runs through the launcher of %s%n", archive.getFileName());
    return new Launcher(script, cache, archive);
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
  private static double measure(BenchContext context, Dsbulk dsbulk, Path java, @Nullable Launcher launcher, Run run,
      int round, Path folder) throws IOException, InterruptedException {
    Path output = folder.resolve("output");
    Path childTemp = folder.resolve("tmp");
    Path log = folder.resolve("child.log");
    Path summary = folder.resolve("summary.json"); // beside the output folder, whose size the bench watches
    Files.createDirectories(childTemp);
    List<String> command = new ArrayList<>();
    Map<String, String> environment = new LinkedHashMap<>();
    if (run.ours() && launcher != null) {
      Files.createDirectories(output);
      command.addAll(List.of("sh", launcher.script().toString()));
      command.addAll(oursOptions(context, run.format, output.resolve("export." + run.format.ours), summary));
      environment.put("JAVA_HOME", System.getProperty("java.home"));
      environment.put("XDG_CACHE_HOME", launcher.cache().toString());
      environment.put("ASYNC_CASSANDRA_JAVA_OPTS", "-Djava.io.tmpdir=" + childTemp);
      environment.put("ASYNC_CASSANDRA_CDS", run.mode.equals(OURS_NO_CDS) ? "off" : "on");
    } else if (run.ours()) {
      Files.createDirectories(output);
      command.addAll(List.of(java.toString(), "-Djava.io.tmpdir=" + childTemp));
      command.addAll(oursArguments(context, run.format, output.resolve("export." + run.format.ours), summary));
    } else {
      command.addAll(List.of(java.toString(), "-Djava.io.tmpdir=" + childTemp));
      if (run.mode.equals(DSBULK_SERIAL)) {
        command.add("-XX:+UseSerialGC");
      }
      command.addAll(dsbulk.unloadArguments(context.contactPoint(), context.datacenter(), context.keyspace(),
          BenchContext.MAIN_TABLE, run.format.dsbulkConnector, output, folder.resolve("dsbulk-logs")));
    }
    String name = run.mode + " " + run.format.label + " (round " + round + ")";
    long nanos;
    long before;
    long exited;
    long firstBytes;
    long lastBytes;
    Instant launchedAt;
    Instant exitedAt;
    OutputWatch watch = OutputWatch.start(output);
    try {
      launchedAt = Instant.now();
      before = System.nanoTime();
      nanos = ChildProcess.run(name, command, environment, folder, log, TIMEOUT);
      exited = System.nanoTime();
      exitedAt = Instant.now();
    } finally {
      watch.close();
    }
    firstBytes = watch.firstBytesNanos();
    lastBytes = watch.lastChangeNanos();
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
    if (firstBytes > 0 && lastBytes >= firstBytes) {
      metrics.put("startupSeconds", (firstBytes - before) / 1e9);
      metrics.put("workSeconds", (lastBytes - firstBytes) / 1e9);
      metrics.put("shutdownSeconds", Math.max(0, exited - lastBytes) / 1e9);
      metrics.put("workRowsPerSecond", written.rows() / Math.max(1e-9, (lastBytes - firstBytes) / 1e9));
    }
    if (run.ours()) {
      metrics.putAll(ExportStages.metrics(launchedAt, ExportStages.read(summary), exitedAt));
    }
    context.results().add(ID, run.mode, run.format.variant(), round, metrics);
    return seconds;
  }

  /** Our CLI's export with its defaults, after {@code java} and its options. */
  private static List<String> oursArguments(BenchContext context, Format format, Path file, Path summary) {
    List<String> arguments = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
        AsyncCassandraCli.class.getName()));
    arguments.addAll(oursOptions(context, format, file, summary));
    return arguments;
  }

  /**
   * The export command with its defaults, after the CLI's launcher or main class, and the summary whose
   * timings place its stages.
   */
  private static List<String> oursOptions(BenchContext context, Format format, Path file, Path summary) {
    InetSocketAddress node = context.contactPoint();
    return List.of("export", "--contact-point", node.getHostString() + ":" + node.getPort(), "--datacenter",
        context.datacenter(), "--keyspace", context.keyspace(), "--table", BenchContext.MAIN_TABLE,
        "--format", format.ours, "--output", file.toString(), "--summary", summary.toString());
  }

  /**
   * One format's part of the export goal: ours against dsbulk, medians of the rounds.
   *
   * @param measured {@code CSV: 172,856 vs 85,545 rows/s = 2.02×, wall 5.79 s vs 11.69 s}
   * @param miss what missed, or empty when this format met the goal
   */
  record FormatVerdict(String measured, String miss) {
    static FormatVerdict of(Results results, Format format) {
      double ours = results.median(ID, OURS, format.variant(), "rowsPerSecond");
      double theirs = results.median(ID, DSBULK, format.variant(), "rowsPerSecond");
      double oursWall = results.median(ID, OURS, format.variant(), "seconds");
      double theirsWall = results.median(ID, DSBULK, format.variant(), "seconds");
      double ratio = Verdicts.ratio(ours, theirs);
      boolean lowerWall = oursWall < theirsWall;
      boolean met = Verdicts.atLeast(ratio, GOAL_RATIO) && lowerWall;
      String measured = String.format(Locale.ROOT, "%s: %s vs %s rows/s = %s, wall %s vs %s", format.label,
          Markdown.rate(ours), Markdown.rate(theirs), Markdown.ratio(ratio, GOAL_RATIO), Markdown.seconds(oursWall),
          Markdown.seconds(theirsWall));
      return new FormatVerdict(measured, met ? "" : String.format(Locale.ROOT, "%s (%s of dsbulk's rows/s%s)",
          format.label, Markdown.ratio(ratio, GOAL_RATIO), lowerWall ? "" : ", and no lower wall time"));
    }
  }

  /**
   * Checks the export goal against the samples of {@code results} and adds it to them: for CSV and for NDJSON,
   * our median rows/s at least {@value #GOAL_RATIO}× dsbulk's, and our median wall time below dsbulk's.
   */
  static Results.Goal judge(Results results) {
    List<String> measured = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    for (Format format : Format.values()) {
      FormatVerdict verdict = FormatVerdict.of(results, format);
      measured.add(verdict.measured());
      if (!verdict.miss().isEmpty()) {
        missed.add(verdict.miss());
      }
    }
    return results.goal("Export at least 2× dsbulk's rows/s, with a lower wall time",
        "ours / dsbulk ≥ 2.00× rows/s and a lower wall time, for CSV and for NDJSON", String.join("; ", measured),
        missed.isEmpty(), Verdicts.note(missed, ""));
  }

  private void report(BenchContext context, Dsbulk dsbulk, @Nullable Launcher launcher) throws IOException {
    Results results = context.results();
    BenchSettings settings = context.settings();
    List<List<String>> table = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put(OURS, new ArrayList<>());
    series.put(DSBULK, new ArrayList<>());
    for (Format format : Format.values()) {
      List<String> modes = new ArrayList<>(List.of(OURS, DSBULK));
      if (format == Format.CSV) {
        modes.add(DSBULK_SERIAL);
      }
      if (format == Format.CSV && launcher != null) {
        modes.add(OURS_NO_CDS);
      }
      for (String mode : modes) {
        String variant = format.variant();
        double[] rates = results.values(ID, mode, variant, "rowsPerSecond");
        table.add(List.of(mode, format.label + (isDsbulk(mode) ? " (`-c " + format.dsbulkConnector + "`)" : ""),
            secondsSpread(results.values(ID, mode, variant, "seconds")), Markdown.rateSpread(rates),
            secondsSpread(results.values(ID, mode, variant, "startupSeconds")),
            secondsSpread(results.values(ID, mode, variant, "workSeconds")),
            secondsSpread(results.values(ID, mode, variant, "shutdownSeconds")),
            Markdown.rate(results.median(ID, mode, variant, "workRowsPerSecond")),
            mib(results.median(ID, mode, variant, "outputBytes")),
            Markdown.number(results.median(ID, mode, variant, "files"))));
        if (series.containsKey(mode)) {
          series.get(mode).add(Stats.median(rates));
        }
      }
    }
    Results.Goal goal = judge(results);
    boolean met = goal.met();

    String chart = Charts.bars(context.outputDirectory(), "export.png",
        String.format(Locale.ROOT, "Export of %,d rows to local files, JVM start to exit (median rows/s)",
            settings.rows()), "rows/s", List.of(Format.CSV.label, Format.NDJSON.label), series);
    InetSocketAddress node = context.contactPoint();
    String dsbulkCommand = "java -cp <dsbulk's " + dsbulk.jars().size() + " jars> " + Dsbulk.MAIN_CLASS + " "
        + String.join(" ", Dsbulk.unloadOptions(node, context.datacenter(), context.keyspace(),
        BenchContext.MAIN_TABLE, "csv|json", "OUTPUT_FOLDER", "LOG_FOLDER"));
    String oursCommand = (launcher == null ? "java -cp <the bench's classpath> " + AsyncCassandraCli.class.getName()
        : "bin/async-cassandra") + " export "
        + "--contact-point " + node.getHostString() + ":" + node.getPort() + " --datacenter " + context.datacenter()
        + " --keyspace " + context.keyspace() + " --table " + BenchContext.MAIN_TABLE
        + " --format csv|ndjson --output OUTPUT_FILE --summary SUMMARY_FILE";
    String oursHow = launcher == null
        ? "Our `export` runs as `java -cp` on the bench's classpath (no CLI archive was built, so no launcher and "
            + "no AppCDS)"
        : "Our `export` runs through the launcher its archive ships (" + launcher.archive().getFileName()
            + ", unpacked; `bin/async-cassandra`, with its JVM options and its AppCDS archive, which its first "
            + "run builds: that run is not one of the rounds)";
    String how = String.format(Locale.ROOT,
        "Both tools write all %,d rows of the main table to local files, on the same machine as the server and "
            + "from the same table, each run a fresh child JVM timed from process start to exit: JVM start-up, "
            + "connecting and shutting down count for both, and rows/s is rows / wall time.%n%n"
            + "%s with its defaults (4 token ranges at a time, fetch size 5,000, one file), and `--summary "
            + "FILE`, whose timings give its stages (below). "
            + "dsbulk %s runs `unload` on its own classpath (its own driver, com.datastax.oss 4.14) with its "
            + "defaults apart from where to connect, where to write and its log folder: it picks its own query "
            + "concurrency and may write several files in parallel "
            + "(%s for CSV, %s for JSON here), and its checkpointing is on. Both ran on the bench's own JDK, %s "
            + "(Java %s), with no JVM option of ours but -Djava.io.tmpdir (a temporary folder, deleted "
            + "afterwards). The collector is each tool's own choice: our launcher runs the JVM on the serial "
            + "collector (`-XX:+UseSerialGC`, see docs/cli.md), dsbulk's launcher passes no JVM option, so it runs "
            + "on the JVM's default (G1 here); the row `" + DSBULK_SERIAL + "` runs dsbulk on the serial "
            + "collector too (CSV), to show how much of the difference the collector alone makes.%n%n"
            + "One plain scan of the table through the bench's session warms the server first; then %d round(s), "
            + "the runs in a rotated order in each. Every run's files were counted line by line (less one CSV "
            + "header per file) and held the table's %,d rows. With few rows, start-up dominates both wall "
            + "times.%n%n"
            + "Where the time goes, measured the same way for both tools from outside: the bench polls the "
            + "output folder's size every %d ms. Start-up is process start to the first bytes in the output "
            + "(JVM start, connecting, the first page, and the first buffer's worth of rows: writers buffer); "
            + "work is first to last bytes; shutdown is last bytes to process exit (closing the session, the "
            + "JVM's exit). Rows/s during work is rows / work. Each column is its own median, so they need not "
            + "add up to the wall time.%n%n",
        settings.rows(), oursHow, dsbulk.version(),
        Markdown.number(results.median(ID, DSBULK, Format.CSV.variant(), "files")),
        Markdown.number(results.median(ID, DSBULK, Format.NDJSON.variant(), "files")), System.getProperty("java.home"),
        System.getProperty("java.version"), settings.exportRounds(), settings.rows(), OutputWatch.POLL_MILLIS);
    String cds = "";
    if (launcher != null && Runtime.version().feature() < 19) {
      cds = String.format(Locale.ROOT, "AppCDS: the launcher turns it on from Java 19; on Java %d, as here, it "
          + "does not, so the AppCDS-off row measures the same launcher again.%n%n", Runtime.version().feature());
    } else if (launcher != null) {
      double with = results.median(ID, OURS, Format.CSV.variant(), "startupSeconds");
      double without = results.median(ID, OURS_NO_CDS, Format.CSV.variant(), "startupSeconds");
      double first = results.median(ID, OURS_FIRST, Format.CSV.variant(), "seconds");
      double firstShutdown = results.median(ID, OURS_FIRST, Format.CSV.variant(), "shutdownSeconds");
      cds = String.format(Locale.ROOT, "AppCDS: the launcher maps a class archive that its first run builds. "
              + "Start-up (CSV, medians) with it %s, without it (`ASYNC_CASSANDRA_CDS=off`) %s: it saves %s per "
              + "start. The first run, which builds the archive in a JVM of its own before it starts, took %s in "
              + "all, %s of it after the last bytes.%n%n", Markdown.seconds(with), Markdown.seconds(without),
          Markdown.seconds(without - with), Markdown.seconds(first), Markdown.seconds(firstShutdown));
    }
    String markdown = how
        + Markdown.table(List.of("tool", "format", "wall time, median (range)", "rows/s, median (range)",
            "start-up", "work", "shutdown", "rows/s during work", "output", "files"), table)
        + "\n" + cds + stages(results, launcher != null) + Markdown.image("export", chart)
        + "\nThe command lines:\n\n```\n" + oursCommand + "\n" + dsbulkCommand + "\n```\n\n"
        + "Goal, export at least 2× dsbulk's rows/s with a lower wall time, in both formats: "
        + Markdown.yesNo(met) + ".\n\n"
        + Arrays.stream(Format.values()).map(format -> "- " + FormatVerdict.of(results, format).measured())
            .collect(Collectors.joining("\n")) + "\n"
        + (met ? "" : "\nThe goal is missed in this run for " + Arrays.stream(Format.values())
            .map(format -> FormatVerdict.of(results, format).miss()).filter(miss -> !miss.isEmpty())
            .collect(Collectors.joining(" and ")) + ".\n");
    results.section(ID, "5b. Export against dsbulk", markdown);
  }

  /**
   * Our export's own stages, from the timings of its summary file: start-up to the first request and the last
   * row to the exit as figures of their own, each split where the CLI can tell.
   */
  private static String stages(Results results, boolean withLauncher) {
    List<List<String>> rows = new ArrayList<>();
    List<Run> runs = new ArrayList<>(List.of(new Run(OURS, Format.CSV), new Run(OURS, Format.NDJSON)));
    if (withLauncher) {
      runs.add(new Run(OURS_NO_CDS, Format.CSV));
    }
    for (Run run : runs) {
      List<String> row = new ArrayList<>(List.of(run.mode(), run.format().label));
      for (String metric : List.of("launchToCommandSeconds", "connectSeconds", "toFirstRequestSeconds",
          "firstRequestToFirstRowSeconds", "lastRowToExitSeconds")) {
        row.add(secondsSpread(results.values(ID, run.mode(), run.format().variant(), metric)));
      }
      rows.add(row);
    }
    return "Our export's own stages, from the `timings` of the `--summary` file each run wrote: instants on the "
        + "machine's clock, which the bench also reads when it starts the process and when the process has "
        + "exited. Launch to the command's start is the launcher script, the JVM's start-up and the CLI's "
        + "reading of its options; connecting is the driver's session (its control connection, the cluster's "
        + "metadata, its pools) and planning the scan; start-up to the first request is both together, the "
        + "moment the scan hands its first requests to the driver; the first row is the first page reaching "
        + "the export; last row to exit starts once every row is written and flushed and covers putting the "
        + "file in place, writing the summary, closing the session and the JVM's exit. dsbulk writes no such "
        + "instants: for both tools, the start-up and shutdown above are measured from outside, the same way. "
        + "Medians with the range of the rounds.\n\n"
        + Markdown.table(List.of("tool", "format", "launch to the command's start", "connecting, scan planned",
            "start-up to the first request", "first request to first row", "last row to exit"), rows)
        + "\n";
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
