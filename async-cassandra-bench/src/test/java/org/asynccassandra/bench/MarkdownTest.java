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

class MarkdownTest {
  @Test
  void should_show_a_third_decimal_only_where_two_would_show_the_bound_for_a_value_off_it() {
    assertThat(Markdown.ratio(1.697, 1.7)).isEqualTo("1.697×");
    assertThat(Markdown.ratio(1.7041, 1.7)).isEqualTo("1.704×");
    assertThat(Markdown.ratio(1.7, 1.7)).isEqualTo("1.70×");
    assertThat(Markdown.ratio(1.65, 1.7)).isEqualTo("1.65×");
    assertThat(Markdown.ratio(0.9962, 1.0)).isEqualTo("0.996×");
    assertThat(Markdown.ratio(Double.NaN, 1.0)).isEqualTo("n/a");
  }

  @Test
  void should_show_nanoseconds_whole_with_separators_and_a_missing_figure_as_not_available() {
    assertThat(Markdown.nanos(1024.6)).isEqualTo("1,025 ns");
    assertThat(Markdown.nanos(Double.NaN)).isEqualTo("n/a");
  }

  @Test
  void should_show_two_times_with_the_decimals_that_tell_them_apart() {
    assertThat(Markdown.millisAgainst(32, 28)).isEqualTo("32.0 ms against 28.0 ms");
    assertThat(Markdown.millisAgainst(14.62, 14.58)).isEqualTo("14.62 ms against 14.58 ms");
    assertThat(Markdown.millisAgainst(14.6021, 14.6019)).isEqualTo("14.602 ms against 14.602 ms");
    assertThat(Markdown.millisAgainst(14.6, 14.6)).isEqualTo("14.6 ms against 14.6 ms");
    assertThat(Markdown.millisAgainst(Double.NaN, 14.6)).isEqualTo("n/a against 14.6 ms");
    assertThat(Markdown.millisAgainst(Double.NaN, Double.NaN)).isEqualTo("n/a against n/a");
  }

  @Test
  void should_show_a_decimal_of_mib_only_where_whole_mib_would_show_the_bound_for_a_value_off_it() {
    double mib = 1024 * 1024;
    assertThat(Markdown.mib(63.9 * mib, 64 * mib)).isEqualTo("63.9 MiB");
    assertThat(Markdown.mib(64.2 * mib, 64 * mib)).isEqualTo("64.2 MiB");
    assertThat(Markdown.mib(64 * mib, 64 * mib)).isEqualTo("64 MiB");
    assertThat(Markdown.mib(25.3 * mib, 64 * mib)).isEqualTo("25 MiB");
    assertThat(Markdown.mib(63.96 * mib, 64 * mib)).isEqualTo("63.96 MiB");
    assertThat(Markdown.mib(64.0004 * mib, 64 * mib)).isEqualTo("64.000 MiB"); // as far as it goes
    assertThat(Markdown.mib(Double.NaN, 64 * mib)).isEqualTo("n/a");
  }
}
