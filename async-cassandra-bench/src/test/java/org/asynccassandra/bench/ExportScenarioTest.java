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

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verdict of scenario 5b's goal: twice dsbulk's rows/s with a lower wall time, in both formats. */
class ExportScenarioTest {

  private static void run(Results results, String tool, ExportScenario.Format format, double rowsPerSecond,
      double seconds) {
    results.add(ExportScenario.ID, tool, format.variant(), 1, Map.of("rowsPerSecond", rowsPerSecond, "seconds",
        seconds));
  }

  @Test
  void should_meet_the_goal_at_twice_dsbulks_rows_per_second_in_both_formats() {
    Results results = new Results();
    run(results, ExportScenario.OURS, ExportScenario.Format.CSV, 200_000, 5);
    run(results, ExportScenario.DSBULK, ExportScenario.Format.CSV, 100_000, 10);
    run(results, ExportScenario.OURS, ExportScenario.Format.NDJSON, 300_000, 4);
    run(results, ExportScenario.DSBULK, ExportScenario.Format.NDJSON, 100_000, 12);

    Results.Goal goal = ExportScenario.judge(results);

    assertThat(goal.met()).isTrue();
    assertThat(goal.measured()).isEqualTo("CSV: 200,000 vs 100,000 rows/s = 2.00×, wall 5.00 s vs 10.00 s; "
        + "NDJSON: 300,000 vs 100,000 rows/s = 3.00×, wall 4.00 s vs 12.00 s");
    assertThat(goal.note()).isEmpty();
  }

  @Test
  void should_name_each_format_that_missed_and_whether_its_wall_time_did() {
    Results results = new Results();
    run(results, ExportScenario.OURS, ExportScenario.Format.CSV, 199_900, 5);
    run(results, ExportScenario.DSBULK, ExportScenario.Format.CSV, 100_000, 10);
    // Twice the rows/s but not a lower wall time (the rows/s of a run is rows / wall time; a test can part them).
    run(results, ExportScenario.OURS, ExportScenario.Format.NDJSON, 300_000, 12);
    run(results, ExportScenario.DSBULK, ExportScenario.Format.NDJSON, 100_000, 12);

    Results.Goal goal = ExportScenario.judge(results);

    assertThat(goal.met()).isFalse();
    assertThat(goal.note()).isEqualTo("Missed for CSV (1.999× of dsbulk's rows/s) and NDJSON (3.00× of dsbulk's "
        + "rows/s, and no lower wall time) in this run.");
  }

  @Test
  void should_miss_when_dsbulk_has_no_figure() {
    Results results = new Results();
    run(results, ExportScenario.OURS, ExportScenario.Format.CSV, 200_000, 5);
    run(results, ExportScenario.OURS, ExportScenario.Format.NDJSON, 300_000, 4);

    Results.Goal goal = ExportScenario.judge(results);

    assertThat(goal.met()).isFalse();
    assertThat(goal.measured()).startsWith("CSV: 200,000 vs n/a rows/s = n/a, wall 5.00 s vs n/a");
  }
}
