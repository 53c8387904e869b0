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

import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verdict of scenario 3's goal. */
class EventLoopScenarioTest {

  @Test
  void should_meet_the_goal_at_or_under_the_chain_on_both_figures() {
    EventLoopScenario.Figures chain = new EventLoopScenario.Figures(28, 25.3);

    assertThat(EventLoopScenario.misses(new EventLoopScenario.Figures(28, 25.3), chain)).isEmpty();
    assertThat(EventLoopScenario.misses(new EventLoopScenario.Figures(14, 20), chain)).isEmpty();
  }

  @Test
  void should_name_each_figure_over_the_chain() {
    EventLoopScenario.Figures chain = new EventLoopScenario.Figures(28, 25.3);

    assertThat(EventLoopScenario.misses(new EventLoopScenario.Figures(32, 25.3), chain))
        .isEqualTo(List.of("GC pauses (32.0 ms against 28.0 ms)"));
    assertThat(EventLoopScenario.misses(new EventLoopScenario.Figures(32, 27.3), chain)).hasSize(2)
        .last().asString().startsWith("the heartbeat max (27.3 ms");
  }

  @Test
  void should_show_the_decimals_that_tell_a_figure_over_the_chain_from_the_chain() {
    EventLoopScenario.Figures chain = new EventLoopScenario.Figures(28, 14.58);

    // Both read 14.6 ms with one decimal: the verdict shows why it missed.
    assertThat(EventLoopScenario.misses(new EventLoopScenario.Figures(28, 14.62), chain))
        .isEqualTo(List.of("the heartbeat max (14.62 ms against 14.58 ms)"));
  }

  @Test
  void should_miss_when_a_figure_is_missing() {
    EventLoopScenario.Figures chain = new EventLoopScenario.Figures(28, 25.3);

    assertThat(EventLoopScenario.misses(new EventLoopScenario.Figures(Double.NaN, 20), chain)).hasSize(1);
  }

  @Test
  void should_explain_the_pause_times_by_the_survivors_and_the_longest_pause_when_both_modes_have_them() {
    EventLoopScenario.Figures chain = new EventLoopScenario.Figures(44, 12.8, 1_050, 5);
    assertThat(EventLoopScenario.gcExplanation(new EventLoopScenario.Figures(50, 12.1, 1_210.4, 18), chain))
        .contains("ours p0 left 1,210 KiB in the survivor space, the chain 1,050 KiB")
        .contains("the longest pause in a window was 18.0 ms against 5.0 ms (medians of the rounds).");
    assertThat(EventLoopScenario.gcExplanation(new EventLoopScenario.Figures(50, 12.1), chain))
        .as("no young collection was seen").isEmpty();
  }

  @Test
  void should_add_up_the_survivor_spaces_and_tell_a_collector_without_one() {
    MemoryUsage eden = new MemoryUsage(0, 0, 64L << 20, 64L << 20);
    MemoryUsage survivor = new MemoryUsage(0, 1_000, 4L << 20, 4L << 20);
    assertThat(GcPauses.survivorBytes(Map.of("G1 Eden Space", eden, "G1 Survivor Space", survivor)))
        .isEqualTo(1_000);
    assertThat(GcPauses.survivorBytes(Map.of("S0 Survivor Space", survivor, "S1 Survivor Space", survivor)))
        .isEqualTo(2_000);
    assertThat(GcPauses.survivorBytes(Map.of("ZHeap", eden))).isEqualTo(-1);
  }
}
