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
  void should_give_each_lane_enough_streams_to_read_the_minimum_rows() {
    ConcurrencyScenario.Size size = new ConcurrencyScenario.Size(List.of(1, 10, 100, 1000), 2000, 500, 1000, 5,
        400_000);

    assertThat(size.streamsPerLane(1)).isEqualTo(200);
    assertThat(size.streamsPerLane(10)).isEqualTo(20);
    assertThat(size.streamsPerLane(100)).isEqualTo(2);
    assertThat(size.streamsPerLane(1000)).as("never fewer than one stream per lane").isEqualTo(1);
  }
}
