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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.asynccassandra.testkit.CassandraProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real demo end to end, small: embedded server, load, three reads, table, stop. */
class DemoCommandIT {
  @Test
  void should_start_a_server_load_read_three_ways_print_the_table_and_stop() {
    Set<Long> processesBefore = CassandraProcesses.startedByThisJvm();
    // Looked up on the demo's own thread, in the println that says the server is up: it runs then for sure.
    AtomicReference<Set<Long>> processesWhileUp = new AtomicReference<>();
    Captured run = capture(text -> {
      if (processesWhileUp.get() == null && text.contains("Cassandra is up at ")) {
        processesWhileUp.set(CassandraProcesses.startedByThisJvm());
      }
    }, "demo", "--rows", "30000", "--fetch-size", "1000", "--rounds", "1", "--heap", "512M");

    assertThat(run.exitCode).as(run.out + run.err).isZero();
    assertThat(run.err).contains("Loading async_cassandra_demo.events 100%  30,000 rows"); // progress: stderr
    assertThat(run.out)
        .contains("Cassandra is up at 127.0.0.1:")
        .doesNotContain("Loading")
        .contains("driver: ResultSet iteration")
        .contains("driver: fetchNextPage() chain")
        .contains("async-cassandra: executeStream")
        .contains("longest loop stall")
        .contains("Stopping the embedded server");
    assertThat(run.out.lines().filter(line -> line.matches("^(driver|async-cassandra): .*\\s30,000\\s.*")))
        .hasSize(3);
    assertThat(processesWhileUp.get()).as("the Cassandra processes while the demo's server was up")
        .isNotNull().containsAll(processesBefore);
    Set<Long> demoServer = new HashSet<>(processesWhileUp.get());
    demoServer.removeAll(processesBefore);
    assertThat(demoServer).as("the demo's own server, seen while it ran").hasSize(1);
    assertThat(ProcessHandle.of(demoServer.iterator().next()).map(ProcessHandle::isAlive))
        .as("the demo's server after the demo").isNotEqualTo(Optional.of(true));
    assertThat(CassandraProcesses.startedByThisJvm()).isEqualTo(processesBefore);
  }

  /**
   * Ctrl-C while the demo loads: its shutdown hooks stop the embedded server under the load, which then failed
   * and printed an error line ("Unexpected error on channel") beside the JVM's exit. Now one line says that the
   * demo stopped, no error line follows, the exit code is 130 and no Cassandra process is left.
   */
  @Test
  void should_stop_with_one_line_and_no_error_on_ctrl_c_while_loading(@TempDir Path dir) throws Exception {
    Set<Long> processesBefore = CassandraProcesses.all();
    try (CliChild demo = CliChild.start(dir.resolve("demo.log"), "demo", "--rows", "5000000", "--heap", "512M")) {
      await().atMost(Duration.ofMinutes(3)).until(() -> !demo.isAlive()
          || demo.output().contains("Loading async_cassandra_demo.events "));
      demo.assertAlive("while it loaded");
      demo.interrupt();
      assertThat(demo.awaitExit(Duration.ofSeconds(90))).as(demo.output()).isEqualTo(130);
      assertThat(demo.output())
          .contains("Interrupted: the demo stopped before the end; the embedded server was stopped and its folder "
              + "deleted")
          .doesNotContain("error:").doesNotContain("\tat ");
    }
    assertThat(CassandraProcesses.all()).as("Cassandra processes after the demo").isEqualTo(processesBefore);
  }

