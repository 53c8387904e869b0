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
package org.asynccassandra.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.asynccassandra.ScanRange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** What a checkpoint of a source is bound to: its query, not how it is split or paged. */
class QueryFingerprintTest {
  private static SourceSettings settings(String keyspace, String table, List<String> columns, @Nullable String where,
      boolean allowFiltering, int splits, int splitsPerReader) {
    return new SourceSettings(() -> {
      throw new AssertionError("no session in this test");
    }, "test", keyspace, table, columns, where, allowFiltering, splits, 0, splitsPerReader, null, null);
  }

  private static String of(String keyspace, String table, List<String> columns, @Nullable String where,
      boolean allowFiltering) {
    return QueryFingerprint.of(settings(keyspace, table, columns, where, allowFiltering, 0, 2));
  }

  @Test
  void should_depend_on_the_query_only() {
    String query = of("ks", "t", List.of("a", "b"), "b > 0", true);

    assertThat(QueryFingerprint.of(settings("ks", "t", List.of("a", "b"), "b > 0", true, 100, 4)))
        .as("split otherwise").isEqualTo(query);
    assertThat(of("KS", "T", List.of("a", "b"), "b > 0", true)).as("the same CQL names").isEqualTo(query);
    assertThat(of("\"KS\"", "t", List.of("a", "b"), "b > 0", true)).as("a quoted name").isNotEqualTo(query);
    assertThat(of("ks", "t", List.of("b", "a"), "b > 0", true)).as("the columns in another order")
        .isNotEqualTo(query);
    assertThat(of("ks", "t", List.of("a,b"), "b > 0", true)).isNotEqualTo(of("ks", "t", List.of("a", "b"), "b > 0",
        true));
  }

  @Test
  void should_name_what_changed() {
    String query = of("ks", "t", List.of("a", "b"), null, false);

    assertThat(QueryFingerprint.changes(query, of("ks", "u", List.of("a", "b"), null, false))).isEqualTo("the table");
    assertThat(QueryFingerprint.changes(query, of("ks", "t", List.of("a"), "b > 0", false)))
        .isEqualTo("the columns and the where clause");
    assertThat(QueryFingerprint.changes(query, of("other", "t", List.of(), "b > 0", true)))
        .isEqualTo("the table, the columns, the where clause and ALLOW FILTERING");
    assertThat(QueryFingerprint.changes("of another form", query)).isEqualTo("the query");
  }

  @Test
  void should_refuse_a_split_of_another_query_and_accept_one_without_a_fingerprint() {
    String planned = of("ks", "t", List.of("a", "b"), null, false);
    String now = of("ks", "t", List.of("a", "c"), null, false);
    CassandraSplit split = new CassandraSplit("split-3", ScanRange.of("0", "10"), List.of(), planned, null);

    assertThatThrownBy(() -> QueryFingerprint.check(split, now, "ks.t")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Split split-3 of ks.t (token range (0, 10]) was planned by a source of another query: the "
            + "columns changed since the checkpoint. A checkpoint is bound to the table, the columns, the where "
            + "clause and ALLOW FILTERING: restore it into a source that reads the same ones, or start the job "
            + "without it");
    QueryFingerprint.check(split, planned, "ks.t");
    QueryFingerprint.check(new CassandraSplit("split-3", ScanRange.of("0", "10"), List.of(), null), now, "ks.t");
  }
}
