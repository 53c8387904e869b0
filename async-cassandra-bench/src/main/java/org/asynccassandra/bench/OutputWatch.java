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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Watches a child's output folder from outside: a daemon thread sums the sizes of the files in it every
 * {@value #POLL_MILLIS} ms and notes when the first bytes appeared and when the size last changed, so that
 * a run splits into start-up (process start to first bytes), work (first to last bytes) and shutdown (last
 * bytes to exit) the same way for any tool, without its cooperation. Writers buffer, so the first bytes show
 * a buffer's worth of rows after the first page, and the last ones at the final flush. Started and stopped
 * by the bench's main thread.
 */
final class OutputWatch implements AutoCloseable {
  static final long POLL_MILLIS = 5;
  private final Path folder;
  private final Thread thread;
  // Written by the watch thread only; read by the main thread after close() joined it.
  private long firstBytesNanos = -1;
  private long lastChangeNanos = -1;
  private long lastSize;
  private volatile boolean stopped;

  private OutputWatch(Path folder) {
    this.folder = folder;
    this.thread = new Thread(this::watch, "bench-output-watch");
    this.thread.setDaemon(true);
  }

  /** Starts watching {@code folder} (which may not exist yet). */
  static OutputWatch start(Path folder) {
    OutputWatch watch = new OutputWatch(folder);
    watch.thread.start();
    return watch;
  }

  private void watch() {
    while (!stopped) {
      poll();
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException interrupted) {
        return;
      }
    }
    poll();
  }

  private void poll() {
    long size = size();
    long now = System.nanoTime();
    if (size > 0 && firstBytesNanos < 0) {
      firstBytesNanos = now;
    }
    if (size != lastSize) {
      lastSize = size;
      lastChangeNanos = now;
    }
  }

  private long size() {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> {
        try {
          return Files.size(file);
        } catch (IOException gone) {
          return 0; // renamed or deleted between the listing and now
        }
      }).sum();
    } catch (IOException | UncheckedIOException changing) {
      return lastSize; // the folder changed under the walk: keep the last size for this poll
    }
  }

  /** System.nanoTime() when the first bytes were seen, or -1. Valid after {@link #close()}. */
  long firstBytesNanos() {
    return firstBytesNanos;
  }

  /** System.nanoTime() when the size last changed, or -1. Valid after {@link #close()}. */
  long lastChangeNanos() {
    return lastChangeNanos;
  }

  /** Stops the watch after one last poll and waits for its thread. */
  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join();
  }
}
