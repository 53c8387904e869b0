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
