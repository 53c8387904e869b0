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

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downloadable archive as a user gets it: target/async-cassandra-cli-VERSION.tar.gz (built in the package
 * phase) unpacked into an empty folder and run through bin/async-cassandra with a bare environment: PATH holds
 * only the JDK's bin folder, HOME is an empty folder, nothing else (no Maven, no repository, no JAVA_HOME).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class ArchiveIT {
  private static final Pattern JAR = Pattern.compile("(.+?)-(\\d[\\w.]*?)(-native)?\\.jar");

  @TempDir
  static Path unpacked;
  @TempDir
  static Path home;
  private Path installation;
  private String contactPoint;
  private String keyspace;

  @BeforeAll
  void unpack(CqlSession session, TestKeyspace testKeyspace, CassandraServer server) throws Exception {
    Path archive;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      archive = files.filter(file -> file.getFileName().toString().matches("async-cassandra-cli-.*\\.tar\\.gz"))
          .findFirst().orElseThrow(() -> new AssertionError("no target/async-cassandra-cli-*.tar.gz: run mvn package"));
    }
    Process tar = new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", unpacked.toString())
        .redirectErrorStream(true).start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    try (Stream<Path> folders = Files.list(unpacked)) {
      List<Path> top = folders.toList();
      assertThat(top).as("one top folder").hasSize(1);
      installation = top.get(0);
    }
    assertThat(installation.getFileName().toString()).isEqualTo(archive.getFileName().toString().replace(".tar.gz", ""));
    contactPoint = server.contactPoint().getHostString() + ":" + server.contactPoint().getPort();
    keyspace = testKeyspace.name();
    TestData.createSampleTable(session, keyspace, "rows");
    TestData.loadSampleRows(session, keyspace, "rows", 2_000, 50);
  }

  private record Run(int exitCode, String out, String err, long millis) {}

  /** Runs bin/async-cassandra with PATH = the JDK's bin only and HOME = an empty folder. */
  private Run run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), args);
  }

  /** {@link #run(String...)} with these variables added to the bare environment. */
  private Run run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
    return run(List.of(), environment, args);
  }

  /** {@link #run(Map, String...)} through {@code /bin/sh -c 'SHELL_SETUP; exec launcher args'} when given. */
  private Run run(List<String> shellSetup, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (!shellSetup.isEmpty()) {
      command.addAll(List.of("/bin/sh", "-c", String.join("; ", shellSetup) + "; exec \"$0\" \"$@\""));
    }
    command.add(installation.resolve("bin/async-cassandra").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin").toString());
    builder.environment().put("HOME", home.toString());
    builder.environment().putAll(environment);
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    long start = System.nanoTime();
    Process child = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the command ended").isTrue();
    } finally {
      child.destroyForcibly();
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf("bin/async-cassandra %s took %d ms%n", String.join(" ", args), millis);
    return new Run(child.exitValue(), Files.readString(out), Files.readString(err), millis);
  }

  @Test
  void should_hold_launchers_runtime_jars_licenses_readme_completion_and_man_pages() throws IOException {
    assertThat(Files.getPosixFilePermissions(installation.resolve("bin/async-cassandra")))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    assertThat(Files.readString(installation.resolve("bin/async-cassandra.bat"))).contains("\r\n");
    for (String file : List.of("LICENSE", "NOTICE", "README.md", "completion/async-cassandra",
        "man/async-cassandra.1", "man/async-cassandra-export.1", "man/async-cassandra-count.1")) {
      assertThat(installation.resolve(file)).as(file).isRegularFile();
    }
    assertThat(Files.readString(installation.resolve("completion/async-cassandra")))
        .contains("export", "count", "--contact-point", "--password-file").doesNotContain("demo");
    assertThat(Files.readString(installation.resolve("man/async-cassandra-export.1"))).startsWith("'\\\"")
        .contains(".SH \"NAME\"");
    assertThat(Files.readString(installation.resolve("bin/async-cassandra"))).doesNotContain(".m2", "mvn");

    List<String> jars;
    try (Stream<Path> lib = Files.list(installation.resolve("lib"))) {
      jars = lib.map(jar -> jar.getFileName().toString()).sorted().toList();
    }
    assertThat(jars).anyMatch(jar -> jar.startsWith("async-cassandra-cli-"))
        .anyMatch(jar -> jar.startsWith("java-driver-core-"))
        .anyMatch(jar -> jar.startsWith("picocli-4"))
        .noneMatch(jar -> jar.matches("(junit|assertj|awaitility|opentest4j|apiguardian|picocli-codegen"
            + "|async-cassandra-testkit|cassandra-all|hamcrest).*"));
    // NOTICE names every bundled third-party jar with its version.
    String notice = Files.readString(installation.resolve("NOTICE"));
    for (String jar : jars) {
      if (jar.startsWith("async-cassandra-")) {
        continue;
      }
      Matcher name = JAR.matcher(jar);
      assertThat(name.matches()).as(jar).isTrue();
      assertThat(notice).as("NOTICE lists " + jar).contains(name.group(1)).contains(name.group(2));
    }
  }

  @Test
  void should_list_the_commands_it_carries_and_print_export_help_with_only_a_jdk() throws Exception {
    Run help = run("--help");
    assertThat(help.exitCode()).as(help.err()).isZero();
    assertThat(help.out()).contains("export", "count", "help").doesNotContain("demo", "serve", "bench");
    assertThat(help.out().replaceAll("\\s+", " "))
        .contains("export Exports a table as CSV or NDJSON, reading its token ranges in parallel.")
        .contains("count Counts the rows of a table (optionally matching --where), reading its token ranges in"
            + " parallel.");

    Run exportHelp = run("export", "--help");
    assertThat(exportHelp.exitCode()).as(exportHelp.err()).isZero();
    assertThat(exportHelp.out()).contains("--contact-point", "--password-file", "--truststore", "--checkpoint");
    assertThat(exportHelp.err()).isEmpty();
  }

  @Test
  void should_run_on_the_serial_collector_unless_the_options_choose_one() throws Exception {
    assertThat(collector(Map.of())).isEqualTo("Serial");
    assertThat(collector(Map.of("ASYNC_CASSANDRA_JAVA_OPTS", "-XX:+UseParallelGC"))).isEqualTo("Parallel");
    assertThat(collector(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC"))).isEqualTo("G1");
    assertThat(collector(Map.of("JDK_JAVA_OPTIONS", "-XX:+UseParallelGC"))).isEqualTo("Parallel");
    // Word by word: these choose no collector (the pattern matched across the two words, and chose none).
    assertThat(collector(Map.of("ASYNC_CASSANDRA_JAVA_OPTS", "-XX:+UseStringDeduplication -XX:ParallelGCThreads=2")))
        .isEqualTo("Serial");
  }

  /** The collector the JVM of {@code --version} logged it uses, with these variables; the command must succeed. */
  private String collector(Map<String, String> environment) throws Exception {
    Path log = Files.createTempFile(home, "gc", ".log");
    Map<String, String> withLog = new HashMap<>(environment);
    withLog.merge("ASYNC_CASSANDRA_JAVA_OPTS", "-Xlog:gc:file=" + log, (given, added) -> given + " " + added);
    Run version = run(withLog, "--version");
    assertThat(version.exitCode()).as(version.err()).isZero();
    assertThat(version.out()).contains("async-cassandra");
    Matcher using = Pattern.compile("Using (\\w+)").matcher(Files.readString(log));
    assertThat(using.find()).as("the GC log names its collector: " + Files.readString(log)).isTrue();
    return using.group(1);
  }

  @Test
  void should_start_and_keep_its_class_archive_in_a_cache_folder_whose_path_has_spaces() throws Exception {
    Path jdk = jdkWithClassArchives();
    Path cache = Files.createDirectories(home.resolve("cache with spaces"));
    // Made here: the launcher makes it with mkdir, which the bare PATH of these runs (the JDK only) lacks.
    Files.createDirectories(cache.resolve("async-cassandra"));
    Map<String, String> environment = Map.of("JAVA_HOME", jdk.toString(), "XDG_CACHE_HOME", cache.toString());
    Run first = run(environment, "--version"); // builds the archive in a JVM of its own, then runs
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("async-cassandra");
    assertThat(first.err()).as("nothing on stderr when it is no terminal").isEmpty();
    assertThat(archiveFiles(cache)).singleElement().asString().startsWith("cli-").endsWith(".jsa");

    Path classes = home.resolve("archived-classes.log");
    Run second = run(Map.of("JAVA_HOME", jdk.toString(), "XDG_CACHE_HOME", cache.toString(),
        "ASYNC_CASSANDRA_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), "count", "--contact-point",
        "127.0.0.1:1", "--keyspace", "ks", "--table", "t");
    assertThat(second.exitCode()).as("no node there").isEqualTo(1);
    assertThat(second.err()).startsWith("error: cannot connect to 127.0.0.1:1");
    List<String> loaded = Files.readAllLines(classes);
    long archived = loaded.stream().filter(line -> line.contains("shared objects file (top)")).count();
    long fromJars = loaded.stream().filter(line -> line.contains("source: jar") || line.contains("source: file"))
        .count();
    assertThat(archived).as("the classes of a count until it connects come from the archive (%d from jars)",
        fromJars).isGreaterThan(10 * fromJars);
    Files.delete(classes);
  }

  @Test
  void should_keep_the_commands_exit_code_when_the_class_archive_cannot_be_written() throws Exception {
    Path jdk = jdkWithClassArchives();
    Path cache = Files.createDirectories(home.resolve("full-disk-cache"));
    Files.createDirectories(cache.resolve("async-cassandra"));
    Map<String, String> environment = Map.of("JAVA_HOME", jdk.toString(), "XDG_CACHE_HOME", cache.toString());
    // No file over 1 MiB (the archive is about 20): as a full disk. The JVM that wrote its archive at its
    // exit failed there with exit code 1, whatever its command did, run after run.
    Run full = run(List.of("ulimit -f 2048"), environment, "--version");
    assertThat(full.exitCode()).as(full.err()).isZero();
    assertThat(full.out()).contains("async-cassandra");
    assertThat(full.err()).isEmpty();
    assertThat(archiveFiles(cache)).singleElement().asString().endsWith(".jsa.failed");
    Path failed = cache.resolve("async-cassandra").resolve(archiveFiles(cache).get(0));
    assertThat(Files.readString(failed)).contains("was not built").contains("Delete this file to try again");

    Run skipped = run(environment, "--version"); // does not try again for this installation
    assertThat(skipped.exitCode()).as(skipped.err()).isZero();
    assertThat(archiveFiles(cache)).singleElement().asString().endsWith(".jsa.failed");

    Files.delete(failed);
    Run again = run(environment, "--version");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(archiveFiles(cache)).singleElement().asString().endsWith(".jsa");

    // An archive no JVM can map (zeros: as a kill while it was written would have left) only costs the speed-up.
    Path archive = cache.resolve("async-cassandra").resolve(archiveFiles(cache).get(0));
    Files.write(archive, new byte[64 * 1024]);
    Run zeros = run(environment, "count", "--contact-point", "127.0.0.1:1", "--keyspace", "ks", "--table", "t");
    assertThat(zeros.exitCode()).isEqualTo(1);
    assertThat(zeros.err()).startsWith("error: cannot connect to 127.0.0.1:1").doesNotContain("warning", "CDS");
  }

  /** The files of the launcher's cache folder but its lock, by name: no temporary file is ever left. */
  private static List<String> archiveFiles(Path cache) throws IOException {
    try (Stream<Path> files = Files.list(cache.resolve("async-cassandra"))) {
      return files.map(path -> path.getFileName().toString()).filter(name -> !name.equals(".class-archive.lock"))
          .sorted().toList();
    }
  }

  /** A JDK of version 19 or newer (the launcher's AppCDS needs one): this JVM's, or one in /usr/lib/jvm. */
  private static Path jdkWithClassArchives() throws IOException {
    List<Path> candidates = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
    Path installed = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(installed)) {
      try (Stream<Path> homes = Files.list(installed)) {
        homes.sorted().forEach(candidates::add);
      }
    }
    Pattern version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    for (Path candidate : candidates) {
      Path release = candidate.resolve("release");
      if (Files.isRegularFile(release) && Files.isExecutable(candidate.resolve("bin/java"))) {
        Matcher major = version.matcher(Files.readString(release));
        if (major.find() && Integer.parseInt(major.group(1)) >= 19) {
          return candidate;
        }
      }
    }
    Assumptions.abort("no JDK 19 or newer in " + candidates + ": the launcher uses AppCDS only from 19");
    throw new AssertionError("unreachable");
  }

  @Test
  void should_say_where_the_demo_lives() throws Exception {
    Run demo = run("demo", "--rows", "10");
    assertThat(demo.exitCode()).isEqualTo(1);
    assertThat(demo.err()).startsWith("error: demo starts an embedded Cassandra, which this installation does not "
        + "carry; run ./async-cassandra demo in a clone of the repository");
  }

  @Test
  void should_count_a_table_with_only_a_jdk_and_never_load_jnr() throws Exception {
    Path classes = home.resolve("classes.log");
    Run count = run(Map.of("ASYNC_CASSANDRA_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), "count",
        "--contact-point", contactPoint, "--keyspace", keyspace, "--table", "rows");
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.out().strip()).isEqualTo("2000");
    assertThat(count.err()).contains("every range was read in full").doesNotContain("WARN", "Exception");
    // The driver's native clock would load jnr-ffi and link jffi's library: half a second of every start.
    assertThat(Files.readAllLines(classes)).as("the classes the count loaded").hasSizeGreaterThan(1000)
        .noneMatch(line -> line.contains(" jnr.") || line.contains(" com.kenai.jffi."));
    Files.delete(classes);
    try (Stream<Path> left = Files.walk(home)) {
      assertThat(left.map(path -> home.relativize(path).toString()))
          .as("nothing written to HOME").noneMatch(path -> path.startsWith(".m2"));
    }
  }
}
