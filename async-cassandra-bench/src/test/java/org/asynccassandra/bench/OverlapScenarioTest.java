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

import org.junit.jupiter.api.Test;

/** The reason scenario 2 gives for a missed goal. */
class OverlapScenarioTest {

  @Test
  void should_blame_the_consumers_own_work_when_it_hardly_waited() {
    // The report of 2026-12-02: ours 0.44 s, waited 12 ms; the chain 0.70 s; executeReactive 0.44 s.
    String reason = OverlapScenario.missReason(0.44, 12.0, 0.70, 0.44, 200_000);

    assertThat(reason).startsWith("Our consumer waited for pages only 12.0 ms of its 0.44 s")
        .contains("decoding and checking 200,000 rows")
        .contains("the chain's 0.70 s allows at most 0.70 s / 0.43 s = 1.64× on this machine")
        .endsWith("The driver's reactive mode, which reads pages ahead on its own, took 0.44 s.");
  }

  @Test
  void should_blame_the_wait_left_when_the_work_alone_leaves_room_for_the_goal() {
    // The committed report (run of 7d8d2ea): ours 0.524 s, waited 23.4 ms; the chain 0.881 s. Its work alone
    // allows 0.881 / 0.501 = 1.76x, above the goal: the note blamed the consumer's own work all the same.
    String reason = OverlapScenario.missReason(0.5245, 23.4, 0.8813, 0.55, 200_000);

    assertThat(reason).startsWith("Our consumer waited for pages 23.4 ms of its 0.52 s: little, but more than the "
        + "goal allows").contains("1.76×").contains("did not hide all of the fetch time")
        .doesNotContain("no read-ahead can hide");
  }

  @Test
  void should_blame_the_read_ahead_when_the_consumer_waited() {
    String reason = OverlapScenario.missReason(0.60, 150.0, 0.70, Double.NaN, 200_000);

    assertThat(reason).isEqualTo("Our consumer still waited for pages 150.0 ms of its 0.60 s: the read-ahead "
        + "did not hide the fetch time in this run.");
  }

  @Test
  void should_blame_the_read_ahead_when_the_wait_is_unknown() {
    assertThat(OverlapScenario.missReason(0.44, Double.NaN, 0.70, 0.44, 200_000))
        .startsWith("Our consumer still waited for pages");
  }
}
