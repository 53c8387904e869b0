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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives the server and this JVM cores of their own for one scenario, with Linux's {@code taskset}, and gives
 * back the affinity both had when closed. On a machine whose client and server share the cores, a late tick
 * of an event loop is mostly its thread waiting for a core the server holds: pinned, what is left is what
 * the client itself does. Pinning after start leaves this JVM's collector as chosen at start (G1 with its
 * threads; a JVM started on one core would pick the serial collector). It needs the server's process id (an
 * embedded server, or {@code --server-pid}), two cores or more, and {@code taskset}; without them nothing is
 * pinned and {@link #description()} says why. Not thread-safe: one scenario opens and closes it.
 */
final class CorePinning implements AutoCloseable {
  private static final Pattern AFFINITY = Pattern.compile("affinity list:\\s*(\\S+)\\s*$");

  private final String description;
  private final List<Long> pinned; // the processes pinned, in the order of originals
  private final List<String> originals;

  /** Whether the affinities were given back (by {@link #close} or at exit): once. */
  private final java.util.concurrent.atomic.AtomicBoolean restored = new java.util.concurrent.atomic.AtomicBoolean();
  /**
   * Gives the cores back when the JVM exits before {@link #close} (Ctrl-C during the event-loop scenario): a
   * server of the user's ({@code --server-pid}) stayed on half the machine's cores. Null when nothing is pinned.
   */
  private final @org.jspecify.annotations.Nullable Thread atExit;

  private CorePinning(String description, List<Long> pinned, List<String> originals) {
    this.description = description;
    this.pinned = pinned;
    this.originals = originals;
    this.atExit = pinned.isEmpty() ? null : new Thread(this::restore, "bench-cores-back");
    if (atExit != null) {
      Runtime.getRuntime().addShutdownHook(atExit);
    }
  }

  /**
   * Pins the server to the lower half of the cores and this JVM to the upper half (one core each on two),
   * every thread of both; a failure leaves both as they were and is stated in the description.
   */
  static CorePinning separate(OptionalLong serverPid, int cores) {
    if (serverPid.isEmpty()) {
      return unpinned("not pinned: the server's process id is not known (give --server-pid with --contact-point)");
    }
    if (cores < 2) {
      return unpinned("not pinned: this machine has one core");
    }
    long[] pids = {serverPid.getAsLong(), ProcessHandle.current().pid()};
    String[] lists = split(cores);
    List<Long> pinned = new ArrayList<>();
    List<String> originals = new ArrayList<>();
    try {
      for (int i = 0; i < pids.length; i++) {
        originals.add(affinity(pids[i]));
        pinned.add(pids[i]);
        setAffinity(pids[i], lists[i]);
      }
      return new CorePinning(String.format(Locale.ROOT, "the server on core %s, this client on core %s (taskset)",
          lists[0], lists[1]), pinned, originals);
    } catch (IOException failure) {
      new CorePinning("", pinned, originals).close();
      return unpinned("not pinned: " + failure.getMessage());
    }
  }

  /** The two core lists, lower half for the server and upper half for the client, as taskset reads them. */
  static String[] split(int cores) {
    int serverCores = cores / 2;
    return new String[] {range(0, serverCores), range(serverCores, cores)};
  }

  private static String range(int from, int to) {
    return to - from == 1 ? String.valueOf(from) : from + "-" + (to - 1);
  }

  /** The affinity list in {@code taskset -pc}'s answer, e.g. "pid 42's current affinity list: 0,1". */
  static String parseAffinity(String answer) throws IOException {
    Matcher matcher = AFFINITY.matcher(answer.strip());
    if (!matcher.find()) {
      throw new IOException("taskset answered '" + answer.strip() + "'");
    }
    return matcher.group(1);
  }

  /** The affinity list of {@code pid}'s main thread. */
  static String affinity(long pid) throws IOException {
    return parseAffinity(taskset("-pc", String.valueOf(pid)));
  }

  private static void setAffinity(long pid, String cores) throws IOException {
    taskset("-a", "-pc", cores, String.valueOf(pid));
  }

  private static String taskset(String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("taskset");
    command.addAll(List.of(arguments));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException missing) {
      throw new IOException("taskset could not run (" + missing.getMessage() + ")", missing);
    }
    try {
      String answer = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("'" + String.join(" ", command) + "' failed: " + answer.strip());
      }
      return answer;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running taskset", interrupted);
    } finally {
      process.destroy();
    }
  }

  private static CorePinning unpinned(String why) {
    return new CorePinning(why, List.of(), List.of());
  }

  /** Where the server and the client ran, or why they were not pinned; for the report. */
  String description() {
    return description;
  }

  /** Whether the two processes have cores of their own. */
  boolean pinned() {
    return !pinned.isEmpty();
  }

  /** Gives every process pinned (all its threads) the affinity it had before; a failure is printed, not thrown. */
  @Override
  public void close() {
    if (atExit != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(atExit);
      } catch (IllegalStateException exiting) {
        // the JVM is exiting: the hook gives them back, or did
      }
    }
    restore();
  }

  private void restore() {
    if (!restored.compareAndSet(false, true)) {
      return;
    }
    for (int i = 0; i < pinned.size(); i++) {
      long pid = pinned.get(i);
      try {
        setAffinity(pid, originals.get(i));
      } catch (IOException failure) {
        System.err.println("Could not give process " + pid + " its cores back: " + failure.getMessage());
      }
    }
  }
}
