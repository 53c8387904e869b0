package org.asynccassandra.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Cassandra server's own classpath: the jars that module async-cassandra-testkit-server resolved from
 * Maven Central, read from the resource it recorded, in the local Maven repository. They are never put
 * on the client's classpath; the server runs in a child JVM.
 */
final class ServerClasspath {
  static final String RESOURCE = "org/asynccassandra/testkit/server/classpath.txt";
  private static final String REPO_TOKEN = "$M2_REPO";
  private static final Pattern LOCAL_REPOSITORY = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>");

  final List<Path> jars;
  final Path jammAgent;

  private ServerClasspath(List<Path> jars, Path jammAgent) {
    this.jars = jars;
    this.jammAgent = jammAgent;
  }

  String asArgument() {
    StringBuilder classpath = new StringBuilder();
    for (Path jar : jars) {
      if (classpath.length() > 0) {
        classpath.append(java.io.File.pathSeparatorChar);
      }
      classpath.append(jar);
    }
    return classpath.toString();
  }

  static ServerClasspath load() {
    String recorded;
    try (InputStream in = ServerClasspath.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new CassandraStartException("The Cassandra server classpath resource " + RESOURCE + " is missing: "
            + "add org.asynccassandra:async-cassandra-testkit-server to the classpath (the testkit depends on it)");
      }
      recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      throw new CassandraStartException("Cannot read " + RESOURCE, unreadable);
    }
    return parse(recorded, localRepository());
  }

  /** Resolves the recorded entries against a local repository and checks that every jar is there. */
  static ServerClasspath parse(String recorded, Path repository) {
    List<Path> jars = new ArrayList<>();
    Path jamm = null;
    List<String> missing = new ArrayList<>();
    for (String entry : recorded.trim().split("[:\\n]")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      Path jar = trimmed.startsWith(REPO_TOKEN)
          ? repository.resolve(trimmed.substring(REPO_TOKEN.length()).replaceFirst("^/", ""))
          : Paths.get(trimmed);
      if (!Files.isRegularFile(jar)) {
        missing.add(jar.toString());
      }
      if (jar.getFileName().toString().startsWith("jamm-")) {
        jamm = jar;
      }
      jars.add(jar);
    }
    if (!missing.isEmpty()) {
      throw new CassandraStartException(missing.size() + " of Cassandra's jars are missing from the local Maven "
          + "repository " + repository + ", for example " + missing.get(0) + "; run "
          + "'mvn -pl async-cassandra-testkit-server install' (or any build of the project) to download them");
    }
    if (jars.isEmpty() || jamm == null) {
      throw new CassandraStartException("The recorded Cassandra classpath in " + RESOURCE
          + " is empty or lacks the jamm agent; rebuild async-cassandra-testkit-server");
    }
    return new ServerClasspath(List.copyOf(jars), jamm);
  }

  /** maven.repo.local, else settings.xml's localRepository, else ~/.m2/repository. */
  static Path localRepository() {
    String property = System.getProperty("maven.repo.local");
    if (property != null && !property.isBlank()) {
      return Paths.get(property);
    }
    Path home = Paths.get(System.getProperty("user.home"));
    Path settings = home.resolve(".m2/settings.xml");
    if (Files.isReadable(settings)) {
      try {
        Matcher matcher = LOCAL_REPOSITORY.matcher(Files.readString(settings, StandardCharsets.UTF_8));
        if (matcher.find()) {
          return Paths.get(matcher.group(1).replace("${user.home}", home.toString()));
        }
      } catch (IOException unreadable) {
        // fall back to the default
      }
    }
    return home.resolve(".m2/repository");
  }
}
