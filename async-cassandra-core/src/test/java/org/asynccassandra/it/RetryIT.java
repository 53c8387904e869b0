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
package org.asynccassandra.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.junit.jupiter.api.Test;

/**
 * A page fetch fails for real, because the node is killed mid-stream, and the stream resumes on its own.
 * The test has a node of its own with a batch commit log: with the shared server's periodic commit log,
 * rows written just before a kill may be lost by the server itself (see {@link CassandraServer#kill()}).
 */
class RetryIT {
  @Test
  void should_finish_with_the_exact_result_when_the_node_dies_mid_stream() throws Exception {
    try (CassandraServer server = CassandraServer.builder().heap("512M").commitlogSync("batch").start();
         // Reconnect every 1-2 s: the driver's default doubles its delay up to 60 s (about 1, 3, 7, 15, 31, 63 s
         // after the kill), so a restart slower than about 31 s was seen only after the stream's 12 retries
         // (about 57 s) had run out. The test is about the stream's retries, not the driver's reconnection.
         CqlSession session = server.sessionBuilder(options -> options
             .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofSeconds(1))
             .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(2))).build()) {
      killAndRestartMidStream(server, session);
    }
  }

  private static void killAndRestartMidStream(CassandraServer server, CqlSession session) throws Exception {
    TestData.createKeyspace(session, "retry_it", 1);
    String table = "retry_it.retry";
    TestData.createSampleTable(session, table);
    TestData.loadSampleRows(session, table, 6_000, 1_000);
    List<String> expected = new ArrayList<>();
    SimpleStatement query = SimpleStatement.newInstance("SELECT pk, ck FROM " + table).setPageSize(500);
    for (Row row : session.execute(query)) {
      expected.add(row.getInt(0) + "/" + row.getInt(1));
    }

    CompletableFuture<Void> restarted = new CompletableFuture<>();
    List<String> seen = new ArrayList<>();
    try (AsyncSession async = AsyncSession.wrap(session);
         RowStream stream = async.executeStream(query,
             StreamConfig.builder().prefetchPages(0).retry(12, Duration.ofMillis(250)).build())) {
      CompletableFuture<Void> done = stream.forEach(row -> {
        seen.add(row.getInt(0) + "/" + row.getInt(1));
        if (seen.size() == 1_250) {
          // Kill the node while page 3 is being consumed: page 4 is requested from a dead node.
          server.kill();
          CompletableFuture.runAsync(server::restart).whenComplete((ignored, error) -> {
            if (error != null) {
              restarted.completeExceptionally(error);
            } else {
              restarted.complete(null);
            }
          });
        }
      }).toCompletableFuture();
      done.get(5, TimeUnit.MINUTES);
      assertThat(seen).isEqualTo(expected);
      assertThat(stream.stats().retries()).isPositive();
    } finally {
      restarted.get(5, TimeUnit.MINUTES); // the restart ends before the server is closed
    }
  }
}
