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
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a JDK that Cassandra 5.0 runs on (11 or 17) without the user's help. On JDK 21+ it dies at startup
 * ("Setting a system-wide Policy object is not supported"), so a wrong JDK is refused before launching.
 */
final class JavaHomes {
  private static final Pattern RELEASE_VERSION = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE);
  private static final Pattern VERSION_OUTPUT = Pattern.compile("version \"([^\"]+)\"");
  private static final String HINT = "set CASSANDRA_JAVA_HOME (or javaHome(...)) to a JDK 11 or 17";

  private JavaHomes() {}

  /**
   * Where to look, in order. Taken from the environment by {@link #fromEnvironment()}; unit tests build
   * their own.
   *
   * @param cassandraJavaHome CASSANDRA_JAVA_HOME, or null: an explicit choice, refused when wrong
   * @param javaHome JAVA_HOME, or null: used only when it is 11 or 17
   * @param path PATH, or null: its first {@code java}
   * @param jvmRoot a folder of JDKs, such as /usr/lib/jvm: a 17, else an 11
   */
  record Lookup(String cassandraJavaHome, String javaHome, String path, Path jvmRoot) {
    static Lookup fromEnvironment() {
      return new Lookup(System.getenv("CASSANDRA_JAVA_HOME"), System.getenv("JAVA_HOME"), System.getenv("PATH"),
          Paths.get("/usr/lib/jvm"));
    }
  }

  /** Whether Cassandra 5.0 supports this major version. */
  static boolean supported(int major) {
    return major == 11 || major == 17;
  }

  /** The major version of a version string: "17.0.15" gives 17, "1.8.0_392" gives 8, "25" gives 25. */
  static int majorVersion(String version) {
    String trimmed = version.trim();
    if (trimmed.startsWith("1.")) {
      trimmed = trimmed.substring(2);
    }
    int end = 0;
    while (end < trimmed.length() && Character.isDigit(trimmed.charAt(end))) {
      end++;
    }
    if (end == 0) {
      throw new IllegalArgumentException("Not a Java version: " + version);
    }
    return Integer.parseInt(trimmed.substring(0, end));
  }

  /** The major version in the output of {@code java -version}, such as {@code openjdk version "17.0.15"}. */
  static Optional<Integer> majorVersionInOutput(String output) {
    Matcher matcher = VERSION_OUTPUT.matcher(output);
    try {
      return matcher.find() ? Optional.of(majorVersion(matcher.group(1))) : Optional.empty();
    } catch (IllegalArgumentException notAVersion) {
      return Optional.empty();
    }
  }

  /**
   * The major version of the JDK at {@code home}: from its {@code release} file, else by running
   * {@code bin/java -version}; empty when there is no runnable {@code bin/java}.
   */
  static Optional<Integer> majorVersionOf(Path home) {
    Path java = home.resolve("bin/java");
    if (!Files.isExecutable(java)) {
      return Optional.empty();
    }
    Path release = home.resolve("release");
    if (Files.isReadable(release)) {
      try {
        Matcher matcher = RELEASE_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
        if (matcher.find()) {
          return Optional.of(majorVersion(matcher.group(1)));
        }
      } catch (IOException | IllegalArgumentException unreadable) {
        // ask the binary instead
      }
    }
    return askJava(java, ASK_TIMEOUT);
  }

  /** How long {@code java -version} may take before the JDK counts as one whose version is unknown. */
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The major version {@code java -version} prints, or empty when it fails or does not end within
   * {@code timeout}. Its output goes to a file, not a pipe: reading a pipe to its end first waited without
   * bound for a binary that hangs (or a child of it that keeps the pipe open).
   */
  static Optional<Integer> askJava(Path java, Duration timeout) {
    Path output = null;
    Process process = null;
    try {
      output = Files.createTempFile("testkit-java-version-", ".txt");
      process = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
      return majorVersionInOutput(Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException failed) {
      return Optional.empty();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      if (process != null && process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a temporary file of a few bytes
        }
      }
    }
  }

  /**
   * Checks an explicitly chosen JDK.
   *
   * @throws CassandraStartException when it is not a JDK 11 or 17
   */
  static Path checkExplicit(Path home) {
    Optional<Integer> major = majorVersionOf(home);
    if (major.isEmpty()) {
      throw new CassandraStartException("No JDK found at " + home + " (no runnable bin/java); " + HINT);
    }
    if (!supported(major.get())) {
      throw new CassandraStartException("Cassandra 5.0 needs JDK 11 or 17, found " + major.get() + " at " + home
          + "; " + HINT);
    }
    return home;
  }

  /** Finds a JDK 11 or 17 in this process's environment. */
  static Path find() {
    return find(Lookup.fromEnvironment());
  }

  /**
   * Finds a JDK 11 or 17: CASSANDRA_JAVA_HOME (refused when wrong), then JAVA_HOME when it is 11 or 17,
   * then the {@code java} on the PATH, then the JDKs under {@code jvmRoot} (17 first, then 11).
   *
   * @throws CassandraStartException naming every place tried, when none fits
   */
  static Path find(Lookup lookup) {
    if (lookup.cassandraJavaHome() != null && !lookup.cassandraJavaHome().isBlank()) {
      return checkExplicit(Paths.get(lookup.cassandraJavaHome())); // a wrong explicit choice is an error
    }
    List<String> tried = new ArrayList<>();
    List<Candidate> candidates = new ArrayList<>();
    if (lookup.javaHome() != null && !lookup.javaHome().isBlank()) {
      candidates.add(new Candidate("JAVA_HOME", Paths.get(lookup.javaHome())));
    }
    onPath(lookup.path()).ifPresent(home -> candidates.add(new Candidate("java on the PATH", home)));
    for (Candidate candidate : candidates) {
      Optional<Integer> major = majorVersionOf(candidate.home());
      tried.add(candidate.describe(major));
      if (major.isPresent() && supported(major.get())) {
        return candidate.home();
      }
    }
    List<Path> installed = installed(lookup.jvmRoot());
    Path eleven = null;
    for (Path home : installed) {
      Optional<Integer> major = majorVersionOf(home);
      tried.add(new Candidate(lookup.jvmRoot().toString(), home).describe(major));
      if (major.isPresent() && major.get() == 17) {
        return home;
      }
      if (major.isPresent() && major.get() == 11 && eleven == null) {
        eleven = home;
      }
    }
    if (eleven != null) {
      return eleven;
    }
    if (installed.isEmpty()) {
      tried.add(lookup.jvmRoot() + " (no JDKs there)");
    }
    throw new CassandraStartException("Cassandra 5.0 needs a JDK 11 or 17 and none was found; tried "
        + String.join(", ", tried) + ". Install one (for example the openjdk-17-jdk-headless package) or "
        + HINT);
  }

  private record Candidate(String source, Path home) {
    String describe(Optional<Integer> major) {
      return source + " " + home + major.map(version -> " (JDK " + version + ")").orElse(" (no JDK)");
    }
  }

  /** The JDK of the first {@code java} on the PATH, following links: /usr/bin/java to /usr/lib/jvm/x. */
  private static Optional<Path> onPath(String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String folder : path.split(File.pathSeparator)) {
      if (folder.isEmpty()) {
        continue;
      }
      Path java = Paths.get(folder, "java");
      if (Files.isExecutable(java)) {
        try {
          Path real = java.toRealPath();
          Path home = real.getParent() == null ? null : real.getParent().getParent();
          return Optional.ofNullable(home);
        } catch (IOException unresolvable) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** The folders under {@code root}, real paths deduplicated (Debian links several names to one JDK). */
  private static List<Path> installed(Path root) {
    List<Path> homes = new ArrayList<>();
    if (root == null || !Files.isDirectory(root)) {
      return homes;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        try {
          Path real = entry.toRealPath();
          if (Files.isDirectory(real) && !homes.contains(real)) {
            homes.add(real);
          }
        } catch (IOException brokenLink) {
          // skip it
        }
      }
    } catch (IOException unreadable) {
      // nothing more to try
    }
    homes.sort(Comparator.naturalOrder());
    return homes;
  }
}
