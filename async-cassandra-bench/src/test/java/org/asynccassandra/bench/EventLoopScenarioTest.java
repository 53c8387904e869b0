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
}
