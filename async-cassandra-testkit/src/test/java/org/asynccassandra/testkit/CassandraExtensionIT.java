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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension as other modules use it: parameters, on the run's shared server. */
@ExtendWith(CassandraExtension.class)
class CassandraExtensionIT {
  @Test
  void should_give_a_session_and_a_keyspace_on_a_real_cassandra(CqlSession session, TestKeyspace keyspace,
      CassandraServer server) {
    assertThat(keyspace.name()).startsWith("it_cassandraextensionit_");
    assertThat(session.getMetadata().getKeyspace(keyspace.identifier())).isPresent();
    assertThat(session.execute("SELECT release_version FROM system.local").one().getString(0)).startsWith("5.0.");
    assertThat(server.isRunning()).isTrue();
    assertThat(server.startupTime()).isPositive();
    // The server logs through its own logback (a client-side slf4j 1.7 once silenced it).
    assertThat(server.logFile()).content().contains("Startup complete");
  }

  @Test
  void should_load_rows_and_read_them_back_with_their_content(CqlSession session, TestKeyspace keyspace) {
    TestData.createSampleTable(session, keyspace.name(), "sample");
    long loaded = TestData.loadSampleRows(session, keyspace.name(), "sample", 20_000, 3_000);
    assertThat(loaded).isEqualTo(20_000);
    long count = 0;
    SimpleStatement scan = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + keyspace.table("sample"))
        .setPageSize(2_000);
    for (Row row : session.execute(scan)) {
      assertThat(row.getString("payload")).isEqualTo(TestData.payload(row.getInt("pk"), row.getInt("ck")));
      count++;
    }
    assertThat(count).isEqualTo(20_000);
    // 20,000 rows at 3,000 per partition: partitions 0 to 5 are full, partition 6 holds the last 2,000.
    assertThat(session.execute("SELECT count(*) FROM " + keyspace.table("sample") + " WHERE pk = 6").one().getLong(0))
        .isEqualTo(2_000);
  }

  @Test
  void should_fail_the_load_with_a_progress_callback_that_throws(CqlSession session, TestKeyspace keyspace) {
    // Each throw lost a permit: after 64 of them the load waited for ever, and the exception was lost.
    TestData.createSampleTable(session, keyspace.name(), "progress");
    java.util.concurrent.CompletableFuture<Long> load = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        TestData.loadSampleRows(session, keyspace.table("progress"), 20_000, 1_000, rows -> {
          throw new IllegalStateException("the progress bar broke");
        }));
    assertThatThrownBy(() -> load.get(2, java.util.concurrent.TimeUnit.MINUTES))
        .hasRootCauseMessage("the progress bar broke");
  }
}
