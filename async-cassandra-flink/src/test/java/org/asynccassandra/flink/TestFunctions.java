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
package org.asynccassandra.flink;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.asynccassandra.ReadLimiter;

/**
 * Operators of the IT jobs. The MiniCluster runs in the test's JVM, so they report to the test through
 * static fields, which each test resets first.
 */
final class TestFunctions {
  private TestFunctions() {}

  /**
   * Passes records on, and throws once: in subtask 0 of the first attempt, at the first record after a
   * checkpoint completed whose barrier came after {@code failAfter} records of this subtask, so that the job
   * restores from positions in the middle of splits.
   */
  static final class FailOnce extends RichMapFunction<String, String>
      implements CheckpointListener, CheckpointedFunction {
    static final AtomicLong MAPPED = new AtomicLong(); // every attempt
    static final AtomicLong MAPPED_BEFORE_FAILURE = new AtomicLong(); // every subtask of attempt 0
    static final AtomicLong RESTORED_AT = new AtomicLong(); // subtask 0's records at the restored barrier
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static volatile long failAfter;

    // task thread only, as are all the methods
    private long seen;
    private final Map<Long, Long> seenAtBarrier = new HashMap<>();
    private boolean armed;

    static void reset(long failAfterRecords) {
      MAPPED.set(0);
      MAPPED_BEFORE_FAILURE.set(0);
      RESTORED_AT.set(0);
      FAILED.set(false);
      failAfter = failAfterRecords;
    }

    @Override
    public String map(String value) {
      TaskInfo task = getRuntimeContext().getTaskInfo();
      if (task.getAttemptNumber() == 0) {
        MAPPED_BEFORE_FAILURE.incrementAndGet();
      }
      MAPPED.incrementAndGet();
      seen++;
      if (armed && task.getIndexOfThisSubtask() == 0 && task.getAttemptNumber() == 0
          && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("Injected failure after " + seen + " records");
      }
      return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
      seenAtBarrier.put(context.getCheckpointId(), seen);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
      // nothing to restore: the counts are the test's
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      Long atBarrier = seenAtBarrier.get(checkpointId);
      if (!armed && atBarrier != null && atBarrier >= failAfter) {
        armed = true;
        RESTORED_AT.set(atBarrier);
      }
    }
  }

  /** Reserves rows at a fixed rate: a reader's throttle, to stretch a job over several checkpoints. */
  static final class PerSecond implements ReadLimiter {
    private final long nanosPerRow;
    private long next = System.nanoTime(); // guarded by this

    PerSecond(long rowsPerSecond) {
      this.nanosPerRow = 1_000_000_000L / rowsPerSecond;
    }

    @Override
    public synchronized long reserve(long permits) {
      long now = System.nanoTime();
      long start = Math.max(next, now);
      next = start + permits * nanosPerRow;
      return start - now;
    }
  }

  /** Passes records on, and holds subtask 0's thread at its {@code blockAt}-th record until released. */
  static final class BlockOnce extends RichMapFunction<String, String> {
    static final AtomicLong MAPPED = new AtomicLong();
    static volatile CountDownLatch reached = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);
    static volatile long blockAt;

    private long seen;

    static void reset(long blockAtRecord) {
      MAPPED.set(0);
      reached = new CountDownLatch(1);
      release = new CountDownLatch(1);
      blockAt = blockAtRecord;
    }

    @Override
    public String map(String value) throws InterruptedException {
      MAPPED.incrementAndGet();
      seen++;
      if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0 && seen == blockAt) {
        reached.countDown();
        if (!release.await(5, TimeUnit.MINUTES)) {
          throw new IllegalStateException("Not released within 5 minutes");
        }
      }
      return value;
    }
  }
}
