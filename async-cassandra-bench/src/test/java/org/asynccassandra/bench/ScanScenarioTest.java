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

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verdict of scenario 5a's goal: the scan at parallelism 4 against one stream. */
class ScanScenarioTest {
  private static final List<String> MODES = ScanScenario.modes(BenchSettings.full());

  private static Results rates(double single, double four) {
    Results results = new Results();
    results.add(ScanScenario.ID, ScanScenario.SINGLE, "", 1, Map.of("rowsPerSecond", single));
    results.add(ScanScenario.ID, ScanScenario.name(4), "", 1, Map.of("rowsPerSecond", four));
    return results;
  }

  @Test
  void should_meet_the_goal_at_the_bound_and_miss_it_below() {
    Results met = rates(100_000, 140_000);
    ScanScenario.judge(met, MODES);
    assertThat(met.goals().get(0).met()).isTrue();
    assertThat(met.goals().get(0).measured()).isEqualTo("140,000 vs 100,000 rows/s: 1.40×");
    assertThat(met.goals().get(0).note()).isEmpty();

    Results missed = rates(100_000, 139_990);
    ScanScenario.judge(missed, MODES);
    assertThat(missed.goals().get(0).met()).isFalse();
    assertThat(missed.goals().get(0).measured()).endsWith("1.400×");
    assertThat(missed.goals().get(0).note()).startsWith("Parallel ranges did not pay in this run.");
  }

  @Test
  void should_miss_and_say_so_when_the_single_stream_or_the_scan_has_no_figure() {
    Results results = new Results();
    results.add(ScanScenario.ID, ScanScenario.name(4), "", 1, Map.of("rowsPerSecond", 140_000.0));

    ScanScenario.judge(results, MODES);

    assertThat(results.goals().get(0).met()).isFalse();
    assertThat(results.goals().get(0).measured()).isEqualTo("140,000 vs n/a rows/s: n/a");
    assertThat(results.goals().get(0).note()).isEqualTo("No figure to compare in this run: see the table.");

    Results none = new Results();
    ScanScenario.judge(none, MODES);
    assertThat(none.goals()).as("parallelism 4 ran and failed: a goal, missed").extracting(Results.Goal::met)
        .containsExactly(false);
  }

  @Test
  void should_state_no_goal_for_a_run_without_parallelism_4() {
    Results results = new Results();
    results.add(ScanScenario.ID, ScanScenario.SINGLE, "", 1, Map.of("rowsPerSecond", 100.0));
    results.add(ScanScenario.ID, ScanScenario.name(2), "", 1, Map.of("rowsPerSecond", 200.0));

    ScanScenario.judge(results, ScanScenario.modes(BenchSettings.tiny())); // parallelisms 1 and 2

    assertThat(results.goals()).isEmpty();
  }
}
