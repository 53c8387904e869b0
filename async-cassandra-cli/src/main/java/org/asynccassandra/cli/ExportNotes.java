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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an export's checkpoint notes about its output, next to the scan's place: the output's length and rows
 * when the checkpoint was taken, and its format. Immutable.
 *
 * @param outputBytes the output's length, {@code >= 0}
 * @param outputRows the rows in the output, {@code >= 0}
 * @param format the output's format; null in a checkpoint written before the format was noted
 */
record ExportNotes(long outputBytes, long outputRows, RowFormat format) {
  private static final String OUTPUT_BYTES = "output-bytes";
  private static final String OUTPUT_ROWS = "output-rows";
  private static final String OUTPUT_FORMAT = "output-format";

  ExportNotes {
    if (outputBytes < 0) {
      throw new IllegalArgumentException("outputBytes must be >= 0: " + outputBytes);
    }
    if (outputRows < 0) {
      throw new IllegalArgumentException("outputRows must be >= 0: " + outputRows);
    }
  }

  /** The notes as {@link org.asynccassandra.ScanCheckpoint#write(Path, List)} takes them. */
  List<String> lines() {
    return List.of(OUTPUT_BYTES + " " + outputBytes, OUTPUT_ROWS + " " + outputRows,
        OUTPUT_FORMAT + " " + format.name().toLowerCase(Locale.ROOT));
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
    return new ExportNotes(bytes, rows, format);
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
