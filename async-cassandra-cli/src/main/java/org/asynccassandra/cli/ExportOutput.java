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

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where an export writes, and how many bytes it holds: stdout, a new file, a file replaced only when the export
 * succeeds, or (resume) an existing file cut back to the checkpoint's length and appended to. Not thread-safe: the export's formatter writes one page at a time.
 * A failed write or flush throws {@link UncheckedIOException}; {@link #close} flushes, then closes a file (never
 * stdout).
 */
final class ExportOutput implements AutoCloseable {
  private static final int BUFFER_BYTES = 1 << 20;

  private final OutputStream stream;
  /** The file's channel, for {@link #sync}; null for stdout. */
  private final FileChannel file;
  /** Stdout, whose error flag is checked after each write and flush; null for a file, which throws by itself. */
  private final PrintStream console;
  /** The file written before {@link #commit} moves it to {@link #target}; null unless {@link #replacing}. */
  private final Path part;
  private final Path target;
  private boolean committed;
  /** For {@link #create}: the file still holds an older export, emptied before the first write. */
  private boolean emptyBeforeFirstWrite;
  /** The locks of the files this output writes ({@link #lock}), released when it is closed. */
  private final java.util.List<Locked> locks = new java.util.ArrayList<>();
  /** Deletes the part file of a {@link #replacing} if the JVM exits before the commit (Ctrl-C); null otherwise. */
  private Thread partCleanup;
  private boolean closed;
  /** The first failed write, flush or sync; every later one fails with it. */
  private UncheckedIOException failure;
  long bytes;
  /**
   * The last bytes written (at most {@link ExportNotes#TAIL_BYTES}, a ring ending at {@link #lastEnd}) where
   * they cannot be read back (stdout, a device): a checkpoint notes their checksum as it does a file's, so
   * that a resume into the file stdout went to checks it is that file. Null for a file.
   */
  private final byte[] lastWritten;
  private int lastEnd;

  /** Also for tests: {@code stream} as it is, {@code console} null unless it is stdout. */
  ExportOutput(OutputStream stream, PrintStream console, long bytes) {
    this(stream, null, console, bytes, null, null);
  }

  private ExportOutput(Locked file, long bytes, Path part, Path target) {
    this(new BufferedOutputStream(Channels.newOutputStream(file.channel), BUFFER_BYTES), file.channel, null, bytes,
        part, target);
    locks.add(file);
  }

  /** The files this JVM holds locked (a second lock of one in the same process would release the first's). */
  private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A file open and locked for one export; closing it releases the lock. */
  static final class Locked implements AutoCloseable {
    final Path path;
    final FileChannel channel;
    /** {@link #lock} created the file: it did not exist before. */
    final boolean created;

    private Locked(Path path, FileChannel channel, boolean created) {
      this.path = path;
      this.channel = channel;
      this.created = created;
    }

    /**
     * Deletes the file if {@link #lock} created it and it is still empty (an export that failed before its first
     * byte leaves no empty file of its own); a file that existed stays as it was. Call before {@link #close}, while
     * the file is locked: no other export can have opened it.
     */
    void deleteIfCreatedEmpty() throws IOException {
      if (created && Files.size(path) == 0) {
        Files.deleteIfExists(path);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        channel.close();
      } finally {
        HELD.remove(path);
      }
    }
  }

  private static IllegalStateException busy(Path path) {
    return new IllegalStateException("another export is writing " + path + " (it holds the file's lock): wait "
        + "for it to end, or choose another --output");
  }

  /**
   * Opens {@code path} to write it, creating it if needed but not emptying it, and takes the lock that keeps a
   * second export off it until this one's output is closed (another process's, or this one's: two runs on one
   * file wrote over each other's bytes, and one's cleanup deleted the other's part file). Blocks on file I/O.
   *
   * @throws IllegalStateException naming the file when another export holds it
   */
  static Locked lock(Path path) throws IOException {
    return lock(path, true);
  }

