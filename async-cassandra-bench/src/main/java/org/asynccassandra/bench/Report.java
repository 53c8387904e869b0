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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asynccassandra.bench.jmh.MicroResult;

/** Writes a run's results.json (every sample) and README.md (the tables, goals and charts). */
final class Report {
  /** Begins the README's line that lists the run's failures, present only when something failed. */
  static final String FAILURES = "**Failures in this run:**";

  private Report() {}

  static void write(Path directory, Results results, List<MicroResult> micro, List<MicroResult> costs,
      Map<String, Object> environment, Map<String, Object> options, Instant started, List<String> failures)
      throws IOException {
    Instant finished = Instant.now();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("started", started.truncatedTo(ChronoUnit.SECONDS).toString());
    json.put("finished", finished.truncatedTo(ChronoUnit.SECONDS).toString());
    json.put("environment", environment);
    json.put("options", options);
    json.put("failures", failures);
    json.put("goals", results.goals().stream().map(Results.Goal::toJson).toList());
    json.put("samples", results.samples().stream().map(Results.Sample::toJson).toList());
    json.put("micro", micro.stream().map(Report::microJson).toList());
    json.put("microCosts", costs.stream().map(Report::microJson).toList());
    Files.writeString(directory.resolve("results.json"), Json.write(json), StandardCharsets.UTF_8);
    Files.writeString(directory.resolve("README.md"),
        markdown(results, micro, costs, environment, options, started, finished, failures),
        StandardCharsets.UTF_8);
  }

