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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictsTest {
  @Test
  void should_divide_ours_by_theirs_and_give_nan_when_there_is_nothing_to_compare_with() {
    assertThat(Verdicts.ratio(534_064, 543_961)).isCloseTo(0.9818, within(1e-4));
    assertThat(Verdicts.ratio(1, 0)).isNaN();
    assertThat(Verdicts.ratio(1, Double.NaN)).isNaN();
    assertThat(Verdicts.ratio(Double.NaN, 1)).isNaN();
  }

  @Test
  void should_count_the_bound_itself_as_met() {
    assertThat(Verdicts.atLeast(1.0, 1.0)).isTrue();
    assertThat(Verdicts.atLeast(Math.nextDown(1.0), 1.0)).isFalse();
    assertThat(Verdicts.atMost(0.5, 0.5)).isTrue();
    assertThat(Verdicts.atMost(Math.nextUp(0.5), 0.5)).isFalse();
  }

  @Test
  void should_never_meet_a_goal_with_a_missing_figure() {
    assertThat(Verdicts.atLeast(Double.NaN, 0)).isFalse();
    assertThat(Verdicts.atMost(Double.NaN, Double.MAX_VALUE)).isFalse();
  }

  @Test
  void should_pick_the_highest_figure_and_let_no_nan_win() {
    Map<String, Double> candidates = new LinkedHashMap<>();
    candidates.put("a", Double.NaN);
    candidates.put("b", 3.0);
    candidates.put("c", 5.0);
    candidates.put("d", 5.0);
    candidates.put("e", Double.NaN);

    assertThat(Verdicts.best(candidates)).isEqualTo(new Verdicts.Candidate("c", 5.0));
    assertThat(Verdicts.lowest(candidates)).isEqualTo(new Verdicts.Candidate("b", 3.0));
    assertThatThrownBy(() -> Verdicts.best(Map.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void should_compare_best_against_best_over_the_same_number_of_candidates() {
    Map<String, Double> ours = new LinkedHashMap<>();
    ours.put("ours p0 iterator", 400.0);
    ours.put("ours p0 forEach", 500.0);
    Map<String, Double> driver = new LinkedHashMap<>();
    driver.put("driver sync", 450.0);
    driver.put("driver fetchNextPage", 400.0);

    Verdicts.Comparison comparison = Verdicts.bestAgainstBest(ours, driver);

    assertThat(comparison.ours()).isEqualTo(new Verdicts.Candidate("ours p0 forEach", 500.0));
    assertThat(comparison.theirs()).isEqualTo(new Verdicts.Candidate("driver sync", 450.0));
    assertThat(comparison.ratio()).isCloseTo(1.111, within(1e-3));
    assertThat(comparison.text()).isEqualTo("ours p0 forEach 500 vs driver sync 450 = 1.11×");
  }

  @Test
  void should_refuse_best_against_best_over_different_numbers_of_candidates() {
    Map<String, Double> ours = Map.of("a", 1.0, "b", 2.0, "c", 3.0);
    Map<String, Double> driver = Map.of("x", 1.0, "y", 2.0);

    assertThatThrownBy(() -> Verdicts.bestAgainstBest(ours, driver))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("best against best needs as many candidates on each side: 3 of ours against 2 of theirs");
  }

  @Test
  void should_say_what_missed_and_why_and_nothing_when_met() {
    assertThat(Verdicts.note(List.of(), "ignored")).isEmpty();
    assertThat(Verdicts.note(List.of("CSV (1.81×)", "NDJSON (1.88×)"), ""))
        .isEqualTo("Missed for CSV (1.81×) and NDJSON (1.88×) in this run.");
    assertThat(Verdicts.note(List.of("fetch 5,000 (0.98×)"), "See the spread of the rounds."))
        .isEqualTo("Missed for fetch 5,000 (0.98×) in this run. See the spread of the rounds.");
  }

  @Test
  void should_write_a_ratio_against_its_bound() {
    assertThat(Verdicts.againstLowerBound(1.0, 1.0)).isEqualTo("1.00× ≥ 1.00×");
    assertThat(Verdicts.againstLowerBound(0.98, 1.0)).isEqualTo("0.98× < 1.00×");
    assertThat(Verdicts.compare("ours", 10, "theirs", 20).text()).isEqualTo("ours 10 vs theirs 20 = 0.50×");
  }

  @Test
  void should_take_the_median_of_the_rounds_ratios_not_the_ratio_of_the_medians() {
    // Per round: 0.50, 1.10, 1.20, so the median is 1.10; the medians of each side (30 and 25) would give 1.20.
    Verdicts.Paired paired = Verdicts.Paired.of(List.of(new double[] {10, 20}, new double[] {33, 30},
        new double[] {30, 25}));
    assertThat(paired.median()).isCloseTo(1.10, within(1e-9));
    assertThat(paired.rounds()).isEqualTo(3);
    assertThat(paired.roundsAtLeast(1.0)).isEqualTo(2);
    assertThat(paired.roundsAtMost(1.0)).isEqualTo(1);
    assertThat(paired.spread()).isEqualTo("0.50×–1.20× in the rounds");
  }

  @Test
  void should_leave_out_rounds_without_both_figures_and_give_nan_for_none() {
    Verdicts.Paired paired = Verdicts.Paired.of(List.of(new double[] {Double.NaN, 100}, new double[] {90, 100},
        new double[] {90, 0}));
    assertThat(paired.rounds()).isEqualTo(1);
    assertThat(paired.median()).isCloseTo(0.9, within(1e-9));
    Verdicts.Paired none = Verdicts.Paired.of(List.of());
    assertThat(none.median()).isNaN();
    assertThat(Verdicts.atLeast(none.median(), 0.0)).as("no rounds never meets a goal").isFalse();
    assertThat(none.spread()).isEqualTo("no rounds");
  }
}
