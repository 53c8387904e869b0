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

/** The verdict of scenario 4's goal: our heap after GC does not grow with the result. */
class MemoryScenarioTest {
  private static final double MIB = 1024 * 1024;
  private static final List<Long> SIZES = List.of(1_000L, 5_000L);

  private static void heap(Results results, String mode, long rows, double medianMib, double maxMib) {
    results.add(MemoryScenario.ID, mode, MemoryScenario.variant(rows, false), 1,
        Map.of("heapAfterGcMedianBytes", medianMib * MIB, "heapAfterGcMaxBytes", maxMib * MIB));
  }

  @Test
  void should_meet_the_goal_when_median_and_max_grow_at_most_the_bound() {
    Results results = new Results();
    heap(results, "ours p0 forEach", 1_000, 18.0, 19.0);
    heap(results, "ours p0 forEach", 5_000, 20.0, 21.0); // +2 MiB each: on the bound
    heap(results, "driver sync", 1_000, 18.0, 19.0);
    heap(results, "driver sync", 5_000, 80.0, 90.0); // the driver's modes are shown, not judged

    Results.Goal goal = MemoryScenario.judge(results, List.of("ours p0 forEach"), SIZES);

    assertThat(goal.met()).isTrue();
    assertThat(goal.measured()).isEqualTo("ours p0 forEach median 18.0 → 20.0 MiB, max 19.0 → 21.0 MiB");
    assertThat(goal.note()).isEmpty();
  }

  @Test
  void should_name_each_mode_whose_median_or_max_grew_more() {
    Results results = new Results();
    heap(results, "ours p0 forEach", 1_000, 18.0, 19.0);
    heap(results, "ours p0 forEach", 5_000, 18.0, 21.5); // the max alone grew 2.5 MiB
    heap(results, "ours p1 forEach", 1_000, 18.0, 19.0);
    heap(results, "ours p1 forEach", 5_000, 18.0, 19.0);
    heap(results, "ours p2 forEach", 1_000, 18.0, 19.0);
    heap(results, "ours p2 forEach", 5_000, 20.5, 19.0); // the median alone

    Results.Goal goal = MemoryScenario.judge(results, List.of("ours p0 forEach", "ours p1 forEach",
        "ours p2 forEach"), SIZES);

    assertThat(goal.met()).isFalse();
    assertThat(goal.note()).isEqualTo("Missed for ours p0 forEach and ours p2 forEach in this run. Our heap grew "
        + "with the result's size.");
  }

  @Test
  void should_miss_when_a_size_has_no_sample() {
    Results results = new Results();
    heap(results, "ours p0 forEach", 1_000, 18.0, 19.0);

    assertThat(MemoryScenario.judge(results, List.of("ours p0 forEach"), SIZES).met()).isFalse();
    assertThat(MemoryScenario.judge(new Results(), List.of(), SIZES).met()).as("nothing of ours judged").isFalse();
  }
}
