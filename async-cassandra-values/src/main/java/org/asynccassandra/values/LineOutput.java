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
package org.asynccassandra.values;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import org.jspecify.annotations.Nullable;

/**
 * Where a row writer's records go: whole lines, buffered, never part of one. A line that fits in the buffer's
 * room is copied into it; one that does not first flushes the buffer (whole lines) and, if it is longer than
 * the buffer, goes straight to the output in one write. So the buffer only ever holds whole lines,
 * and a write that fails leaves no part of an earlier line in it (a plain {@link java.io.BufferedWriter} keeps
 * the part of a line that did not fit, and writes it before the next line).
 *
 * <p>A write to the output that fails leaves this failed: it writes nothing more, and {@link #close()} closes
 * the output without writing the lines still buffered (the output already lost some: the writer's caller
 * heard it). A write after {@link #close()} throws {@link IllegalStateException}. A target that buffers on its
 * own (an {@code OutputStreamWriter}'s encoder) may still hold part of a line when one of its writes fails. Not
 * thread-safe.
 */
final class LineOutput {
  private final Writer target;
  private final char[] buffer = new char[8192];
  private int used;
  /** The output's failure: nothing more is written after it. */
  private @Nullable IOException failed;
  private boolean closed;

  LineOutput(Writer target) {
    this.target = target;
  }

  /** Writes {@code line}, which holds one whole record and its line end. */
  void write(CharLine line) {
    checkNotFailed();
    char[] text = line.chars();
    int length = line.length();
    try {
      if (length > buffer.length - used) {
        flushBuffer();
      }
      if (length >= buffer.length) {
        target.write(text, 0, length); // straight through: the buffer holds only whole lines
      } else {
        System.arraycopy(text, 0, buffer, used, length);
        used += length;
      }
    } catch (IOException failure) {
      failed = failure;
      throw new UncheckedIOException(failure);
    }
  }

  private void flushBuffer() throws IOException {
    if (used > 0) {
      target.write(buffer, 0, used);
      used = 0;
    }
  }

  /** Writes the buffered lines and flushes the output. */
  void flush() {
    checkNotFailed();
    try {
      flushBuffer();
      target.flush();
    } catch (IOException failure) {
      failed = failure;
      throw new UncheckedIOException(failure);
    }
  }

  /** Writes the buffered lines (unless a write failed before) and closes the output, whatever happens. */
  void close() {
    closed = true;
    IOException failure = null;
    try {
      if (failed == null) {
        flushBuffer();
      }
    } catch (IOException flushFailed) {
      failure = flushFailed;
    }
    try {
      target.close();
    } catch (IOException closeFailed) {
      if (failure == null) {
        failure = closeFailed;
      } else {
        failure.addSuppressed(closeFailed);
      }
    }
    failed = failed == null ? failure : failed;
    if (failure != null) {
      throw new UncheckedIOException(failure);
    }
  }

  private void checkNotFailed() {
    if (closed) {
      throw new IllegalStateException("The writer was closed");
    }
    IOException failure = failed;
    if (failure != null) {
      throw new UncheckedIOException("An earlier write to the output failed; nothing more is written", failure);
    }
  }
}
