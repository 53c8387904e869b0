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
import org.junit.jupiter.api.Test;

/** The arithmetic behind scenario 7's measurements and verdicts. */
class ConcurrencyScenarioTest {
  private static final double MIB = 1024 * 1024;

  @Test
  void should_count_a_heap_peak_under_the_floor_as_the_floor() {
    assertThat(ConcurrencyScenario.heapRatio(0, 0)).isEqualTo(1.0);
    assertThat(ConcurrencyScenario.heapRatio(16 * MIB, 0)).isEqualTo(1.0);
    assertThat(ConcurrencyScenario.heapRatio(64 * MIB, 0)).isEqualTo(2.0);
    assertThat(ConcurrencyScenario.heapRatio(16 * MIB, 64 * MIB)).isEqualTo(0.5);
    assertThat(ConcurrencyScenario.heapRatio(96 * MIB, 64 * MIB)).isEqualTo(1.5);
  }

  @Test
  void should_say_which_way_met_the_goal_and_where_the_other_missed() {
    assertThat(ConcurrencyScenario.concurrencyNote(List.of("N=100 (0.64× rows/s)"), List.of()))
        .isEqualTo("Met with ours p1 forEach + budget at every N. ours p0 forEach missed at N=100 (0.64× rows/s).");
    assertThat(ConcurrencyScenario.concurrencyNote(List.of(), List.of("N=1 (0.90× rows/s)")))
        .isEqualTo("ours p1 forEach + budget missed at N=1 (0.90× rows/s). Met with ours p0 forEach at every N.");
    assertThat(ConcurrencyScenario.concurrencyNote(List.of("N=10 (a)"), List.of("N=1 (b)")))
        .doesNotContain("Met with");
  }

  @Test
  void should_report_the_budgets_hold_backs_per_n_as_medians_and_the_most_it_held_after_a_read() {
    Results results = new Results();
    String budget = "ours p1 forEach + budget";
    for (int round = 1; round <= 3; round++) {
      results.add(ConcurrencyScenario.ID, budget, ConcurrencyScenario.variant(1), round,
          java.util.Map.of("budgetHeldBack", (double) (round - 1), "budgetReservedAfterBytes", 0.0));
      results.add(ConcurrencyScenario.ID, budget, ConcurrencyScenario.variant(1000), round,
          java.util.Map.of("budgetHeldBack", 7_000.0 + round, "budgetReservedAfterBytes", round == 2 ? 512.0 : 0.0));
    }

    assertThat(ConcurrencyScenario.budgetLine(results, List.of(1, 1000)))
        .contains("N=1: 1, N=1000: 7,002")
        .contains("at most 512");
    assertThat(ConcurrencyScenario.budgetLine(new Results(), List.of(1))).as("no budget mode ran").isEmpty();
  }

  @Test
  void should_show_what_the_reads_held_only_when_a_forced_gc_saw_them() {
    Results results = new Results();
    results.add(ConcurrencyScenario.ID, "a", ConcurrencyScenario.heldVariant(10), 1,
        java.util.Map.of("heapHeldBytes", 12 * MIB, "forcedGcs", 3.0));
    results.add(ConcurrencyScenario.ID, "b", ConcurrencyScenario.heldVariant(10), 1,
        java.util.Map.of("heapHeldBytes", 0.0, "forcedGcs", 0.0));

    assertThat(ConcurrencyScenario.held(results, "a", 10)).isEqualTo("+12 MiB (3 GCs)");
    assertThat(ConcurrencyScenario.held(results, "b", 10)).as("the reads ended before a GC").isEqualTo("n/a");
    assertThat(ConcurrencyScenario.held(results, "c", 10)).as("the held pass failed").isEqualTo("n/a");
    assertThat(ConcurrencyScenario.held(results, "a", 100)).isEqualTo("n/a");
  }

  @Test
  void should_compare_the_cpu_per_row_with_the_chains_of_the_same_round() {
    // Medians of each side (500 and 450) would say +50; the rounds themselves say ours was 10 ns ahead twice.
    List<double[]> rounds = List.of(new double[] {500, 510}, new double[] {600, 450}, new double[] {440, 450},
        new double[] {Double.NaN, 400});
    assertThat(ConcurrencyScenario.cpuDifference(rounds)).isEqualTo(-10.0);
    assertThat(ConcurrencyScenario.cpuDifference(List.of())).isNaN();
    assertThat(ConcurrencyScenario.signedNanos(46)).isEqualTo("+46 ns");
    assertThat(ConcurrencyScenario.signedNanos(-8)).isEqualTo("-8 ns");
    assertThat(ConcurrencyScenario.signedNanos(Double.NaN)).isEqualTo("n/a");
  }