  private static Map<String, Object> microJson(MicroResult result) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", result.benchmark());
    json.put("params", result.params());
    json.put("score", result.score());
    json.put("error", result.error());
    json.put("unit", result.unit());
    json.put("bytesPerRow", Double.isNaN(result.bytesPerRow()) ? null : result.bytesPerRow());
    return json;
  }

  /** What the {@code manyStreams.} rows of the micro-benchmarks measure. */
  private static final String MANY_STREAMS = "The `manyStreams.` rows keep `streams` such streams in flight at "
      + "once (prefetch 0, `forEach`), as the concurrency scenario does, with a server thread that completes the "
      + "page requests in the order they were sent and the consumers on a pool of 2 threads; `chain` is the same "
      + "chain on the same threads. Each reads 2,000,000 rows a measurement at every N: the difference is our "
      + "client's own cost per row at N streams, without the network, the decoding and the server that the "
      + "concurrency scenario shares its cores with.";

  private static final String FOOTPRINT = "The `footprint.` rows are not JMH's: what one stream keeps on the heap "
      + "while it waits for the page it asked for (ours at prefetch 0, `forEach`, and the same chain), "
      + "measured in a fresh JVM with the serial collector: 10,000 streams read their first page and wait for "
      + "their second, and the heap after full collections, over the same before they opened, is divided by "
      + "their number (`org.asynccassandra.bench.jmh.StreamFootprint`). The pages and the driver's own "
      + "request state are not in it: they are the same for both.";

  private static String markdown(Results results, List<MicroResult> micro, List<MicroResult> costs,
      Map<String, Object> environment,
      Map<String, Object> options, Instant started, Instant finished, List<String> failures) {
    StringBuilder out = new StringBuilder();
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = (Map<String, Object>) options.get("settings");
    out.append("# async-cassandra benchmarks\n\n");
    out.append(String.format(Locale.ROOT,
        "Written by `./async-cassandra bench%s` on %s in %d min (settings: **%s**). Every figure below was "
            + "measured in that one run, all modes side by side against the same tables on the same server; "
            + "every sample is in [results.json](results.json). Re-run it with `./async-cassandra bench` "
            + "(about 40 minutes on 2 cores) or `./async-cassandra bench --quick` (a few minutes, into "
            + "`async-cassandra-bench/target/bench-quick/`).%n%n",
        "full".equals(settings.get("name")) ? "" : " --size " + settings.get("name"),
        started.truncatedTo(ChronoUnit.SECONDS), Duration.between(started, finished).toMinutes(),
        settings.get("name")));
    if (!failures.isEmpty()) {
      out.append(FAILURES).append(' ').append(String.join("; ", failures)).append("\n\n");
    }
    out.append("## Machine\n\n");
    List<List<String>> machine = new ArrayList<>();
    environment.forEach((key, value) -> machine.add(List.of(key, String.valueOf(value))));
    machine.add(List.of("server", options.get("serverHeap") != null
        ? "embedded Cassandra, one node on the same machine, heap " + options.get("serverHeap")
        : String.valueOf(options.get("contactPoint"))));
    out.append(Markdown.table(List.of("", ""), machine)).append('\n');
    out.append("## Goals\n\nThe goals of the benchmark issue, checked against ratios from this run.\n\n");
    List<List<String>> goals = new ArrayList<>();
    for (Results.Goal goal : results.goals()) {
      goals.add(List.of(goal.name(), goal.target(), goal.measured(), Markdown.yesNo(goal.met()),
          goal.note().isEmpty() ? "" : goal.note()));
    }
    out.append(Markdown.table(List.of("goal", "target", "measured", "result", "note"), goals)).append('\n');
    for (Results.Section section : results.sections()) {
      out.append("## ").append(section.title()).append("\n\n").append(section.markdown()).append('\n');
    }
    out.append("## Micro-benchmarks (JMH)\n\n");
    if (micro.isEmpty()) {
      out.append("Not run in this run (`--skip-jmh`, or it failed: see above).\n\n");
    } else {
      out.append("The stream engine's per-row path against a fake page source whose pages are already in "
          + "memory: no server and no network, so what is left is what the engine costs per row, next to a "
          + "plain loop over the same rows. `org.asynccassandra.bench.jmh`, one fork. The allocation per row is "
          + "JMH's GC profiler (`gc.alloc.rate.norm`), the engine's garbage per row with its per-page objects "
          + "spread over the page's rows. The `shortStream.` rows are streams of the concurrency scenario's "
          + "shape (4 pages of 500 rows), each built, read whole with a direct executor and ended; their "
          + "`chain` is a hand-written `fetchNextPage`-style chain over the same pages: the difference is "
          + "what a short stream costs per row, its set-up and end spread over its 2,000 rows. ")
          .append(MANY_STREAMS).append(' ').append(FOOTPRINT).append("\n\n");
      List<List<String>> rows = new ArrayList<>();
      for (MicroResult result : micro) {
        rows.add(List.of(result.benchmark(), result.params().toString(),
            Double.isNaN(result.error()) ? String.format(Locale.ROOT, "%,.0f", result.score())
                : String.format(Locale.ROOT, "%.2f ± %.2f", result.score(), result.error()), result.unit(),
            Double.isNaN(result.bytesPerRow()) ? "n/a" : String.format(Locale.ROOT, "%.1f", result.bytesPerRow())));
      }
      out.append(Markdown.table(List.of("benchmark", "params", "score", "unit", "allocated B/row"), rows))
          .append('\n');
    }
    out.append(CostReport.markdown(costs));
    out.append("## Reading these numbers\n\n"
        + "- Client and server share one machine: every mode competes with Cassandra for the same cores, the "
        + "same way. The ratios between modes are what this report is for; absolute rows/s depend on the "
        + "machine.\n"
        + "- Rows are ~100 B (`pk int, ck int, payload text`), read from a freshly loaded table (much of it "
        + "still in memtables).\n"
        + "- Every mode does the same light work per row: a checksum over every column. The asynchronous "
        + "modes (the driver's and ours) run it on one consumer thread, never on a driver I/O thread; the "
        + "synchronous ones on the calling thread.\n"
        + "- Medians with the range of the rounds; on a shared machine a single round can be off by 30%.\n");
    return out.toString();
  }
}
