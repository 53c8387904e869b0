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
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The CLI in a JVM of its own (this test JVM's {@code java} and class path), its standard output and error in
 * one log file, which every failure of the child quotes: a test that fails on a child's exit code, on a
 * child that ended too soon or on one that did not end shows what the child printed. A child that does not
 * exit in time is first asked for a thread dump (SIGQUIT, which the JVM prints into the same log), then
 * killed, so that a hang names where it hung. {@link #close()} kills it whatever happened.
 */
final class CliChild implements AutoCloseable {
  /** How long a child may take to write its thread dump once asked. */
  private static final Duration DUMP_TIMEOUT = Duration.ofSeconds(10);
  /** The last line of a HotSpot thread dump. */
  private static final String DUMP_END = "JNI global refs";

  private final Process process;
  private final Path log;
  private final String command;

  private CliChild(Process process, Path log, String command) {
    this.process = process;
    this.log = log;
    this.command = command;
  }

  /** Starts {@code args} (a command and its options), its output in {@code log}. */
  static CliChild start(Path log, String... args) throws IOException {
    return start(log, Map.of(), List.of(args));
  }

  /** Starts {@code args} with {@code environment} added to this JVM's, its output in {@code log}. */
  static CliChild start(Path log, Map<String, String> environment, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), AsyncCassandraCli.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return new CliChild(builder.start(), log, args.isEmpty() ? "(no command)" : args.get(0));
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The child's exit code; it must have exited. */
  int exitCode() {
    return process.exitValue();
  }

  /** Everything the child printed so far. */
  String output() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
  }

  /** What the child printed so far, line by line. */
  List<String> outputLines() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
  }

  /**
   * Waits for the child to exit and returns its exit code. If it does not exit within {@code timeout}, it
   * prints a thread dump into its log, is killed, and the test fails with its whole output.
   */
  int awaitExit(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      dumpThreads();
      close();
      fail("The CLI's %s did not exit within %s. Its output, ending with its threads when it was killed:%n%s",
          command, timeout, output());
    }
    return process.exitValue();
  }

  /** Sends SIGINT to the child, as Ctrl-C does to a terminal's command, and checks that {@code kill} sent it. */
  void interrupt() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).redirectErrorStream(true).start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).as("kill -INT ended").isTrue();
    assertThat(kill.exitValue()).as("kill -INT's exit code").isZero();
  }

  /** Fails, with the child's output, unless it still runs ({@code when}: at what point of the test). */
  void assertAlive(String when) throws IOException {
    if (!process.isAlive()) {
      fail("The CLI's %s had already exited with code %d %s. Its output:%n%s", command, exitCode(), when,
          output());
    }
  }

  /**
   * Asks the child's JVM for a thread dump (SIGQUIT) and waits until its log holds it, or the child is gone,
   * or {@link #DUMP_TIMEOUT} passed: it only adds to a failure's message, so it never fails by itself.
   */
  private void dumpThreads() throws IOException, InterruptedException {
    Process quit = new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).redirectErrorStream(true)
        .start();
    if (!quit.waitFor(DUMP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || quit.exitValue() != 0) {
      quit.destroyForcibly();
      return;
    }
    try { // the child's own thread writes the dump
      await().atMost(DUMP_TIMEOUT).pollInterval(Duration.ofMillis(50))
          .until(() -> !process.isAlive() || output().contains(DUMP_END));
    } catch (ConditionTimeoutException notWritten) {
      // the failure's message shows the output without the dump
    }
  }

  /** Kills the child, if still running, and waits until it is gone. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
