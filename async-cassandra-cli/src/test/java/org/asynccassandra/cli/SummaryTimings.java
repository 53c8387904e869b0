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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the {@code timings} of a {@code --summary} file written by a run of the real command line. */
final class SummaryTimings {
  static final List<String> STAGES = List.of("started", "ready", "firstRequest", "firstRow", "lastRow");
  private static final Pattern OBJECT = Pattern.compile("\"timings\":\\{([^}]*)\\}");

  private SummaryTimings() {}

  /**
   * Asserts that {@code json} has every stage, as instants in the stages' order, all within [{@code from},
   * {@code to}]: the clock of the test that ran the command in process.
   */
  static void assertEveryStageInOrder(String json, Instant from, Instant to) {
    Matcher object = OBJECT.matcher(json);
    assertThat(object.find()).as("a timings object in %s", json).isTrue();
    List<Instant> instants = new ArrayList<>();
    for (String stage : STAGES) {
      Matcher value = Pattern.compile("\"" + stage + "\":\"([^\"]+)\"").matcher(object.group(1));
      assertThat(value.find()).as("the stage %s in %s", stage, object.group()).isTrue();
      instants.add(Instant.parse(value.group(1)));
    }
    assertThat(instants).as("the stages %s in %s", STAGES, object.group()).isSorted()
        .allSatisfy(at -> assertThat(at).isBetween(from, to));
  }
}
