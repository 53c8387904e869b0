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

import org.junit.jupiter.api.Test;

/** The line redrawn on a terminal: it must fit an 80-column terminal, or each redraw adds a wrapped line. */
class ProgressTest {
  @Test
  void should_redraw_only_where_stderr_is_known_to_be_a_terminal() {
    // Without /proc (macOS), Java 22+ has a console whatever stderr is: a log file of stderr got a redrawn line
    // every 200 ms. The launcher says what the shell's [ -t 2 ] says.
    assertThat(Terminal.fromLauncher("true")).isEqualTo(Terminal.Kind.TERMINAL);
    assertThat(Terminal.fromLauncher("false")).isEqualTo(Terminal.Kind.NOT_A_TERMINAL);
    assertThat(Terminal.fromLauncher(null)).as("run without the launcher").isEqualTo(Terminal.Kind.UNKNOWN);
    assertThat(Progress.isTerminal(Terminal.Kind.NOT_A_TERMINAL, null)).isFalse();
    assertThat(Progress.isTerminal(Terminal.Kind.TERMINAL, null)).isTrue();
    assertThat(Progress.isTerminal(Terminal.Kind.UNKNOWN, null)).as("no console: no terminal").isFalse();
  }

  @Test
  void should_fit_the_terminal_line_in_79_columns_with_a_long_table_name_and_the_eta() {
    String line = Progress.terminalLine("Counting a_keyspace_with_a_long_name.a_table_with_a_rather_long_name_too",
        0.45, 1_234_567, 83, Progress.etaSeconds(0.45, 0, 83));

    assertThat(line).hasSizeLessThanOrEqualTo(79)
        .startsWith("Counting a_keyspa")
        .contains("...")
        .endsWith("long_name_too  45% 1,234,567 rows 14,874/s 1:23 ETA 1:41");
  }

  @Test
  void should_give_the_time_left_at_this_runs_pace_when_it_resumed_part_way() {
    assertThat(Progress.etaSeconds(0.91, 0.90, 10)).as("a resume at 90 %%, 1 %% in 10 s").isCloseTo(90, within(1e-6));
    assertThat(Progress.etaSeconds(0.5, 0, 10)).isCloseTo(10, within(1e-6));
    assertThat(Progress.etaSeconds(0.9005, 0.90, 10)).as("too little done in this run to tell").isEqualTo(-1);
    assertThat(Progress.etaSeconds(1, 0, 10)).isEqualTo(-1);
  }

  @Test
  void should_keep_a_label_whole_and_give_the_bar_what_is_left() {
    // 113 characters for such a count before; the demo's load line was 124.
    assertThat(Progress.terminalLine("Counting ks.t", 0.45, 1_234_567, 83, Progress.etaSeconds(0.45, 0, 83)))
        .isEqualTo("Counting ks.t [#########           ]  45% 1,234,567 rows 14,874/s 1:23 ETA 1:41");
    assertThat(Progress.terminalLine("Loading async_cassandra_demo.events", 0.45, 450_000, 12,
        Progress.etaSeconds(0.45, 0, 12)))
        .as("a bar of less than 8 is left out: the percent says as much")
        .isEqualTo("Loading async_cassandra_demo.events  45% 450,000 rows 37,500/s 0:12 ETA 0:15");
    assertThat(Progress.terminalLine("Exporting ks.events", 1, 123_456_789_012L, 4000, -1))
        .isEqualTo("Exporting ks.events [##########] 100% 123,456,789,012 rows 30,864,197/s 1:06:40");
  }

  @Test
  void should_stay_within_79_columns_whatever_the_figures() {
    assertThat(Progress.terminalLine("Counting ks.t", 0.3, Long.MAX_VALUE, 360_000,
        Progress.etaSeconds(0.3, 0, 360_000)))
        .hasSizeLessThanOrEqualTo(79).contains("30% 9,223,372,036,854,775,807 rows");
  }
}