  /** {@link #lock}, or, for a file that does not exist and {@code create} false, null. */
  private static Locked lock(Path path, boolean create) throws IOException {
    Path key = path.toAbsolutePath().normalize();
    if (!HELD.add(key)) {
      throw busy(path); // this JVM holds it: opening it again and closing it would release that lock
    }
    FileChannel channel;
    boolean created = false;
    try {
      // Read too: the checkpoint's checksum of the output's end is read through it (see ExportNotes.tail).
      if (create) {
        try {
          channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
              StandardOpenOption.WRITE);
          created = true;
        } catch (java.nio.file.FileAlreadyExistsException exists) {
          channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
      } else {
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
    } catch (java.nio.file.NoSuchFileException absent) {
      HELD.remove(key);
      if (create) {
        throw absent;
      }
      return null;
    } catch (IOException | RuntimeException failure) {
      HELD.remove(key);
      throw failure;
    }
    Locked locked = new Locked(key, channel, created);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    } catch (IOException | RuntimeException failure) {
      locked.close();
      throw failure;
    }
    if (lock == null) {
      locked.close(); // not discarded: created or not, the other export's file now
      throw busy(path);
    }
    return locked; // the lock goes with the channel, when the output is closed
  }

  private ExportOutput(OutputStream stream, FileChannel file, PrintStream console, long bytes, Path part,
      Path target) {
    this.stream = stream;
    this.file = file;
    this.console = console;
    this.bytes = bytes;
    this.part = part;
    this.target = target;
    this.lastWritten = file == null ? new byte[ExportNotes.TAIL_BYTES] : null;
  }

  /** The process's stdout. */
  static ExportOutput stdout() {
    return stdout(System.out);
  }

  /**
   * Writes to {@code console}. A {@link PrintStream} never throws: a failed write (a closed pipe, a full disk)
   * only sets its error flag. The flag is checked after every page and flush, so such a failure fails the
   * export at the next page instead of letting it read the whole table into nowhere.
   */
  static ExportOutput stdout(PrintStream console) {
    return new ExportOutput(new BufferedOutputStream(console, BUFFER_BYTES), console, 0);
  }

  /**
   * A device, a named pipe or a descriptor of this process ({@link OutputFiles#isSpecial}), written as it is,
   * appending: no part file, nothing to cut back,
   * nothing forced to disk ({@link #sync} only flushes).
   */
  static ExportOutput special(Path path) throws IOException {
    // Appending: a descriptor's file (--output /dev/stdout >> log) keeps what it held, a device or a pipe
    // is written as before.
    return new ExportOutput(new BufferedOutputStream(new FileOutputStream(path.toFile(), true), BUFFER_BYTES),
        null, null, 0, null, null);
  }

  /**
   * The file {@code locked} ({@link #lock}) for a new export under the output's own name: emptied before the
   * first byte is written, or at a {@link #commit} with none.
   */
  static ExportOutput create(Locked locked) {
    ExportOutput output = new ExportOutput(locked, 0, null, locked.path);
    // Emptied at the first write, not now: an export that fails before its first row (a bad --where, a node
    // down) leaves the older file as it was; its checkpoint says 0 bytes, and a resume cuts it to that.
    output.emptyBeforeFirstWrite = true;
    return output;
  }

  /** Empties the file before the first byte is written, for {@link #create}; called serially, as writes are. */
  private void emptyIfPending() {
    if (emptyBeforeFirstWrite) {
      try {
        file.truncate(0);
      } catch (IOException failure) {
        throw failed(new UncheckedIOException("Cannot empty " + where() + " to write the export: "
            + reason(failure), failure));
      }
      emptyBeforeFirstWrite = false;
    }
  }

  /**
   * Writes {@code path}'s next content to {@code path.part} beside it; only {@link #commit} replaces {@code path}
   * with it (an atomic rename where the file system has one). Closed without a commit, the part file is deleted
   * and {@code path} is as it was: an export that fails, with no checkpoint to resume from, neither empties an
   * older file nor leaves a partial one under the name of a finished export. The part file is also deleted at
   * exit when the export is interrupted (Ctrl-C); a killed process leaves it behind, under that visible name.
   */
  static ExportOutput replacing(Path path) throws IOException {
    Path target = path.toAbsolutePath();
    Path part = partFile(target);
    // The output itself too, when it exists: an export with --checkpoint writes it in place, under its lock.
    Locked current = lock(target, false);
    Locked file;
    try {
      // Created, or a part file a killed export left emptied; locked first: another export may be writing it.
      file = lock(part);
    } catch (IOException | RuntimeException failure) {
      if (current != null) {
        current.close();
      }
      throw failure;
    }
    ExportOutput output;
    try {
      file.channel.truncate(0);
      output = new ExportOutput(file, 0, part, target);
    } catch (IOException | RuntimeException failure) {
      file.close();
      if (current != null) {
        current.close();
      }
      throw failure;
    }
    if (current != null) {
      output.locks.add(current);
    }
    output.partCleanup = new Thread(output::deletePartAtExit, "async-cassandra-export-cleanup");
    Runtime.getRuntime().addShutdownHook(output.partCleanup);
    return output;
  }

