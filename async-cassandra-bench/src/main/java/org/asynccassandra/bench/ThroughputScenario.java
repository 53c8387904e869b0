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

/**
 * Scenario 1, raw scan throughput: every mode reads the whole main table with light per-row work, at
 * each fetch size, in alternating rounds after one warm-up round.
 */
final class ThroughputScenario implements Scenario {
  static final String ID = "throughput";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    BenchSettings settings = context.settings();
    List<ReadMode> modes = ReadModes.all();
    for (int fetchSize : settings.fetchSizes()) {
      SimpleStatement statement = statement(context, fetchSize);
      context.out().printf(Locale.ROOT, "  fetch size %,d: warm-up round%n", fetchSize);
      for (ReadMode mode : modes) {
        Reading.of(context, mode, statement, settings.rows(), RowSink.PageWork.NONE);
      }
      for (int round = 1; round <= settings.rounds(); round++) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  fetch size %,d, round %d:", fetchSize,
            round));
        for (ReadMode mode : Scenario.rotated(modes, round)) {
          Reading reading = Reading.of(context, mode, statement, settings.rows(), RowSink.PageWork.NONE);
          context.results().add(ID, mode.name(), variant(fetchSize), round, reading.metrics());
          line.append(String.format(Locale.ROOT, " %s %.2fs;", mode.name(), reading.seconds()));
        }
        context.out().println(line);
      }
    }
    report(context, modes);
  }

  static SimpleStatement statement(BenchContext context, int fetchSize) {
    return SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + context.mainTable()).setPageSize(fetchSize);
  }

  private static String variant(int fetchSize) {
    return "fetchSize=" + fetchSize;
  }

  private void report(BenchContext context, List<ReadMode> modes) throws Exception {
    Results results = context.results();
    List<Integer> fetchSizes = context.settings().fetchSizes();
    List<String> headers = new ArrayList<>(List.of("mode"));
    fetchSizes.forEach(f -> headers.add(String.format(Locale.ROOT, "rows/s, fetch %,d", f)));
    headers.add("pages read ahead (max)");
    List<List<String>> rows = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    fetchSizes.forEach(f -> series.put(String.format(Locale.ROOT, "fetch size %,d", f), new ArrayList<>()));
    for (ReadMode mode : modes) {
      List<String> row = new ArrayList<>(List.of(mode.name()));
      double ahead = 0;
      int column = 0;
      for (int fetchSize : fetchSizes) {
        double[] rates = results.values(ID, mode.name(), variant(fetchSize), "rowsPerSecond");
        row.add(Markdown.rateSpread(rates));
        series.get(new ArrayList<>(series.keySet()).get(column++)).add(Stats.median(rates));
        ahead = Math.max(ahead, Stats.max(results.values(ID, mode.name(), variant(fetchSize), "maxPagesAhead")));
      }
      row.add(Markdown.number(ahead));
      rows.add(row);
    }
    String chart = Charts.bars(context.outputDirectory(), "throughput.png",
        String.format(Locale.ROOT, "Raw scan throughput, %,d rows of ~100 B (median of rounds)", context.settings().rows()),
        "rows/s", modes.stream().map(ReadMode::name).toList(), series);

    StringBuilder goalLines = new StringBuilder();
    boolean met = true;
    List<String> measured = new ArrayList<>();
    for (int fetchSize : fetchSizes) {
      Best driver = best(results, modes, variant(fetchSize), true);
      Best ours = best(results, modes, variant(fetchSize), false);
      double ratio = ours.rate / driver.rate;
      met &= ratio >= 1.0;
      measured.add(String.format(Locale.ROOT, "fetch %,d: %s %s vs %s %s = %s", fetchSize, ours.mode,
          Markdown.rate(ours.rate), driver.mode, Markdown.rate(driver.rate), Markdown.ratio(ratio)));
      goalLines.append("- ").append(measured.get(measured.size() - 1)).append('\n');
    }
    results.goal("Raw throughput at least the best driver mode", "best ours / best driver ≥ 1.00×",
        String.join("; ", measured), met,
        met ? "" : "The best driver mode was faster in this run; see the spread of the rounds.");

    String markdown = String.format(Locale.ROOT,
        "Every mode reads all %,d rows of the main table (`SELECT pk, ck, payload`), with the same light work "
            + "per row (a checksum over every column). One warm-up round, then %d rounds; in each round the "
            + "modes run in a rotated order. Figures are the median rows/s with the range of the rounds. "
            + "\"Pages read ahead\" is the most pages the driver had received beyond the page the consumer "
            + "was starting, counted by a request tracker for every mode alike.%n%n",
        context.settings().rows(), context.settings().rounds())
        + Markdown.table(headers, rows) + "\n" + Markdown.image("throughput", chart) + "\nBest of each side:\n\n"
        + goalLines;
    results.section(ID, "1. Raw scan throughput", markdown);
  }

  private record Best(String mode, double rate) {}

  private static Best best(Results results, List<ReadMode> modes, String variant, boolean driver) {
    Best best = new Best("none", Double.NaN);
    for (ReadMode mode : modes) {
      if (mode.isDriver() != driver) {
        continue;
      }
      double rate = results.median(ID, mode.name(), variant, "rowsPerSecond");
      if (Double.isNaN(best.rate) || rate > best.rate) {
        best = new Best(mode.name(), rate);
      }
    }
    return best;
  }
}
