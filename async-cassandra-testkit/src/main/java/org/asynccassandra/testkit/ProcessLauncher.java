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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and ends the server's child JVM. Where util-linux {@code setpriv} works, the child runs under it:
 * <ul>
 *   <li>{@code --pdeathsig KILL}: the kernel kills the child when its parent dies, so that even a test JVM
 *       killed with SIGKILL (where no shutdown hook runs) leaves no Cassandra behind. The signal fires when
 *       the <em>thread</em> that forked the child ends, so every child is forked by one daemon thread that
 *       lives as long as the JVM ({@link #LAUNCHER}).</li>
 *   <li>as root, {@code --inh-caps=-ipc_lock --bounding-set=-ipc_lock}: without CAP_IPC_LOCK Cassandra's
 *       {@code mlockall()} fails harmlessly instead of pinning the whole heap (2 s more startup, 1.5 GB RSS).</li>
 * </ul>
 */
final class ProcessLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  /** Forks every child; never ends before the JVM does (see the class comment). */
  private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "cassandra-testkit-launcher");
    thread.setDaemon(true);
    return thread;
  });

  /** The setpriv prefix that works here, probed once; empty without setpriv. Guarded by the class. */
  private static List<String> prefix;

  private ProcessLauncher() {}

  /**
   * Starts {@code command} in {@code folder}, its stdout and stderr appended to {@code output}.
   *
   * @throws CassandraStartException when the process cannot be started
   */
  static Process start(List<String> command, Path folder, Path output) {
    List<String> full = new ArrayList<>(prefix());
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full)
        .directory(folder.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    return launch(builder::start, command.get(0));
  }

  /**
   * Runs {@code fork} on the launcher thread and returns its process. Interrupted while waiting, it still waits
   * for the fork (a running task cannot be cancelled; it would drop its process) and kills what it started,
   * then throws with the interrupt flag set.
   *
   * @throws CassandraStartException when the fork fails or the caller was interrupted
   */
  static Process launch(Callable<Process> fork, String what) {
    Future<Process> launched = LAUNCHER.submit(fork);
    try {
      return launched.get();
    } catch (ExecutionException failure) {
      Throwable cause = failure.getCause();
      throw new CassandraStartException("Could not launch " + what + ": " + cause.getMessage(), cause);
    } catch (InterruptedException interrupted) {
      Process orphan = awaitUninterruptibly(launched);
      if (orphan != null) {
        kill(orphan);
      }
      Thread.currentThread().interrupt();
      throw new CassandraStartException("Interrupted while launching " + what + " (not started, or"
          + " killed)", interrupted);
    }
  }

  /** The launch's process, waited for without giving in to interrupts (a fork is quick); null if it failed. */
  private static Process awaitUninterruptibly(Future<Process> launched) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return launched.get();
        } catch (InterruptedException again) {
          interrupted = true;
        } catch (ExecutionException failed) {
          return null;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops {@code process} with SIGTERM and waits up to {@code grace}, then kills it with SIGKILL.
   *
   * @return whether it stopped within {@code grace}
   */
  static boolean terminate(Process process, Duration grace) {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    try {
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    kill(process);
    return false;
  }

  /** Kills {@code process} with SIGKILL and waits until it is gone (bounded: the kernel is quick). */
  static void kill(Process process) {
    process.destroyForcibly();
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (process.isAlive() && System.nanoTime() < deadline) {
      try {
        process.waitFor(1, TimeUnit.SECONDS);
      } catch (InterruptedException again) {
        interrupted = true; // finish the kill first: callers rely on the process being gone
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  static synchronized List<String> prefix() {
    if (prefix == null) {
      prefix = probeSetpriv();
    }
    return prefix;
  }

  private static List<String> probeSetpriv() {
    if (!Files.isExecutable(SETPRIV)) {
      LOG.debug("No {}: Cassandra runs without a parent-death signal", SETPRIV);
      return List.of();
    }
    List<String> dropIpcLock = List.of("--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock");
    List<List<String>> variants = new ArrayList<>();
    if (isRoot()) {
      variants.add(concat(List.of("--pdeathsig", "KILL"), dropIpcLock));
      variants.add(dropIpcLock);
    }
    variants.add(List.of("--pdeathsig", "KILL"));
    for (List<String> options : variants) {
      List<String> candidate = new ArrayList<>();
      candidate.add(SETPRIV.toString());
      candidate.addAll(options);
      candidate.add("--");
      if (works(candidate)) {
        LOG.debug("Cassandra runs under {}", candidate);
        return List.copyOf(candidate);
      }
    }
    LOG.debug("{} refused every option here; Cassandra runs without it", SETPRIV);
    return List.of();
  }

  private static boolean works(List<String> prefix) {
    List<String> command = new ArrayList<>(prefix);
    command.add("true");
    try {
      Process probe = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!probe.waitFor(10, TimeUnit.SECONDS)) {
        probe.destroyForcibly();
        return false;
      }
      return probe.exitValue() == 0;
    } catch (IOException failed) {
      return false;
    } catch (InterruptedException interrupted) {
      // Not a verdict on setpriv: probed once for the JVM, an interrupted probe must not leave every later
      // server without its parent-death signal.
      Thread.currentThread().interrupt();
      throw new CassandraStartException("Interrupted while probing " + prefix, interrupted);
    }
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException unknown) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
