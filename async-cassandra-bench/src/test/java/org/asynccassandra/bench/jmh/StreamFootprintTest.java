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
package org.asynccassandra.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFootprintTest {
  @Test
  void should_measure_streams_that_wait_then_read_to_their_end() {
    for (String mode : StreamFootprint.MODES) {
      // measure() fails unless every stream asked for its second page and ended once it came
      assertThat(StreamFootprint.measure(mode, 500)).as(mode).isPositive();
    }
  }

  @Test
  void should_read_one_result_per_mode_from_the_measurement_output() {
    List<MicroResult> results = StreamFootprint.parse("[0.1s] some JVM warning\nfootprint chain 136\n"
        + "footprint ours 1100\n");

    assertThat(results).extracting(MicroResult::benchmark).containsExactly("footprint.chain", "footprint.ours");
    assertThat(results).extracting(MicroResult::score).containsExactly(136.0, 1100.0);
    assertThat(results).allSatisfy(result -> {
      assertThat(result.unit()).isEqualTo("B/stream");
      assertThat(result.error()).isNaN();
      assertThat(result.params()).containsEntry("streams", String.valueOf(StreamFootprint.STREAMS));
    });
  }

  @Test
  void should_fail_when_a_mode_has_no_figure() {
    assertThatThrownBy(() -> StreamFootprint.parse("footprint chain 136\nException in thread \"main\" boom\n"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no figure for ours")
        .hasMessageContaining("boom");
  }
}
