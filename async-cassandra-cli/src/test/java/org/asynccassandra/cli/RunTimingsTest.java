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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunTimingsTest {
  @Test
  void should_report_only_the_stages_reached_in_their_order() {
    RunTimings timings = new RunTimings();
    assertThat(timings.reached()).isEmpty();
    timings.started();
    timings.ready();
    assertThat(timings.reached()).containsOnlyKeys("started", "ready");
    timings.firstRequest();
    timings.page();
    timings.lastRow();
    assertThat(timings.reached().keySet()).containsExactlyElementsOf(SummaryTimings.STAGES);
  }

  @Test
  void should_keep_the_first_pages_instant_as_the_first_row() {
    RunTimings timings = new RunTimings();
    timings.page();
    String first = timings.reached().get("firstRow");
    Instant later = Instant.parse(first).plusNanos(1_000);
    while (!Instant.now().isAfter(later)) {
      Thread.onSpinWait(); // the clock moves on by a microsecond at least: a second mark would differ
    }
    timings.page();
    assertThat(timings.reached().get("firstRow")).isEqualTo(first);
  }

  @Test
  void should_write_the_stages_reached_into_the_summary(@TempDir Path dir) throws IOException {
    Instant before = Instant.now();
    RunTimings timings = new RunTimings();
    for (Runnable stage : List.<Runnable>of(timings::started, timings::ready, timings::firstRequest, timings::page,
        timings::lastRow)) {
      stage.run();
    }
    Path file = dir.resolve("summary.json");
    ScanCheckpoint done = new ScanCheckpoint("ks", "t", "f", List.of(
        new ScanCheckpoint.Range("0", "10", ScanCheckpoint.State.DONE, null, 0, 7)));
    new ScanSummary("ks.t", done, 0, 0, ScanConfig.defaults(), false, timings).write(file);
    String json = Files.readString(file);
    SummaryTimings.assertEveryStageInOrder(json, before, Instant.now());
    assertThat(json).contains("\"splits\":0,\"timings\":{\"started\":\"").contains("},\"rangeStates\":[");
  }
}
