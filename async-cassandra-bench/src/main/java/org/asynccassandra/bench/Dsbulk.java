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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asynccassandra.testkit.LocalMavenRepository;

/**
 * DataStax Bulk Loader (dsbulk) as a child process: the jars that module async-cassandra-bench-dsbulk
 * resolved from Maven Central and recorded in a resource, found in the local Maven repository, and the
 * arguments of an {@code unload}. dsbulk's jars, with its own driver (com.datastax.oss 4.14), never join this
 * JVM's classpath. Immutable.
 *
 * @param jars every jar, in the recorded order
 * @param version dsbulk's version, from the dsbulk-runner jar
 */
record Dsbulk(List<Path> jars, String version) {
  static final String RESOURCE = "org/asynccassandra/bench/dsbulk/classpath.txt";
  static final String MAIN_CLASS = "com.datastax.oss.dsbulk.runner.DataStaxBulkLoader";
  /** What an unload to CSV and JSON needs; a classpath without one of them fails at once, not in dsbulk. */
  static final List<String> REQUIRED = List.of("dsbulk-runner", "dsbulk-workflow-unload", "dsbulk-executor-reactor",
      "dsbulk-connectors-csv", "dsbulk-connectors-json", "logback-classic");
  private static final String FIX = "run 'mvn -pl async-cassandra-bench-dsbulk install' (or any build of the "
      + "project) to download them";
  /** artifact-version.jar, where the version is the first part after a '-' that starts with a digit. */
  private static final Pattern JAR = Pattern.compile("^(.+?)-(\\d[^/]*)\\.jar$");

  Dsbulk {
    jars = List.copyOf(jars);
  }

  /** Reads the recorded resource and resolves it against the local Maven repository. */
  static Dsbulk load() {
    String recorded;
    try (InputStream in = Dsbulk.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The dsbulk classpath resource " + RESOURCE + " is missing: add "
            + "org.asynccassandra:async-cassandra-bench-dsbulk to the classpath (the bench depends on it), and "
            + FIX);
      }
      recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      throw new IllegalStateException("Cannot read " + RESOURCE + ": " + unreadable.getMessage(), unreadable);
    }
    return parse(recorded, LocalMavenRepository.path());
  }

  /**
   * Resolves the recorded entries ({@code $M2_REPO/...} separated by ':' or new lines) against a local
   * repository, and checks that every jar is there, that an unload can run, and that dsbulk can log.
   *
   * @throws IllegalStateException naming a missing jar and the command that fetches it
   */
  static Dsbulk parse(String recorded, Path repository) {
    List<Path> jars = LocalMavenRepository.resolve(recorded, repository);
    List<String> missing = jars.stream().filter(jar -> !Files.isRegularFile(jar)).map(Path::toString).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missing.size() + " of dsbulk's " + jars.size() + " jars are missing from "
          + "the local Maven repository " + repository + ", for example " + missing.get(0) + "; " + FIX);
    }
    for (String artifact : REQUIRED) {
      if (version(jars, artifact).isEmpty()) {
        throw new IllegalStateException("The recorded dsbulk classpath in " + RESOURCE + " lacks " + artifact
            + " (" + jars.size() + " jars): add it to async-cassandra-bench-dsbulk/pom.xml and rebuild that module");
      }
    }
    checkLogging(jars);
    return new Dsbulk(jars, version(jars, "dsbulk-runner").orElseThrow());
  }

  /**
   * Refuses an slf4j-api that does not fit the logback-classic next to it: logback 1.2 binds slf4j 1.7 only
   * and logback 1.3+ slf4j 2 only. dsbulk configures logback through slf4j at start-up and would fail (or log
   * nothing) with the other one; a parent pom's dependency management can rewrite the version.
   */
  private static void checkLogging(List<Path> jars) {
    Optional<String> slf4j = version(jars, "slf4j-api");
    String logback = version(jars, "logback-classic").orElseThrow();
    if (slf4j.isEmpty()) {
      throw new IllegalStateException("The recorded dsbulk classpath in " + RESOURCE + " lacks slf4j-api; "
          + "rebuild async-cassandra-bench-dsbulk");
    }
    boolean oldLogback = logback.startsWith("1.2.") || logback.startsWith("1.1.") || logback.startsWith("1.0.");
    boolean oldSlf4j = slf4j.get().startsWith("1.");
    if (oldLogback != oldSlf4j) {
      throw new IllegalStateException("The recorded dsbulk classpath has slf4j-api " + slf4j.get()
          + " with logback-classic " + logback + ", which needs slf4j-api " + (oldLogback ? "1.7" : "2")
          + ": dsbulk could not set up its logging. Let async-cassandra-bench-dsbulk resolve the slf4j-api that "
          + "dsbulk asks for (its dependency management must not pin another)");
    }
  }

  /** The version of an artifact's jar, such as 1.10.0 for dsbulk-runner-1.10.0.jar. */
  static Optional<String> version(List<Path> jars, String artifact) {
    for (Path jar : jars) {
      Matcher matcher = JAR.matcher(jar.getFileName().toString());
      if (matcher.matches() && matcher.group(1).equals(artifact)) {
        return Optional.of(matcher.group(2));
      }
    }
    return Optional.empty();
  }

  /** The classpath as one {@code -cp} argument. */
  String classpath() {
    List<String> entries = new ArrayList<>();
    jars.forEach(jar -> entries.add(jar.toString()));
    return String.join(File.pathSeparator, entries);
  }

  /**
   * The arguments after {@code java} and its options that unload a whole table into a folder: the classpath,
   * the main class and {@link #unloadOptions}.
   */
  List<String> unloadArguments(InetSocketAddress node, String datacenter, String keyspace, String table,
      String connector, Path outputFolder, Path logFolder) {
    List<String> arguments = new ArrayList<>(List.of("-cp", classpath(), MAIN_CLASS));
    arguments.addAll(unloadOptions(node, datacenter, keyspace, table, connector, outputFolder.toString(),
        logFolder.toString()));
    return arguments;
  }

  /**
   * dsbulk's own arguments for an unload of a whole table into a folder, with its defaults otherwise: it
   * decides itself how many queries it runs at once and how many files it writes in parallel.
   *
   * @param connector csv or json
   * @param outputFolder where the files go (created by dsbulk)
   * @param logFolder dsbulk's log folder, with one sub-folder per operation
   */
  static List<String> unloadOptions(InetSocketAddress node, String datacenter, String keyspace, String table,
      String connector, String outputFolder, String logFolder) {
    return List.of("unload",
        "-h", node.getHostString(), "-port", Integer.toString(node.getPort()), "-dc", datacenter,
        "-k", keyspace, "-t", table,
        "-c", connector, "-url", outputFolder,
        "-logDir", logFolder); // its shipped defaults otherwise, its console progress display included
  }
}
