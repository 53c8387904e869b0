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

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.asynccassandra.Page;
import org.asynccassandra.values.RowWriter;

/**
 * Formats an export's pages (a {@link RowWriter} per page) on a few threads of its own, so that formatting
 * does not hold up the scan's single delivery thread, and hands each page's text, whole, to the writer (pages land in the order their
 * formatting ends: a scan's rows come unordered anyway).
 *
 * <p>{@link #submit} is called by one thread (the scan's callback) and blocks while {@code 2 × threads}
 * pages are being formatted: the scan then asks for no further page. The writer is called on the
 * formatting threads, one page at a time (under this object's lock). {@link #awaitWritten} waits until
 * every submitted page was written, and throws the first failure of a formatting thread or the writer.
 */
final class PageFormatter implements AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final RowFormat format;
  private final Consumer<StringBuilder> writer;
  private final int slotCount;
  private final Semaphore slots; // one permit per page that may be in formatting at once
  private final ExecutorService threads;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  PageFormatter(RowFormat format, Consumer<StringBuilder> writer, int threadCount) {
    if (threadCount < 1) {
      throw new IllegalArgumentException("threadCount must be >= 1: " + threadCount);
    }
    this.format = format;
    this.writer = writer;
    this.slotCount = 2 * threadCount;
    this.slots = new Semaphore(slotCount);
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger threadNumber = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(threadCount, runnable -> {
      Thread thread = new Thread(runnable, "export-format-" + instance + "-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Formats the page's rows and writes them, later; throws the failure of an earlier page, if any. */
  void submit(Page<Row> page) {
    throwIfFailed();
    slots.acquireUninterruptibly();
    try {
      threads.execute(() -> {
        try {
          if (failure.get() == null) {
            StringBuilder text = new StringBuilder(Math.max(256, page.size() * 128));
            try (RowWriter rows = format.newWriter(new TextWriter(text))) {
              for (Row row : page.rows()) {
                rows.writeRow(row);
              }
            }
            synchronized (this) {
              writer.accept(text);
            }
          }
        } catch (Throwable error) {
          failure.compareAndSet(null, error);
        } finally {
          slots.release();
        }
      });
    } catch (RejectedExecutionException closed) {
      slots.release();
      throw new IllegalStateException("The export's formatter was closed", closed);
    }
  }

  /** Writes text at once, in the caller's thread (a header, before any page). */
  void writeNow(StringBuilder text) {
    synchronized (this) {
      writer.accept(text);
    }
  }

  /** Waits until every submitted page was written; throws the first failure. */
  void awaitWritten() {
    slots.acquireUninterruptibly(slotCount);
    slots.release(slotCount);
    throwIfFailed();
  }

  /** Whether a page failed to format or to be written (its rows are then not in the output). */
  boolean failed() {
    return failure.get() != null;
  }

  private void throwIfFailed() {
    Throwable error = failure.get();
    if (error instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (error instanceof Error fatal) {
      throw fatal;
    }
    if (error != null) {
      throw new IllegalStateException(error);
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
