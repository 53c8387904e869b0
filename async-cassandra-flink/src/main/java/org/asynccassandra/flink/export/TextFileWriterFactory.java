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
package org.asynccassandra.flink.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Part files of text records for Flink's {@code FileSink}: each file starts with the header, if any, then
 * holds the records as they come (each carries its own line end), in UTF-8. A bulk format, so each part file
 * is rolled and committed at a checkpoint: a failure never leaves a half-written record in a committed file.
 */
final class TextFileWriterFactory implements BulkWriter.Factory<String> {
  private static final long serialVersionUID = 1L;

  private final @Nullable String header;

  /** @param header the text written at the start of every file, line end included; null for none */
  TextFileWriterFactory(@Nullable String header) {
    this.header = header;
  }

  @Override
  public BulkWriter<String> create(FSDataOutputStream out) throws IOException {
    Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    if (header != null) {
      text.write(header);
    }
    return new BulkWriter<>() {
      @Override
      public void addElement(String record) throws IOException {
        text.write(record);
      }

      @Override
      public void flush() throws IOException {
        text.flush();
      }

      @Override
      public void finish() throws IOException {
        text.flush(); // the sink closes the stream itself
      }
    };
  }
}
