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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds running Cassandra servers by their command line, for tests that check that none was left behind.
 *
 * <p>On Linux it reads {@code /proc/<pid>/cmdline}: {@link ProcessHandle.Info#commandLine()} is empty for
 * a command line as long as a server's (its classpath names about 100 jars), so a check built on it finds
 * no server even while one runs. Elsewhere it falls back to {@code ProcessHandle.Info}. Thread-safe; each
 * call reads the process table anew and blocks only for that.
 */
public final class CassandraProcesses {
  /** The class every server's command line runs, Cassandra's and the testkit's alike. */
  static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
  private static final Path PROC = Path.of("/proc");

  private CassandraProcesses() {}

  /**
   * {@return the process ids of the Cassandra servers that this JVM started (its descendants), running now}
   * The set is unmodifiable, and empty when none runs.
   */
  public static Set<Long> startedByThisJvm() {
    return pids(ProcessHandle.current().descendants());
  }

  /**
   * {@return the process ids of every Cassandra server running on this machine, whoever started it} The
   * set is unmodifiable; servers of other users are in it only where their command line can be read.
   */
  public static Set<Long> all() {
    return pids(ProcessHandle.allProcesses());
  }

  /**
   * Whether {@code process} runs a Cassandra server; false once it has ended.
   *
   * @param process any process of this machine
   * @return true if it is alive and its command line runs Cassandra's main class
   */
  public static boolean isCassandra(ProcessHandle process) {
    return process.isAlive() && commandLine(process).contains(MAIN_CLASS);
  }

  private static Set<Long> pids(Stream<ProcessHandle> processes) {
    return processes.filter(CassandraProcesses::isCassandra).map(ProcessHandle::pid)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** The command line, its arguments separated by NUL on Linux; empty when it cannot be read. */
  static String commandLine(ProcessHandle process) {
    Path cmdline = PROC.resolve(Long.toString(process.pid())).resolve("cmdline");
    if (Files.isDirectory(PROC)) {
      try {
        return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
      } catch (NoSuchFileException gone) {
        return "";
      } catch (IOException | SecurityException unreadable) {
        // Another user's process, or gone meanwhile: fall back to what the JDK can tell.
      }
    }
    return process.info().commandLine().orElse("");
  }
}
