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

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.asynccassandra.testkit.LocalMavenRepository;

/**
 * Apache Flink's jars for a child JVM: the bench depends on Flink with the provided scope only, so Flink
 * never joins the bench's own runtime classpath; its build records those jars in a resource, found here in the
 * local Maven repository. A child's classpath is this JVM's (with async-cassandra-flink) plus these jars.
 * Immutable.
 *
 * @param jars Flink's jars and theirs, in the recorded order
 * @param version Flink's version, from the flink-runtime jar
 */
record FlinkClasspath(List<Path> jars, String version) {
  static final String RESOURCE = "org/asynccassandra/bench/flink/classpath.txt";
  /** What a local export job needs: the DataStream API, the runtime's MiniCluster, the FileSink, the client. */
  static final List<String> REQUIRED = List.of("flink-streaming-java", "flink-runtime", "flink-connector-files",
      "flink-clients");
  private static final String FIX = "build async-cassandra-bench with Maven (mvn -pl async-cassandra-bench -am "
      + "package, or ./async-cassandra bench) to record and download them";

  FlinkClasspath {
    jars = List.copyOf(jars);
  }

  /** Reads the recorded resource and resolves it against the local Maven repository. */
  static FlinkClasspath load() {
    String recorded;
    try (InputStream in = FlinkClasspath.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The Flink classpath resource " + RESOURCE + " is missing; " + FIX);
      }
      recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      throw new IllegalStateException("Cannot read " + RESOURCE + ": " + unreadable.getMessage(), unreadable);
    }
    return parse(recorded, LocalMavenRepository.path());
  }

  /**
   * Resolves the recorded entries ({@code $M2_REPO/...}) against a local repository and checks that every jar
   * is there and that a local job can run.
   *
   * @throws IllegalStateException naming a missing jar and how to fetch it
   */
  static FlinkClasspath parse(String recorded, Path repository) {
    List<Path> jars = LocalMavenRepository.resolve(recorded, repository);
    List<String> missing = jars.stream().filter(jar -> !Files.isRegularFile(jar)).map(Path::toString).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missing.size() + " of Flink's " + jars.size() + " jars are missing from the "
          + "local Maven repository " + repository + ", for example " + missing.get(0) + "; " + FIX);
    }
    for (String artifact : REQUIRED) {
      if (Dsbulk.version(jars, artifact).isEmpty()) {
        throw new IllegalStateException("The recorded Flink classpath in " + RESOURCE + " lacks " + artifact + " ("
            + jars.size() + " jars): add it to async-cassandra-bench/pom.xml with the provided scope");
      }
    }
    return new FlinkClasspath(jars, Dsbulk.version(jars, "flink-runtime").orElseThrow());
  }

  /** {@code base} (a classpath, such as this JVM's) followed by Flink's jars that it lacks, as one -cp argument. */
  String classpath(String base) {
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : base.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
    jars.forEach(jar -> entries.add(jar.toString()));
    return String.join(File.pathSeparator, entries);
  }
}
