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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether one of the standard streams is a terminal. {@link System#console()} tells only whether stdin and
 * stdout both are (on Java 17 to 21; from 22 it may return a console when neither is), which is the wrong
 * question for progress on stderr, or for a prompt with stdout redirected to a file.
 */
final class Terminal {
  /** What is known of a stream: a terminal, not one, or unknown (no {@code /proc}: not Linux). */
  enum Kind { TERMINAL, NOT_A_TERMINAL, UNKNOWN }

  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;

  private Terminal() {}

  /**
   * The system property the launchers set to what the shell's {@code [ -t 2 ]} says of stderr ({@code true} or
   * {@code false}), for where {@code /proc} cannot tell (macOS): Java itself cannot ask of stderr alone.
   */
  static final String STDERR_PROPERTY = "asynccassandra.stderr.terminal";

  /**
   * What file descriptor {@code fd} of this process is, read from Linux's {@code /proc/self/fd}; elsewhere, for
   * stderr, what the launcher said ({@link #STDERR_PROPERTY}).
   */
  static Kind of(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    try {
      return isTerminalDevice(Files.readSymbolicLink(link).toString()) ? Kind.TERMINAL : Kind.NOT_A_TERMINAL;
    } catch (IOException | UnsupportedOperationException | SecurityException unknown) {
      return fd == STDERR ? fromLauncher(System.getProperty(STDERR_PROPERTY)) : Kind.UNKNOWN;
    }
  }

  /** What the launcher's {@link #STDERR_PROPERTY} says: unknown when it was not set. */
  static Kind fromLauncher(@org.jspecify.annotations.Nullable String said) {
    return "true".equals(said) ? Kind.TERMINAL : "false".equals(said) ? Kind.NOT_A_TERMINAL : Kind.UNKNOWN;
  }

  /** Whether a device path names a terminal: a pseudo-terminal, a tty or the console. */
  static boolean isTerminalDevice(String device) {
    return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
  }
}
