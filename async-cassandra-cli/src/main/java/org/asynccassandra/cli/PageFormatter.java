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
import java.util.HashMap;
import java.util.Map;
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
 * does not hold up the scan's single delivery thread, and hands each page's text, whole, to the writer in
 * the order the pages were submitted: the pages of one range (a partition wider than a page included) keep
 * their order in the output, and the same scan writes the same bytes whatever thread formats faster.
 *
 * <p>{@link #submit} is called by one thread (the scan's callback) and blocks while {@code 2 × threads}
 * pages are being formatted or wait for an earlier page to be written: the scan then asks for no further
 * page. The writer is called on the formatting threads, one page at a time (under this object's lock).
 * {@link #awaitWritten} waits until every submitted page was written, and throws the first failure of a
 * formatting thread or the writer.
 */
final class PageFormatter implements AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** What a page that failed, or was not formatted after another's failure, leaves in its turn. */
  private static final StringBuilder SKIPPED = new StringBuilder(0);

  private final RowFormat format;
  private final Consumer<StringBuilder> writer;
  private final int slotCount;
  private final Semaphore slots; // one permit per page that may be in formatting at once
  private final ExecutorService threads;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  /** The sequence number of the next page submitted; the submitting thread's only. */
  private long submitted;
  /** Pages formatted before an earlier one, by sequence number: at most one per slot. Under this object's lock. */
  private final Map<Long, StringBuilder> formatted = new HashMap<>();
  /** The sequence number of the next page to write. Under this object's lock. */
  private long nextToWrite;

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
    long sequence = submitted;
    try {
      threads.execute(() -> {
        StringBuilder text = SKIPPED;
        try {
          if (failure.get() == null) {
            text = new StringBuilder(Math.max(256, page.size() * 128));
            try (RowWriter rows = format.newWriter(new TextWriter(text))) {
              for (Row row : page.rows()) {
                rows.writeRow(row);
              }
            }
          }
        } catch (Throwable error) {
          failure.compareAndSet(null, error);
          text = SKIPPED;
        } finally {
          writeInOrder(sequence, text); // releases the slot of every page it writes, or skips
        }
      });
      submitted = sequence + 1;
    } catch (RejectedExecutionException closed) {
      slots.release();
      throw new IllegalStateException("The export's formatter was closed", closed);
    }
  }

  /**
   * Writes the page {@code sequence} once every earlier page was written, and then the later ones it held up;
   * a page's slot is released when it is written (or skipped after a failure), so that the pages waiting for
   * an earlier one are bounded by the slots.
   */
  private synchronized void writeInOrder(long sequence, StringBuilder text) {
    formatted.put(sequence, text);
    StringBuilder next;
    while ((next = formatted.remove(nextToWrite)) != null) {
      nextToWrite++;
      try {
        if (next != SKIPPED && failure.get() == null) {
          writer.accept(next);
        }
      } catch (Throwable error) {
        failure.compareAndSet(null, error);
      } finally {
        slots.release();
      }
    }
  }

  /** Writes text at once, in the caller's thread (a header, before any page). */
  synchronized void writeNow(StringBuilder text) {
    writer.accept(text);
  }

  /** Waits until every submitted page was written; throws the first failure. */
  void awaitWritten() {
    slots.acquireUninterruptibly(slotCount);
    slots.release(slotCount);
    throwIfFailed();
  }

  /** How many formatted pages wait for an earlier one to be written (for tests). */
  synchronized int formattedAhead() {
    return formatted.size();
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
