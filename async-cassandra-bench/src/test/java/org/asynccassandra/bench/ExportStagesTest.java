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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportStagesTest {
  private static final String SUMMARY = "{\"table\":\"ks.t\",\"complete\":true,\"splits\":0,\"timings\":{"
      + "\"started\":\"2026-12-06T10:00:00.400Z\",\"ready\":\"2026-12-06T10:00:00.900Z\","
      + "\"firstRequest\":\"2026-12-06T10:00:00.901500Z\",\"firstRow\":\"2026-12-06T10:00:00.911500Z\","
      + "\"lastRow\":\"2026-12-06T10:00:03Z\"},\"rangeStates\":[{\"start\":\"0\",\"end\":\"10\"}]}";

  @Test
  void should_place_every_stage_between_the_launch_and_the_exit() {
    Map<String, Instant> stages = ExportStages.parse(SUMMARY, "s.json");
    assertThat(stages).containsOnlyKeys(ExportStages.STAGES);
    Map<String, Double> metrics = ExportStages.metrics(Instant.parse("2026-12-06T10:00:00Z"), stages,
        Instant.parse("2026-12-06T10:00:03.250Z"));
    assertThat(metrics.get("launchToCommandSeconds")).isCloseTo(0.4, within(1e-9));
    assertThat(metrics.get("connectSeconds")).isCloseTo(0.5, within(1e-9));
    assertThat(metrics.get("toFirstRequestSeconds")).isCloseTo(0.9015, within(1e-9));
    assertThat(metrics.get("firstRequestToFirstRowSeconds")).isCloseTo(0.01, within(1e-9));
    assertThat(metrics.get("lastRowToExitSeconds")).isCloseTo(0.25, within(1e-9));
  }

  @Test
  void should_refuse_a_summary_without_timings_or_with_a_stage_missing_or_out_of_order() {
    assertThatThrownBy(() -> ExportStages.parse("{\"table\":\"ks.t\"}", "s.json"))
        .hasMessageContaining("No timings in the summary s.json");
    assertThatThrownBy(() -> ExportStages.parse(SUMMARY.replace("\"lastRow\":\"2026-12-06T10:00:03Z\"", ""), "s.json"))
        .hasMessageContaining("no stage lastRow in order");
    assertThatThrownBy(() -> ExportStages.parse(SUMMARY.replace("10:00:00.911500Z", "10:00:00.800Z"), "s.json"))
        .hasMessageContaining("no stage firstRow in order");
  }
}
