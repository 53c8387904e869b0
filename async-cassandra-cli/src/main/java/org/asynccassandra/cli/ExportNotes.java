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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * What an export's checkpoint notes about its output, next to the scan's place: the output's length and rows
 * when the checkpoint was taken, its format, and a checksum of its last bytes. Immutable.
 *
 * @param outputBytes the output's length, {@code >= 0}
 * @param outputRows the rows in the output, {@code >= 0}
 * @param format the output's format; null in a checkpoint written before the format was noted
 * @param tail {@link #tail} of the output at {@code outputBytes}; null when nothing was written yet, or in a
 *     checkpoint written before it was noted
 * @param columns {@link #columnsOf} the rows written; null before the first page, or in a checkpoint written
 *     before it was noted
 * @param tableId the id Cassandra gave the table when it was created (a table dropped and created again, or one
 *     of the same name on another cluster, has another); null when the driver did not know it, or in a checkpoint
 *     written before it was noted
 */
record ExportNotes(long outputBytes, long outputRows, RowFormat format, @Nullable String tail,
    @Nullable String columns, @Nullable String tableId) {
  private static final String OUTPUT_BYTES = "output-bytes";
  private static final String OUTPUT_ROWS = "output-rows";
  private static final String OUTPUT_FORMAT = "output-format";
  private static final String OUTPUT_TAIL = "output-tail";
  private static final String OUTPUT_COLUMNS = "output-columns";
  private static final String TABLE_ID = "table-id";
  /** The most bytes before the checkpoint's length that its checksum covers. */
  static final int TAIL_BYTES = 64 * 1024;

  ExportNotes {
    if (outputBytes < 0) {
      throw new IllegalArgumentException("outputBytes must be >= 0: " + outputBytes);
    }
    if (outputRows < 0) {
      throw new IllegalArgumentException("outputRows must be >= 0: " + outputRows);
    }
  }

  ExportNotes(long outputBytes, long outputRows, RowFormat format) {
    this(outputBytes, outputRows, format, null, null, null);
  }

  /** These notes with the table's id ({@link #tableId}). */
  ExportNotes withTableId(@Nullable String id) {
    return new ExportNotes(outputBytes, outputRows, format, tail, columns, id);
  }

  /**
   * Fails unless the checkpointed export read the table that has id {@code current} now: a table dropped and
   * created again since, or one of the same name on another cluster, holds other rows, and the rest of them
   * appended to the output would not continue it. A checkpoint or a table without an id is accepted.
   */
  void checkTableId(@Nullable String current, String table, Path checkpoint) {
    if (tableId != null && current != null && !tableId.equals(current)) {
      throw new IllegalStateException("--resume: the checkpoint " + checkpoint + " is of another table named "
          + table + " (its id was " + tableId + ", this one's is " + current + "): the table was dropped and "
          + "created again since, or this is another cluster; export again without --resume");
    }
  }

  /**
   * The columns of the rows written, names and types in order, as their count and a CRC32C: {@code "3 5e1f0a2c"}.
   * A resume whose rows have other columns (the table altered since, with no {@code --columns}) would append
   * rows that do not match the header and the rows before.
   */
  static String columnsOf(com.datastax.oss.driver.api.core.cql.ColumnDefinitions definitions) {
    CRC32C crc = new CRC32C();
    for (com.datastax.oss.driver.api.core.cql.ColumnDefinition column : definitions) {
      crc.update((column.getName().asCql(true) + " " + column.getType().asCql(true, true) + "\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    return definitions.size() + " " + Long.toHexString(crc.getValue());
  }

  /** The notes as {@link org.asynccassandra.ScanCheckpoint#write(Path, List)} takes them. */
  List<String> lines() {
    List<String> lines = new java.util.ArrayList<>(List.of(OUTPUT_BYTES + " " + outputBytes,
        OUTPUT_ROWS + " " + outputRows, OUTPUT_FORMAT + " " + format.name().toLowerCase(Locale.ROOT)));
    if (tail != null) {
      lines.add(OUTPUT_TAIL + " " + tail);
    }
    if (columns != null) {
      lines.add(OUTPUT_COLUMNS + " " + columns);
    }
    if (tableId != null) {
      lines.add(TABLE_ID + " " + tableId);
    }
    return lines;
  }

  /**
   * The last bytes of {@code file} before {@code length} (at most {@link #TAIL_BYTES}), as their count and their
   * CRC32C: {@code "65536 1b2c3d4e"}; null for a length of 0. Blocks on file I/O.
   *
   * @throws IOException when the file cannot be read, or holds fewer than {@code length} bytes
   */
  static @Nullable String tail(Path file, long length) throws IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      return tail(channel, length, file.toString());
    }
  }

  /**
   * {@link #tail(Path, long)} through a channel open for reading: the export's own, which holds the output's
   * lock (closing any other channel of the file would release that lock, as POSIX record locks go).
   */
  static @Nullable String tail(FileChannel channel, long length, String name) throws IOException {
    if (length == 0) {
      return null;
    }
    int count = (int) Math.min(TAIL_BYTES, length);
    ByteBuffer bytes = ByteBuffer.allocate(count);
    while (bytes.hasRemaining()) {
      if (channel.read(bytes, length - count + bytes.position()) < 0) {
        throw new IOException(name + " holds fewer than " + length + " bytes");
      }
    }
    return tail(bytes);
  }

  /** {@link #tail(Path, long)} of the bytes {@code last} holds up to its position. */
  static String tail(ByteBuffer last) {
    int count = last.position();
    CRC32C crc = new CRC32C();
    crc.update(last.flip());
    return count + " " + Long.toHexString(crc.getValue());
  }

  /**
   * Fails, before anything is changed, unless {@code output}'s bytes before {@link #outputBytes} are the ones
   * the checkpointed export wrote there: a resume into another file (or one changed since) would cut it back
   * and append the rest of the table to it. A checkpoint without the note (an older version's) is accepted.
   */
  void checkTail(Path output, Path checkpoint) throws IOException {
    if (tail != null) {
      checkTail(tail(output, outputBytes), output, checkpoint);
    }
  }

  /** {@link #checkTail(Path, Path)} through the output's locked channel (see {@link #tail(FileChannel, long, String)}). */
  void checkTail(FileChannel output, Path path, Path checkpoint) throws IOException {
    if (tail != null) {
      checkTail(tail(output, outputBytes, path.toString()), path, checkpoint);
    }
  }

  private void checkTail(@Nullable String found, Path output, Path checkpoint) {
    if (!java.util.Objects.equals(tail, found)) {
      throw new IllegalStateException("--resume: " + output + " is not the file the export of " + checkpoint
          + " wrote (its last bytes before the checkpoint's " + outputBytes + " differ), or it was changed "
          + "since; it was left as it is");
    }
  }

  /**
   * Reads the notes of a checkpoint file that export wrote. Blocks on file I/O.
   *
   * @throws IllegalStateException naming the file, when a note is missing or its value is not one export
   *     writes (a negative length, say: resuming from it would lose rows)
   */
  static ExportNotes read(Path checkpoint) throws IOException {
    List<String> lines = Files.readAllLines(checkpoint, StandardCharsets.UTF_8);
    long bytes = count(checkpoint, lines, OUTPUT_BYTES);
    long rows = count(checkpoint, lines, OUTPUT_ROWS);
    RowFormat format = note(lines, OUTPUT_FORMAT).map(value -> {
      try {
        return RowFormat.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException unknown) {
        throw bad(checkpoint, OUTPUT_FORMAT, value, "csv or ndjson");
      }
    }).orElse(null);
    return new ExportNotes(bytes, rows, format, note(lines, OUTPUT_TAIL).orElse(null),
        note(lines, OUTPUT_COLUMNS).orElse(null), note(lines, TABLE_ID).orElse(null));
  }

  /**
   * Fails unless the checkpointed export wrote {@code given}: resuming in another format would append it to
   * the same file. A checkpoint that does not note its format (an older version's) is accepted.
   */
  void checkFormat(RowFormat given, Path checkpoint) {
    if (format != null && format != given) {
      String noted = format.name().toLowerCase(Locale.ROOT);
      throw new IllegalStateException("--resume: the checkpoint " + checkpoint + " is of a " + noted
          + " export, not " + given.name().toLowerCase(Locale.ROOT) + ": resume with --format " + noted
          + ", or export again without --resume");
    }
  }

  private static long count(Path checkpoint, List<String> lines, String name) {
    String value = note(lines, name).orElseThrow(() -> new IllegalStateException("--resume: the checkpoint "
        + checkpoint + " has no '" + name + "' note: it was not written by export"));
    long count;
    try {
      count = Long.parseLong(value);
    } catch (NumberFormatException notANumber) {
      throw bad(checkpoint, name, value, "a whole number >= 0");
    }
    if (count < 0) {
      throw bad(checkpoint, name, value, "a whole number >= 0");
    }
    return count;
  }

  private static Optional<String> note(List<String> lines, String name) {
    String prefix = "# " + name + " ";
    return lines.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()).strip())
        .findFirst();
  }

  private static IllegalStateException bad(Path checkpoint, String name, String value, String expected) {
    return new IllegalStateException("--resume: the checkpoint " + checkpoint + " has a bad '" + name + "' note: "
        + value + " (expected " + expected + "); it was changed after export wrote it");
  }
}
