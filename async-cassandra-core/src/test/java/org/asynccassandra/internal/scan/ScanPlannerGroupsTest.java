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
package org.asynccassandra.internal.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How the default split shares its ranges among runs of neighbouring vnodes with the same replicas. */
class ScanPlannerGroupsTest {
  private static List<List<Integer>> runs(int... sizes) {
    List<List<Integer>> runs = new ArrayList<>();
    for (int size : sizes) {
      runs.add(Collections.nCopies(size, 0));
    }
    return runs;
  }

  @Test
  void should_split_one_run_as_the_ring_was_split_before() {
    assertThat(ScanPlanner.groupsPerRun(runs(48), 12)).containsExactly(12);
    assertThat(ScanPlanner.groupsPerRun(runs(48), 48)).containsExactly(48);
  }

  @Test
  void should_give_each_run_a_range_and_the_rest_to_the_widest() {
    assertThat(ScanPlanner.groupsPerRun(runs(3, 1, 2), 3)).containsExactly(1, 1, 1);
    assertThat(ScanPlanner.groupsPerRun(runs(3, 1, 2), 4)).containsExactly(2, 1, 1);
    assertThat(ScanPlanner.groupsPerRun(runs(3, 1, 2), 5)).containsExactly(2, 1, 2);
    assertThat(ScanPlanner.groupsPerRun(runs(3, 1, 2), 6)).containsExactly(3, 1, 2);
  }

  @Test
  void should_make_one_range_a_run_when_the_runs_outnumber_the_splits() {
    assertThat(ScanPlanner.groupsPerRun(runs(1, 1, 1, 1), 2)).containsExactly(1, 1, 1, 1);
  }

  @Test
  void should_never_give_a_run_more_ranges_than_vnodes_and_make_as_many_as_asked() {
    Random random = new Random(42);
    for (int trial = 0; trial < 2_000; trial++) {
      int[] sizes = IntStream.range(0, 1 + random.nextInt(40)).map(i -> 1 + random.nextInt(6)).toArray();
      int vnodes = IntStream.of(sizes).sum();
      int splits = 1 + random.nextInt(vnodes);
      int[] groups = ScanPlanner.groupsPerRun(runs(sizes), splits);
      assertThat(IntStream.of(groups).sum()).isEqualTo(Math.max(splits, sizes.length));
      for (int r = 0; r < sizes.length; r++) {
        assertThat(groups[r]).isBetween(1, sizes[r]);
      }
    }
  }
}
