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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerClasspathTest {
  @TempDir
  Path repo;

  @Test
  void should_resolve_recorded_jars_against_the_local_repository() throws IOException {
    Path server = jar("org/apache/cassandra/cassandra-all/5.0.9/cassandra-all-5.0.9.jar");
    Path jamm = jar("com/github/jbellis/jamm/0.4.0/jamm-0.4.0.jar");
    ServerClasspath classpath = ServerClasspath.parse(
        "$M2_REPO/org/apache/cassandra/cassandra-all/5.0.9/cassandra-all-5.0.9.jar:"
            + "$M2_REPO/com/github/jbellis/jamm/0.4.0/jamm-0.4.0.jar\n", repo);
    assertThat(classpath.jars()).containsExactly(server, jamm);
    assertThat(classpath.jammAgent()).isEqualTo(jamm);
    assertThat(classpath.asArgument()).isEqualTo(server + ":" + jamm);
  }

  @Test
  void should_name_a_missing_jar_and_the_command_that_fetches_it() {
    assertThatThrownBy(() -> ServerClasspath.parse("$M2_REPO/a/b/missing-1.jar", repo))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining(repo.resolve("a/b/missing-1.jar").toString())
        .hasMessageContaining("fetch them with mvn dependency:get -Dartifact=org.asynccassandra:"
            + "async-cassandra-testkit-server:")
        .hasMessageContaining("mvn -pl async-cassandra-testkit-server install");
  }

  @Test
  void should_refuse_a_classpath_without_the_jamm_agent() throws IOException {
    jar("x/cassandra-all-5.0.9.jar");
    assertThatThrownBy(() -> ServerClasspath.parse("$M2_REPO/x/cassandra-all-5.0.9.jar", repo))
        .hasMessageContaining("lacks the jamm agent");
  }

  @Test
  void should_refuse_slf4j_1_next_to_logback_1_5_because_the_server_would_not_log() throws IOException {
    jar("j/jamm-0.4.0.jar");
    jar("s/slf4j-api-1.7.36.jar");
    jar("l/logback-classic-1.5.18.jar");
    assertThatThrownBy(() -> ServerClasspath.parse(
        "$M2_REPO/j/jamm-0.4.0.jar:$M2_REPO/s/slf4j-api-1.7.36.jar:$M2_REPO/l/logback-classic-1.5.18.jar", repo))
        .hasMessageContaining("slf4j-api 1.7 with logback-classic 1.5")
        .hasMessageContaining("would write no log");
    jar("s/slf4j-api-2.0.17.jar");
    assertThat(ServerClasspath.parse(
        "$M2_REPO/j/jamm-0.4.0.jar:$M2_REPO/s/slf4j-api-2.0.17.jar:$M2_REPO/l/logback-classic-1.5.18.jar", repo)
        .jars()).hasSize(3);
  }


  @Test
  void should_find_the_recorded_classpath_of_this_build() {
    ServerClasspath classpath = ServerClasspath.load();
    assertThat(classpath.jars()).anyMatch(jar -> jar.getFileName().toString().startsWith("cassandra-all-5.0."));
    assertThat(classpath.jars()).anyMatch(jar -> jar.getFileName().toString().startsWith("slf4j-api-2."));
  }

  private Path jar(String path) throws IOException {
    Path jar = repo.resolve(path);
    Files.createDirectories(jar.getParent());
    return Files.createFile(jar);
  }
}
