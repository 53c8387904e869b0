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
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraClusterIT {
  @Test
  void should_start_three_nodes_that_the_driver_sees_up_and_close_them_without_a_trace() {
    List<Long> pids;
    List<Path> folders;
    try (CassandraCluster cluster = CassandraServer.builder().nodes(3).heap("512M").startCluster()) {
      pids = cluster.nodes().stream().map(CassandraServer::pid).toList();
      folders = cluster.nodes().stream().map(CassandraServer::directory).toList();
      assertThat(cluster.nodes()).extracting(node -> node.contactPoint().getHostString())
          .containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3");
      assertThat(cluster.nodes()).extracting(CassandraServer::clusterName).containsOnly(cluster.clusterName());
      assertThat(folders).doesNotHaveDuplicates();
      assertThat(cluster.startupTime()).isPositive();
      try (CqlSession session = cluster.newSession()) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(session.getMetadata().getNodes().values())
                .hasSize(3)
                .extracting(Node::getState)
                .containsOnly(NodeState.UP));
        TestData.createKeyspace(session, "cluster_it", 3);
        TestData.createSampleTable(session, "cluster_it", "t");
        TestData.loadSampleRows(session, "cluster_it", "t", 3_000, 100);
        assertThat(session.execute("SELECT count(*) FROM cluster_it.t").one().getLong(0)).isEqualTo(3_000);
      }
    }
    assertThat(pids).allSatisfy(pid ->
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
    assertThat(folders).allSatisfy(folder -> assertThat(folder).doesNotExist());
  }
}
