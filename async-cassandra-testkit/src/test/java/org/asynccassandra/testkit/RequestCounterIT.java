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
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the counter counts for a few real queries on the shared server. */
@ExtendWith(CassandraExtension.class)
class RequestCounterIT {

  @Test
  void should_count_one_attempt_per_query_and_per_page_and_none_for_prepare(CassandraServer server) {
    RequestCounter counter = new RequestCounter();
    try (CqlSession session = counter.addTo(server.sessionBuilder()).build()) {
      assertThat(counter.sent()).as("connecting sends nothing through the request path").isZero();

      session.execute("SELECT release_version FROM system.local");
      awaitFinished(counter, 1);
      assertThat(counter.sent()).isEqualTo(1);

      long beforePages = counter.mark();
      ResultSet pages = session.execute(SimpleStatement.newInstance("SELECT * FROM system_schema.columns")
          .setPageSize(50));
      pages.forEach(row -> {});
      int pageCount = pages.getExecutionInfos().size();
      assertThat(pageCount).as("the query must span several pages").isGreaterThan(2);
      assertThat(counter.sentSince(beforePages)).isEqualTo(pageCount);
      awaitFinished(counter, 1 + pageCount);

      long beforePrepare = counter.mark();
      PreparedStatement prepared = session.prepare("SELECT release_version FROM system.local WHERE key = ?");
      assertThat(counter.sentSince(beforePrepare)).as("PREPARE is not counted").isZero();
      session.execute(prepared.bind("local"));
      assertThat(counter.sentSince(beforePrepare)).isEqualTo(1);
      awaitFinished(counter, 2 + pageCount);
    }
  }

  @Test
  void should_count_a_query_the_server_rejects_as_sent_and_finished(CassandraServer server) {
    RequestCounter counter = new RequestCounter();
    try (CqlSession session = counter.addTo(server.sessionBuilder()).build()) {
      assertThatThrownBy(() -> session.execute("SELEKT nothing")).isInstanceOf(SyntaxError.class);
      assertThat(counter.sent()).isEqualTo(1);
      awaitFinished(counter, 1);
    }
    assertThat(counter.inFlight()).isZero();
  }

  @Test
  void should_refuse_to_count_sends_when_registered_only_as_a_tracker(CassandraServer server) {
    RequestCounter counter = new RequestCounter();
    try (CqlSession session = server.sessionBuilder().addRequestTracker(counter).build()) {
      session.execute("SELECT release_version FROM system.local");
      assertThatThrownBy(counter::sent).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("addTo(builder)");
    }
  }

  /** The driver reports a success after completing the future: wait for the report. */
  private static void awaitFinished(RequestCounter counter, long expected) {
    await().atMost(Duration.ofSeconds(30)).until(counter::finished, finished -> finished >= expected);
    assertThat(counter.finished()).isEqualTo(expected);
    assertThat(counter.inFlight()).isZero();
  }
}
