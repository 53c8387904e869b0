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

import java.io.PrintStream;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What a command says when the JVM exits under it (Ctrl-C, a {@code kill}): its progress line ends, then one
 * line on stderr says that it stopped and what it left (a file as it was, a checkpoint to resume from). The
 * JVM then exits with 130 after Ctrl-C (128 + SIGINT), 143 after {@code kill} (SIGTERM). Registered for a
 * run, as a shutdown hook, and removed when the run ends by itself; the shutdown hooks of the files the run
 * writes (a part file deleted, a summary's temporary file) run beside it.
 */
final class Interruption implements AutoCloseable {
  private final Thread hook;
  private final PrintStream err;
  private final String what;
  private final Supplier<String> left;
  private final @Nullable Runnable cleanup;
  private volatile @Nullable Progress progress;

  private Interruption(String what, Supplier<String> left, @Nullable Runnable cleanup, PrintStream err) {
    this.what = what;
    this.left = left;
    this.cleanup = cleanup;
    this.err = err;
    this.hook = new Thread(this::interrupted, "async-cassandra-interrupted");
  }

  /**
   * Says, should the JVM exit before {@link #close}, that {@code what} stopped and what {@code left} tells
   * (asked then); runs {@code cleanup} first (a temporary file to delete), if any.
   */
  static Interruption during(String what, Supplier<String> left, @Nullable Runnable cleanup) {
    Interruption interruption = new Interruption(what, left, cleanup, System.err);
    try {
      Runtime.getRuntime().addShutdownHook(interruption.hook);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting already: nothing is run after this
    }
    return interruption;
  }

  /**
   * Whether the JVM is exiting (its shutdown hooks run or ran): a command that fails now fails because of the
   * exit (a Ctrl-C's shutdown hooks stopped the embedded server under it), and its error would only bury the
   * line that says it was interrupted. Asked by registering a hook, which the JVM refuses once it is exiting.
   */
  static boolean jvmExiting() {
    Thread probe = new Thread(() -> { }, "async-cassandra-exit-probe");
    try {
      Runtime.getRuntime().addShutdownHook(probe);
    } catch (IllegalStateException exiting) {
      return true;
    }
    Runtime.getRuntime().removeShutdownHook(probe);
    return false;
  }

  /** The progress line to end before the message, once it is drawn. */
  void progress(Progress drawn) {
    this.progress = drawn;
  }

  private void interrupted() {
    Progress drawn = progress;
    if (drawn != null) {
      drawn.close(); // its last line, ended: the message must not land on a live progress line
    }
    if (cleanup != null) {
      try {
        cleanup.run();
      } catch (RuntimeException ignored) {
        // the JVM exits: the message below still says what was left
      }
    }
    String message;
    try {
      message = left.get();
    } catch (RuntimeException unknown) {
      message = "what it left is unknown (" + unknown + ")";
    }
    err.println("Interrupted: " + what + " stopped before the end; " + message);
    err.flush();
  }

  /** The run ended by itself: nothing to say at exit. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook runs
    }
  }
}
