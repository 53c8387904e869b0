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

import java.util.List;

/** Every scenario, in the order a full run takes them. */
final class Scenarios {
  private Scenarios() {}

  // Wide rows last: a fixed page of 320 MiB strains the server, and nothing after it depends on the server.
  static List<Scenario> all() {
    return List.of(new ThroughputScenario(), new OverlapScenario(), new EventLoopScenario(), new MemoryScenario(),
        new ScanScenario(), new ExportScenario(), new FlinkExportScenario(), new FirstRowScenario(),
        new ConcurrencyScenario(), new WideRowScenario());
  }
}
