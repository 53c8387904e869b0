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

import org.junit.jupiter.api.Test;

class SteadyStateTest {

  /** Feeds the rounds until the warm-up ends; returns how many it took. */
  private static int warmUp(SteadyState state, double... rounds) {
    for (double round : rounds) {
      if (state.add(round)) {
        return state.rounds();
      }
    }
    return -1;
  }

  @Test
  void should_end_once_three_rounds_in_a_row_agree_within_five_percent() {
    // The pairs of the committed report's first-row full read, in seconds: slow for five rounds, then steady.
    assertThat(warmUp(new SteadyState(12), 6.74, 4.05, 4.14, 4.36, 3.92, 4.36, 3.49, 2.76, 2.79, 2.77, 2.94))
        .isEqualTo(10);
  }

  @Test
  void should_not_take_two_close_rounds_of_a_slow_drift_for_steady() {
    SteadyState state = new SteadyState(12);
    assertThat(state.add(4.0)).isFalse();
    assertThat(state.add(3.9)).isFalse(); // two agree, but two are not enough
    assertThat(state.add(3.6)).isFalse(); // 3.6 to 4.0 is 11 %
    assertThat(state.add(3.5)).isFalse();
    assertThat(state.add(3.45)).isTrue(); // 3.45, 3.5, 3.6: 4.3 %
  }

  @Test
  void should_end_after_the_most_rounds_when_never_steady() {
    SteadyState state = new SteadyState(4);
    assertThat(warmUp(state, 1.0, 2.0, 1.0, 2.0, 1.0)).isEqualTo(4);
    assertThat(state.steady()).isFalse();
  }

  @Test
  void should_refuse_a_window_larger_than_the_most_rounds_and_a_time_that_is_not_positive() {
    assertThatThrownBy(() -> new SteadyState(2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SteadyState(5).add(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SteadyState(5).add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
