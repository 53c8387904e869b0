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

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.SerializedString;

/**
 * The row writers' view of one result's columns: names, types and default codecs, looked up once per
 * {@link ColumnDefinitions} (the pages of one result share theirs) rather than once per value.
 */
final class Columns {
  final ColumnDefinitions definitions;
  final String[] names;
  /** The names with their JSON escaping done once: the NDJSON writer writes them on every row. */
  final SerializedString[] jsonNames;
  final DataType[] types;
  private final TypeCodec<Object>[] codecs;
  /** The first name that two columns share ({@code SELECT v, v}), or null: a JSON object cannot hold both. */
  final @Nullable String duplicateName;

  @SuppressWarnings("unchecked")
  private Columns(ColumnDefinitions definitions) {
    this.definitions = definitions;
    int size = definitions.size();
    this.names = new String[size];
    this.jsonNames = new SerializedString[size];
    this.types = new DataType[size];
    this.codecs = new TypeCodec[size];
    String duplicate = null;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < size; i++) {
      names[i] = definitions.get(i).getName().asInternal();
      if (!seen.add(names[i]) && duplicate == null) {
        duplicate = names[i];
      }
      jsonNames[i] = new SerializedString(names[i]);
      types[i] = definitions.get(i).getType();
      codecs[i] = CodecRegistry.DEFAULT.codecFor(types[i]);
    }
    this.duplicateName = duplicate;
  }

  /** {@code current} when it describes {@code definitions}, else a new view. */
  static Columns of(@Nullable Columns current, ColumnDefinitions definitions) {
    return current != null && current.definitions == definitions ? current : new Columns(definitions);
  }

  /**
   * {@code failure}, which decoding or writing column {@code i} threw, as an {@link IllegalArgumentException}
   * naming the column and its type (a codec's own error names neither: "expecting 4 bytes but got 3", an enum
   * constant it does not know).
   */
  IllegalArgumentException failure(int i, RuntimeException failure) {
    return new IllegalArgumentException("Column '" + names[i] + "' (" + types[i].asCql(true, true) + "): "
        + failure.getMessage(), failure);
  }

  /** The row's value in column {@code i}, or null when the row has none (or an empty value, which the driver decodes to null). */
  @Nullable Object value(Row row, int i) {
    ByteBuffer bytes = row.getBytesUnsafe(i);
    return bytes == null ? null : codecs[i].decode(bytes, row.protocolVersion());
  }
}
