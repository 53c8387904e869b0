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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an export wrote into its folder: files, bytes, lines, and rows (lines, less one header line per
 * non-empty file for CSV). Counts line ends, so it fits line-based formats whose values hold no line end, as
 * the bench's rows do. Immutable.
 *
 * @param files the regular files in the folder and below
 * @param bytes their total size
 * @param lines their lines; a last line without a line end counts
 * @param rows the rows they hold
 */
record ExportOutput(int files, long bytes, long lines, long rows) {
  /**
   * Counts what is in {@code folder}.
   *
   * @param headerPerFile whether every non-empty file starts with a header line (CSV from both tools)
   */
  static ExportOutput count(Path folder, boolean headerPerFile) throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(folder)) {
      files = all.filter(Files::isRegularFile).sorted().toList();
    }
    long bytes = 0;
    long lines = 0;
    long headers = 0;
    for (Path file : files) {
      long fileLines = lines(file);
      bytes += Files.size(file);
      lines += fileLines;
      if (headerPerFile && fileLines > 0) {
        headers++;
      }
    }
    return new ExportOutput(files.size(), bytes, lines, lines - headers);
  }

  /** The lines of a file: its '\n' bytes, plus one when the last line has no line end. */
  static long lines(Path file) throws IOException {
    long lines = 0;
    int last = '\n';
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        for (int i = 0; i < read; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
        if (read > 0) {
          last = buffer[read - 1];
        }
      }
    }
    return last == '\n' ? lines : lines + 1;
  }
}
