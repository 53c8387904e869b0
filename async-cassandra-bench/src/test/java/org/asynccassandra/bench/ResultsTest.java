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
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How results are looked up for the verdicts. */
class ResultsTest {

  @Test
  void should_pair_two_modes_by_round_and_skip_rounds_where_either_failed() {
    Results results = new Results();
    results.add("s", "ours", "N=1", 1, Map.of("rate", 10.0));
    results.add("s", "chain", "N=1", 1, Map.of("rate", 20.0));
    results.add("s", "chain", "N=2", 1, Map.of("rate", 99.0)); // another variant
    results.add("s", "ours", "N=1", 2, Map.of("failed", 1.0)); // ours failed in round 2
    results.add("s", "chain", "N=1", 2, Map.of("rate", 21.0));
    results.add("s", "chain", "N=1", 3, Map.of("rate", 30.0)); // measured in rotated order
    results.add("s", "ours", "N=1", 3, Map.of("rate", 33.0));
    results.add("s", "other", "N=1", 3, Map.of("rate", 1.0));

    assertThat(results.paired("s", "ours", "chain", "N=1", "rate"))
        .containsExactly(new double[] {10.0, 20.0}, new double[] {33.0, 30.0});
    assertThat(results.paired("s", "ours", "chain", "N=2", "rate")).isEmpty();
    assertThat(results.paired("s", "chain", "chain", "N=1", "rate")).as("a mode paired with itself")
        .containsExactly(new double[] {20.0, 20.0}, new double[] {21.0, 21.0}, new double[] {30.0, 30.0});
  }

  @Test
  void should_pair_the_best_of_each_side_in_every_round_where_all_their_modes_have_a_figure() {
    Results results = new Results();
    results.add("s", "ours a", "v", 1, Map.of("rate", 10.0));
    results.add("s", "ours b", "v", 1, Map.of("rate", 12.0));
    results.add("s", "theirs a", "v", 1, Map.of("rate", 11.0));
    results.add("s", "theirs b", "v", 1, Map.of("rate", 9.0));
    results.add("s", "ours a", "v", 2, Map.of("rate", 20.0));
    results.add("s", "ours b", "v", 2, Map.of("failed", 1.0)); // round 2: one of ours has no figure
    results.add("s", "theirs a", "v", 2, Map.of("rate", 1.0));
    results.add("s", "theirs b", "v", 2, Map.of("rate", 1.0));
    results.add("s", "ours a", "v", 3, Map.of("rate", 7.0));
    results.add("s", "ours b", "v", 3, Map.of("rate", 8.0));
    results.add("s", "theirs a", "v", 3, Map.of("rate", 6.0));
    results.add("s", "theirs b", "v", 3, Map.of("rate", 13.0));

    assertThat(results.pairedBest("s", List.of("ours a", "ours b"), List.of("theirs a", "theirs b"), "v", "rate"))
        .containsExactly(new double[] {12.0, 11.0}, new double[] {8.0, 13.0});
    assertThat(results.byRound("s", "ours b", "v", "rate")).containsExactly(entry(1, 12.0), entry(3, 8.0));
  }
}
