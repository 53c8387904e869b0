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
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's launcher script ({@code ./async-cassandra}) on a copy of itself, with hand-written {@code mvn}
 * and {@code java} scripts in place of the real ones: when it builds, what it leaves behind when a build
 * fails, and what it runs.
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "async-cassandra");

  @TempDir
  Path root;
  private Path bin;
  private Path calls;
  private Path source;
  private Path stamp;
  /** JAVA_HOME of the launches: none unless a test sets one. */
  private @Nullable Path javaHome;

  @BeforeEach
  void copyTheLauncher() throws IOException {
    Files.copy(LAUNCHER, root.resolve("async-cassandra"));
    source = root.resolve("async-cassandra-cli/src/main/java/Example.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "class Example {}\n");
    stamp = root.resolve("async-cassandra-cli/target/async-cassandra.classpath");
    bin = Files.createDirectories(root.resolve("fake/bin"));
    calls = root.resolve("fake/calls");
    // mvn: records each call; prints the SLF4J line some Maven installations print on every run; fails the
    // build when fake/fail exists; writes the dependencies' classpath file.
    script(bin.resolve("mvn"), """
        #!/usr/bin/env bash
        echo "mvn $*" >> "$FAKE/calls"
        echo 'SLF4J: Failed to load class "org.slf4j.impl.StaticLoggerBinder".'
        for arg in "$@"; do
          case "$arg" in
            install) echo $$ > "$FAKE/mvn.pid"
                     echo start >> "$FAKE/builds"
                     if [ -f "$FAKE/hold" ]; then while [ ! -f "$FAKE/go" ] && [ -d "$FAKE" ]; do sleep 0.05; done; fi
                     echo end >> "$FAKE/builds"
                     if [ -f "$FAKE/fail" ]; then echo "[ERROR] COMPILATION ERROR: Example.java"; exit 1; fi;
                     mkdir -p async-cassandra-cli/target/classes ;;
            -Dmdep.outputFile=*) echo "/deps/driver.jar" > "${arg#-Dmdep.outputFile=}" ;;
          esac
        done
        """);
    script(bin.resolve("java"), """
        #!/usr/bin/env bash
        echo "java $*" >> "$FAKE/calls"
        """);
  }

  @Test
  void should_build_on_first_use_and_run_the_cli_on_the_built_classpath() throws Exception {
    Run run = launch("count", "--help");

    assertThat(run.exit()).isZero();
    assertThat(calls()).hasSize(3);
    assertThat(calls().get(0)).startsWith("mvn ").contains("install -pl async-cassandra-cli -am");
    assertThat(calls().get(1)).startsWith("mvn ").contains("dependency:build-classpath");
    assertThat(calls().get(2)).startsWith("java ")
        .contains("-cp " + root.toAbsolutePath().resolve("async-cassandra-cli/target/classes") + ":/deps/driver.jar")
        // What the shell's [ -t 2 ] says of stderr (a file here), which Java cannot ask of stderr alone.
        .contains("-Dasynccassandra.stderr.terminal=false")
        .endsWith("org.asynccassandra.cli.AsyncCassandraCli count --help");
    assertThat(stamp).exists();
  }

  @Test
  void should_not_build_again_while_no_source_changed() throws Exception {
    launch("count", "--help");
    Files.delete(calls);

    Run again = launch("count", "--help");

    assertThat(again.exit()).isZero();
    assertThat(calls()).singleElement().asString().startsWith("java ");
  }

  @Test
  void should_build_again_after_a_failed_build_even_when_no_source_is_newer_than_the_last_stamp()
      throws Exception {
    launch("count", "--help");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60))); // edited since
    Files.createFile(root.resolve("fake/fail"));
    Files.delete(calls);

    Run failed = launch("count", "--help");

    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.errors()).contains("[ERROR] COMPILATION ERROR: Example.java")
        .doesNotContain("SLF4J");
    assertThat(calls()).noneMatch(call -> call.startsWith("java "));
    assertThat(stamp).doesNotExist();

    // The edit is undone with its old time (a restored file): no source is newer than the last good build.
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().minusSeconds(3600)));
    Files.delete(root.resolve("fake/fail"));
    Files.delete(calls);

    Run fixed = launch("count", "--help");

    assertThat(fixed.exit()).isZero();
    assertThat(calls()).hasSize(3);
    assertThat(calls().get(0)).contains("install");
    assertThat(calls().get(2)).startsWith("java ");
  }

  @Test
  void should_build_once_when_two_first_launches_run_at_once() throws Exception {
    // Both built, in the same target folders, and one could read the other's half-written dependency list:
    // its stamp then held no dependency, and every launch ran without the driver until a source changed.
    Files.createFile(root.resolve("fake/hold"));
    Started first = start("count", "--help");
    await().atMost(Duration.ofSeconds(30)).until(() -> calls().stream().anyMatch(call -> call.contains("install")));
    Started second = start("export", "--help");
    Files.createFile(root.resolve("fake/go"));

    assertThat(first.end().exit()).as(first.end().errors()).isZero();
    assertThat(second.end().exit()).as(second.end().errors()).isZero();
    assertThat(calls()).filteredOn(call -> call.startsWith("mvn ")).as("one build").hasSize(2);
    assertThat(calls()).filteredOn(call -> call.startsWith("java ")).hasSize(2)
        .allSatisfy(call -> assertThat(call).contains(":/deps/driver.jar"));
    assertThat(Files.readString(stamp)).contains(":/deps/driver.jar");
  }

  @Test
  void should_build_one_module_at_a_time_when_two_commands_first_launch_at_once() throws Exception {
    // The lock was the module's: count and serve (or demo and bench) launched at once each built core and the
    // testkit (-am) at the same time, in the same target folders.
    Files.createFile(root.resolve("fake/hold"));
    Started first = start("count", "--help");
    await().atMost(Duration.ofSeconds(30)).until(() -> calls().stream().anyMatch(call -> call.contains("install")));
    Started second = start("serve", "--port", "0"); // its own module (serve --help goes to the CLI)
    // Either its build started as well (two at once), or the second launch waits for the lock.
    await().atMost(Duration.ofSeconds(30)).until(() -> calls().stream().filter(call -> call.contains("install"))
        .count() == 2 || second.process().descendants().anyMatch(child -> child.info().command()
            .filter(command -> command.endsWith("/flock")).isPresent()));
    Files.createFile(root.resolve("fake/go"));

    assertThat(first.end().exit()).as(first.end().errors()).isZero();
    assertThat(second.end().exit()).as(second.end().errors()).isZero();
    assertThat(Files.readAllLines(root.resolve("fake/builds"))).as("one build, then the other")
        .containsExactly("start", "end", "start", "end");
  }

  @Test
  void should_stop_maven_when_the_launcher_is_terminated_during_the_build() throws Exception {
    // Maven ran on, orphaned, after a TERM to the launcher (a Ctrl+C reaches the whole process group anyway).
    Files.createFile(root.resolve("fake/hold"));
    Started launch = start("count", "--help");
    Path pidFile = root.resolve("fake/mvn.pid");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long maven = Long.parseLong(Files.readString(pidFile).strip());
    try {
      launch.process().destroy(); // SIGTERM to the launcher only

      assertThat(launch.end().exit()).isEqualTo(143);
      await("Maven stopped with the launcher").atMost(Duration.ofSeconds(30))
          .until(() -> ProcessHandle.of(maven).map(handle -> !handle.isAlive()).orElse(true));
      assertThat(stamp).doesNotExist();
      // The build's own files (its start time, the dependency list) stayed in target/, one pair per stopped build.
      try (var files = Files.list(stamp.getParent())) {
        assertThat(files.map(file -> file.getFileName().toString()))
            .noneMatch(name -> name.startsWith("async-cassandra.classpath."));
      }
    } finally {
      Files.createFile(root.resolve("fake/go")); // lets an orphan end
    }
  }

  @Test
  void should_build_again_when_a_source_is_saved_during_the_build() throws Exception {
    // The stamp was written when the build ended: a source saved while it ran was older than the stamp, and was
    // never built.
    Files.createFile(root.resolve("fake/hold"));
    Started launch = start("count", "--help");
    await().atMost(Duration.ofSeconds(30)).until(() -> calls().stream().anyMatch(call -> call.contains("install")));
    Files.writeString(source, "class Example { int edited; }\n");
    Files.createFile(root.resolve("fake/go"));
    assertThat(launch.end().exit()).isZero();
    Files.delete(calls);

    Run next = launch("count", "--help");

    assertThat(next.exit()).isZero();
    assertThat(calls()).as("built again").anyMatch(call -> call.contains("install"));
  }

  @Test
  void should_send_help_bench_to_the_bench_module_and_other_help_to_the_cli() throws Exception {
    javaHome = root.resolve("fake"); // else the bench prefers a JDK of /usr/lib/jvm: this test's java is fake/bin

    Run bench = launch("help", "bench");
    Run export = launch("help", "export");

    assertThat(bench.exit()).isZero();
    assertThat(export.exit()).isZero();
    List<String> javaCalls = calls().stream().filter(call -> call.startsWith("java ")).toList();
    assertThat(javaCalls).hasSize(2);
    assertThat(javaCalls.get(0)).contains("async-cassandra-bench/target/classes")
        .endsWith("org.asynccassandra.bench.BenchCommand --help")
        .as("no 4 GiB heap reserved and touched for the help").doesNotContain("-Xms4g");
    assertThat(javaCalls.get(1)).endsWith("org.asynccassandra.cli.AsyncCassandraCli help export");
    Files.delete(calls);
    assertThat(launch("bench", "--size", "tiny").exit()).isZero();
    assertThat(calls()).filteredOn(call -> call.startsWith("java ")).singleElement().asString()
        .as("a run's fixed heap").contains("-Xms4g");
  }

  /** serve --spring --help went to Spring Boot as a property: it started Cassandra and a web server. */
  @Test
  void should_send_the_help_of_serve_with_or_without_spring_to_the_cli() throws Exception {
    for (List<String> arguments : List.of(List.of("serve", "--spring", "--help"), List.of("spring", "-h"),
        List.of("serve-spring", "--mvc", "--help"), List.of("serve", "--help"))) {
      Files.deleteIfExists(calls);
      Run help = launch(arguments.toArray(String[]::new));

      assertThat(help.exit()).as("%s", arguments).isZero();
      List<String> javaCalls = calls().stream().filter(call -> call.startsWith("java ")).toList();
      assertThat(javaCalls).as("%s", arguments).hasSize(1);
      assertThat(javaCalls.get(0)).as("%s", arguments)
          .endsWith("org.asynccassandra.cli.AsyncCassandraCli help serve");
    }
  }

  /** A launch under way. */
  private record Started(Process process, Path errors) {
    Run end() throws Exception {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
      return new Run(process.exitValue(), Files.readString(errors, StandardCharsets.UTF_8));
    }
  }

  private Run launch(String... arguments) throws Exception {
    return start(arguments).end();
  }

  private Started start(String... arguments) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("async-cassandra").toString()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.environment().put("PATH", bin + ":/usr/bin:/bin");
    builder.environment().put("FAKE", root.resolve("fake").toString());
    if (javaHome == null) {
      builder.environment().remove("JAVA_HOME");
    } else {
      builder.environment().put("JAVA_HOME", javaHome.toString());
    }
    builder.environment().remove("ASYNC_CASSANDRA_JAVA_OPTS");
    Path errors = Files.createTempFile(root, "stderr", ".txt");
    Process process = builder.redirectError(errors.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    return new Started(process, errors);
  }

  private List<String> calls() throws IOException {
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private static void script(Path path, String text) throws IOException {
    Files.writeString(path, text);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(int exit, String errors) {}
}
