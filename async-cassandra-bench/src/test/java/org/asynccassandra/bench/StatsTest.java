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
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void should_interpolate_quantiles_between_order_statistics() {
    double[] values = {4, 1, 3, 2};

    assertThat(Stats.median(values)).isEqualTo(2.5);
    assertThat(Stats.quantile(values, 0)).isEqualTo(1);
    assertThat(Stats.quantile(values, 1)).isEqualTo(4);
    assertThat(Stats.quantile(values, 0.9)).isCloseTo(3.7, within(1e-9));
    assertThat(Stats.median(new double[0])).isNaN();
  }

  @Test
  void should_leave_out_values_a_round_could_not_measure() {
    // Sorted in, a NaN counted as the largest value: {1, 2, NaN} had the median 2, and a missing figure of the
    // chain's could help ours pass a goal.
    assertThat(Stats.median(new double[] {1, 2, Double.NaN})).isEqualTo(1.5);
    assertThat(Stats.median(new double[] {Double.NaN, 3})).isEqualTo(3);
    assertThat(Stats.median(new double[] {Double.NaN})).isNaN();
    assertThat(Stats.quantile(new double[] {5, Double.NaN, 1}, 1)).isEqualTo(5);
  }

  @Test
  void should_take_nanosecond_quantiles_in_milliseconds_from_the_filled_part_only() {
    long[] nanos = {3_000_000, 1_000_000, 2_000_000, 99_000_000};

    assertThat(Stats.quantileMillis(nanos, 3, 0.5)).isEqualTo(2.0);
    assertThat(Stats.quantileMillis(nanos, 3, 1.0)).isEqualTo(3.0);
    assertThat(Stats.quantileMillis(nanos, 0, 1.0)).isNaN();
  }

  @Test
  void should_write_json_with_escapes_and_without_nan() {
    String json = Json.write(Map.of("a", List.of(1, 2.5, Double.NaN, "q\"\n", true)));

    assertThat(json).isEqualTo("{\n  \"a\": [\n    1,\n    2.5,\n    null,\n    \"q\\\"\\n\",\n    true\n  ]\n}\n");
  }
}
