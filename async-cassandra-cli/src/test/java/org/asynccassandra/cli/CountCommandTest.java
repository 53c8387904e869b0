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

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.internal.core.metadata.schema.DefaultColumnMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountCommandTest {
  private static ColumnMetadata column(String name) {
    return new DefaultColumnMetadata(CqlIdentifier.fromCql("ks"), CqlIdentifier.fromCql("t"),
        CqlIdentifier.fromInternal(name), DataTypes.INT, false);
  }

  @Test
  void should_read_every_column_of_a_composite_partition_key() {
    // With the first one only, the scan could not find the token of a range's last row, so count could not
    // split a slow range and failed where export finished.
    assertThat(CountCommand.scannedColumns(List.of(column("tenant"), column("Day"), column("bucket"))))
        .containsExactly("tenant", "\"Day\"", "bucket");
  }

  @Test
  void should_read_the_one_column_of_a_simple_partition_key() {
    assertThat(CountCommand.scannedColumns(List.of(column("id")))).containsExactly("id");
  }
}