  @Test
  void should_reject_bad_options_with_one_line_and_exit_code_2() {
    Captured run = capture("demo", "--rows", "0");
    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).contains("--rows must be > 0: 0").doesNotContain("\tat ");
  }

  @Test
  void should_reject_bad_server_and_connection_options_before_starting_a_server(@TempDir Path dir) {
    // These were found only once the embedded server had started (half a minute), or not at all (--keep).
    Map<List<String>, String> cases = new LinkedHashMap<>();
    cases.put(List.of("--heap", "1X"), "--heap must look like 512M or 1G: 1X");
    cases.put(List.of("--config", dir.resolve("missing.conf").toString()), "--config file is not readable");
    cases.put(List.of("--contact-point", "127.0.0.1:1", "--keep"), "--keep keeps the embedded server running");
    // A --config file was read only once the server had started.
    cases.put(List.of("--config", write(dir.resolve("broken.conf"), "datastax-java-driver {")),
        "--config file " + dir.resolve("broken.conf") + " cannot be parsed: line 1: ");
    cases.put(List.of("--config", write(dir.resolve("zero.conf"), "datastax-java-driver.basic.request.timeout = 0")),
        "datastax-java-driver.basic.request.timeout in --config file " + dir.resolve("zero.conf") + " must be > 0: 0");
    assertRefusedBeforeTheServerStarts(cases);
  }

  @Test
  void should_refuse_connection_options_that_the_embedded_server_cannot_use(@TempDir Path dir) {
    // The server has no login, no TLS, and datacenter1: these were taken, and failed (or were ignored) once the
    // server had started.
    String file = write(dir.resolve("secret.txt"), "secret");
    Map<List<String>, String> cases = new LinkedHashMap<>();
    cases.put(List.of("--username", "user", "--password-file", file),
        "--username needs --contact-point: the embedded server has no login");
    cases.put(List.of("--ssl"), "--ssl needs --contact-point: the embedded server has no TLS");
    cases.put(List.of("--truststore", file, "--truststore-password-file", file),
        "--truststore needs --contact-point: the embedded server has no TLS");
    cases.put(List.of("--no-hostname-validation"),
        "--no-hostname-validation needs --contact-point: the embedded server has no TLS");
    cases.put(List.of("--datacenter", "dc2"),
        "--datacenter needs --contact-point: the embedded server's datacenter is datacenter1");
    // The same settings in a --config file.
    String tls = write(dir.resolve("tls.conf"), "datastax-java-driver.advanced.ssl-engine-factory.class = "
        + "DefaultSslEngineFactory\n");
    cases.put(List.of("--config", tls), "--config file " + tls + " turns TLS on (advanced.ssl-engine-factory.class)");
    String login = write(dir.resolve("login.conf"), "datastax-java-driver.advanced.auth-provider.class = "
        + "PlainTextAuthProvider\n");
    cases.put(List.of("--config", login), "--config file " + login + " logs in (advanced.auth-provider.class)");
    String dc = write(dir.resolve("dc.conf"), "datastax-java-driver.basic.load-balancing-policy.local-datacenter"
        + " = dc2\n");
    cases.put(List.of("--config", dc), "--config file " + dc + " names another local datacenter");
    assertRefusedBeforeTheServerStarts(cases);
  }

  /** Runs demo with each case's arguments: a usage error (exit 2) with its message, no stack, no server started. */
  private static void assertRefusedBeforeTheServerStarts(Map<List<String>, String> cases) {
    for (Map.Entry<List<String>, String> bad : cases.entrySet()) {
      List<String> args = new ArrayList<>(List.of("demo", "--rows", "10"));
      args.addAll(bad.getKey());
      Captured run = capture(args.toArray(String[]::new));
      assertThat(run.exitCode).as("%s: %s%s", bad.getKey(), run.out, run.err).isEqualTo(2);
      assertThat(run.err).as(bad.getKey().toString()).contains(bad.getValue()).doesNotContain("\tat ");
      assertThat(run.out).as(bad.getKey().toString()).doesNotContain("Starting an embedded");
    }
  }

  /** Writes {@code text} to {@code file}; returns its path as an argument. */
  private static String write(Path file, String text) {
    try {
      return Files.writeString(file, text).toString();
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    }
  }

  record Captured(int exitCode, String out, String err) {}

  /** A stdout that fails every write, as a closed pipe or a full disk does; counts the writes tried. */
  static final class ClosedPipe extends java.io.OutputStream {
    private final java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void write(int oneByte) throws java.io.IOException {
      write(new byte[] {(byte) oneByte}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
      writes.incrementAndGet();
      throw new java.io.IOException("Broken pipe");
    }

    int writes() {
      return writes.get();
    }
  }

  static Captured capture(String... args) {
    return capture(text -> {}, args);
  }

  /** Runs the CLI with {@code args}; {@code onOut} sees everything printed so far after each write to stdout. */
  static Captured capture(Consumer<String> onOut, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] bytes, int offset, int length) {
        super.write(bytes, offset, length);
        onOut.accept(toString(StandardCharsets.UTF_8));
      }

      @Override
      public synchronized void write(int oneByte) {
        super.write(oneByte);
        onOut.accept(toString(StandardCharsets.UTF_8));
      }
    };
    return capture(out, () -> out.toString(StandardCharsets.UTF_8), args);
  }

  /**
   * Runs the CLI with {@code args} and its stdout written to {@code stdout}; {@code printed} gives what the
   * result reports as printed.
   */
  static synchronized Captured capture(java.io.OutputStream stdout, java.util.function.Supplier<String> printed,
      String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = AsyncCassandraCli.execute(args);
      return new Captured(code, printed.get(), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }
}
