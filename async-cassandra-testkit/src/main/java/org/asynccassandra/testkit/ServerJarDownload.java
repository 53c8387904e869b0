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

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the server jars that the local Maven repository lacks from a remote Maven repository, Maven
 * Central unless {@value #REPOSITORY_PROPERTY} or {@value #REPOSITORY_ENV} names another (a mirror).
 *
 * <p>The testkit depends on async-cassandra-testkit-server with every transitive dependency excluded, so
 * that Cassandra's jars never reach the client's classpath. A project that takes the testkit from Maven
 * Central therefore has none of them in its local repository; this puts them there, where Maven itself
 * would, each checked against the SHA-1 the remote repository publishes beside it. A jar is written to a
 * temporary file in its folder and moved into place whole, so concurrent test JVMs and an interrupted
 * download leave either the whole jar or nothing. Runs on the thread that starts the server; no thread of
 * its own.
 */
final class ServerJarDownload {
  /** System property naming the remote repository to fetch from, for example a company mirror. */
  static final String REPOSITORY_PROPERTY = "asynccassandra.testkit.mavenRepository";
  /** Environment variable naming the remote repository, used when the system property is not set. */
  static final String REPOSITORY_ENV = "ASYNC_CASSANDRA_MAVEN_REPOSITORY";
  static final URI CENTRAL = URI.create("https://repo.maven.apache.org/maven2/");
  private static final Logger LOG = LoggerFactory.getLogger(ServerJarDownload.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final int SHA1_HEX = 40;

  private final URI remote;

  ServerJarDownload(URI remote) {
    String text = remote.toString();
    this.remote = text.endsWith("/") ? remote : URI.create(text + "/");
  }

  /** The remote repository this JVM is configured for: the system property, else the variable, else Central. */
  static ServerJarDownload configured() {
    String property = System.getProperty(REPOSITORY_PROPERTY);
    String variable = System.getenv(REPOSITORY_ENV);
    String chosen = property != null && !property.isBlank() ? property
        : variable != null && !variable.isBlank() ? variable : null;
    if (chosen == null) {
      return new ServerJarDownload(CENTRAL);
    }
    try {
      URI uri = new URI(chosen.trim());
      if (uri.getScheme() == null || !List.of("http", "https", "file").contains(uri.getScheme())) {
        throw new IllegalArgumentException("not an http, https or file URL");
      }
      return new ServerJarDownload(uri);
    } catch (java.net.URISyntaxException | IllegalArgumentException bad) {
      throw new CassandraStartException("The Maven repository '" + chosen + "' named by "
          + (property != null && !property.isBlank() ? "system property " + REPOSITORY_PROPERTY
              : "environment variable " + REPOSITORY_ENV)
          + " is not a repository URL (" + bad.getMessage() + "); give one such as " + CENTRAL, bad);
    }
  }

  URI remote() {
    return remote;
  }

  /**
   * Fetches the given jars into {@code repository}, one after another, skipping those already there.
   *
   * @param repository the local repository
   * @param jars paths inside {@code repository}, in Maven's layout
   * @throws CassandraStartException naming the jar, its URL and the cause, when one cannot be fetched or
   *     its checksum differs; the jars fetched before it stay (each is whole)
   */
  void fetch(Path repository, List<Path> jars) {
    long start = System.nanoTime();
    long bytes = 0;
    LOG.info("Fetching {} jars of the Cassandra server from {} into {} (once per machine)", jars.size(), remote,
        repository);
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar)) {
        bytes += fetchOne(repository, jar);
      }
    }
    LOG.info("Fetched {} jars ({} MB) in {} s", jars.size(), bytes >> 20,
        Duration.ofNanos(System.nanoTime() - start).toSeconds());
  }

  private long fetchOne(Path repository, Path jar) {
    String relative = repository.relativize(jar).toString().replace(jar.getFileSystem().getSeparator(), "/");
    URI uri = remote.resolve(relative);
    Path temporary = null;
    try {
      String expected = expectedSha1(remote.resolve(relative + ".sha1"));
      Files.createDirectories(jar.getParent());
      temporary = Files.createTempFile(jar.getParent(), jar.getFileName().toString(), ".part");
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      long size;
      try (InputStream in = open(uri); OutputStream out = Files.newOutputStream(temporary)) {
        size = copy(in, out, digest);
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (!actual.equals(expected)) {
        throw new CassandraStartException("The server jar " + uri + " has SHA-1 " + actual + ", but the repository "
            + "publishes " + expected + ": not installed. A mirror or proxy may be serving another file; "
            + "fetch it again, or name another repository with -D" + REPOSITORY_PROPERTY + "=URL");
      }
      move(temporary, jar);
      temporary = null;
      LOG.debug("Fetched {} ({} bytes)", uri, size);
      return size;
    } catch (InterruptedIOException interrupted) {
      Thread.currentThread().interrupt();
      throw new CassandraStartException("Interrupted while fetching the server jar " + uri, interrupted);
    } catch (IOException failed) {
      throw new CassandraStartException("Cannot fetch the server jar " + uri + " into " + jar + ": " + failed
          + ". Check the network, or name a reachable repository (a mirror) with -D" + REPOSITORY_PROPERTY
          + "=URL or " + REPOSITORY_ENV + ", or fetch the jars with Maven: mvn dependency:get -Dartifact="
          + "org.asynccassandra:async-cassandra-testkit-server:" + testkitVersion(), failed);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("Every Java platform has SHA-1", impossible);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          LOG.warn("Cannot delete the partial download {}", temporary);
        }
      }
    }
  }

  private static String expectedSha1(URI uri) throws IOException {
    String text;
    try (InputStream in = open(uri)) {
      text = new String(in.readNBytes(1024), StandardCharsets.US_ASCII).trim();
    }
    // The file holds the hash, sometimes followed by the file's name.
    String hash = text.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    if (hash.length() != SHA1_HEX || !hash.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new IOException("the checksum file " + uri + " holds no SHA-1");
    }
    return hash;
  }

  private static InputStream open(URI uri) throws IOException {
    URLConnection connection = uri.toURL().openConnection();
    connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
    connection.setRequestProperty("User-Agent", "async-cassandra-testkit/" + testkitVersion());
    if (connection instanceof HttpURLConnection http) {
      int status = http.getResponseCode();
      if (status != HttpURLConnection.HTTP_OK) {
        http.disconnect();
        throw new IOException("HTTP " + status + " for " + uri);
      }
    }
    return connection.getInputStream();
  }

  private static long copy(InputStream in, OutputStream out, MessageDigest digest) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
      digest.update(buffer, 0, read);
      out.write(buffer, 0, read);
      total += read;
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted after " + total + " bytes");
      }
    }
    return total;
  }

  private static void move(Path temporary, Path jar) throws IOException {
    try {
      Files.move(temporary, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException notAtomic) {
      Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The version of async-cassandra-testkit-server on the classpath, from the pom.properties in its jar. */
  private static String testkitVersion() {
    try (InputStream in = ServerJarDownload.class.getClassLoader().getResourceAsStream(
        "META-INF/maven/org.asynccassandra/async-cassandra-testkit-server/pom.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null) {
          return version;
        }
      }
    } catch (IOException unreadable) {
      // named as VERSION below
    }
    return "VERSION";
  }
}
