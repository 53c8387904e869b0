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

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Flink export scenario's pieces that need no server: its classpath and the job's printed runtime. */
class FlinkExportScenarioTest {
  private static final List<String> FLINK_JARS = List.of(
      "org/apache/flink/flink-streaming-java/2.3.0/flink-streaming-java-2.3.0.jar",
      "org/apache/flink/flink-runtime/2.3.0/flink-runtime-2.3.0.jar",
      "org/apache/flink/flink-connector-files/2.3.0/flink-connector-files-2.3.0.jar",
      "org/apache/flink/flink-clients/2.3.0/flink-clients-2.3.0.jar",
      "org/apache/commons/commons-lang3/3.18.0/commons-lang3-3.18.0.jar");

  @TempDir
  Path repo;

  private List<Path> jars(List<String> entries) throws IOException {
    List<Path> jars = new ArrayList<>();
    for (String entry : entries) {
      Path jar = repo.resolve(entry);
      Files.createDirectories(jar.getParent());
      Files.write(jar, new byte[] {'P', 'K'});
      jars.add(jar);
    }
    return jars;
  }

  private static String recorded(List<String> entries) {
    return String.join(":", entries.stream().map(entry -> "$M2_REPO/" + entry).toList());
  }

  @Test
  void should_resolve_flinks_jars_and_append_those_the_base_classpath_lacks() throws IOException {
    List<Path> jars = jars(FLINK_JARS);

    FlinkClasspath flink = FlinkClasspath.parse(recorded(FLINK_JARS), repo);

    assertThat(flink.version()).isEqualTo("2.3.0");
    String base = "/bench/classes" + File.pathSeparator + jars.get(4);
    List<String> expected = new ArrayList<>(List.of("/bench/classes", jars.get(4).toString()));
    jars.subList(0, 4).forEach(jar -> expected.add(jar.toString()));
    assertThat(flink.classpath(base)).isEqualTo(String.join(File.pathSeparator, expected));
  }

  @Test
  void should_name_a_missing_jar() throws IOException {
    jars(FLINK_JARS.subList(1, FLINK_JARS.size()));

    assertThatThrownBy(() -> FlinkClasspath.parse(recorded(FLINK_JARS), repo))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("flink-streaming-java-2.3.0.jar")
        .hasMessageContaining("1 of Flink's 5 jars are missing");
  }

  @Test
  void should_refuse_a_classpath_without_the_runtime() throws IOException {
    List<String> entries = new ArrayList<>(FLINK_JARS);
    entries.remove(1);
    jars(entries);

    assertThatThrownBy(() -> FlinkClasspath.parse(recorded(entries), repo))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("lacks flink-runtime");
  }

  @Test
  void should_read_the_job_runtime_the_export_job_printed() {
    assertThat(FlinkExportScenario.jobRuntimeMillis("WARN something\nJob Runtime: 1234 ms\n")).isEqualTo(1234);
    assertThat(FlinkExportScenario.jobRuntimeMillis("Job Runtime: 1 ms\nJob Runtime: 56 ms")).isEqualTo(56);
    assertThat(FlinkExportScenario.jobRuntimeMillis("Job has been submitted\n")).isEqualTo(-1);
  }

  @Test
  void should_run_parallelism_1_2_and_4_but_only_1_and_2_in_the_tiny_run() {
    assertThat(FlinkExportScenario.parallelisms(BenchSettings.full())).containsExactly(1, 2, 4);
    assertThat(FlinkExportScenario.parallelisms(BenchSettings.quick())).containsExactly(1, 2, 4);
    assertThat(FlinkExportScenario.parallelisms(BenchSettings.tiny())).containsExactly(1, 2);
  }
}
