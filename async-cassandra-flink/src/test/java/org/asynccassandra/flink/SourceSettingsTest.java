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

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.typeinfo.Types;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.Test;

/**
 * The stream config of a source's scans: whole splits only, checked when the source is built and again where
 * each split is read, since its supplier runs there too and may answer differently.
 */
class SourceSettingsTest {
  private static final CassandraSplit SPLIT = new CassandraSplit("0", ScanRange.of("0", "10"), List.of(), null);

  private static CassandraSource.Builder source() {
    return CassandraSource.builder(TestSessions.of(List.of(new InetSocketAddress("127.0.0.1", 9042))), "ks", "t");
  }

  /** The javadoc promises an IllegalArgumentException naming the names; List.of threw a bare NullPointerException. */
  @Test
  void should_refuse_a_null_or_blank_column_name_with_the_names() {
    assertThatThrownBy(() -> source().columns("id", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("columns must not contain blank names: [id, null]");
    assertThatThrownBy(() -> source().columns("id", " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("columns must not contain blank names: [id,  ]");
  }

  @Test
  void should_refuse_a_stream_config_that_limits_rows_pages_or_resumes_when_the_source_is_built() {
    assertThatThrownBy(() -> source().streamConfig(() -> StreamConfig.builder().maxRows(10).build())
        .build(row -> "", Types.STRING)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A source of ks.t reads whole splits").hasMessageEndingWith("got maxRows 10 and no maxPages");
    assertThatThrownBy(() -> source().streamConfig(() -> StreamConfig.builder().maxPages(2).build())
        .build(row -> "", Types.STRING)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("got no maxRows and maxPages 2");
  }

  @Test
  void should_refuse_a_row_limit_that_the_supplier_gives_only_where_the_splits_are_read() {
    AtomicInteger calls = new AtomicInteger();
    SourceSettings settings = source().streamConfig(() -> calls.getAndIncrement() == 0 ? StreamConfig.defaults()
        : StreamConfig.builder().maxRows(100).build()).build(row -> "", Types.STRING).settings();

    assertThatThrownBy(() -> settings.scanOf(SPLIT, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A source of ks.t reads whole splits");
    assertThat(calls).as("asked when built, then for the split").hasValue(2);
  }
}
