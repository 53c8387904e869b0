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

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.dse.driver.api.core.cql.reactive.ReactiveRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Scenario 6, time to first row: from the call to the first row in the consumer's hands, at each fetch
 * size, for the driver's modes and ours (one of ours with a small first page); the rest of the result is
 * abandoned outside the timed window for every mode. Then a full read of the main table with and without
 * the small first page, for what it costs a stream that is read whole.
 */
final class FirstRowScenario implements Scenario {
  static final String ID = "first-row";
  /** The first page size of our small-first-page mode: doubling from it reaches 5,000 in 6 pages. */
  static final int FIRST_PAGE_SIZE = 100;
  /** The fetch size of the goals: the first-row goal's and the full read's. */
  static final int GOAL_FETCH_SIZE = 5000;
  static final double FIRST_ROW_GOAL = 0.5;
  static final double FULL_READ_GOAL = 0.97;
  static final String SMALL_FIRST_PAGE = "ours p1 forEach, first page " + FIRST_PAGE_SIZE;
  static final List<String> DRIVER_MODES = List.of("driver sync", "driver executeAsync",
      "driver executeReactive");
  private static final List<String> MODES = List.of("driver sync", "driver executeAsync", "driver executeReactive",
      "ours p0 forEach", "ours p1 forEach", "ours p1 iterator", SMALL_FIRST_PAGE);
  static final String FULL_READ = "full read, fetchSize=" + GOAL_FETCH_SIZE;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    BenchSettings settings = context.settings();
    for (int fetchSize : settings.firstRowFetchSizes()) {
      SimpleStatement statement = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + context.mainTable())
          .setPageSize(fetchSize);
      for (String mode : MODES) {
        firstRow(context, mode, statement); // warm-up
      }
      for (int repetition = 1; repetition <= settings.firstRowRepetitions(); repetition++) {
        for (String mode : Scenario.rotated(MODES, repetition)) {
          double millis = firstRow(context, mode, statement);
          context.results().add(ID, mode, variant(fetchSize), repetition, Map.of("millis", millis));
        }
      }
      context.out().printf(Locale.ROOT, "  fetch size %,d:%s%n", fetchSize, MODES.stream()
          .map(mode -> String.format(Locale.ROOT, " %s %.1f ms", mode,
              context.results().median(ID, mode, variant(fetchSize), "millis")))
          .reduce("", (a, b) -> a + b + ";"));
    }
    List<ReadMode> fullModes = fullReadModes();
    SimpleStatement whole = ThroughputScenario.statement(context, GOAL_FETCH_SIZE);
    int warmUpRounds = SteadyState.warmUp(settings, context.out(), "full read ",
        round -> fullReadRound(context, fullModes, whole, round));
    for (int round = 1; round <= settings.closeComparisonRounds(); round++) {
      fullReadRound(context, fullModes, whole, round);
    }
    report(context, fullModes, warmUpRounds);
  }

  /**
   * One round of the full read: each mode once, rotated; recorded when {@code round} is positive, a warm-up
   * round otherwise. Returns the round's time, both reads together.
   */
  private static double fullReadRound(BenchContext context, List<ReadMode> modes, SimpleStatement whole, int round)
      throws Exception {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  full read, fetch size %,d, %s:",
        GOAL_FETCH_SIZE, round <= 0 ? "warm-up " + (1 - round) : "round " + round));
    double seconds = 0;
    for (ReadMode mode : Scenario.rotated(modes, round)) {
      Reading reading = Reading.of(context, mode, whole, context.settings().rows(), RowSink.PageWork.NONE);
      if (round > 0) {
        context.results().add(ID, mode.name(), FULL_READ, round, reading.metrics());
      }
      seconds += reading.seconds();
      line.append(String.format(Locale.ROOT, " %s %.2fs;", mode.name(), reading.seconds()));
    }
    context.out().println(line);
    return seconds;
  }

  /** Our default stream (p1 forEach) with fixed pages, and the same with the small first page. */
  static List<ReadMode> fullReadModes() {
    return List.of(ReadModes.ours(1, ReadModes.Style.FOR_EACH),
        ReadModes.ours(1, ReadModes.Style.FOR_EACH, FIRST_PAGE_SIZE));
  }

  static String variant(int fetchSize) {
    return "fetchSize=" + fetchSize;
  }

  /**
   * Milliseconds from the call to the first row in hand. The clock stops there for every mode: what each
   * mode does to abandon the rest (nothing for the driver's sync and async modes, a cancel for the reactive
   * one, close() for ours) runs after it, untimed.
   */
  private static double firstRow(BenchContext context, String mode, SimpleStatement statement) throws Exception {
    long start = System.nanoTime();
    Row row;
    long end;
    switch (mode) {
      case "driver sync" -> {
        row = context.session().execute(statement).one();
        end = System.nanoTime();
      }
      case "driver executeAsync" -> {
        row = context.session().executeAsync(statement)
            .thenApplyAsync(page -> page.one(), context.consumer()).toCompletableFuture().get();
        end = System.nanoTime();
      }
      case "driver executeReactive" -> {
        row = firstReactive(context, statement).get(60, TimeUnit.SECONDS);
        end = System.nanoTime();
      }
      default -> {
        if (!mode.startsWith("ours ")) {
          throw new IllegalArgumentException("unknown mode: " + mode);
        }
        StreamConfig.Builder config = StreamConfig.builder().prefetchPages(mode.startsWith("ours p0") ? 0 : 1)
            .executor(context.consumer());
        if (mode.equals(SMALL_FIRST_PAGE)) {
          config.firstPageSize(Math.min(FIRST_PAGE_SIZE, statement.getPageSize()));
        }
        RowStream stream = context.async().executeStream(statement, config.build());
        try {
          if (mode.endsWith("iterator")) {
            row = stream.iterator().next();
          } else {
            row = firstForEach(stream);
          }
          end = System.nanoTime();
        } finally {
          stream.close(); // abandons the rest, untimed as the driver modes' abandonment
        }
      }
    }
    // Untimed: the next measurement starts once the server answered every request of this one, the ones
    // abandoned included (a read-ahead page, the reactive mode's pages), so that no mode waits behind the
    // server's work for the mode before it.
    InFlight.awaitNone(context.session(), Duration.ofSeconds(30));
    double millis = (end - start) / 1e6;
    if (row == null) {
      throw new IllegalStateException(mode + " found no row in " + statement.getQuery());
    }
    return millis;
  }

  private static Row firstForEach(RowStream stream) throws Exception {
    CompletableFuture<Row> first = new CompletableFuture<>();
    stream.forEach(first::complete).whenComplete((ignored, error) -> {
      if (error != null) {
        first.completeExceptionally(error);
      }
    });
    return first.get(60, TimeUnit.SECONDS);
  }

  private static CompletableFuture<Row> firstReactive(BenchContext context, SimpleStatement statement) {
    CompletableFuture<Row> first = new CompletableFuture<>();
    context.session().executeReactive(statement).subscribe(new Subscriber<ReactiveRow>() {
      private Subscription subscription;

      @Override
      public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(1);
      }

      @Override
      public void onNext(ReactiveRow row) {
        subscription.cancel();
        context.consumer().execute(() -> first.complete(row)); // in the consumer's hands, like the others
      }

      @Override
      public void onError(Throwable error) {
        first.completeExceptionally(error);
      }

      @Override
      public void onComplete() {
        first.complete(null);
      }
    });
    return first;
  }

  /** The fetch size the first-row goal is judged at: {@value #GOAL_FETCH_SIZE}, or the largest measured. */
  static int goalFetchSize(List<Integer> fetchSizes) {
    return fetchSizes.contains(GOAL_FETCH_SIZE) ? GOAL_FETCH_SIZE : fetchSizes.get(fetchSizes.size() - 1);
  }

  /**
   * Checks the first-row goal against the samples of {@code results} and adds it to them: at the goal's fetch
   * size, our median time to the first row with the small first page over the fastest driver mode's median, at
   * most {@value #FIRST_ROW_GOAL}×.
   */
  static Results.Goal judgeFirstRow(Results results, List<Integer> fetchSizes) {
    int goalFetch = goalFetchSize(fetchSizes);
    Map<String, Double> driver = new LinkedHashMap<>();
    for (String mode : DRIVER_MODES) {
      driver.put(mode, results.median(ID, mode, variant(goalFetch), "millis"));
    }
    Verdicts.Candidate fastest = Verdicts.lowest(driver);
    double driverMillis = fastest.value();
    double oursMillis = results.median(ID, SMALL_FIRST_PAGE, variant(goalFetch), "millis");
    double firstRatio = Verdicts.ratio(oursMillis, driverMillis);
    boolean firstMet = Verdicts.atMost(firstRatio, FIRST_ROW_GOAL);
    String firstMeasured = String.format(Locale.ROOT, "fetch %,d: %s %s vs %s %s = %s", goalFetch,
        SMALL_FIRST_PAGE, Markdown.millis(oursMillis), fastest.name(), Markdown.millis(driverMillis),
        Markdown.ratio(firstRatio));
    return results.goal("Time to first row with a small first page at most half the best driver mode's",
        String.format(Locale.ROOT, "ours (first page %,d) / fastest driver mode, medians, ≤ %.2f×", FIRST_PAGE_SIZE,
            FIRST_ROW_GOAL), firstMeasured, firstMet,
        firstMet ? "" : Verdicts.note(List.of(String.format(Locale.ROOT, "fetch %,d (%s)", goalFetch,
            Markdown.ratio(firstRatio))), "The small first page did not arrive that much sooner."));
  }

  /**
   * Checks the full-read goal against the samples of {@code results} and adds it to them: the whole table read
   * with the small first page ({@code small}) against fixed pages ({@code fixed}), round by round; met when the
   * median of the rounds' ratios of rows/s is at least {@value #FULL_READ_GOAL}×.
   */
  static Results.Goal judgeFullRead(Results results, String fixed, String small) {
    Verdicts.Comparison full = Verdicts.compare(small, results.median(ID, small, FULL_READ, "rowsPerSecond"), fixed,
        results.median(ID, fixed, FULL_READ, "rowsPerSecond"));
    Verdicts.Paired perRound = Verdicts.Paired.of(results.paired(ID, small, fixed, FULL_READ, "rowsPerSecond"));
    boolean fullMet = Verdicts.atLeast(perRound.median(), FULL_READ_GOAL);
    String fullMeasured = String.format(Locale.ROOT, "%s (%s; %d of %d rounds reached %s); medians of the rounds: "
        + "%s", Markdown.ratio(perRound.median(), FULL_READ_GOAL), perRound.spread(),
        perRound.roundsAtLeast(FULL_READ_GOAL), perRound.rounds(), Markdown.ratio(FULL_READ_GOAL), full.text());
    return results.goal("A small first page keeps the rows/s of a full read",
        String.format(Locale.ROOT, "full read, first page %,d / fixed pages, fetch %,d, in the same round, median "
            + "of the rounds ≥ %.2f×", FIRST_PAGE_SIZE, GOAL_FETCH_SIZE, FULL_READ_GOAL), fullMeasured, fullMet,
        fullMet ? "" : Verdicts.note(List.of(Markdown.ratio(perRound.median(), FULL_READ_GOAL)),
            "See the rounds' ratios."));
  }

  private void report(BenchContext context, List<ReadMode> fullModes, int warmUpRounds) throws Exception {
    Results results = context.results();
    List<Integer> fetchSizes = context.settings().firstRowFetchSizes();
    List<String> headers = new ArrayList<>(List.of("mode"));
    fetchSizes.forEach(f -> headers.add(String.format(Locale.ROOT, "fetch %,d: median / p90", f)));
    List<List<String>> table = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (String mode : MODES) {
      List<String> row = new ArrayList<>(List.of(mode));
      List<Double> medians = new ArrayList<>();
      for (int fetchSize : fetchSizes) {
        double[] values = results.values(ID, mode, variant(fetchSize), "millis");
        medians.add(Stats.median(values));
        row.add(Markdown.millis(Stats.median(values)) + " / " + Markdown.millis(Stats.quantile(values, 0.9)));
      }
      series.put(mode, medians);
      table.add(row);
    }
    String chart = Charts.lines(context.outputDirectory(), "first-row.png", "Time to first row (median)",
        "fetch size (log)", "ms", fetchSizes, series, true);

    int goalFetch = goalFetchSize(fetchSizes);
    Results.Goal first = judgeFirstRow(results, fetchSizes);
    ReadMode fixed = fullModes.get(0);
    ReadMode small = fullModes.get(1);
    double[] fixedRates = results.values(ID, fixed.name(), FULL_READ, "rowsPerSecond");
    double[] smallRates = results.values(ID, small.name(), FULL_READ, "rowsPerSecond");
    Results.Goal full = judgeFullRead(results, fixed.name(), small.name());

    String markdown = String.format(Locale.ROOT,
        "From the call to the first row in the consumer's hands, for `SELECT pk, ck, payload FROM table` "
            + "at each fetch size. %d repetitions per fetch size after a warm-up, modes rotated. The clock "
            + "stops when the first row is in hand, for every mode alike; what each mode then does to abandon "
            + "the rest (nothing for the driver's sync and async modes, a cancel for its reactive one, "
            + "close() for ours) is not timed; the next measurement starts once the server has answered "
            + "every request of this one, the abandoned ones included (the driver's `pool.in-flight` gauge "
            + "counts them until their answer arrives: a cancel only stops the client waiting), so that no "
            + "mode waits behind the server's work for the one before it. The first page has to arrive whole "
            + "before any row can be read, so the fetch size, not the API, decides most of this; `%s` asks for "
            + "%,d rows first (then twice as many each page up to the fetch size: `StreamConfig.firstPageSize`, "
            + "off by default, see [streaming.md](../streaming.md)). With read-ahead, the request for page 2 "
            + "leaves as page 1 is handed over, and on a machine whose cores the server shares, the server's "
            + "work on page 2 competes with the consumer's first row: compare p0 and p1.%n%n",
        context.settings().firstRowRepetitions(), SMALL_FIRST_PAGE, FIRST_PAGE_SIZE)
        + Markdown.table(headers, table) + "\n" + Markdown.image("time to first row", chart) + "\n"
        + String.format(Locale.ROOT, "Goal at fetch size %,d: %s (fastest driver mode's median: the best of "
            + "its %d modes) — %s, target ≤ %.2f×.%n%n", goalFetch, first.measured(), DRIVER_MODES.size(),
            Markdown.yesNo(first.met()), FIRST_ROW_GOAL)
        + String.format(Locale.ROOT, "What the small first page costs a stream read whole: all %,d rows of the "
            + "main table, fetch size %,d, our default stream (p1 forEach) with fixed pages and with the first "
            + "page of %,d. Warm-up rounds until %d in a row took times within %.0f %% of each other (%d here, "
            + "at most %d: after another scenario's load the read can take a third longer for several rounds), "
            + "then %d rounds, rotated. Each round reads both, one after the other; the goal takes the median "
            + "of the rounds' ratios.%n%n", context.settings().rows(), GOAL_FETCH_SIZE, FIRST_PAGE_SIZE,
            SteadyState.WINDOW, 100 * SteadyState.TOLERANCE, warmUpRounds,
            SteadyState.maxRounds(context.settings()),
            context.settings().closeComparisonRounds())
        + Markdown.table(List.of("mode", "rows/s, median (range)"), List.of(
            List.of(fixed.name(), Markdown.rateSpread(fixedRates)),
            List.of(small.name(), Markdown.rateSpread(smallRates))))
        + String.format(Locale.ROOT, "%nGoal: %s — %s, target ≥ %.2f× (the ranges above are each mode's "
            + "alone; the rounds' ratios pair the two).%n", full.measured(), Markdown.yesNo(full.met()), FULL_READ_GOAL);
    results.section(ID, "6. Time to first row", markdown);
  }
}
