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
package org.asynccassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ScanConfig.Builder#columns}: the names a scan selects, each once. */
class ScanConfigColumnsTest {
  @Test
  void should_refuse_a_column_named_twice_as_cassandra_reads_names() {
    // export --columns id,id selected id twice: the NDJSON writer refused every row only after connecting.
    for (List<String> twice : List.of(List.of("id", "id"), List.of("id", "name", "ID"), List.of("\"Id\"", "\"Id\""),
        List.of("id", " id"))) {
      assertThatThrownBy(() -> ScanConfig.builder().columns(twice)).as("%s", twice)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice").hasMessageContaining(
              twice.toString());
    }
  }

  @Test
  void should_take_columns_that_differ_as_cassandra_reads_names() {
    // Quoted names keep their case: "Id" is not id.
    assertThat(ScanConfig.builder().columns(List.of("id", "\"Id\"", "name")).build().columns())
        .containsExactly("id", "\"Id\"", "name");
  }

  @Test
  void should_refuse_blank_names() {
    assertThatThrownBy(() -> ScanConfig.builder().columns(List.of("id", " "))).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("blank");
  }
}
