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

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.asynccassandra.bench.jmh.CostMicrobench;
import org.asynccassandra.bench.jmh.MicroResult;

/**
 * The report's "per-row costs: listeners and mappers" part, from {@link CostMicrobench}'s results: the
 * per-row cost with no listener, a no-op one and the Micrometer binder, that first figure against the one
 * measured before listeners existed, and the cost of mapping rows against the driver mapper's own.
 */
final class CostReport {
  /**
   * {@code RowPathBenchmark.forEachDirect} with {@code prefetchPages=1} (100 pages of 1,000 prebuilt rows,
   * a direct executor, no listener: the workload of {@code ListenerCostBenchmark.forEachDirect} with
   * {@code listener=none, rowsPerPage=1000}), in ns/row with its 99.9% error, as measured on 2026-11-25 in
   * the run committed as docs/benchmarks/results.json (commit 985a114), before {@code StreamListener}.
   */
  static final double BEFORE_LISTENER = 9.3157;
  static final double BEFORE_LISTENER_ERROR = 2.66537;
  /** The bound on how much the no-listener per-row cost may change. */
  static final double TOLERANCE = 0.05;

  private static final String LISTENER = "ListenerCostBenchmark.forEachDirect";
  private static final String MAP_LOOP = "RowMappingBenchmark.mapLoop";
  private static final String MAP_STREAM = "RowMappingBenchmark.mapStream";

  private CostReport() {}

  /**
   * Runs {@link CostMicrobench} (quick, or as the full bench with {@code --full}) and prints this part of
   * the report: {@code java -cp <the bench classpath> org.asynccassandra.bench.CostReport}.
   */
  public static void main(String[] args) {
    boolean full = List.of(args).contains("--full");
    List<MicroResult> costs = CostMicrobench.run(!full, System.out);
    System.out.println();
    System.out.println(markdown(costs));
  }

  /** The part's Markdown, its heading included; a note when the results are empty (not run, or failed). */
  static String markdown(List<MicroResult> costs) {
    StringBuilder out = new StringBuilder("### Per-row costs: listeners and mappers\n\n");
    if (costs.isEmpty()) {
      return out.append("Not run in this run (`--skip-jmh`, or it failed: see above).\n\n").toString();
    }
    out.append("`ListenerCostBenchmark.forEachDirect`: `forEach` with a direct executor over 100,000 prebuilt "
        + "rows, as `RowPathBenchmark.forEachDirect`, with no listener, a listener that does nothing (what the "
        + "engine pays to build and hand out the events), and the Micrometer binder's listener "
        + "(`AsyncCassandraMetrics.listener`) on a `SimpleMeterRegistry` and on a `PrometheusMeterRegistry`. "
        + "The listener works per page, so its cost per row shrinks with bigger pages.\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (String pageRows : List.of("1000", "100")) {
      Optional<MicroResult> none = find(costs, LISTENER, Map.of("listener", "none", "rowsPerPage", pageRows));
      for (String listener : List.of("none", "noop", "micrometer-simple", "micrometer-prometheus")) {
        Optional<MicroResult> result = find(costs, LISTENER, Map.of("listener", listener, "rowsPerPage", pageRows));
        result.ifPresent(found -> rows.add(List.of(listener, pageRows, score(found),
            none.map(base -> extra(found, base)).orElse("n/a"))));
      }
    }
    out.append(Markdown.table(List.of("listener", "rows per page", "ns/row", "over none"), rows)).append('\n');
    find(costs, LISTENER, Map.of("listener", "none", "rowsPerPage", "1000"))
        .ifPresent(none -> out.append(beforeListener(none)));

    out.append("`RowMappingBenchmark`: rows of four columns (`sensor_id int, seq int, value double, note text`) "
        + "mapped to an object by `RowMapper.record(ReadingRecord.class)`, a hand-written lambda "
        + "(`row -> new ReadingRecord(row.getInt(0), ...)`), `EntityMappers.of(helper)` over the entity helper "
        + "that the driver mapper's annotation processor generated, and that helper's `get(row, false)` called "
        + "directly, which is how the driver mapper's own DAOs map each row. `mapLoop` is the mapping alone "
        + "(decoding the columns included); `mapStream` is `map(mapper).forEach` through the stream engine "
        + "(`none`: mapped by the identity).\n\n");
    List<List<String>> mapped = new ArrayList<>();
    Optional<MicroResult> driver = find(costs, MAP_LOOP, Map.of("mapper", "driverHelper"));
    for (String mapper : List.of("none", "record", "lambda", "entityMappers", "driverHelper")) {
      Optional<MicroResult> loop = find(costs, MAP_LOOP, Map.of("mapper", mapper));
      Optional<MicroResult> stream = find(costs, MAP_STREAM, Map.of("mapper", mapper));
      if (loop.isEmpty() && stream.isEmpty()) {
        continue;
      }
      mapped.add(List.of(mapper, loop.map(CostReport::score).orElse("n/a"),
          loop.isPresent() && driver.isPresent() && !mapper.equals("none")
              ? String.format(Locale.ROOT, "%.2f×", loop.get().score() / driver.get().score()) : "",
          stream.map(CostReport::score).orElse("n/a")));
    }
    out.append(Markdown.table(List.of("mapper", "mapLoop ns/row", "vs driver mapper", "mapStream ns/row"),
        mapped)).append('\n');
    return out.toString();
  }

