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
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
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
 * download leave either the whole jar or nothing (a JVM killed outright may leave a {@code .part} file beside
 * it, never the jar itself). Runs on the thread that starts the server; no thread of
 * its own.
 */
final class ServerJarDownload {
  /** System property naming the remote repository to fetch from, for example a company mirror. */
  static final String REPOSITORY_PROPERTY = "asynccassandra.testkit.mavenRepository";
  /** Environment variable naming the remote repository, used when the system property is not set. */
  static final String REPOSITORY_ENV = "ASYNC_CASSANDRA_MAVEN_REPOSITORY";
  static final URI CENTRAL = URI.create("https://repo.maven.apache.org/maven2/");
  /** The Maven command that puts the server's jars in the local repository, but for its version. */
  static final String DEPENDENCY_GET =
      "mvn dependency:get -Dartifact=org.asynccassandra:async-cassandra-testkit-server:";
  private static final Logger LOG = LoggerFactory.getLogger(ServerJarDownload.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_REDIRECTS = 5;
  private static final int SHA1_HEX = 40;

  private final URI remote;
  private final String authorization; // null without user information
  private final Duration readTimeout;

  ServerJarDownload(URI remote) {
    this(remote, READ_TIMEOUT);
  }

  /**
   * A download from {@code remote}; user information in it ({@code https://user:password@host/...}) is sent
   * as HTTP basic authentication to that host only, and never logged.
   */
  ServerJarDownload(URI remote, Duration readTimeout) {
    String text = remote.toString();
    URI withSlash = text.endsWith("/") ? remote : URI.create(text + "/");
    String userInfo = withSlash.getRawUserInfo();
    this.authorization = userInfo == null ? null : "Basic " + Base64.getEncoder().encodeToString(
        URLDecoder.decode(userInfo, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
    this.remote = userInfo == null ? withSlash : URI.create(text.replace(userInfo + "@", "")
        + (text.endsWith("/") ? "" : "/"));
    this.readTimeout = readTimeout;
  }

  /** The remote repository this JVM is configured for: the system property, else the variable, else Central. */
  static ServerJarDownload configured() {
    String property = System.getProperty(REPOSITORY_PROPERTY);
    String variable = System.getenv(REPOSITORY_ENV);
    boolean fromProperty = property != null && !property.isBlank();
    String chosen = fromProperty ? property : variable != null && !variable.isBlank() ? variable : null;
    if (chosen == null) {
      return new ServerJarDownload(CENTRAL);
    }
    String source = fromProperty ? "system property " + REPOSITORY_PROPERTY : "environment variable " + REPOSITORY_ENV;
    try {
      URI uri = new URI(chosen.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!List.of("http", "https", "file").contains(scheme) || !uri.isAbsolute() || uri.isOpaque()
          || (!scheme.equals("file") && uri.getHost() == null)) {
        throw new IllegalArgumentException("not an absolute http, https or file URL with a host");
      }
      return new ServerJarDownload(uri);
    } catch (URISyntaxException | IllegalArgumentException bad) {
      throw new CassandraStartException("The Maven repository named by " + source + " is not a repository URL ("
          + bad.getMessage() + "); give one such as " + CENTRAL, bad);
    }
  }

  /** The remote repository, without user information. */
  URI remote() {
    return remote;
  }

  /**
   * Fetches the given jars into {@code repository}, one after another, skipping those already there (another
   * JVM may have fetched them meanwhile).
   *
   * @param repository the local repository
   * @param jars paths inside {@code repository}, in Maven's layout
   * @throws CassandraStartException naming the jar, its URL and the cause, when one cannot be fetched or
   *     its checksum differs; the jars fetched before it stay (each is whole)
   */
  void fetch(Path repository, List<Path> jars) {
    long start = System.nanoTime();
    long bytes = 0;
    int fetched = 0;
    LOG.info("Fetching {} jars of the Cassandra server from {} into {} (once per machine)", jars.size(), remote,
        repository);
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar)) {
        bytes += fetchOne(repository, jar);
        fetched++;
      }
    }
    LOG.info("Fetched {} jars ({} MB) in {} s", fetched, bytes >> 20,
        Duration.ofNanos(System.nanoTime() - start).toSeconds());
  }

