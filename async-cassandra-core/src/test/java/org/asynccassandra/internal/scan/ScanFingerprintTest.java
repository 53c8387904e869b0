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
package org.asynccassandra.internal.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a scan's checkpoint is bound to: each part of the scan's shape, and the cluster's partitioner; and what a
 * scan resumes from (a checkpoint, never a resume token).
 */
class ScanFingerprintTest {
  private static final String MURMUR3 = "org.apache.cassandra.dht.Murmur3Partitioner";
  private static final String RANDOM = "org.apache.cassandra.dht.RandomPartitioner";

  @Test
  void should_differ_for_each_part_of_the_scan_and_for_another_partitioner() {
    String base = ScanPlanner.fingerprint("ks.t", "*", "", "", "", MURMUR3);
    List<String> others = List.of(
        ScanPlanner.fingerprint("ks.u", "*", "", "", "", MURMUR3),
        ScanPlanner.fingerprint("ks.t", "pk, ck", "", "", "", MURMUR3),
        ScanPlanner.fingerprint("ks.t", "*", "v > 1", "", "", MURMUR3),
        ScanPlanner.fingerprint("ks.t", "*", "", " ALLOW FILTERING", "", MURMUR3),
        ScanPlanner.fingerprint("ks.t", "*", "", "", "|shard 1/2", MURMUR3),
        // A Murmur3 checkpoint's ranges parse as Random tokens too, and would read almost nothing there.
        ScanPlanner.fingerprint("ks.t", "*", "", "", "", RANDOM));
    assertThat(Stream.concat(Stream.of(base), others.stream()).collect(Collectors.toSet())).hasSize(7);
    assertThat(ScanPlanner.fingerprint("ks.t", "*", "", "", "", MURMUR3)).as("stable").isEqualTo(base);
  }

  @Test
  void should_refuse_a_resume_token_in_a_scans_stream_config() {
    // It was dropped without a word, and the scan read the whole table again.
    org.asynccassandra.StreamConfig resuming = org.asynccassandra.StreamConfig.builder()
        .resumeFrom(org.asynccassandra.ResumeToken.of(new byte[16], null, 3, false)).build();
    assertThatThrownBy(() -> org.asynccassandra.ScanConfig.builder().streamConfig(resuming))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ScanCheckpoint");
  }
}
