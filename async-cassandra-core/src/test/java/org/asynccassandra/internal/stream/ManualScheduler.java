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

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.jspecify.annotations.Nullable;

/** A {@link TimeoutScheduler} whose timeouts fire only when the test says so. */
public final class ManualScheduler implements TimeoutScheduler {
  public static final class Task implements Timeout {
    final Runnable action;
    public final Duration delay;
    public volatile boolean cancelled;
    public volatile boolean fired;

    Task(Runnable action, Duration delay) {
      this.action = action;
      this.delay = delay;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    public void fire() {
      if (!cancelled && !fired) {
        fired = true;
        action.run();
      }
    }

    /**
     * Runs the task even though it was cancelled: a timer thread that had already taken it when the cancel
     * came (cancelling a timer never stops a task that started).
     */
    public void runAnyway() {
      fired = true;
      action.run();
    }
  }

  public final List<Task> tasks = new CopyOnWriteArrayList<>();
  /** Tasks of this delay fire inside {@link #schedule}, before it returns; null: none. */
  private volatile @Nullable Duration firedOnSchedule;

  @Override
  public Timeout schedule(Runnable task, Duration delay) {
    Task scheduled = new Task(task, delay);
    tasks.add(scheduled);
    if (delay.equals(firedOnSchedule)) {
      scheduled.fire(); // as a timer thread that ran the task before the scheduling thread went on
    }
    return scheduled;
  }

  /**
   * Fires every task of {@code delay} scheduled from now on inside {@link #schedule}, before it returns: the
   * race where the timer thread runs a short wait before the thread that scheduled it records it.
   */
  public void fireOnSchedule(Duration delay) {
    firedOnSchedule = delay;
  }

  /** The live (not cancelled, not fired) tasks with this delay. */
  public List<Task> live(Duration delay) {
    return tasks.stream().filter(t -> !t.cancelled && !t.fired && t.delay.equals(delay)).toList();
  }

  /** The live retry waits of a retry whose full backoff is {@code full}: jittered into [full/2, full]. */
  public List<Task> retryWaits(Duration full) {
    Duration half = full.dividedBy(2);
    return tasks.stream().filter(t -> !t.cancelled && !t.fired && t.delay.compareTo(half) >= 0
        && t.delay.compareTo(full) <= 0).toList();
  }

  /** Waits, collecting garbage, until {@code reference} is cleared: its object became unreachable. */
  public static void awaitCollected(java.lang.ref.WeakReference<?> reference) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      System.gc();
      return reference.get() == null;
    });
  }
}