  /** At exit (Ctrl-C) before the commit or the close: the part file goes, the output stays as it was. */
  private void deletePartAtExit() {
    synchronized (locks) {
      if (!committed && !closed) {
        OutputFiles.deleteAtExit(part);
      }
    }
  }

  /** The file {@link #replacing} writes before it moves it to {@code path}: its name with ".part" appended. */
  static Path partFile(Path path) {
    Path target = path.toAbsolutePath();
    return target.resolveSibling(target.getFileName() + ".part");
  }

  /**
   * Flushes and closes the output and, for {@link #replacing}, moves the part file to its name; other outputs
   * are only flushed and closed.
   */
  void commit() throws IOException {
    checkNotFailed(); // a failed output is never committed, nor flushed again over the bytes it lost
    if (console != null) {
      flush();
      return;
    }
    if (part == null) {
      emptyIfPending(); // a whole export of no row: the older file goes all the same
      close();
      return;
    }
    stream.flush();
    try {
      // On the disk before the rename: a crash of the machine must not leave a short or empty file under the
      // name of a finished export (a rename can reach the disk before the data it names).
      file.force(false);
    } catch (IOException failure) {
      throw failed(new UncheckedIOException("Cannot write the export to the disk (" + where() + "): "
          + reason(failure), failure));
    }
    synchronized (locks) { // not while the exit's cleanup runs
      OutputFiles.moveOver(part, target); // under the lock: no other export can have opened the part file
      committed = true;
    }
    close();
  }

  /**
   * {@link ExportNotes#tail} of the bytes written so far, read through the output's own channel (another one,
   * once closed, would release the file's lock); call after {@link #sync}. For stdout or a device, of the last
   * bytes kept as they were written. Null before any byte.
   */
  @org.jspecify.annotations.Nullable String tail() throws IOException {
    if (file != null) {
      return ExportNotes.tail(file, bytes, target != null ? target.toString() : "the output");
    }
    int count = (int) Math.min(lastWritten.length, bytes);
    if (count == 0) {
      return null;
    }
    java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(count);
    int start = Math.floorMod(lastEnd - count, lastWritten.length);
    int first = Math.min(count, lastWritten.length - start);
    last.put(lastWritten, start, first).put(lastWritten, 0, count - first);
    return ExportNotes.tail(last);
  }

  /** Whether the output replaces a file only at {@link #commit} ({@link #replacing}). */
  boolean replacesOnCommit() {
    return part != null;
  }

  /**
   * Fails (a run-time error: exit 1, one line) unless {@code path} can be resumed at {@code keepBytes}: it
   * holds at least that many bytes, or it is missing and nothing was written (killed between the first
   * checkpoint and the output's creation).
   *
   * @throws IllegalArgumentException if {@code keepBytes} is negative
   */
  static void checkResumable(Path path, long keepBytes) throws IOException {
    if (keepBytes < 0) {
      throw new IllegalArgumentException("keepBytes must be >= 0: " + keepBytes);
    }
    if (!Files.exists(path)) {
      if (keepBytes == 0) {
        return;
      }
      throw new IllegalStateException("--resume: the output file " + path + " does not exist");
    }
    if (Files.size(path) < keepBytes) {
      throw new IllegalStateException("--resume: " + path + " is shorter than the checkpoint says ("
          + Files.size(path) + " < " + keepBytes + " bytes); it is not the file of this export");
    }
  }

  /**
   * The file cut back to {@code keepBytes} (the rows written after the last checkpoint are dropped) and
   * appended to; a missing file is created if {@code keepBytes} is 0. Never empties a file otherwise. Locked
   * ({@link #lock}) before it is cut.
   *
   * @throws IllegalArgumentException if {@code keepBytes} is negative
   */
  static ExportOutput resume(Path path, long keepBytes) throws IOException {
    return resume(path, keepBytes, null, null);
  }

