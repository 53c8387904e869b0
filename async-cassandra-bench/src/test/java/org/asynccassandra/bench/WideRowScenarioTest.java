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

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verdicts of scenario 8's two goals: the heap with pages sized by bytes, and their rows/s. */
class WideRowScenarioTest {
  private static final double MIB = 1024 * 1024;

  private static void rate(Results results, String mode, double rowsPerSecond) {
    results.add(WideRowScenario.ID, mode, "", 1, Map.of("rowsPerSecond", rowsPerSecond, "heapPeakBytes", 900 * MIB));
  }

  private static void heapAfterGc(Results results, String mode, double... mib) {
    for (int i = 0; i < mib.length; i++) {
      results.add(WideRowScenario.ID, mode, "gc samples", i + 1, Map.of("heapAfterGcMaxBytes", mib[i] * MIB));
    }
  }

  private static Results fixedSizes() {
    Results results = new Results();
    rate(results, WideRowScenario.fixed(5000), 4_000);
    rate(results, WideRowScenario.fixed(500), 5_000);
    rate(results, WideRowScenario.fixed(100), 5_000); // as fast as 500: the first of equal ones wins
    rate(results, WideRowScenario.fixed(50), 3_000);
    heapAfterGc(results, WideRowScenario.fixed(5000), 300, 336);
    return results;
  }

  @Test
  void should_take_the_fastest_fixed_size_that_did_not_fail() {
    Results results = fixedSizes();
    assertThat(WideRowScenario.bestFixed(results, Map.of()).name()).isEqualTo(WideRowScenario.fixed(500));
    assertThat(WideRowScenario.bestFixed(results, Map.of(WideRowScenario.fixed(500), "timed out")).name())
        .isEqualTo(WideRowScenario.fixed(100));
    // Fetch size 20 never ran here: its NaN median does not win over the others.
    assertThat(WideRowScenario.bestFixed(results, Map.of(WideRowScenario.fixed(500), "timed out",
        WideRowScenario.fixed(100), "timed out", WideRowScenario.fixed(50), "timed out")).value()).isEqualTo(4_000);
    assertThatThrownBy(() -> WideRowScenario.bestFixed(results, Map.of(WideRowScenario.fixed(5000), "a",
        WideRowScenario.fixed(500), "b", WideRowScenario.fixed(100), "c", WideRowScenario.fixed(50), "d",
        WideRowScenario.fixed(20), "e"))).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Every fixed fetch size failed");
  }

  @Test
  void should_meet_both_goals_under_64_mib_and_at_0_9_of_the_best_fixed_size() {
    Results results = fixedSizes();
    rate(results, WideRowScenario.TARGET_MODE, 4_500); // 0.9 × 5,000: on the bound
    heapAfterGc(results, WideRowScenario.TARGET_MODE, 20, 63.9); // the max of the samples is judged

    List<Results.Goal> goals = WideRowScenario.judge(results, Map.of());

    assertThat(goals).extracting(Results.Goal::met).containsExactly(true, true);
    assertThat(goals.get(0).measured()).isEqualTo("63.9 MiB after GC (peak 900 MiB); the default fetch size of "
        + "5,000: 336 MiB after GC (peak 900 MiB)");
    assertThat(goals.get(1).measured()).isEqualTo("4,500 vs 5,000 rows/s (fetch size 500): 0.90×");
    assertThat(results.goals()).isEqualTo(goals);
  }

  @Test
  void should_miss_at_64_mib_and_below_0_9() {
    Results results = fixedSizes();
    rate(results, WideRowScenario.TARGET_MODE, 4_490);
    heapAfterGc(results, WideRowScenario.TARGET_MODE, 20, 64);

    List<Results.Goal> goals = WideRowScenario.judge(results, Map.of());

    assertThat(goals).extracting(Results.Goal::met).containsExactly(false, false);
    assertThat(goals.get(0).note()).isEqualTo("The pages sized by bytes still left more than 64 MiB on the heap "
        + "in this run.");
    assertThat(goals.get(1).measured()).endsWith(": 0.898×");
  }

  @Test
  void should_miss_both_goals_with_the_reason_when_the_read_by_bytes_failed_or_has_no_sample() {
    Results failed = fixedSizes();
    List<Results.Goal> goals = WideRowScenario.judge(failed, Map.of(WideRowScenario.TARGET_MODE, "timed out"));
    assertThat(goals).extracting(Results.Goal::met).containsExactly(false, false);
    assertThat(goals).extracting(Results.Goal::note).containsOnly("The read with targetPageBytes failed in this "
        + "run: timed out");

    Results unsampled = fixedSizes();
    rate(unsampled, WideRowScenario.TARGET_MODE, 5_000);
    Results.Goal heap = WideRowScenario.judge(unsampled, Map.of()).get(0);
    assertThat(heap.met()).isFalse();
    assertThat(heap.note()).isEqualTo("No heap sample of the read with targetPageBytes in this run.");
  }
}
