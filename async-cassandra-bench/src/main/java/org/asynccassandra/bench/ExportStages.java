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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our export's own stages, from the {@code timings} of the {@code --summary FILE} it wrote: instants on the
 * machine's clock, the same one the bench reads when it starts the process and sees it exit, so each stage can
 * be placed between the two.
 */
final class ExportStages {
  /** The stages the CLI writes, in their order. */
  static final List<String> STAGES = List.of("started", "ready", "firstRequest", "firstRow", "lastRow");
  private static final Pattern TIMINGS = Pattern.compile("\"timings\":\\{([^}]*)\\}");
  private static final Pattern STAGE = Pattern.compile("\"(\\w+)\":\"([^\"]+)\"");

  private ExportStages() {}

  /**
   * The stages of a summary file, by name.
   *
   * @throws IllegalStateException when a stage is missing or out of order: the run did not end as a whole one
   */
  static Map<String, Instant> read(Path summary) throws IOException {
    return parse(Files.readString(summary), summary.toString());
  }

  /** {@link #read(Path)} of the text of a summary; {@code where} names it in errors. */
  static Map<String, Instant> parse(String json, String where) {
    Matcher object = TIMINGS.matcher(json);
    if (!object.find()) {
      throw new IllegalStateException("No timings in the summary " + where + ": " + json);
    }
    Map<String, Instant> found = new LinkedHashMap<>();
    Matcher stage = STAGE.matcher(object.group(1));
    while (stage.find()) {
      found.put(stage.group(1), Instant.parse(stage.group(2)));
    }
    Instant previous = Instant.MIN;
    for (String name : STAGES) {
      Instant at = found.get(name);
      if (at == null || at.isBefore(previous)) {
        throw new IllegalStateException("The summary " + where + " has no stage " + name + " in order: "
            + object.group());
      }
      previous = at;
    }
    return found;
  }

  /**
   * The figures of one run, in seconds: from the launch to the command's start (the launcher, the JVM's
   * start-up, the CLI's own), connecting (and planning the scan), start-up to the first request (the sum of
   * both), the first request to the first row, and the last row to the process's exit (closing, the JVM's exit).
   */
  static Map<String, Double> metrics(Instant launched, Map<String, Instant> stages, Instant exited) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("launchToCommandSeconds", seconds(launched, stages.get("started")));
    metrics.put("connectSeconds", seconds(stages.get("started"), stages.get("ready")));
    metrics.put("toFirstRequestSeconds", seconds(launched, stages.get("firstRequest")));
    metrics.put("firstRequestToFirstRowSeconds", seconds(stages.get("firstRequest"), stages.get("firstRow")));
    metrics.put("lastRowToExitSeconds", seconds(stages.get("lastRow"), exited));
    return metrics;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }
}
