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
package org.asynccassandra.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.asynccassandra.ReadLimiter;
import org.junit.jupiter.api.Test;

class ReadLimitsTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();
  private static final long SLACK = Duration.ofMillis(100).toNanos(); // the bucket refills while the test runs

  @Test
  void should_make_a_response_larger_than_the_rate_wait_for_all_its_bytes() {
    ReadLimiter bytes = ReadLimits.perSecond(1_000, 1_000); // --max-bytes-rate 1000: capacity 1,000 bytes
    assertThat(bytes.reserve(10_000)).isCloseTo(10 * SECOND, within(SLACK));
    assertThat(bytes.reserve(2_500)).isCloseTo(12 * SECOND + SECOND / 2, within(SLACK)); // the debt adds up
  }

  @Test
  void should_answer_the_debt_already_there_for_an_empty_response() {
    ReadLimiter bytes = ReadLimits.perSecond(1_000, 1_000);
    bytes.reserve(3_000);
    assertThat(bytes.reserve(0)).isCloseTo(3 * SECOND, within(SLACK));
  }

  @Test
  void should_wait_a_page_of_rows_at_the_row_rate() {
    ReadLimiter rows = ReadLimits.perSecond(100, 5_000); // --max-rate 100 with --fetch-size 5000
    assertThat(rows.reserve(5_000)).isCloseTo(50 * SECOND, within(SLACK));
  }

  @Test
  void should_limit_a_rate_above_one_permit_a_nanosecond() {
    // --max-bytes-rate 4000000000 (4 GB/s): Bucket4j refills at most one token a nanosecond
    ReadLimiter bytes = ReadLimits.perSecond(4_000_000_000L, 4_000_000_000L);
    assertThat(bytes.reserve(8_000_000_000L)).isCloseTo(2 * SECOND, within(SLACK));
    assertThat(bytes.reserve(2_000_000_000L)).isCloseTo(2 * SECOND + SECOND / 2, within(SLACK));
  }

  @Test
  void should_take_the_largest_rate_as_no_limit_worth_waiting_for() {
    ReadLimiter bytes = ReadLimits.perSecond(Long.MAX_VALUE, Long.MAX_VALUE); // someone meaning "no limit"
    assertThat(bytes.reserve(1_000_000)).isLessThan(SLACK);
  }
}
