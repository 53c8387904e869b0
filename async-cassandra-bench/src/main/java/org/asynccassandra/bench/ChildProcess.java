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
package org.asynccassandra.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one child process to its end and times it from start to exit. Its standard output and error go to a
 * log file; a failure (a non-zero exit or the timeout) comes as an exception whose message ends with the tail
 * of that log, since the log itself is usually deleted with its temporary folder. No child outlives
 * {@link #run}: on a timeout, an interrupt or an error it is killed (with anything it started), and a
 * shutdown hook kills it if this JVM exits first. Blocks the calling thread; stateless.
 */
final class ChildProcess {
  /** Lines of the log that a failure's message carries. */
  static final int TAIL_LINES = 40;
  private static final int TAIL_BYTES = 8192;

  private ChildProcess() {}

  /**
   * Starts {@code command} in {@code workingFolder} with no input and waits for its exit.
   *
   * @param name what the child is, for messages ("dsbulk unload csv")
   * @return the wall time from just before the start to the exit, in nanoseconds
   * @throws IllegalStateException when it exits with a non-zero code or does not finish within the timeout
   */
  static long run(String name, List<String> command, Path workingFolder, Path log, Duration timeout)
      throws IOException, InterruptedException {
    return run(name, command, Map.of(), workingFolder, log, timeout);
  }

  /** As {@link #run(String, List, Path, Path, Duration)}, with these variables added to the environment. */
  static long run(String name, List<String> command, Map<String, String> environment, Path workingFolder, Path log,
      Duration timeout) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingFolder.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    long start = System.nanoTime();
    Process process = builder.start();
    Thread killer = new Thread(() -> kill(process), "bench-child-killer");
    Runtime.getRuntime().addShutdownHook(killer);
    try {
      process.getOutputStream().close(); // no input: a child that reads stdin sees its end at once
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        kill(process);
        throw new IllegalStateException(name + " (pid " + process.pid() + ") did not finish within " + timeout
            + " and was killed; the end of its output:\n" + tail(log));
      }
      long nanos = System.nanoTime() - start;
      if (process.exitValue() != 0) {
        throw new IllegalStateException(name + " failed with exit code " + process.exitValue()
            + "; the end of its output:\n" + tail(log));
      }
      return nanos;
    } finally {
      kill(process); // only does something after an interrupt or an error above
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  /** Kills the process and what it started, and waits a little for it to be gone. */
  private static void kill(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last {@value #TAIL_LINES} lines of a log (at most its last 8 KiB), or why there are none. */
  static String tail(Path log) {
    try {
      if (!Files.isRegularFile(log)) {
        return "(no output: " + log + " does not exist)";
      }
      byte[] bytes;
      try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
        long length = file.length();
        int size = (int) Math.min(length, TAIL_BYTES);
        bytes = new byte[size];
        file.seek(length - size);
        file.readFully(bytes);
      }
      return tail(new String(bytes, StandardCharsets.UTF_8), TAIL_LINES);
    } catch (IOException unreadable) {
      return "(cannot read " + log + ": " + unreadable.getMessage() + ")";
    }
  }

  /** The last {@code lines} lines of a text, without a trailing line end; "(no output)" for none. */
  static String tail(String text, int lines) {
    String trimmed = text.stripTrailing();
    if (trimmed.isEmpty()) {
      return "(no output)";
    }
    int from = trimmed.length();
    for (int found = 0; found < lines && from > 0; found++) {
      from = trimmed.lastIndexOf('\n', from - 1);
      if (from < 0) {
        return trimmed;
      }
    }
    return trimmed.substring(from + 1);
  }
}
