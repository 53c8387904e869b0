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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CorePinningTest {
  @Test
  void should_give_the_server_the_lower_half_of_the_cores_and_the_client_the_rest() {
    assertThat(CorePinning.split(2)).containsExactly("0", "1");
    assertThat(CorePinning.split(3)).containsExactly("0", "1-2");
    assertThat(CorePinning.split(8)).containsExactly("0-3", "4-7");
  }

  @Test
  void should_read_the_affinity_list_from_tasksets_answer() throws IOException {
    assertThat(CorePinning.parseAffinity("pid 4242's current affinity list: 0,1\n")).isEqualTo("0,1");
    assertThat(CorePinning.parseAffinity("pid 7's current affinity list: 0-3,6")).isEqualTo("0-3,6");
    assertThatThrownBy(() -> CorePinning.parseAffinity("taskset: failed to get pid 9's affinity"))
        .isInstanceOf(IOException.class).hasMessageContaining("failed to get pid 9's affinity");
  }

  @Test
  void should_pin_nothing_and_say_why_without_the_servers_pid_or_a_second_core() {
    try (CorePinning noPid = CorePinning.separate(OptionalLong.empty(), 2);
         CorePinning oneCore = CorePinning.separate(OptionalLong.of(ProcessHandle.current().pid()), 1)) {
      assertThat(noPid.pinned()).isFalse();
      assertThat(noPid.description()).contains("--server-pid");
      assertThat(oneCore.pinned()).isFalse();
      assertThat(oneCore.description()).contains("one core");
    }
  }

  @Test
  void should_pin_nothing_and_say_why_when_the_server_is_gone() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assumeTrue(gone.waitFor(10, TimeUnit.SECONDS) && tasksetRuns());

    try (CorePinning pinning = CorePinning.separate(OptionalLong.of(gone.pid()), 2)) {
      assertThat(pinning.pinned()).isFalse();
      assertThat(pinning.description()).startsWith("not pinned: ");
    }
  }

  @Test
  void should_pin_both_processes_to_cores_of_their_own_and_give_the_cores_back() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    assumeTrue(cores >= 2 && tasksetRuns());
    Process server = new ProcessBuilder("sleep", "60").start();
    try {
      long self = ProcessHandle.current().pid();
      String serverBefore = CorePinning.affinity(server.pid());
      String selfBefore = CorePinning.affinity(self);
      String[] lists = CorePinning.split(cores);

      try (CorePinning pinning = CorePinning.separate(OptionalLong.of(server.pid()), cores)) {
        assertThat(pinning.pinned()).as(pinning.description()).isTrue();
        assertThat(CorePinning.affinity(server.pid())).isEqualTo(lists[0]);
        assertThat(CorePinning.affinity(self)).isEqualTo(lists[1]);
        assertThat(pinning.description()).contains("core " + lists[0]).contains("core " + lists[1]);
      }

      assertThat(CorePinning.affinity(server.pid())).isEqualTo(serverBefore);
      assertThat(CorePinning.affinity(self)).isEqualTo(selfBefore);
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static boolean tasksetRuns() {
    try {
      CorePinning.affinity(ProcessHandle.current().pid());
      return true;
    } catch (IOException unavailable) {
      return false;
    }
  }
}