  private long fetchOne(Path repository, Path jar) {
    String relative = repository.relativize(jar).toString().replace(jar.getFileSystem().getSeparator(), "/");
    URI uri = remote.resolve(relative);
    // Made here, not with Files.createTempFile (owner-only): the jar gets the umask's permissions, as Maven's.
    Path temporary = jar.resolveSibling(jar.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      String expected = expectedSha1(remote.resolve(relative + ".sha1"));
      Files.createDirectories(jar.getParent());
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      long size;
      try (InputStream in = open(uri);
          OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW)) {
        temporary.toFile().deleteOnExit(); // a JVM stopped by a signal mid-download leaves no part behind
        size = copy(in, out, digest);
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (!actual.equals(expected)) {
        throw new CassandraStartException("The server jar " + uri + " has SHA-1 " + actual + ", but the repository "
            + "publishes " + expected + ": not installed. A mirror or proxy may be serving another file; "
            + "fetch it again, or name another repository with -D" + REPOSITORY_PROPERTY + "=URL");
      }
      install(temporary, jar);
      LOG.debug("Fetched {} ({} bytes)", uri, size);
      return size;
    } catch (IOException failed) {
      if (failed instanceof InterruptedIOException && !(failed instanceof SocketTimeoutException)) {
        Thread.currentThread().interrupt();
        throw new CassandraStartException("Interrupted while fetching the server jar " + uri, failed);
      }
      throw new CassandraStartException("Cannot fetch the server jar " + uri + " into " + jar + ": " + failed
          + ". Check the network, or name a reachable repository (a mirror; Maven's settings.xml is not read, "
          + "the JVM's https.proxyHost and https.proxyPort are) with -D" + REPOSITORY_PROPERTY + "=URL or "
          + REPOSITORY_ENV + ", or fetch the jars with Maven: " + DEPENDENCY_GET + testkitVersion(), failed);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("Every Java platform has SHA-1", impossible);
    } finally {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException ignored) {
        LOG.warn("Cannot delete the partial download {}", temporary);
      }
    }
  }

  private String expectedSha1(URI uri) throws IOException {
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

  /** Opens {@code uri}, following up to {@value #MAX_REDIRECTS} redirects (http to https too, never back). */
  private InputStream open(URI uri) throws IOException {
    URI current = uri;
    for (int redirects = 0; ; redirects++) {
      URLConnection connection = current.toURL().openConnection();
      connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      connection.setReadTimeout((int) readTimeout.toMillis());
      connection.setRequestProperty("User-Agent", "async-cassandra-testkit/" + testkitVersion());
      if (!(connection instanceof HttpURLConnection http)) {
        return connection.getInputStream();
      }
      http.setInstanceFollowRedirects(false);
      if (authorization != null && Objects.equals(current.getHost(), remote.getHost())) {
        http.setRequestProperty("Authorization", authorization);
      }
      int status = http.getResponseCode();
      if (status == HttpURLConnection.HTTP_OK) {
        return http.getInputStream();
      }
      String location = http.getHeaderField("Location");
      http.disconnect();
      boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
      if (!redirect || location == null) {
        throw new IOException("HTTP " + status + " for " + current);
      }
      URI next = current.resolve(location);
      if (redirects == MAX_REDIRECTS || !List.of("http", "https").contains(String.valueOf(next.getScheme()))
          || (current.getScheme().equals("https") && next.getScheme().equals("http"))) {
        throw new IOException("HTTP " + status + " for " + current + " redirects to " + next
            + (redirects == MAX_REDIRECTS ? ", after " + MAX_REDIRECTS + " redirects" : ", which is not followed"));
      }
      current = next;
    }
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

  /**
   * Moves a checked download into place. Another JVM may have put the same jar there meanwhile: then that one
   * stays (on Windows a jar a running server holds open cannot be replaced).
   */
  private static void install(Path temporary, Path jar) throws IOException {
    if (Files.isRegularFile(jar)) {
      return;
    }
    try {
      Files.move(temporary, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException notAtomic) {
      Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException failed) {
      if (!Files.isRegularFile(jar)) {
        throw failed;
      }
    }
  }

  /** The version of async-cassandra-testkit-server on the classpath, from the pom.properties in its jar. */
  static String testkitVersion() {
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
