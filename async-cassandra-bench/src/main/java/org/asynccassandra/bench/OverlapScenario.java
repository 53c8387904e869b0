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
 * Scenario 2, overlap: the consumer spends about one page fetch's time on every page (calibrated in this
 * run). Without read-ahead a read takes fetch + work per page; with it, max(fetch, work) at best.
 */
final class OverlapScenario implements Scenario {
  static final String ID = "overlap";
  private static final String CHAIN = "driver fetchNextPage";
  private static final String OURS = "ours p1 forEach";
  private static final String REACTIVE = "driver executeReactive";
  /** Below this share of its time spent waiting for pages, the read-ahead hid the fetches. */
  static final double HIDDEN_WAIT_SHARE = 0.1;
  static final double SPEEDUP_GOAL = 1.7;

  @Override
  public String id() {
    return ID;
  }

  static List<ReadMode> modes() {
    List<ReadMode> modes = new ArrayList<>(ReadModes.driverModes());
    for (int prefetch = 0; prefetch <= 2; prefetch++) {
      modes.add(ReadModes.ours(prefetch, ReadModes.Style.FOR_EACH));
    }
    modes.add(ReadModes.ours(1, ReadModes.Style.ITERATOR));
    return modes;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    BenchSettings settings = context.settings();
    long rows = Math.min(settings.overlapRows(), settings.rows());
    SimpleStatement statement = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + context.mainTable()
        + " LIMIT " + rows).setPageSize(settings.overlapFetchSize());
    long pages = (rows + statement.getPageSize() - 1) / statement.getPageSize();
    long fetchNanos = SimulatedWork.calibratePageNanos(context, statement, rows);
    SimulatedWork work = new SimulatedWork(fetchNanos);
    double idealSeconds = (fetchNanos + (double) pages * Math.max(fetchNanos, work.nanosPerPage())) / 1e9;
    context.out().printf(Locale.ROOT, "  one page fetch takes %.1f ms here: the consumer works %.1f ms per page; "
        + "%d pages; ideal %.2f s%n", fetchNanos / 1e6, work.nanosPerPage() / 1e6, pages, idealSeconds);
    List<ReadMode> modes = modes();
    for (int round = 1; round <= settings.rounds(); round++) {
      StringBuilder line = new StringBuilder("  round " + round + ":");
      for (ReadMode mode : Scenario.rotated(modes, round)) {
        Reading reading = Reading.of(context, mode, statement, rows, work);
        Map<String, Double> metrics = new LinkedHashMap<>(reading.metrics());
        metrics.put("workMillisPerPage", work.nanosPerPage() / 1e6);
        metrics.put("fetchMillisPerPage", fetchNanos / 1e6);
        metrics.put("idealSeconds", idealSeconds);
        context.results().add(ID, mode.name(), "", round, metrics);
        line.append(String.format(Locale.ROOT, " %s %.2fs;", mode.name(), reading.seconds()));
      }
      context.out().println(line);
    }
    report(context, modes, rows, pages, fetchNanos, idealSeconds);
  }

  /**
   * Checks the overlap goal against the samples of {@code results} and adds it to them: the chain's time over ours
   * in the same round, median of the rounds, at least {@value #SPEEDUP_GOAL}×; a miss says why (see
   * {@link #missReason}).
   *
   * @param rows the rows each read read
   */
  static Results.Goal judge(Results results, long rows) {
    double chain = results.median(ID, CHAIN, "", "seconds");
    double ours = results.median(ID, OURS, "", "seconds");
    // The chain's time over ours, round by round: each round reads both within seconds of each other.
    Verdicts.Paired speedups = Verdicts.Paired.of(results.paired(ID, CHAIN, OURS, "", "seconds"));
    boolean met = Verdicts.atLeast(speedups.median(), SPEEDUP_GOAL);
    return results.goal("Overlap: at least 1.7× the fetchNextPage chain", OURS + " ≥ 1.70× " + CHAIN
            + ", the chain's time over ours in the same round, median of the rounds",
        String.format(Locale.ROOT, "%s (%s; %d of %d rounds reached it); medians of the rounds %s vs %s",
            Markdown.ratio(speedups.median(), SPEEDUP_GOAL), speedups.spread(),
            speedups.roundsAtLeast(SPEEDUP_GOAL), speedups.rounds(), Markdown.seconds(ours),
            Markdown.seconds(chain)), met,
        met ? "" : missReason(ours, results.median(ID, OURS, "", "consumerWaitMillis"), chain,
            results.median(ID, REACTIVE, "", "seconds"), rows));
  }

  private void report(BenchContext context, List<ReadMode> modes, long rows, long pages, long fetchNanos,
      double idealSeconds) throws Exception {
    Results results = context.results();
    double chain = results.median(ID, CHAIN, "", "seconds");
    List<List<String>> table = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    List<Double> seconds = new ArrayList<>();
    List<Double> ideal = new ArrayList<>();
    for (ReadMode mode : modes) {
      double[] values = results.values(ID, mode.name(), "", "seconds");
      double median = Stats.median(values);
      seconds.add(median);
      ideal.add(idealSeconds);
      table.add(List.of(mode.name(), String.format(Locale.ROOT, "%s (%s–%s)", Markdown.seconds(median),
              Markdown.seconds(Stats.min(values)), Markdown.seconds(Stats.max(values))),
          Markdown.ratio(median / idealSeconds), Markdown.ratio(chain / median),
          Markdown.number(Stats.max(results.values(ID, mode.name(), "", "maxPagesAhead"))),
          mode.isDriver() ? "–" : Markdown.millis(Stats.median(results.values(ID, mode.name(), "",
              "consumerWaitMillis")))));
    }
    series.put("total time (median)", seconds);
    series.put("ideal: first fetch + pages × max(fetch, work)", ideal);
    String chart = Charts.bars(context.outputDirectory(), "overlap.png",
        String.format(Locale.ROOT, "Overlap: %,d pages, %.1f ms of work per page", pages, fetchNanos / 1e6),
        "seconds", modes.stream().map(ReadMode::name).toList(), series);
    judge(results, rows);
    String markdown = String.format(Locale.ROOT,
        "%,d rows in %,d pages of %,d. Before the rounds, the driver's fetchNextPage chain (which never reads "
            + "ahead) measured one page fetch at **%.1f ms** on this machine; every mode's consumer then "
            + "works that long on every page (parking, as a consumer that writes each page elsewhere would). "
            + "Without read-ahead a read costs fetch + work per page; the ideal is the first fetch plus "
            + "pages × max(fetch, work) = **%s**. %d rounds, modes rotated. The table's speed-up is the "
            + "chain's median over the mode's; the goal's is the median of the per-round speed-ups, each "
            + "round reading the chain and ours within seconds of each other.%n%n",
        rows, pages, context.settings().overlapFetchSize(), fetchNanos / 1e6, Markdown.seconds(idealSeconds),
        context.settings().rounds())
        + Markdown.table(List.of("mode", "total time, median (range)", "vs ideal", "speed-up over the chain",
            "pages read ahead (max)", "our consumer waited for pages"), table)
        + "\n" + Markdown.image("overlap", chart);
    results.section(ID, "2. Overlap of fetching and work", markdown);
  }

  /**
   * Why the goal was missed, from the medians of the rounds: whether our consumer still waited for pages
   * (much, or little but more than the goal allows), or whether what is left is its own work, which no
   * read-ahead can hide. The consumer's busy time (total
   * less waiting) bounds the speed-up any read-ahead could give it: the chain's time over that.
   *
   * @param oursSeconds our mode's total time
   * @param oursWaitMillis how long our consumer waited for pages in all
   * @param chainSeconds the chain's total time
   * @param reactiveSeconds the driver's reactive mode's total time (it reads ahead on its own), NaN if absent
   * @param rows the rows each mode read
   */
  static String missReason(double oursSeconds, double oursWaitMillis, double chainSeconds,
      double reactiveSeconds, long rows) {
    double waitSeconds = oursWaitMillis / 1e3;
    if (!(waitSeconds < HIDDEN_WAIT_SHARE * oursSeconds)) {
      return String.format(Locale.ROOT, "Our consumer still waited for pages %s of its %s: the read-ahead did "
          + "not hide the fetch time in this run.", Markdown.millis(oursWaitMillis), Markdown.seconds(oursSeconds));
    }
    double busySeconds = oursSeconds - waitSeconds;
    String reactive = Double.isNaN(reactiveSeconds) ? "" : String.format(Locale.ROOT,
        " The driver's reactive mode, which reads pages ahead on its own, took %s.", Markdown.seconds(reactiveSeconds));
    double bound = chainSeconds / busySeconds;
    if (bound >= SPEEDUP_GOAL) {
      // The consumer's own work leaves room for the goal: what is left of the wait is what missed it.
      return String.format(Locale.ROOT, "Our consumer waited for pages %s of its %s: little, but more than the "
              + "goal allows. Its own work (the parked work on every page, and decoding and checking %,d rows) "
              + "leaves room for it: the chain's %s over %s of work is %s. So the read-ahead did not hide all of "
              + "the fetch time in this run.%s", Markdown.millis(oursWaitMillis), Markdown.seconds(oursSeconds),
          rows, Markdown.seconds(chainSeconds), Markdown.seconds(busySeconds), Markdown.ratio(bound), reactive);
    }
    return String.format(Locale.ROOT, "Our consumer waited for pages only %s of its %s: the read-ahead hid the "
            + "fetches, and the rest is the consumer's own work (the parked work on every page, and decoding and "
            + "checking %,d rows), which no read-ahead can hide. With that much work, the chain's %s allows at "
            + "most %s / %s = %s on this machine.%s", Markdown.millis(oursWaitMillis),
        Markdown.seconds(oursSeconds), rows, Markdown.seconds(chainSeconds), Markdown.seconds(chainSeconds),
        Markdown.seconds(busySeconds), Markdown.ratio(bound), reactive);
  }
}
