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
import java.util.Arrays;
import org.junit.jupiter.api.Test;

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
