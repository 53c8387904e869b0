package org.asynccassandra.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a JDK that Cassandra 5.0 runs on (11 or 17) without the user's help. */
final class JavaHomes {
  private static final Pattern RELEASE_VERSION = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE);

  private JavaHomes() {}

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

  /** The major version of the JDK at {@code home}, from its {@code release} file; empty if unreadable. */
  static Optional<Integer> majorVersionOf(Path home) {
    Path release = home.resolve("release");
    if (!Files.isReadable(release) || !Files.isExecutable(home.resolve("bin/java"))) {
      return Optional.empty();
    }
    try {
      Matcher matcher = RELEASE_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
      return matcher.find() ? Optional.of(majorVersion(matcher.group(1))) : Optional.empty();
    } catch (IOException | IllegalArgumentException unreadable) {
      return Optional.empty();
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
      throw new CassandraStartException("No JDK found at " + home + " (no bin/java and release file); "
          + "point javaHome(...) or CASSANDRA_JAVA_HOME at a JDK 11 or 17");
    }
    if (!supported(major.get())) {
      throw new CassandraStartException("Cassandra 5.0 needs JDK 11 or 17, found " + major.get() + " at " + home
          + "; point javaHome(...) or CASSANDRA_JAVA_HOME at a JDK 11 or 17");
    }
    return home;
  }

  /**
   * Finds a JDK 11 or 17: CASSANDRA_JAVA_HOME, then JAVA_HOME, then the {@code java} on the PATH, then the
   * JDKs under /usr/lib/jvm (17 preferred).
   */
  static Path find() {
    List<String> tried = new ArrayList<>();
    String explicit = System.getenv("CASSANDRA_JAVA_HOME");
    if (explicit != null && !explicit.isBlank()) {
      return checkExplicit(Paths.get(explicit)); // an explicit choice that is wrong is an error, not a hint
    }
    List<Path> candidates = new ArrayList<>();
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      candidates.add(Paths.get(javaHome));
    }
    candidates.add(Paths.get(System.getProperty("java.home")));
    onPath().ifPresent(candidates::add);
    candidates.addAll(underUsrLibJvm());
    Path eleven = null;
    for (Path candidate : candidates) {
      Optional<Integer> major = majorVersionOf(candidate);
      tried.add(candidate + major.map(m -> " (JDK " + m + ")").orElse(" (not a JDK)"));
      if (major.isPresent() && major.get() == 17) {
        return candidate;
      }
      if (major.isPresent() && major.get() == 11 && eleven == null) {
        eleven = candidate;
      }
    }
    if (eleven != null) {
      return eleven;
    }
    throw new CassandraStartException("Cassandra 5.0 needs a JDK 11 or 17 and none was found; tried "
        + String.join(", ", tried) + ". Install one (for example the openjdk-17-jdk-headless package) or set "
        + "CASSANDRA_JAVA_HOME to its folder");
  }

  private static Optional<Path> onPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String folder : path.split(java.io.File.pathSeparator)) {
      Path java = Paths.get(folder, "java");
      if (Files.isExecutable(java)) {
        try {
          Path real = java.toRealPath(); // /usr/bin/java -> /usr/lib/jvm/<jdk>/bin/java
          return Optional.of(real.getParent().getParent());
        } catch (IOException unresolvable) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static List<Path> underUsrLibJvm() {
    List<Path> homes = new ArrayList<>();
    Path jvm = Paths.get("/usr/lib/jvm");
    if (Files.isDirectory(jvm)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(jvm)) {
        for (Path entry : entries) {
          homes.add(entry);
        }
      } catch (IOException unreadable) {
        // nothing to add
      }
    }
    homes.sort(null);
    return homes;
  }
}
