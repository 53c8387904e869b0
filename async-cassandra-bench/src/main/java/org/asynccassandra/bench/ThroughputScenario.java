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

  static String variant(int fetchSize) {
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

    Map<String, String> pairs = pairs(modes.stream().map(ReadMode::name).toList());
    String goalLines = judge(results, fetchSizes, pairs);

    String markdown = String.format(Locale.ROOT,
        "Every mode reads all %,d rows of the main table (`SELECT pk, ck, payload`), with the same light work "
            + "per row (a checksum over every column). One warm-up round, then %d rounds; in each round the "
            + "modes run in a rotated order. Figures are the median rows/s with the range of the rounds. "
            + "\"Pages read ahead\" is the most pages the driver had received beyond the page the consumer "
            + "was starting, counted by a request tracker for every mode alike.%n%n",
        context.settings().rows(), context.settings().rounds())
        + Markdown.table(headers, rows) + "\n" + Markdown.image("throughput", chart) + "\n"
        + "Like with like: each driver mode against our style of the same shape, at the same read-ahead where "
        + "the driver has one: the sync loop against our iterator (p0, as the loop reads no page ahead), the "
        + "sync loop on a virtual thread against our iterator on a virtual thread (p0), the fetchNextPage chain "
        + "against our forEach (p0: the chain reads no page ahead either), executeReactive against our rows() "
        + "publisher (p2, our nearest to the 3–4 pages the driver's reactive mode reads ahead on its own). The "
        + "goal takes the best of those " + pairs.size() + " of ours against the best of the driver's "
        + pairs.size() + ": the same number of candidates a side, so that neither side gets more draws of the "
        + "rounds' noise. It compares them round by round (the best of each side within one round, measured "
        + "one after the other) and takes the median of the rounds' ratios, so that a slow spell of the shared "
        + "machine moves both sides of a ratio; the medians of the rounds are given beside it. Our other rows "
        + "(p1, p2 in every style) are in the table, not in the goal.\n\n"
        + goalLines;
    results.section(ID, "1. Raw scan throughput", markdown);
  }

  /**
   * Checks the raw-throughput goal against the samples of {@code results} and adds it to them: at each fetch size,
   * the best of our modes against the best of the driver's, one of ours per driver mode (see {@link #pairs}),
   * round by round; met when the median of the rounds' ratios is at least 1.00× at every fetch size.
   *
   * @return the section's lines that detail it, one per fetch size
   */
  static String judge(Results results, List<Integer> fetchSizes, Map<String, String> pairs) {
    StringBuilder goalLines = new StringBuilder();
    List<String> measured = new ArrayList<>();
    List<String> misses = new ArrayList<>();
    for (int fetchSize : fetchSizes) {
      Map<String, Double> driver = new LinkedHashMap<>();
      Map<String, Double> ours = new LinkedHashMap<>();
      goalLines.append(String.format(Locale.ROOT, "- fetch %,d:", fetchSize));
      for (Map.Entry<String, String> pair : pairs.entrySet()) {
        double theirs = results.median(ID, pair.getKey(), variant(fetchSize), "rowsPerSecond");
        double our = results.median(ID, pair.getValue(), variant(fetchSize), "rowsPerSecond");
        driver.put(pair.getKey(), theirs);
        ours.put(pair.getValue(), our);
        goalLines.append(String.format(Locale.ROOT, " %s;",
            Verdicts.compare(pair.getValue(), our, pair.getKey(), theirs).text()));
      }
      Verdicts.Comparison best = Verdicts.bestAgainstBest(ours, driver);
      Verdicts.Paired perRound = Verdicts.Paired.of(results.pairedBest(ID, pairs.values(), pairs.keySet(),
          variant(fetchSize), "rowsPerSecond"));
      measured.add(String.format(Locale.ROOT, "fetch %,d: %s (%s; ours ahead in %d of %d rounds)", fetchSize,
          Markdown.ratio(perRound.median(), 1.0), perRound.spread(), perRound.roundsAtLeast(1.0),
          perRound.rounds()));
      goalLines.append(" best of each side, medians of the rounds: ").append(best.text())
          .append("; best of each side in the same round, median of the rounds' ratios: ")
          .append(Markdown.ratio(perRound.median(), 1.0)).append(" (").append(perRound.spread()).append(")\n");
      if (!Verdicts.atLeast(perRound.median(), 1.0)) {
        misses.add(String.format(Locale.ROOT, "fetch %,d (%s)", fetchSize, Markdown.ratio(perRound.median(), 1.0)));
      }
    }
    results.goal("Raw throughput at least the best driver mode",
        "in each round, the best of ours / the best of the driver's, " + pairs.size() + " modes a side, each ours "
            + "the driver's shape; the median of the rounds' ratios ≥ 1.00×", String.join("; ", measured),
        misses.isEmpty(), Verdicts.note(misses, "See the rounds' ratios."));
    return goalLines.toString();
  }

  /**
   * Each driver mode (of those named) with our mode of the same shape: the sync loop with our iterator, the
   * fetchNextPage chain with our forEach, both at p0 as they read nothing ahead; executeReactive with our
   * rows() at p2, our nearest to the pages it reads ahead on its own.
   */
  static Map<String, String> pairs(List<String> names) {
    Map<String, String> candidates = new LinkedHashMap<>();
    candidates.put("driver sync", "ours p0 iterator");
    candidates.put("driver sync, virtual thread", "ours p0 iterator, virtual thread");
    candidates.put("driver fetchNextPage", "ours p0 forEach");
    candidates.put("driver executeReactive", "ours p2 rows()");
    Map<String, String> pairs = new LinkedHashMap<>();
    candidates.forEach((driver, ours) -> {
      if (names.contains(driver) && names.contains(ours)) {
        pairs.put(driver, ours);
      }
    });
    return pairs;
  }
}
