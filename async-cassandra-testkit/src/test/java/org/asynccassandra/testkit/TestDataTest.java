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

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestDataTest {
  @Test
  void should_make_a_payload_of_about_100_bytes_that_depends_only_on_the_key() {
    String payload = TestData.payload(7, 4_321);
    assertThat(payload).startsWith("row 7/4321 ").isEqualTo(TestData.payload(7, 4_321));
    assertThat(payload.getBytes(StandardCharsets.UTF_8)).hasSize(100);
    Set<String> distinct = new HashSet<>();
    for (int pk = 0; pk < 30; pk++) {
      for (int ck = 0; ck < 30; ck++) {
        distinct.add(TestData.payload(pk, ck).substring(12)); // even without the key prefix
      }
    }
    assertThat(distinct).hasSize(900);
  }
}
