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
package org.asynccassandra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {
  @Test
  void should_find_every_class_the_archive_list_names() throws IOException {
    // A class renamed or a dependency dropped leaves a name the workload skips: the archive then misses it
    // and every start loads it from its jar again. Make the list again (its header says how). The JDK's own
    // classes differ from one Java version to the next (the list was made on 25, this may run on 17).
    assertThat(ClassArchive.loadListedClasses(ClassArchiveTest.class.getClassLoader()))
        .as("names in %s that are not on the class path", ClassArchive.CLASS_LIST)
        .filteredOn(name -> !name.matches("(java|javax|jdk|sun|com\\.sun)\\..*")).isEmpty();
  }

  @Test
  void should_delete_the_archives_of_other_versions_and_keep_its_own_and_other_files(@TempDir Path cache)
      throws IOException {
    // Each upgrade of the CLI or of Java left its archive (about 20 MB) in the cache folder for good.
    for (String name : List.of("cli-0.1.0-java25.jsa", "cli-0.1.0-java25.jsa.failed", "cli-0.0.9-java25.jsa",
        "cli-0.1.0-java21.jsa", "cli-0.1.0-java21.jsa.failed", "cli-0.0.9-java25.jsa.tmp-1234",
        ".class-archive.lock", "notes.txt")) {
      Files.writeString(cache.resolve(name), name);
    }

    ClassArchive.deleteOtherArchives(cache, "cli-0.1.0-java25.jsa");

    try (var left = Files.list(cache)) {
      assertThat(left.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder(
          "cli-0.1.0-java25.jsa", "cli-0.1.0-java25.jsa.failed", ".class-archive.lock", "notes.txt");
    }
  }

  @Test
  void should_list_the_classes_only_a_connected_run_loads() throws IOException {
    String list;
    try (InputStream in = ClassArchive.class.getResourceAsStream(ClassArchive.CLASS_LIST)) {
      assertThat(in).isNotNull();
      list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(Arrays.asList(list.split("\n"))).contains(
        "com.datastax.oss.driver.internal.core.adminrequest.AdminRequestHandler", // the control connection's queries
        "com.fasterxml.jackson.databind.ObjectMapper", // the driver's start-up options
        "org.asynccassandra.internal.scan.ScanPlanner", // planned from the connected session's token map
        "org.asynccassandra.cli.PageFormatter"); // the export's writer
  }
}
