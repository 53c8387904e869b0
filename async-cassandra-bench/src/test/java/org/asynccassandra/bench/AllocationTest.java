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

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allocation counter behind the bytes-per-row figures. */
class AllocationTest {

  @Test
  void should_count_what_this_thread_allocates() {
    long before = Allocation.totalBytes();
    List<long[]> kept = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      kept.add(new long[16 * 1024]); // 64 × 128 KiB = 8 MiB
    }
    long after = Allocation.totalBytes();

    assertThat(kept).hasSize(64);
    assertThat(before).as("this JDK counts allocations").isNotNegative();
    assertThat(after - before).isGreaterThanOrEqualTo(8L * 1024 * 1024);
    assertThat(Allocation.perRow(before, after, 64)).isGreaterThanOrEqualTo(128.0 * 1024);
  }

  @Test
  void should_give_no_figure_without_both_readings_or_without_rows() {
    assertThat(Allocation.perRow(-1, 100, 10)).isNaN();
    assertThat(Allocation.perRow(0, -1, 10)).isNaN();
    assertThat(Allocation.perRow(0, 100, 0)).isNaN();
    assertThat(Allocation.perRow(100, 1_100, 10)).isEqualTo(100.0);
    assertThat(Markdown.bytes(997.4)).isEqualTo("997 B");
    assertThat(Markdown.bytes(Double.NaN)).isEqualTo("n/a");
  }
}
