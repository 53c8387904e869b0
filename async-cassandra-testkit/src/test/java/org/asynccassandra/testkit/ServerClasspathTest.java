package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerClasspathTest {
  @Test
  void should_resolve_recorded_jars_against_the_local_repository(@TempDir Path repo) throws IOException {
    Path server = jar(repo, "org/apache/cassandra/cassandra-all/5.0.9/cassandra-all-5.0.9.jar");
    Path jamm = jar(repo, "com/github/jbellis/jamm/0.4.0/jamm-0.4.0.jar");
    ServerClasspath classpath = ServerClasspath.parse(
        "$M2_REPO/org/apache/cassandra/cassandra-all/5.0.9/cassandra-all-5.0.9.jar:"
            + "$M2_REPO/com/github/jbellis/jamm/0.4.0/jamm-0.4.0.jar\n", repo);
    assertThat(classpath.jars).containsExactly(server, jamm);
    assertThat(classpath.jammAgent).isEqualTo(jamm);
    assertThat(classpath.asArgument()).isEqualTo(server + ":" + jamm);
  }

  @Test
  void should_name_a_missing_jar_and_the_command_that_fetches_it(@TempDir Path repo) {
    assertThatThrownBy(() -> ServerClasspath.parse("$M2_REPO/a/b/missing-1.jar", repo))
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining(repo.resolve("a/b/missing-1.jar").toString())
        .hasMessageContaining("mvn -pl async-cassandra-testkit-server install");
  }

  @Test
  void should_find_the_recorded_classpath_of_this_build() {
    ServerClasspath classpath = ServerClasspath.load();
    assertThat(classpath.jars).anyMatch(jar -> jar.getFileName().toString().startsWith("cassandra-all-5.0."));
  }

  private static Path jar(Path repo, String path) throws IOException {
    Path jar = repo.resolve(path);
    Files.createDirectories(jar.getParent());
    return Files.createFile(jar);
  }
}
