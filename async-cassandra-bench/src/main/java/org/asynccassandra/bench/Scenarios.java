package org.asynccassandra.bench;

import java.util.List;

/** Every scenario, in the order a full run takes them. */
final class Scenarios {
  private Scenarios() {}

  static List<Scenario> all() {
    return List.of(new ThroughputScenario(), new OverlapScenario(), new EventLoopScenario(), new MemoryScenario(),
        new ScanScenario(), new ExportScenario(), new FirstRowScenario());
  }
}
