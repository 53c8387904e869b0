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

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Cassandra server's own classpath: the jars that module async-cassandra-testkit-server resolved from
 * Maven Central, read from the resource it recorded, in the local Maven repository. They are never put on
 * the client's classpath; the server runs in a child JVM.
 *
 * @param jars every jar, in the recorded order
 * @param jammAgent the jamm jar, for {@code -javaagent}
 */
record ServerClasspath(List<Path> jars, Path jammAgent) {
  static final String RESOURCE = "org/asynccassandra/testkit/server/classpath.txt";
  private static final String FIX = "fetch them with " + ServerJarDownload.DEPENDENCY_GET
      + ServerJarDownload.testkitVersion() + " (in the async-cassandra repository: mvn -pl "
      + "async-cassandra-testkit-server install)";
  private static final Pattern JAR_VERSION = Pattern.compile("^(.+)-(\\d+)\\.(\\d+)[^/]*\\.jar$");

  ServerClasspath {
    jars = List.copyOf(jars);
  }

  /** The classpath as one {@code -cp} argument. */
  String asArgument() {
    List<String> entries = new ArrayList<>();
    jars.forEach(jar -> entries.add(jar.toString()));
    return String.join(File.pathSeparator, entries);
  }

  /** Reads the recorded resource and resolves it against the local Maven repository. */
  static ServerClasspath load() {
    String recorded;
    try (InputStream in = ServerClasspath.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new CassandraStartException("The Cassandra server classpath resource " + RESOURCE + " is missing: "
            + "add org.asynccassandra:async-cassandra-testkit-server to the classpath (the testkit depends on it)");
      }
      recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      throw new CassandraStartException("Cannot read " + RESOURCE + ": " + unreadable.getMessage(), unreadable);
    }
    return parse(recorded, LocalMavenRepository.path(), ServerJarDownload.configured());
  }

  /**
   * Resolves the recorded entries ({@code $M2_REPO/...} separated by ':' or new lines) against a local
   * repository, and checks that every jar is there and that the server would be able to log.
   */
  static ServerClasspath parse(String recorded, Path repository) {
    return parse(recorded, repository, null);
  }

  /**
   * As {@link #parse(String, Path)}, but first fetches the jars missing from the local repository with
   * {@code download}, unless it is null: a project that takes the testkit from Maven Central has none of them.
   */
  static ServerClasspath parse(String recorded, Path repository, ServerJarDownload download) {
    List<Path> jars = LocalMavenRepository.resolve(recorded, repository);
    if (download != null) {
      List<Path> fetchable = jars.stream().filter(jar -> !Files.isRegularFile(jar))
          .filter(jar -> jar.startsWith(repository)).toList();
      if (!fetchable.isEmpty()) {
        download.fetch(repository, fetchable);
      }
    }
    List<String> missing = jars.stream().filter(jar -> !Files.isRegularFile(jar)).map(Path::toString).toList();
    Path jamm = jars.stream().filter(jar -> jar.getFileName().toString().startsWith("jamm-")).findFirst()
        .orElse(null);
    if (!missing.isEmpty()) {
      throw new CassandraStartException(missing.size() + " of Cassandra's " + jars.size() + " jars are missing "
          + "from the local Maven repository " + repository + ", for example " + missing.get(0) + "; " + FIX);
    }
    if (jamm == null) {
      throw new CassandraStartException("The recorded Cassandra classpath in " + RESOURCE
          + " lacks the jamm agent (" + jars.size() + " jars); rebuild async-cassandra-testkit-server");
    }
    checkLogging(jars);
    return new ServerClasspath(jars, jamm);
  }

  /**
   * Refuses an slf4j-api 1.x next to logback 1.3+: that server would silently log nothing (the slf4j
   * no-operation fallback), and every start failure would come without a cause. It happens when a parent
   * pom's dependency management pins slf4j-api for the client and also rewrites the server's version.
   */
  private static void checkLogging(List<Path> jars) {
    Optional<int[]> slf4j = version(jars, "slf4j-api");
    Optional<int[]> logback = version(jars, "logback-classic");
    if (slf4j.isPresent() && logback.isPresent() && slf4j.get()[0] < 2
        && (logback.get()[0] > 1 || logback.get()[1] >= 3)) {
      throw new CassandraStartException("The recorded Cassandra classpath has slf4j-api "
          + slf4j.get()[0] + "." + slf4j.get()[1] + " with logback-classic " + logback.get()[0] + "."
          + logback.get()[1] + ", which needs slf4j-api 2: the server would write no log. Let "
          + "async-cassandra-testkit-server resolve the slf4j-api that cassandra-all asks for");
    }
  }

  private static Optional<int[]> version(List<Path> jars, String artifact) {
    for (Path jar : jars) {
      Matcher matcher = JAR_VERSION.matcher(jar.getFileName().toString());
      if (matcher.matches() && matcher.group(1).equals(artifact)) {
        return Optional.of(new int[] {Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3))});
      }
    }
    return Optional.empty();
  }
}
