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

import java.io.Writer;
import java.util.Locale;
import org.asynccassandra.values.RowWriter;

/** The file formats of the export: each is a {@link RowWriter} and a file suffix. */
public enum ExportFormat {
  /** RFC 4180 with CRLF line ends and a header of column names in every file. */
  CSV(".csv", true),
  /** One JSON object per line, no header. */
  NDJSON(".ndjson", false);

  private final String suffix;
  private final boolean header;

  ExportFormat(String suffix, boolean header) {
    this.suffix = suffix;
    this.header = header;
  }

  /** {@return the suffix of the files, with its dot}: {@code .csv} or {@code .ndjson}. */
  public String suffix() {
    return suffix;
  }

  /** {@return whether each file starts with a header record}: true for CSV only. */
  public boolean hasHeader() {
    return header;
  }

  /**
   * A writer of this format to {@code out}.
   *
   * @param out where the records go; the writer owns it and closes it on its own {@code close()}
   * @return a new {@link RowWriter#csv} or {@link RowWriter#ndjson} writer, which writes no header by itself
   */
  public RowWriter writer(Writer out) {
    return this == CSV ? RowWriter.csv(out) : RowWriter.ndjson(out);
  }

  /**
   * {@code csv} or {@code ndjson}, in any case.
   *
   * @param text the format's name, in any case, with or without surrounding spaces
   * @return the format it names
   * @throws IllegalArgumentException naming the text otherwise
   */
  public static ExportFormat parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      throw new IllegalArgumentException("The format is csv or ndjson: '" + text + "'", unknown);
    }
  }
}
