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
import java.util.ArrayList;
import java.util.Iterator;
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
 * size, for the driver's modes and ours; the rest of the result is abandoned (ours and the reactive mode
 * cancel what they read ahead).
 */
final class FirstRowScenario implements Scenario {
  static final String ID = "first-row";
  private static final List<String> MODES = List.of("driver sync", "driver executeAsync", "driver executeReactive",
      "ours p0 forEach", "ours p1 forEach", "ours p1 iterator");

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
    report(context);
  }

  private static String variant(int fetchSize) {
    return "fetchSize=" + fetchSize;
  }

  /** Milliseconds from the call to the first row in hand. */
  private static double firstRow(BenchContext context, String mode, SimpleStatement statement) throws Exception {
    long start = System.nanoTime();
    Row row = switch (mode) {
      case "driver sync" -> context.session().execute(statement).one();
      case "driver executeAsync" -> context.session().executeAsync(statement)
          .thenApplyAsync(page -> page.one(), context.consumer()).toCompletableFuture().get();
      case "driver executeReactive" -> firstReactive(context, statement).get();
      case "ours p0 forEach" -> firstForEach(context, statement, 0);
      case "ours p1 forEach" -> firstForEach(context, statement, 1);
      case "ours p1 iterator" -> {
        try (RowStream stream = context.async().executeStream(statement, StreamConfig.builder().prefetchPages(1)
            .executor(context.consumer()).build())) {
          Iterator<Row> rows = stream.iterator();
          yield rows.next();
        }
      }
      default -> throw new IllegalArgumentException("unknown mode: " + mode);
    };
    double millis = (System.nanoTime() - start) / 1e6;
    if (row == null) {
      throw new IllegalStateException(mode + " found no row in " + statement.getQuery());
    }
    return millis;
  }

  private static Row firstForEach(BenchContext context, SimpleStatement statement, int prefetchPages)
      throws Exception {
    CompletableFuture<Row> first = new CompletableFuture<>();
    try (RowStream stream = context.async().executeStream(statement, StreamConfig.builder().prefetchPages(prefetchPages)
        .executor(context.consumer()).build())) {
      stream.forEach(first::complete).whenComplete((ignored, error) -> {
        if (error != null) {
          first.completeExceptionally(error);
        }
      });
      return first.get(60, TimeUnit.SECONDS);
    }
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

  private void report(BenchContext context) throws Exception {
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
    String markdown = String.format(Locale.ROOT,
        "From the call to the first row in the consumer's hands, for `SELECT pk, ck, payload FROM table` "
            + "at each fetch size; the rest of the result is abandoned. %d repetitions per fetch size after "
            + "a warm-up, modes rotated. The first page has to arrive whole before any row can be read, so "
            + "the fetch size, not the API, decides most of this. With read-ahead, the request for page 2 "
            + "leaves as page 1 is handed over, and on a machine whose cores the server shares, the server's "
            + "work on page 2 competes with the consumer's first row: compare p0 and p1.%n%n",
        context.settings().firstRowRepetitions())
        + Markdown.table(headers, table) + "\n" + Markdown.image("time to first row", chart);
    results.section(ID, "6. Time to first row", markdown);
  }
}
