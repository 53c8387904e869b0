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
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A driver session whose every connection goes through a FaultProxy in front of the shared server. */
@CassandraTest
class FaultProxyIT {
  private static final String QUERY = "SELECT release_version FROM system.local";

  @Test
  void should_route_every_connection_through_the_proxy_and_reconnect_after_a_drop(CassandraServer server) {
    try (FaultProxy proxy = FaultProxy.start(server.contactPoint());
         CqlSession session = proxy.sessionBuilder(server.localDatacenter()).build()) {
      assertThat(releaseVersion(session)).startsWith("5.0.");
      assertThat(session.getMetadata().getNodes().values())
          .extracting(node -> node.getEndPoint().resolve())
          .containsExactly(proxy.address());
      await().atMost(Duration.ofSeconds(30)).until(() -> proxy.openConnections() >= 2); // control + pool
      long accepted = proxy.acceptedConnections();

      proxy.dropAllConnections();

      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .untilAsserted(() -> assertThat(releaseVersion(session)).startsWith("5.0."));
      assertThat(proxy.acceptedConnections()).isGreaterThan(accepted); // it reconnected through the proxy
    }
  }

  @Test
  void should_time_out_requests_while_paused_and_answer_again_after_resume(CassandraServer server) {
    try (FaultProxy proxy = FaultProxy.start(server.contactPoint());
         CqlSession session = proxy.sessionBuilder(server.localDatacenter(),
             options -> options.withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(1))).build()) {
      assertThat(releaseVersion(session)).startsWith("5.0.");

      proxy.pause();
      CompletableFuture<AsyncResultSet> stalled = session.executeAsync(QUERY).toCompletableFuture();
      assertThatThrownBy(() -> stalled.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(DriverTimeoutException.class);

      proxy.resume();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .untilAsserted(() -> assertThat(releaseVersion(session)).startsWith("5.0."));
    }
  }

  private static String releaseVersion(CqlSession session) {
    return session.execute(QUERY).one().getString(0);
  }
}
