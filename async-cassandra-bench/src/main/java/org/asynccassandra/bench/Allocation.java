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

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Bytes allocated by every thread of this JVM so far: unlike GC pause time, which depends on when the
 * collector runs, it says how much garbage a mode makes, and it is the same from one round to the next.
 */
final class Allocation {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** {@code getTotalThreadAllocatedBytes()}, Java 21+ (it counts threads that have ended too). */
  private static final Method TOTAL = total();

  private Allocation() {}

  private static Method total() {
    try {
      return com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
    } catch (NoSuchMethodException olderJava) {
      return null;
    }
  }

  /**
   * The bytes allocated so far, or -1 where the JVM does not count them. On Java 17-20, the threads alive
   * now only (a thread that ended took its count with it).
   */
  static long totalBytes() {
    if (!(THREADS instanceof com.sun.management.ThreadMXBean counting)
        || !counting.isThreadAllocatedMemorySupported() || !counting.isThreadAllocatedMemoryEnabled()) {
      return -1;
    }
    try {
      if (TOTAL != null) {
        return (Long) TOTAL.invoke(counting);
      }
    } catch (ReflectiveOperationException | RuntimeException unavailable) {
      // fall through to the live threads
    }
    return Arrays.stream(counting.getThreadAllocatedBytes(counting.getAllThreadIds())).filter(b -> b > 0).sum();
  }

  /** Bytes per row between two readings of {@link #totalBytes}; NaN when either is missing. */
  static double perRow(long before, long after, long rows) {
    return before < 0 || after < 0 || rows <= 0 ? Double.NaN : (after - before) / (double) rows;
  }
}