  @Test
  void should_leave_the_heap_samplers_own_cpu_out_of_the_clients() {
    assertThat(ConcurrencyScenario.cpuPerRow(1_000_000_000L, 1_020_000_000L, 10_000_000L, 2_000_000))
        .isEqualTo(5.0);
    assertThat(ConcurrencyScenario.cpuPerRow(-1, 1_000, 0, 10)).as("no process CPU time here").isNaN();
    assertThat(ConcurrencyScenario.cpuPerRow(0, 10_000_000L, 12_000_000L, 10))
        .as("the sampler's nanoseconds against the process's 10 ms ticks").isZero();
  }

  @Test
  void should_give_each_lane_enough_streams_to_read_the_minimum_rows() {
    ConcurrencyScenario.Size size = new ConcurrencyScenario.Size(List.of(1, 10, 100, 1000), 2000, 500, 1000, 5,
        400_000);

    assertThat(size.streamsPerLane(1)).isEqualTo(200);
    assertThat(size.streamsPerLane(10)).isEqualTo(20);
    assertThat(size.streamsPerLane(100)).isEqualTo(2);
    assertThat(size.streamsPerLane(1000)).as("never fewer than one stream per lane").isEqualTo(1);
  }

  @Test
  void should_judge_each_n_on_the_rounds_paired_with_the_chain() {
    // Round 1 ran on a slow machine for both, round 2 on a fast one: the medians of each side alone would
    // compare ours' slow round with the chain's fast one.
    List<double[]> rates = List.of(new double[] {110, 100}, new double[] {210, 200}, new double[] {90, 100});
    List<double[]> peaks = List.of(new double[] {64 * MIB, 64 * MIB}, new double[] {128 * MIB, 64 * MIB},
        new double[] {64 * MIB, 32 * MIB});

    ConcurrencyScenario.Check check = ConcurrencyScenario.Check.of(10, rates, peaks);

    assertThat(check.rowsRatio()).isEqualTo(1.05); // 1.10, 1.05, 0.90
    assertThat(check.heapRatio()).isEqualTo(2.0); // 1.0, 2.0, 2.0
    assertThat(check.roundsAhead()).isEqualTo(2);
    assertThat(check.rounds()).isEqualTo(3);
    assertThat(check.met()).as("2.0× the chain's heap is over 1.5×").isFalse();
    assertThat(check.miss())
        .isEqualTo("N=10 (1.05× rows/s, 2.00× heap; ours faster than the chain in 2 of 3 rounds)");
  }

  @Test
  void should_meet_the_goal_only_at_or_above_the_chain_and_within_the_heap_bound() {
    List<double[]> equalPeaks = List.of(new double[] {0, 0});

    assertThat(ConcurrencyScenario.Check.of(1, List.<double[]>of(new double[] {100, 100}), equalPeaks).met())
        .isTrue();
    assertThat(ConcurrencyScenario.Check.of(1, List.<double[]>of(new double[] {99, 100}), equalPeaks).met())
        .isFalse();
    assertThat(ConcurrencyScenario.Check.of(1, List.<double[]>of(new double[] {100, 100}),
        List.<double[]>of(new double[] {48 * MIB, 32 * MIB})).met()).as("1.5× is within the bound").isTrue();
  }

  @Test
  void should_miss_without_figures_when_no_round_has_both_modes() {
    ConcurrencyScenario.Check check = ConcurrencyScenario.Check.of(1000, List.of(), List.of());

    assertThat(check.met()).isFalse();
    assertThat(check.miss()).isEqualTo("N=1000 (no figure: a read of ours or of the chain failed)");
  }

  @Test
  void should_say_whether_the_young_generation_was_fixed() {
    assertThat(ConcurrencyScenario.youngGeneration(List.of("-Xmx2g", "-Xmn64m"))).isEqualTo("fixed (-Xmn64m)");
    assertThat(ConcurrencyScenario.youngGeneration(List.of("-XX:MaxNewSize=32m"))).isEqualTo(
        "fixed (-XX:MaxNewSize=32m)");
    assertThat(ConcurrencyScenario.youngGeneration(List.of("-Xmx2g"))).startsWith("sized by the collector");
  }
}
