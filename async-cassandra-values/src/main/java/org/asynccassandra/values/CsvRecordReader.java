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

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the records of an RFC 4180 CSV text (through FastCSV) and tells null from empty, the way
 * {@link RowWriter#csv} writes them: an empty unquoted field is {@code null}, a quoted empty field
 * ({@code ""}) is the empty string. An empty line is a record of one null field (what a one-column export
 * writes for a null). Give each field to {@link CqlValueReader#fromText} with its column's type.
 *
 * <p>Not thread-safe: one reader per thread. Iterating reads the input, and blocks as the input does;
 * reading errors are {@link UncheckedIOException}s. {@link #close()} closes the input.
 */
public final class CsvRecordReader implements Iterable<List<@Nullable String>>, Closeable {
  /** The longest field read: the largest array the JVM allocates, so any value CQL can hold reads back. */
  static final int MAX_FIELD_CHARS = Integer.MAX_VALUE - 8;

  private final CsvReader<List<@Nullable String>> reader;

  private CsvRecordReader(Reader in) {
    this.reader = CsvReader.builder()
        .maxBufferSize(MAX_FIELD_CHARS) // FastCSV's default stops at a field of 16 M characters: a 12 MB blob
        .skipEmptyLines(false)
        .allowMissingFields(true)
        .allowExtraFields(true)
        .build(new NullAwareHandler(), in);
  }

  /**
   * A reader of {@code in}, which it closes on {@link #close()}.
   *
   * @param in the CSV text, read lazily as the records are iterated (nothing is read here)
   * @return a new reader; iterate it once
   */
  public static CsvRecordReader of(Reader in) {
    return new CsvRecordReader(in);
  }

  /** The records, each once, in the order of the input; the first is the header when the text has one. */
  @Override
  public Iterator<List<@Nullable String>> iterator() {
    return reader.iterator();
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    }
  }

  /** Keeps the quoted flag that FastCSV's record handlers drop: empty and unquoted means null. */
  private static final class NullAwareHandler extends AbstractBaseCsvCallbackHandler<List<@Nullable String>> {
    private List<@Nullable String> fields = new ArrayList<>();

    @Override
    protected void handleBegin(long startingLineNumber) {
      fields = new ArrayList<>();
    }

    @Override
    protected void handleField(int index, char[] buffer, int offset, int length, boolean quoted) {
      fields.add(length == 0 && !quoted ? null : new String(buffer, offset, length));
    }

    @Override
    protected List<@Nullable String> buildRecord() {
      return fields.isEmpty() ? Collections.singletonList(null) : fields;
    }
  }
}
