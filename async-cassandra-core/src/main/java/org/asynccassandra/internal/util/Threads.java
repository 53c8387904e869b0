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
package org.asynccassandra.internal.util;

import com.datastax.oss.driver.internal.core.util.concurrent.BlockingOperation;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Thread helpers: named daemon thread factories and the check that forbids blocking on driver threads. */
public final class Threads {
  private Threads() {}

  /** A factory of daemon threads named {@code prefix-N}, N counting from 1. */
  public static ThreadFactory daemonFactory(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Why {@code executor} rejected a task, for an error message: shut down, or its queue full (with the
   * queue's size), or whatever else a custom executor does.
   */
  public static String describeRejection(java.util.concurrent.Executor executor) {
    if (executor instanceof java.util.concurrent.ExecutorService
        && ((java.util.concurrent.ExecutorService) executor).isShutdown()) {
      return "it is shut down (its session was closed?)";
    }
    if (executor instanceof java.util.concurrent.ThreadPoolExecutor) {
      java.util.concurrent.ThreadPoolExecutor pool = (java.util.concurrent.ThreadPoolExecutor) executor;
      if (pool.isShutdown()) {
        return "it is shut down (its session was closed?)";
      }
      return "its queue is full (" + pool.getQueue().size() + " tasks waiting for " + pool.getPoolSize()
          + " threads): callbacks are queued faster than they run; give slow consumers an executor of their "
          + "own (StreamConfig.executor)";
    }
    return "it rejected the task (" + executor + ")";
  }

  /**
   * What {@code executor} did with a task it did not take, for an error message that goes on from "its
   * executor ": "rejected {@code what} because …" ({@link #describeRejection}), or "failed to take {@code
   * what}: …" with the failure (a pool that cannot start a thread).
   */
  public static String describeRefusal(java.util.concurrent.Executor executor, Throwable refused, String what) {
    return refused instanceof java.util.concurrent.RejectedExecutionException
        ? "rejected " + what + " because " + describeRejection(executor)
        : "failed to take " + what + ": " + refused;
  }

  /**
   * Runs a task that must happen (a terminal signal, the completion of a stage) on {@code executor}, or on
   * the {@linkplain #fallbackExecutor() fallback executor} when {@code executor} does not take it (rejects
   * it, shut down or full, or fails, a pool that cannot start a thread): never on the calling thread, which
   * may be a driver I/O thread. What the task itself throws, when {@code executor} runs it on the calling
   * thread, goes to the caller.
   */
  public static void executeOrFallback(java.util.concurrent.Executor executor, Runnable task) {
    if (tryExecute(executor, task) != null) {
      fallbackExecutor().execute(task);
    }
  }

  /**
   * Where the library runs what must not run on the calling thread and has no executor of its own to run on
   * (a terminal signal its executor refused, a read-ahead budget's wake-up, a closed session's close stage):
   * the JDK's common pool, or, when that pool has no thread to run a task ({@code
   * -Djava.util.concurrent.ForkJoinPool.common.parallelism=0}, or a JDK 17 before 17.0.2 on one CPU), a pool
   * of one daemon thread of the library's own, {@code async-cassandra-fallback-N}, created on first use and
   * gone after a minute idle. A task given to the common pool in that state never runs, and its JDK still
   * reports a parallelism of 1.
   */
  public static java.util.concurrent.Executor fallbackExecutor() {
    return Fallback.EXECUTOR;
  }

  /**
   * Whether the JDK's common pool runs the tasks given to it, from the common pool's parallelism property
   * (null when unset), the JDK's version and the number of processors. The JDK ignores a property it cannot
   * parse; with none, it takes one less than the processors, at least 1 since 17.0.2 (JDK-8274349).
   */
  static boolean commonPoolRunsTasks(@Nullable String parallelism, Runtime.Version jdk, int processors) {
    if (parallelism != null) {
      try {
        return Integer.parseInt(parallelism.trim()) > 0;
      } catch (NumberFormatException ignoredByTheJdk) {
        // the JDK falls back to its default: as if unset
      }
    }
    boolean zeroOnOneProcessor = jdk.feature() == 17 && jdk.interim() == 0 && jdk.update() < 2;
    return !(zeroOnOneProcessor && processors <= 1);
  }

  /** The fallback executor, chosen once (the common pool's parallelism is fixed when it is created). */
  private static final class Fallback {
    static final java.util.concurrent.Executor EXECUTOR = commonPoolRunsTasks(
        System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism"), Runtime.version(),
        Runtime.getRuntime().availableProcessors())
        ? java.util.concurrent.ForkJoinPool.commonPool()
        : ownPool();

    private static java.util.concurrent.Executor ownPool() {
      AtomicInteger counter = new AtomicInteger();
      // A ForkJoinPool's workers are daemon threads that end after 60 s idle: nothing to shut down.
      return new java.util.concurrent.ForkJoinPool(1, pool -> {
        java.util.concurrent.ForkJoinWorkerThread worker =
            java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        worker.setName("async-cassandra-fallback-" + counter.incrementAndGet());
        return worker;
      }, null, true);
    }
  }

  /**
   * Hands {@code task} to {@code executor}, and says whether it took it.
   *
   * @return null when {@code executor} took the task; else what {@code execute} threw without running it (a
   *     {@link java.util.concurrent.RejectedExecutionException} when shut down or full, or another failure, a
   *     pool that cannot start a thread)
   * @throws RuntimeException what the task itself threw, when {@code executor} ran it on the calling thread
   * @throws Error likewise
   */
  public static @Nullable Throwable tryExecute(java.util.concurrent.Executor executor,
      Runnable task) {
    boolean[] started = new boolean[1]; // set by the task: read here only after execute() returned or threw
    try {
      executor.execute(() -> {
        started[0] = true;
        task.run();
      });
      return null;
    } catch (RuntimeException | Error failed) {
      if (started[0]) {
        throw failed; // the task ran here (a direct executor) and threw to its executor
      }
      return failed;
    }
  }

  /**
   * {@code failure} as an unchecked throwable for a {@link Runnable} to throw: itself when it is an
   * {@link Error} or a {@link RuntimeException} (all that a {@code Runnable} can throw without cheating), else
   * wrapped.
   */
  public static RuntimeException unchecked(Throwable failure) {
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure instanceof RuntimeException) {
      return (RuntimeException) failure;
    }
    return new java.lang.reflect.UndeclaredThrowableException(failure);
  }

  /** Whether the current thread is one of the driver's own (I/O or admin) threads. */
  public static boolean isDriverThread() {
    try {
      BlockingOperation.checkNotDriverThread();
      return false;
    } catch (IllegalStateException driverThread) {
      return true;
    }
  }

  /**
   * Fails fast when a blocking operation is attempted on a driver thread, where it could deadlock the
   * very I/O it waits for.
   *
   * @throws IllegalStateException on a driver thread
   */
  public static void checkNotDriverThread(String operation) {
    if (isDriverThread()) {
      throw new IllegalStateException(operation + " blocks and was called on driver thread '"
          + Thread.currentThread().getName() + "', which could deadlock the driver; use an asynchronous "
          + "style (forEach, nextPage, rows) or move the call to another thread");
    }
  }
}
