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

/** The verdicts of scenario 6's two goals: the first row, and the full read with the small first page. */
class FirstRowScenarioTest {
  private static final String FIXED = "ours p1 forEach";

  private static void millis(Results results, String mode, int fetchSize, double... values) {
    for (int i = 0; i < values.length; i++) {
      results.add(FirstRowScenario.ID, mode, FirstRowScenario.variant(fetchSize), i + 1, Map.of("millis", values[i]));
    }
  }

  private static void fullRead(Results results, int round, double fixed, double small) {
    results.add(FirstRowScenario.ID, FIXED, FirstRowScenario.FULL_READ, round, Map.of("rowsPerSecond", fixed));
    results.add(FirstRowScenario.ID, FirstRowScenario.SMALL_FIRST_PAGE, FirstRowScenario.FULL_READ, round,
        Map.of("rowsPerSecond", small));
  }

  @Test
  void should_judge_the_first_row_against_the_fastest_driver_mode_at_the_goals_fetch_size() {
    Results results = new Results();
    millis(results, "driver sync", 5000, 12, 11, 13);
    millis(results, "driver executeAsync", 5000, 10, 9, 30); // the fastest median: 10 ms
    millis(results, "driver executeReactive", 5000, 14, 15, 16);
    millis(results, FirstRowScenario.SMALL_FIRST_PAGE, 5000, 5, 4, 6); // 5 ms: half, on the bound
    millis(results, "driver sync", 100, 1); // another fetch size is not judged
    millis(results, FirstRowScenario.SMALL_FIRST_PAGE, 100, 9);

    Results.Goal goal = FirstRowScenario.judgeFirstRow(results, List.of(100, 5000, 20000));

    assertThat(goal.met()).isTrue();
    assertThat(goal.measured()).isEqualTo("fetch 5,000: " + FirstRowScenario.SMALL_FIRST_PAGE
        + " 5.0 ms vs driver executeAsync 10.0 ms = 0.50×");
    assertThat(results.goals()).containsExactly(goal);
  }

  @Test
  void should_miss_the_first_row_above_half_and_when_ours_has_no_figure() {
    Results slower = new Results();
    millis(slower, "driver sync", 5000, 10);
    millis(slower, FirstRowScenario.SMALL_FIRST_PAGE, 5000, 5.1);
    Results.Goal goal = FirstRowScenario.judgeFirstRow(slower, List.of(5000));
    assertThat(goal.met()).isFalse();
    assertThat(goal.note()).isEqualTo("Missed for fetch 5,000 (0.51×) in this run. The small first page did not "
        + "arrive that much sooner.");

    Results none = new Results();
    millis(none, "driver sync", 5000, 10);
    assertThat(FirstRowScenario.judgeFirstRow(none, List.of(5000)).met()).isFalse();
  }

  @Test
  void should_judge_at_the_largest_fetch_size_when_the_goals_was_not_measured() {
    assertThat(FirstRowScenario.goalFetchSize(List.of(100, 1000))).isEqualTo(1000);
    assertThat(FirstRowScenario.goalFetchSize(List.of(100, 5000, 20000))).isEqualTo(5000);
  }

  @Test
  void should_judge_the_full_read_on_the_rounds_paired_ratios() {
    Results results = new Results();
    // Rounds' ratios 0.97, 0.96, 1.20: median 0.97, met on the bound, although a round fell below it.
    fullRead(results, 1, 100, 97);
    fullRead(results, 2, 100, 96);
    fullRead(results, 3, 50, 60);

    Results.Goal goal = FirstRowScenario.judgeFullRead(results, FIXED, FirstRowScenario.SMALL_FIRST_PAGE);

    assertThat(goal.met()).isTrue();
    assertThat(goal.measured()).startsWith("0.97× (0.96×–1.20× in the rounds; 2 of 3 rounds reached 0.97×); "
        + "medians of the rounds: " + FirstRowScenario.SMALL_FIRST_PAGE + " 96 vs " + FIXED + " 100 = 0.96×");
  }

  @Test
  void should_miss_the_full_read_below_the_bound() {
    Results results = new Results();
    fullRead(results, 1, 100, 96.9);

    Results.Goal goal = FirstRowScenario.judgeFullRead(results, FIXED, FirstRowScenario.SMALL_FIRST_PAGE);

    assertThat(goal.met()).isFalse();
    assertThat(goal.note()).isEqualTo("Missed for 0.969× in this run. See the rounds' ratios.");
  }
}
