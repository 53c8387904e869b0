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
package org.asynccassandra.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinition;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedColumnsTest {
  private final SharedColumns shared = new SharedColumns();

  /**
   * Columns as the driver decodes them from a response: new strings every time. Each column is
   * {@code "name:type"}, type "int" or "text".
   */
  private static ColumnDefinitions decoded(String table, String... columns) {
    List<ColumnDefinition> definitions = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      String[] nameAndType = columns[i].split(":");
      int type = nameAndType[1].equals("int") ? ProtocolConstants.DataType.INT : ProtocolConstants.DataType.VARCHAR;
      definitions.add(new DefaultColumnDefinition(new ColumnSpec(new String("ks".toCharArray()),
          new String(table.toCharArray()), new String(nameAndType[0].toCharArray()), i, RawType.PRIMITIVES.get(type)),
          AttachmentPoint.NONE));
    }
    return DefaultColumnDefinitions.valueOf(definitions);
  }

  @Test
  void should_hand_every_stream_of_the_same_columns_the_first_instance() {
    ColumnDefinitions first = decoded("t", "pk:int", "ck:int", "payload:text");
    assertThat(shared.share(first)).isSameAs(first);
    for (int i = 0; i < 3; i++) {
      ColumnDefinitions again = decoded("t", "pk:int", "ck:int", "payload:text");
      assertThat(again).isNotSameAs(first);
      assertThat(shared.share(again)).isSameAs(first);
    }
    assertThat(shared.size()).isEqualTo(1);
  }

  @Test
  void should_keep_apart_columns_that_differ_in_table_name_type_or_order() {
    ColumnDefinitions base = shared.share(decoded("t", "pk:int", "v:text"));
    List<ColumnDefinitions> others = List.of(decoded("u", "pk:int", "v:text"), decoded("t", "pk:int", "w:text"),
        decoded("t", "pk:int", "v:int"), decoded("t", "v:text", "pk:int"), decoded("t", "pk:int"),
        decoded("t", "pk:int", "v:text", "v:text"));
    for (ColumnDefinitions other : others) {
      assertThat(shared.share(other)).as(other.toString()).isSameAs(other).isNotSameAs(base);
    }
    assertThat(shared.size()).isEqualTo(1 + others.size());
  }

  @Test
  void should_keep_no_more_than_the_most_shapes_and_no_empty_columns() {
    for (int i = 0; i < SharedColumns.MAX_SHAPES; i++) {
      shared.share(decoded("t" + i, "pk:int"));
    }
    ColumnDefinitions beyond = decoded("another", "pk:int");
    assertThat(shared.share(beyond)).isSameAs(beyond);
    assertThat(shared.share(decoded("another", "pk:int"))).as("not held: past the most shapes").isNotSameAs(beyond);
    ColumnDefinitions early = decoded("t0", "pk:int");
    assertThat(shared.share(early)).as("held before the bound: still shared").isNotSameAs(early);
    ColumnDefinitions none = DefaultColumnDefinitions.valueOf(List.of());
    assertThat(shared.share(none)).isSameAs(none);
    assertThat(shared.size()).isEqualTo(SharedColumns.MAX_SHAPES);
  }
}
