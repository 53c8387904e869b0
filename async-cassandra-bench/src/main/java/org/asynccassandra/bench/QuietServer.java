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

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Waits until the server has no flush or compaction running or pending: the compactions that follow a big
 * load would otherwise take cores from whichever mode runs first (on the concurrency scenario's table,
 * read at once after its load, the server's CPU per row fell 2.5× over the next minute).
 */
final class QuietServer {
  private static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private QuietServer() {}

  /** Polls the server's task counters (up to 10 minutes), printing what it waits for on {@code out}. */
  static void await(CqlSession session, PrintStream out) {
    long start = System.nanoTime();
    long deadline = start + MAX_WAIT.toNanos();
    long busy;
    while ((busy = backgroundTasks(session)) > 0 && System.nanoTime() < deadline) {
      out.printf(Locale.ROOT, "  waiting for the server's %d flush and compaction task(s)...%n", busy);
      try {
        Thread.sleep(2_000); // polling the server's own task counters; nothing to wait on instead
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    out.printf(Locale.ROOT, "  server quiet after %.0f s%s%n", (System.nanoTime() - start) / 1e9,
        busy > 0 ? " (gave up waiting: " + busy + " task(s) still running)" : "");
  }

  /** Flush and compaction tasks active or pending, from the server's virtual table (0 if it has none). */
  private static long backgroundTasks(CqlSession session) {
    try {
      long tasks = 0;
      for (Row row : session.execute("SELECT name, active_tasks, pending_tasks FROM system_views.thread_pools")) {
        String name = row.getString("name");
        if (name != null && (name.equals("CompactionExecutor") || name.startsWith("Memtable"))) {
          tasks += ((Number) row.getObject("active_tasks")).longValue()
              + ((Number) row.getObject("pending_tasks")).longValue();
        }
      }
      return tasks;
    } catch (RuntimeException unavailable) {
      return 0; // an older server without the virtual table: measure as it is
    }
  }
}
