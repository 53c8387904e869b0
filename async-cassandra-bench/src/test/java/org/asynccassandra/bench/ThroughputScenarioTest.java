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

/** The verdict of scenario 1's goal: the best of ours against the best of the driver's, round by round. */
class ThroughputScenarioTest {
  private static final Map<String, String> PAIRS = Map.of("driver sync", "ours p0 iterator");

  private static void rate(Results results, String mode, int fetchSize, int round, double rowsPerSecond) {
    results.add(ThroughputScenario.ID, mode, ThroughputScenario.variant(fetchSize), round,
        Map.of("rowsPerSecond", rowsPerSecond));
  }

  @Test
  void should_pair_each_driver_mode_with_ours_of_the_same_shape_when_both_ran() {
    assertThat(ThroughputScenario.pairs(List.of("driver sync", "ours p0 iterator", "driver fetchNextPage",
        "ours p2 rows()", "driver executeReactive"))).containsExactly(Map.entry("driver sync", "ours p0 iterator"),
        Map.entry("driver executeReactive", "ours p2 rows()"));
  }

  @Test
  void should_meet_the_goal_on_the_median_of_the_rounds_ratios_and_on_the_bound_itself() {
    Results results = new Results();
    // Rounds' ratios 1.00, 0.90 and 1.10: median 1.00, met on the bound. The medians of the rounds (100 vs 100)
    // would say the same here; a fast round of one side alone does not.
    rate(results, "driver sync", 1000, 1, 100);
    rate(results, "ours p0 iterator", 1000, 1, 100);
    rate(results, "driver sync", 1000, 2, 100);
    rate(results, "ours p0 iterator", 1000, 2, 90);
    rate(results, "driver sync", 1000, 3, 100);
    rate(results, "ours p0 iterator", 1000, 3, 110);

    String lines = ThroughputScenario.judge(results, List.of(1000), PAIRS);

    Results.Goal goal = results.goals().get(0);
    assertThat(goal.met()).isTrue();
    assertThat(goal.note()).isEmpty();
    assertThat(goal.measured()).isEqualTo("fetch 1,000: 1.00× (0.90×–1.10× in the rounds; ours ahead in 2 of 3 "
        + "rounds)");
    assertThat(goal.target()).contains("1 modes a side");
    assertThat(lines).startsWith("- fetch 1,000: ours p0 iterator 100 vs driver sync 100 = 1.00×;");
  }

  @Test
  void should_miss_at_the_fetch_size_whose_rounds_fall_short_and_say_by_how_much() {
    Results results = new Results();
    for (int round = 1; round <= 3; round++) {
      rate(results, "driver sync", 1000, round, 100);
      rate(results, "ours p0 iterator", 1000, round, 101);
      rate(results, "driver sync", 5000, round, 100);
      rate(results, "ours p0 iterator", 5000, round, 99.8);
    }

    ThroughputScenario.judge(results, List.of(1000, 5000), PAIRS);

    Results.Goal goal = results.goals().get(0);
    assertThat(goal.met()).isFalse();
    assertThat(goal.note()).isEqualTo("Missed for fetch 5,000 (0.998×) in this run. See the rounds' ratios.");
  }

  @Test
  void should_miss_when_no_round_has_both_sides() {
    Results results = new Results();
    rate(results, "driver sync", 1000, 1, 100);
    results.add(ThroughputScenario.ID, "ours p0 iterator", ThroughputScenario.variant(1000), 1,
        Map.of("failed", 1.0));

    ThroughputScenario.judge(results, List.of(1000), PAIRS);

    assertThat(results.goals().get(0).met()).isFalse();
    assertThat(results.goals().get(0).measured()).contains("no rounds");
  }
}
