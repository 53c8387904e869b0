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
package org.asynccassandra.internal.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream executor for stress tests: a small pool with named threads that counts the tasks it holds, so
 * that a test can wait until the stream has gone quiet (no task queued or running) instead of sleeping, and
 * that records whatever a task threw.
 */
final class CountingExecutor implements Executor, AutoCloseable {
  private final String prefix;
  private final ExecutorService pool;
  private final AtomicInteger tasks = new AtomicInteger();
  private final Object quiet = new Object();
  final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

  CountingExecutor(String prefix, int threads) {
    this.prefix = prefix;
    AtomicInteger count = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public void execute(Runnable task) {
    tasks.incrementAndGet(); // before the caller's own task (if any) ends: the count never dips to 0 early
    try {
      pool.execute(() -> {
        try {
          task.run();
        } catch (Throwable error) {
          uncaught.add(error);
        } finally {
          if (tasks.decrementAndGet() == 0) {
            synchronized (quiet) {
              quiet.notifyAll();
            }
          }
        }
      });
    } catch (RejectedExecutionException rejected) {
      tasks.decrementAndGet();
      throw rejected;
    }
  }

  /** Whether the calling thread is one of this executor's. */
  boolean isCurrentThread() {
    return Thread.currentThread().getName().startsWith(prefix);
  }

  /**
   * Waits until no task is queued or running. Call it once nothing outside the executor can submit any
   * more (the racing threads were joined); a task that submits another keeps the count above 0.
   */
  void awaitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    synchronized (quiet) {
      while (tasks.get() != 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("The stream's executor still holds " + tasks.get() + " tasks after 30 s");
        }
        TimeUnit.NANOSECONDS.timedWait(quiet, left);
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
