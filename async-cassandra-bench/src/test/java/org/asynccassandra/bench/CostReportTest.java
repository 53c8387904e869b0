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
import java.util.Map;
import org.asynccassandra.bench.jmh.MicroResult;
import org.junit.jupiter.api.Test;

/** The report's listener and mapper part, from hand-made results. */
class CostReportTest {
  private static MicroResult listener(String listener, String rowsPerPage, double score) {
    return new MicroResult("ListenerCostBenchmark.forEachDirect",
        Map.of("rowsPerPage", rowsPerPage, "listener", listener), score, 0.5, "ns/row");
  }

  private static List<MicroResult> results(double noListener) {
    List<MicroResult> results = new ArrayList<>();
    results.add(listener("none", "1000", noListener));
    results.add(listener("noop", "1000", noListener + 1));
    results.add(listener("micrometer-simple", "1000", noListener + 2));
    results.add(new MicroResult("RowMappingBenchmark.mapLoop", Map.of("mapper", "driverHelper"), 40, 1, "ns/row"));
    results.add(new MicroResult("RowMappingBenchmark.mapLoop", Map.of("mapper", "record"), 30, 1, "ns/row"));
    results.add(new MicroResult("RowMappingBenchmark.mapStream", Map.of("mapper", "record"), 45, 1, "ns/row"));
    return results;
  }

  @Test
  void should_show_each_listeners_cost_over_none_and_each_mapper_against_the_driver_mapper() {
    String markdown = CostReport.markdown(results(10));

    assertThat(markdown).contains("### Per-row costs: listeners and mappers")
        .contains("| none | 1000 | 10.00 ± 0.50 |  |")
        .contains("| noop | 1000 | 11.00 ± 0.50 | +1.00 ns (+10 %) |")
        .contains("| micrometer-simple | 1000 | 12.00 ± 0.50 | +2.00 ns (+20 %) |")
        .contains("| record | 30.00 ± 1.00 | 0.75× | 45.00 ± 1.00 |")
        .contains("| driverHelper | 40.00 ± 1.00 | 1.00× | n/a |");
  }

  @Test
  void should_call_the_no_listener_cost_unchanged_only_within_five_percent_of_the_earlier_run() {
    assertThat(CostReport.markdown(results(CostReport.BEFORE_LISTENER * 1.04))).contains("+4.0 %")
        .contains("is **met**");
    assertThat(CostReport.markdown(results(CostReport.BEFORE_LISTENER * 1.06))).contains("+6.0 %")
        .contains("is **missed**");
  }

  @Test
  void should_compare_intervals_only_when_the_run_has_an_error_bar() {
    MicroResult quick = new MicroResult("ListenerCostBenchmark.forEachDirect",
        Map.of("rowsPerPage", "1000", "listener", "none"), 30, Double.NaN, "ns/row");
    assertThat(CostReport.beforeListener(quick)).contains("no error bar").contains("do not overlap");
    MicroResult close = new MicroResult("ListenerCostBenchmark.forEachDirect",
        Map.of("rowsPerPage", "1000", "listener", "none"), 10, 1, "ns/row");
    assertThat(CostReport.beforeListener(close)).contains("the two 99.9 % intervals overlap");
  }

  @Test
  void should_say_when_it_was_not_run() {
    assertThat(CostReport.markdown(List.of())).contains("Not run in this run");
  }
}
