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

import com.datastax.oss.driver.api.core.cql.Row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.metadata.NodeStateListener;
import com.datastax.oss.driver.api.core.metadata.NodeStateListenerBase;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.Page;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.FaultProxy;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CassandraExtension.class)
class AsyncSessionIT {

  @Test
  void should_connect_an_owned_session_and_close_it(CassandraServer server) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.contactPoint())) {
      AsyncSession session = AsyncSession.connect(proxy.sessionBuilder(server.localDatacenter()))
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      // The response is held until the dependent is attached: attached to a stage already complete, it would
      // run at once on this thread, and the check below could not fail.
      proxy.pause();
      CompletableFuture<String> thread = session.execute("SELECT release_version FROM system.local")
          .thenApply(rs -> Thread.currentThread().getName()).toCompletableFuture();
      assertThat(thread).as("the dependent cannot run before the response").isNotDone();
      proxy.resume();
      assertThat(thread.get(30, TimeUnit.SECONDS)).as("the dependent runs on the session's callback executor")
          .startsWith("async-cassandra-callback");

      String closedOn = session.closeAsync().thenApply(ignored -> Thread.currentThread().getName())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(closedOn).as("the close stage's dependents run off the driver's threads")
          .doesNotContain("-io-").doesNotContain("-admin-");
      assertThat(session.cqlSession().isClosed()).isTrue();
      assertThatThrownBy(() -> session.executeStream("SELECT * FROM system.local"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
  }

  @Test
  void should_close_the_session_of_a_connect_whose_stage_was_cancelled(CassandraServer server) throws Exception {
    // The caller gave up (a timeout, a cancel) before the session was up: nobody could close the session
    // that connected afterwards, and its connections and threads stayed for good.
    CompletableFuture<Void> driverClosed = new CompletableFuture<>();
    NodeStateListener closeWatch = new NodeStateListenerBase() {
      @Override
      public void close() {
        driverClosed.complete(null); // the driver closes its listeners with the session
      }
    };
    try (FaultProxy proxy = FaultProxy.start(server.contactPoint())) {
      proxy.pause(); // the session cannot come up before the stage is cancelled
      CompletableFuture<AsyncSession> connecting = AsyncSession.connect(proxy.sessionBuilder(server.localDatacenter())
          .withNodeStateListener(closeWatch)).toCompletableFuture();
      assertThat(connecting.cancel(false)).isTrue();
      proxy.resume();
      driverClosed.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void should_fail_a_connect_that_cannot_reach_any_node_off_the_driver_threads() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort(); // free once closed: nothing listens there
    }
    CompletableFuture<String> failedOn = AsyncSession.connect(CqlSession.builder()
            .addContactPoint(new InetSocketAddress("127.0.0.1", closedPort)).withLocalDatacenter("datacenter1"))
        .handle((session, error) -> {
          assertThat(session).isNull();
          assertThat(error).isInstanceOf(AllNodesFailedException.class);
          return Thread.currentThread().getName();
        }).toCompletableFuture();

    assertThat(failedOn.get(60, TimeUnit.SECONDS)).doesNotContain("-io-").doesNotContain("-admin-");
  }

  @Test
  void should_leave_a_wrapped_session_open_and_close_its_open_streams(CqlSession cql, TestKeyspace keyspace)
      throws Exception {
    String table = keyspace.table("session_close");
    TestData.createSampleTable(cql, table);
    TestData.loadSampleRows(cql, table, 3_000, 1_000);
    AsyncSession session = AsyncSession.wrap(cql);
    PreparedStatement prepared = session.prepare("SELECT * FROM " + table + " WHERE pk = ?").toCompletableFuture().join();
    RowStream stream = session.executeStream(prepared.bind(1).setPageSize(100));
    Optional<Page<Row>> first = stream.nextPage().toCompletableFuture().join();
    assertThat(first).isPresent();
    CompletableFuture<Optional<Page<Row>>> pending = stream.nextPage().toCompletableFuture();
    pending.join(); // page 2 arrives; then the session closes under the stream
    CompletableFuture<Optional<Page<Row>>> afterClose = stream.nextPage().toCompletableFuture();

    session.close();

    assertThat(cql.isClosed()).isFalse();
    assertThat(cql.execute("SELECT count(*) FROM " + table + " WHERE pk = 1").one().getLong(0)).isEqualTo(1_000);
    // The close fails the pending call on the callback executor, after close() returns: wait for it to settle
    // (a further nextPage() while it is pending is a misuse, and throws IllegalStateException).
    afterClose.handle((page, error) -> null).get(30, TimeUnit.SECONDS);
    if (!afterClose.isCompletedExceptionally()) {
      // The third page may have arrived before the close; the next call then sees the closed stream.
      assertThatThrownBy(() -> stream.nextPage().toCompletableFuture().join())
          .isInstanceOf(CompletionException.class).hasCauseInstanceOf(StreamClosedException.class);
    } else {
      assertThatThrownBy(afterClose::join).hasCauseInstanceOf(StreamClosedException.class);
    }
  }
}
