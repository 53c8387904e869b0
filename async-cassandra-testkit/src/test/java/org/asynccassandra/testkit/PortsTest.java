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
package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Ports#free}: ports below the range of outgoing connections' local ports, where one is known. */
class PortsTest {
  private static final List<String> LOOPBACK = List.of("127.0.0.1");

  @Test
  void should_choose_free_ports_below_the_range_of_outgoing_connections() {
    int[] range = {32768, 60999};
    for (int i = 0; i < 50; i++) {
      int port = Ports.free(LOOPBACK, Set.of(), range);
      assertThat(port).isBetween(Ports.LOWEST, 32767);
      assertThat(Ports.isFree("127.0.0.1", port)).isTrue();
    }
  }

  @Test
  void should_leave_the_choice_to_the_system_when_the_range_starts_too_low_or_is_unknown() throws Exception {
    // Nothing below 10,100 to choose from: the system's port, wherever it is.
    assertThat(Ports.free(LOOPBACK, Set.of(), new int[] {1024, 65535})).isBetween(1, 65535);
    assertThat(Ports.free(LOOPBACK, Set.of(), null)).isBetween(1, 65535);
  }

  @Test
  void should_never_choose_an_excluded_port_or_one_in_use() throws Exception {
    int[] narrow = {Ports.LOWEST + 102, 60999}; // 10,000 to 10,101: 102 ports, some of them taken or excluded
    try (java.net.ServerSocket taken = new java.net.ServerSocket(Ports.LOWEST, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      for (int i = 0; i < 50; i++) {
        int port = Ports.free(LOOPBACK, Set.of(Ports.LOWEST + 1), narrow);
        assertThat(port).isBetween(Ports.LOWEST + 2, Ports.LOWEST + 101);
      }
    } catch (java.net.BindException busy) {
      // 10,000 is in use on this machine already: the check below covers the exclusion alone.
      assertThat(Ports.free(LOOPBACK, Set.of(Ports.LOWEST + 1), narrow)).isNotEqualTo(Ports.LOWEST + 1);
    }
  }

  @Test
  void should_read_the_range_of_this_linux_machine() throws Exception {
    // Files.readString read "3" of "32768\t60999": every port then came from the system, in that range.
    java.nio.file.Path file = java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(file), "not Linux");
    int[] range = Ports.ephemeralRange();
    assertThat(range).as("read from %s", file).isNotNull().hasSize(2);
    assertThat(range[0]).isPositive().isLessThanOrEqualTo(range[1]);
    if (range[0] > Ports.LOWEST + 100) {
      assertThat(Ports.free(LOOPBACK, Set.of())).isBetween(Ports.LOWEST, range[0] - 1);
    }
  }

  @Test
  void should_read_the_kernels_range_or_nothing() {
    assertThat(Ports.parseRange("32768\t60999\n")).containsExactly(32768, 60999);
    assertThat(Ports.parseRange("1024 65535")).containsExactly(1024, 65535);
    assertThat(Ports.parseRange("")).isNull();
    assertThat(Ports.parseRange("60999 32768")).isNull();
    assertThat(Ports.parseRange("a b")).isNull();
    assertThat(Ports.parseRange("1 2 3")).isNull();
    assertThat(Ports.parseRange("0 70000")).isNull();
  }
}
