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

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asynccassandra.RowStream;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.TableScan;

/**
 * Scenario 5a, full-table scan: one stream over {@code SELECT ... FROM table} against a {@code TableScan}
 * at each parallelism, in alternating rounds.
 */
final class ScanScenario implements Scenario {
  static final String ID = "scan";
  static final String SINGLE = "single stream";
  /** The scan goal: parallelism 4 over the single stream, medians of the rounds. */
  static final double SCAN_GOAL = 1.4;
  private static final int FETCH_SIZE = 5000;
  /** Token ranges per reader at the highest parallelism: every parallelism then has work for all its readers. */
  private static final int RANGES_PER_READER = 4;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    BenchSettings settings = context.settings();
    List<String> modes = modes(settings);
    for (int round = 0; round <= settings.rounds(); round++) { // round 0 warms up
      StringBuilder line = new StringBuilder(round == 0 ? "  warm-up:" : "  round " + round + ":");
      for (String mode : Scenario.rotated(modes, round)) {
        RowSink sink = new RowSink(FETCH_SIZE, RowSink.PageWork.NONE, context.pageCounter(), 0);
        int ranges = 1;
        long start = System.nanoTime();
        try (RowStream stream = open(context, mode, splits(settings))) {
          stream.forEach(sink::row).toCompletableFuture().get();
          if (stream instanceof TableScan scan) {
            ranges = scan.rangeCount();
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (sink.rows() != settings.rows()) {
          throw new IllegalStateException(mode + " read " + sink.rows() + " rows of " + context.mainTable()
              + " where " + settings.rows() + " were loaded");
        }
        if (round > 0) {
          Map<String, Double> metrics = new LinkedHashMap<>();
          metrics.put("rows", (double) sink.rows());
          metrics.put("seconds", seconds);
          metrics.put("rowsPerSecond", sink.rows() / seconds);
          metrics.put("ranges", (double) ranges);
          context.results().add(ID, mode, "", round, metrics);
        }
        line.append(String.format(Locale.ROOT, " %s %.2fs;", mode, seconds));
      }
      context.out().println(line);
    }
    report(context, modes);
  }

  /** The single stream, then a scan at each parallelism of the settings. */
  static List<String> modes(BenchSettings settings) {
    List<String> modes = new ArrayList<>(List.of(SINGLE));
    settings.parallelisms().forEach(p -> modes.add(name(p)));
    return modes;
  }

  static String name(int parallelism) {
    return "TableScan parallelism " + parallelism;
  }

  /** The same split for every parallelism: {@value #RANGES_PER_READER} ranges per reader at the highest one. */
  static int splits(BenchSettings settings) {
    return RANGES_PER_READER * settings.parallelisms().stream().mapToInt(Integer::intValue).max().orElse(1);
  }

  private static RowStream open(BenchContext context, String mode, int splits) {
    StreamConfig stream = StreamConfig.builder().fetchSize(FETCH_SIZE).prefetchPages(1).executor(context.consumer())
        .build();
    if (mode.equals(SINGLE)) {
      return context.async().executeStream(SimpleStatement.newInstance("SELECT pk, ck, payload FROM "
          + context.mainTable()).setPageSize(FETCH_SIZE), stream);
    }
    int parallelism = Integer.parseInt(mode.substring(mode.lastIndexOf(' ') + 1));
    return context.async().scanTable(context.keyspace(), BenchContext.MAIN_TABLE, ScanConfig.builder()
        .columns("pk", "ck", "payload").parallelism(parallelism).splits(splits).streamConfig(stream).build());
  }

  /**
   * Checks the scan goal against the samples of {@code results} and adds it to them: the median rows/s of the scan
   * at parallelism 4 against the single stream's, at least 1.40×. No goal for a run whose parallelisms leave
   * out 4; missed, with no figure, when its reads failed.
   *
   * @param modes the modes of the run, as {@link #modes} gives them
   */
  static void judge(Results results, List<String> modes) {
    String four = name(4);
    if (!modes.contains(four)) {
      return;
    }
    double single = results.median(ID, SINGLE, "", "rowsPerSecond");
    double parallel = results.median(ID, four, "", "rowsPerSecond");
    double ratio = Verdicts.ratio(parallel, single);
    boolean met = Verdicts.atLeast(ratio, SCAN_GOAL);
    results.goal("Table scan at parallelism 4 at least 1.4× a single stream", "parallelism 4 / single ≥ 1.40×",
        String.format(Locale.ROOT, "%s vs %s rows/s: %s", Markdown.rate(parallel), Markdown.rate(single),
            Markdown.ratio(ratio, SCAN_GOAL)), met,
        met ? "" : Double.isNaN(ratio) ? "No figure to compare in this run: see the table."
            : "Parallel ranges did not pay in this run. With one node on the same machine, the client "
            + "and the server share its cores: see the machine above.");
  }

  private void report(BenchContext context, List<String> modes) throws Exception {
    Results results = context.results();
    double single = results.median(ID, SINGLE, "", "rowsPerSecond");
    List<List<String>> table = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (String mode : modes) {
      double[] values = results.values(ID, mode, "", "rowsPerSecond");
      rates.add(Stats.median(values));
      table.add(List.of(mode, Markdown.rateSpread(values), Markdown.ratio(Stats.median(values) / single),
          Markdown.number(results.median(ID, mode, "", "ranges"))));
    }
    String chart = Charts.bars(context.outputDirectory(), "scan.png",
        String.format(Locale.ROOT, "Full-table scan of %,d rows (median rows/s)", context.settings().rows()),
        "rows/s", modes, Map.of("rows/s", rates));
    judge(results, modes);
    String markdown = String.format(Locale.ROOT,
        "All %,d rows of the main table, unordered, with the same light work per row: one stream over "
            + "`SELECT pk, ck, payload FROM table` (fetch size %,d, one page read ahead) against a `TableScan` "
            + "that splits the ring into token ranges and reads that many ranges at a time, each with its own "
            + "read-ahead. Every parallelism splits the ring into the same %d ranges or so (`ScanConfig.splits`: %d "
            + "per reader at the highest parallelism; the default, 4 per node, gave one node about 5, so that "
            + "parallelism 8 had readers without work), and the table shows the ranges each scan read. The "
            + "consumer is one thread in both. One warm-up round, then %d rounds, modes rotated.%n%n",
        context.settings().rows(), FETCH_SIZE, splits(context.settings()), RANGES_PER_READER,
        context.settings().rounds())
        + Markdown.table(List.of("mode", "rows/s, median (range)", "vs single stream", "token ranges"), table) + "\n"
        + Markdown.image("scan", chart);
    results.section(ID, "5a. Full-table scan", markdown);
  }
}
