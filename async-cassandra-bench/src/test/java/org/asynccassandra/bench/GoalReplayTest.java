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

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed report follows from its own samples: every scenario's verdict code, run again on the samples in
 * docs/benchmarks/results.json, gives the goals that file and the README state, word for word. A change to a
 * verdict (a bound, a ratio, a note) that the committed report does not reflect fails here, and so does a report
 * edited by hand.
 */
class GoalReplayTest {
  private static final Path COMMITTED = Path.of("..", "docs", "benchmarks", "results.json");

  @Test
  @SuppressWarnings("unchecked")
  void should_give_the_committed_goals_from_the_committed_samples() throws IOException {
    // Jackson 2 comes with the driver.
    Map<String, Object> json = new ObjectMapper().readValue(COMMITTED.toFile(), Map.class);
    Map<String, Object> options = (Map<String, Object>) json.get("options");
    Map<String, Object> committedSettings = (Map<String, Object>) options.get("settings");
    BenchSettings settings = BenchSettings.named((String) committedSettings.get("name"));
    settings.toJson().forEach((key, value) -> assertThat(String.valueOf(committedSettings.get(key)))
        .as("the committed run's setting %s", key).isEqualTo(String.valueOf(value)));
    assertThat((List<String>) options.get("scenarios")).as("the committed run ran every scenario")
        .containsAll(List.of(ThroughputScenario.ID, OverlapScenario.ID, EventLoopScenario.ID, MemoryScenario.ID,
            ScanScenario.ID, ExportScenario.ID, FirstRowScenario.ID, ConcurrencyScenario.ID, WideRowScenario.ID));
    assertThat((List<String>) json.get("failures")).isEmpty();

    Results results = new Results();
    for (Map<String, Object> sample : (List<Map<String, Object>>) json.get("samples")) {
      Map<String, Double> metrics = new LinkedHashMap<>();
      // The results file writes NaN as null.
      ((Map<String, Object>) sample.get("metrics")).forEach((name, value) ->
          metrics.put(name, value == null ? Double.NaN : ((Number) value).doubleValue()));
      results.add((String) sample.get("scenario"), (String) sample.get("mode"), (String) sample.get("variant"),
          ((Number) sample.get("round")).intValue(), metrics);
    }

    // In the order the scenarios run, with what each takes from the settings and its modes.
    // The modes that ran: the virtual-thread ones only where the bench's JVM had them (not this test's, maybe).
    ThroughputScenario.judge(results, settings.fetchSizes(),
        ThroughputScenario.pairs(results.modes(ThroughputScenario.ID)));
    OverlapScenario.judge(results, Math.min(settings.overlapRows(), settings.rows()));
    EventLoopScenario.judge(results, settings.concurrencies());
    MemoryScenario.judge(results, MemoryScenario.modes().stream().filter(mode -> !mode.isDriver())
        .map(ReadMode::name).toList(), List.of(settings.rows(), settings.bigRows()));
    ScanScenario.judge(results, ScanScenario.modes(settings));
    ExportScenario.judge(results);
    FirstRowScenario.judgeFirstRow(results, settings.firstRowFetchSizes());
    FirstRowScenario.judgeFullRead(results, FirstRowScenario.fullReadModes().get(0).name(),
        FirstRowScenario.fullReadModes().get(1).name());
    ConcurrencyScenario.judge(results, ConcurrencyScenario.size(settings).streams());
    WideRowScenario.judge(results, Map.of());

    List<Map<String, Object>> replayed = results.goals().stream().map(Results.Goal::toJson).toList();
    assertThat(replayed).isEqualTo(json.get("goals"));
  }
}
