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
package org.asynccassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OffsetLimitsTest {
  @Test
  void should_keep_the_default_page_size_limit_with_two_limits() {
    assertThat(OffsetLimits.of(10, 500)).isEqualTo(new OffsetLimits(10, 500, OffsetLimits.DEFAULT_MAX_PAGE_SIZE));
    assertThat(new OffsetLimits(10, 500).maxPageSize()).isEqualTo(10_000);
    assertThat(OffsetLimits.DEFAULT).isEqualTo(OffsetLimits.of(1_000, 100_000, 10_000));
  }

  @Test
  void should_refuse_limits_out_of_range_naming_the_value() {
    assertThatThrownBy(() -> OffsetLimits.of(0, 10, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPageNumber must be >= 1: 0");
    assertThatThrownBy(() -> OffsetLimits.of(1, -1, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSkippedRows must be >= 0: -1");
    assertThatThrownBy(() -> OffsetLimits.of(1, 10, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPageSize must be >= 1: 0");
  }
}