  /**
   * {@link #resume(Path, long)} that first checks, under the lock, that the file's bytes before {@code keepBytes}
   * are still those {@code notes} noted ({@link ExportNotes#checkTail}); {@code notes} null for no check.
   */
  static ExportOutput resume(Path path, long keepBytes, @org.jspecify.annotations.Nullable ExportNotes notes,
      @org.jspecify.annotations.Nullable Path checkpoint) throws IOException {
    checkResumable(path, keepBytes);
    Locked file = lock(path);
    try {
      checkResumable(path, keepBytes); // again, under the lock
      if (notes != null && checkpoint != null && keepBytes > 0) {
        notes.checkTail(file.channel, path, checkpoint);
      }
      file.channel.truncate(keepBytes);
      file.channel.position(keepBytes);
    } catch (IOException | RuntimeException failure) {
      file.close();
      throw failure;
    }
    return new ExportOutput(file, keepBytes, null, path);
  }

  void write(StringBuilder text) {
    checkNotFailed();
    emptyIfPending();
    byte[] encoded = text.toString().getBytes(StandardCharsets.UTF_8);
    try {
      stream.write(encoded);
    } catch (IOException failure) {
      throw failed(new UncheckedIOException("Cannot write the export to " + where() + ": "
          + reason(failure), failure));
    }
    checkConsole();
    bytes += encoded.length;
    if (lastWritten != null) {
      keepLast(encoded);
    }
  }

  private void keepLast(byte[] encoded) {
    int ring = lastWritten.length;
    int from = Math.max(0, encoded.length - ring);
    while (from < encoded.length) {
      int chunk = Math.min(encoded.length - from, ring - lastEnd);
      System.arraycopy(encoded, from, lastWritten, lastEnd, chunk);
      from += chunk;
      lastEnd = (lastEnd + chunk) % ring;
    }
  }

  /** Why a write failed, in a few words: the system's message, or what a refusal without one was. */
  private static String reason(IOException failure) {
    return failure instanceof java.nio.file.FileSystemException || failure.getMessage() == null
        ? OutputFiles.describe(failure) : failure.getMessage();
  }

  /** What the export is written to, for messages: the file (its part file's target), stdout or the output. */
  private String where() {
    return target != null ? target.toString() : console != null ? "stdout" : "the output";
  }

  void flush() {
    checkNotFailed();
    try {
      stream.flush();
    } catch (IOException failure) {
      throw failed(new UncheckedIOException("Cannot write the export to " + where() + ": "
          + reason(failure), failure));
    }
    checkConsole();
  }

  /**
   * Flushes, then forces a file's content to the disk: a checkpoint written after it never counts bytes that a
   * crash of the machine could lose (a resume would find the file shorter than its checkpoint says).
   */
  void sync() {
    flush();
    if (file != null) {
      try {
        file.force(false);
      } catch (IOException failure) {
        throw failed(new UncheckedIOException("Cannot write the export to the disk (" + where() + "): "
            + reason(failure), failure));
      }
    }
  }

  /**
   * Keeps the first failure for good: after a failed write or sync, a second try may succeed without the lost
   * bytes (Linux reports a failed write-back once), and a checkpoint written then would count them.
   */
  private UncheckedIOException failed(UncheckedIOException failure) {
    if (this.failure == null) {
      this.failure = failure;
    }
    return failure;
  }

  private void checkNotFailed() {
    if (failure != null) {
      throw new UncheckedIOException("The export's output failed before: " + failure.getMessage(),
          failure.getCause());
    }
  }

  /** Throws if stdout failed a write; {@link PrintStream#checkError} flushes what it holds first. */
  private void checkConsole() {
    if (console != null && console.checkError()) {
      throw failed(new UncheckedIOException("Cannot write the export to stdout (a closed pipe or a full disk?)",
          new IOException("stdout's error flag is set")));
    }
  }

  /** Flushes, then closes a file (never stdout); deletes the part file of a {@link #replacing} not committed. */
  @Override
  public void close() throws IOException {
    if (console != null) {
      flush(); // throws again after a failure, as every call does
      return;
    }
    if (closed) {
      return;
    }
    try {
      try {
        stream.flush();
      } finally {
        synchronized (locks) {
          if (part != null && !committed) {
            Files.deleteIfExists(part); // while it is still locked: the next export's part file is its own
          }
          if (emptyBeforeFirstWrite) { // a create() that wrote nothing: a file it made for nothing goes
            for (Locked lock : locks) {
              lock.deleteIfCreatedEmpty();
            }
          }
          closed = true;
        }
      }
    } finally {
      try {
        stream.close(); // closes the file even if the flush failed
      } finally {
        for (Locked lock : locks) {
          lock.close();
        }
        if (partCleanup != null) {
          try {
            Runtime.getRuntime().removeShutdownHook(partCleanup);
          } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook runs and finds the output closed
          }
        }
      }
    }
  }
}