  /** The no-listener figure against the one from before listeners existed, with the verdict and its caveat. */
  static String beforeListener(MicroResult none) {
    double change = none.score() / BEFORE_LISTENER - 1;
    boolean within = Math.abs(change) <= TOLERANCE;
    // A quick run (2 iterations) has no error bar: then only the earlier run's interval is known.
    double error = Double.isNaN(none.error()) ? 0 : none.error();
    boolean overlap = Math.abs(none.score() - BEFORE_LISTENER) <= error + BEFORE_LISTENER_ERROR;
    return String.format(Locale.ROOT,
        "No listener, against before listeners existed: %s ns/row now, %.2f ± %.2f ns/row for the same "
            + "workload (`RowPathBenchmark.forEachDirect`, `prefetchPages=1`) on 2026-11-25 "
            + "(docs/benchmarks/results.json, commit 985a114): %+.1f %%, so the goal \"per-row cost without a "
            + "listener unchanged within 5 %%\" is %s. Caveat: a different run, on a shared machine whose load "
            + "differs; %s, and they are wider than 5 %%, so only a run of both versions side by side on a "
            + "quiet machine can settle 5 %%.\n\n",
        score(none), BEFORE_LISTENER, BEFORE_LISTENER_ERROR, change * 100, Markdown.yesNo(within),
        (Double.isNaN(none.error()) ? "this run has no error bar (too few iterations) and the figures "
            : "the two 99.9 % intervals ") + (overlap ? "overlap (no difference shown)"
            : "do not overlap (a real difference, or a different load)"));
  }

  private static Optional<MicroResult> find(List<MicroResult> results, String benchmark,
      Map<String, String> params) {
    return results.stream().filter(result -> result.benchmark().equals(benchmark)
        && result.params().entrySet().containsAll(params.entrySet())).findFirst();
  }

  private static String score(MicroResult result) {
    return Double.isNaN(result.error()) ? String.format(Locale.ROOT, "%.2f", result.score())
        : String.format(Locale.ROOT, "%.2f ± %.2f", result.score(), result.error());
  }

  private static String extra(MicroResult result, MicroResult none) {
    if (result.equals(none)) {
      return "";
    }
    return String.format(Locale.ROOT, "%+.2f ns (%+.0f %%)", result.score() - none.score(),
        (result.score() / none.score() - 1) * 100);
  }
}
