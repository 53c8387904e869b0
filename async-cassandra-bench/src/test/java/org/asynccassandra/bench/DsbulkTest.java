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
package org.asynccassandra.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DsbulkTest {
  /** The artifacts an unload needs, as a recorded classpath would list them. */
  private static final List<String> UNLOAD_JARS = List.of(
      "com/datastax/oss/dsbulk-runner/1.10.0/dsbulk-runner-1.10.0.jar",
      "com/datastax/oss/dsbulk-workflow-unload/1.10.0/dsbulk-workflow-unload-1.10.0.jar",
      "com/datastax/oss/dsbulk-executor-reactor/1.10.0/dsbulk-executor-reactor-1.10.0.jar",
      "com/datastax/oss/dsbulk-connectors-csv/1.10.0/dsbulk-connectors-csv-1.10.0.jar",
      "com/datastax/oss/dsbulk-connectors-json/1.10.0/dsbulk-connectors-json-1.10.0.jar",
      "org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar",
      "ch/qos/logback/logback-classic/1.2.11/logback-classic-1.2.11.jar");

  @TempDir
  Path repo;

  @Test
  void should_resolve_recorded_jars_against_the_local_repository() throws IOException {
    List<Path> jars = jars(UNLOAD_JARS);

    Dsbulk dsbulk = Dsbulk.parse(recorded(UNLOAD_JARS, ":") + "\n", repo);

    assertThat(dsbulk.jars()).containsExactlyElementsOf(jars);
    assertThat(dsbulk.version()).isEqualTo("1.10.0");
    assertThat(dsbulk.classpath()).isEqualTo(String.join(":", jars.stream().map(Path::toString).toList()));
  }

  @Test
  void should_accept_entries_on_separate_lines_and_absolute_paths() throws IOException {
    List<Path> jars = jars(UNLOAD_JARS);
    List<String> entries = new ArrayList<>(UNLOAD_JARS.subList(1, UNLOAD_JARS.size()));

    Dsbulk dsbulk = Dsbulk.parse(jars.get(0) + "\n" + recorded(entries, "\n"), repo);

    assertThat(dsbulk.jars()).containsExactlyElementsOf(jars);
  }

  @Test
  void should_name_a_missing_jar_and_the_command_that_fetches_it() throws IOException {
    jars(UNLOAD_JARS.subList(1, UNLOAD_JARS.size()));

    assertThatThrownBy(() -> Dsbulk.parse(recorded(UNLOAD_JARS, ":"), repo))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 of dsbulk's 7 jars are missing")
        .hasMessageContaining(repo.resolve(UNLOAD_JARS.get(0)).toString())
        .hasMessageContaining("mvn -pl async-cassandra-bench-dsbulk install");
  }

  @Test
  void should_refuse_a_classpath_without_a_connector_the_scenario_uses() throws IOException {
    List<String> withoutJson = UNLOAD_JARS.stream().filter(jar -> !jar.contains("connectors-json")).toList();
    jars(withoutJson);

    assertThatThrownBy(() -> Dsbulk.parse(recorded(withoutJson, ":"), repo))
        .hasMessageContaining("lacks dsbulk-connectors-json")
        .hasMessageContaining("async-cassandra-bench-dsbulk/pom.xml");
  }

  @Test
  void should_refuse_slf4j_2_next_to_logback_1_2_because_dsbulk_could_not_log() throws IOException {
    List<String> slf4j2 = UNLOAD_JARS.stream()
        .map(jar -> jar.replace("slf4j-api/1.7.36/slf4j-api-1.7.36", "slf4j-api/2.0.17/slf4j-api-2.0.17")).toList();
    jars(slf4j2);

    assertThatThrownBy(() -> Dsbulk.parse(recorded(slf4j2, ":"), repo))
        .hasMessageContaining("slf4j-api 2.0.17 with logback-classic 1.2.11, which needs slf4j-api 1.7");
  }

  @Test
  void should_read_versions_from_jar_names_with_hyphens() {
    List<Path> jars = List.of(Path.of("/r/java-driver-shaded-guava-25.1-jre-graal-sub-1.jar"),
        Path.of("/r/jnr-a64asm-1.0.0.jar"), Path.of("/r/dsbulk-runner-1.10.0.jar"));

    assertThat(Dsbulk.version(jars, "java-driver-shaded-guava")).hasValue("25.1-jre-graal-sub-1");
    assertThat(Dsbulk.version(jars, "jnr-a64asm")).hasValue("1.0.0");
    assertThat(Dsbulk.version(jars, "dsbulk-runner")).hasValue("1.10.0");
    assertThat(Dsbulk.version(jars, "dsbulk")).isEmpty();
  }

  @Test
  void should_unload_a_table_into_a_folder_with_its_defaults_otherwise() throws IOException {
    jars(UNLOAD_JARS);
    Dsbulk dsbulk = Dsbulk.parse(recorded(UNLOAD_JARS, ":"), repo);

    List<String> arguments = dsbulk.unloadArguments(InetSocketAddress.createUnresolved("127.0.0.1", 39042),
        "datacenter1", "ks", "rows_main", "json", Path.of("/tmp/out"), Path.of("/tmp/logs"));

    assertThat(arguments).containsExactly("-cp", dsbulk.classpath(), "com.datastax.oss.dsbulk.runner.DataStaxBulkLoader",
        "unload", "-h", "127.0.0.1", "-port", "39042", "-dc", "datacenter1", "-k", "ks", "-t", "rows_main",
        "-c", "json", "-url", "/tmp/out", "-logDir", "/tmp/logs");
  }


  @Test
  void should_find_the_recorded_classpath_of_this_build() {
    Dsbulk dsbulk = Dsbulk.load();

    assertThat(dsbulk.version()).isEqualTo("1.10.0");
    assertThat(dsbulk.jars()).anyMatch(jar -> jar.getFileName().toString().startsWith("java-driver-core-4.14."));
    assertThat(dsbulk.jars()).noneMatch(jar -> jar.toString().contains("org/apache/cassandra"));
  }

  private String recorded(List<String> entries, String separator) {
    return String.join(separator, entries.stream().map(entry -> "$M2_REPO/" + entry).toList());
  }

  private List<Path> jars(List<String> paths) throws IOException {
    List<Path> jars = new ArrayList<>();
    for (String path : paths) {
      Path jar = repo.resolve(path);
      Files.createDirectories(jar.getParent());
      Files.write(jar, new byte[] {'P', 'K'});
      jars.add(jar);
    }
    return jars;
  }
}
