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
package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The result columns that the streams of one session keep, each shape held once. A stream keeps its first
 * page's {@link ColumnDefinitions} for {@code columnDefinitions()} as long as it is open, and the driver decodes
 * a new instance from every response of a statement that is not prepared: about 1.9 KiB for three columns
 * (their names, keyspace and table as new strings, and the driver's index by name), more than the stream's own
 * state, kept by every open stream. Streams of the same columns (the same keyspace, table, name and type, in
 * the same order) share the first instance seen instead.
 *
 * <p>At most {@value #MAX_SHAPES} shapes are kept, for the session's life: past that, a stream keeps its own
 * instance, as without this. Thread-safe.
 */
public final class SharedColumns {
  /** The most distinct column shapes held. */
  static final int MAX_SHAPES = 256;

  private final ConcurrentHashMap<List<Object>, ColumnDefinitions> shapes = new ConcurrentHashMap<>();

  /**
   * An instance equal to {@code columns} (the same columns in the same order) that other streams of the
   * session share: the first one given, or {@code columns} itself when it is the first, has no column, or
   * the most shapes are held already.
   */
  public ColumnDefinitions share(ColumnDefinitions columns) {
    int size = columns.size();
    if (size == 0) {
      return columns;
    }
    List<Object> shape = new ArrayList<>(4 * size);
    for (ColumnDefinition column : columns) {
      shape.add(column.getKeyspace());
      shape.add(column.getTable());
      shape.add(column.getName());
      shape.add(column.getType());
    }
    ColumnDefinitions shared = shapes.get(shape);
    if (shared != null) {
      return shared;
    }
    if (shapes.size() >= MAX_SHAPES) {
      return columns;
    }
    shared = shapes.putIfAbsent(shape, columns);
    return shared != null ? shared : columns;
  }

  /** The shapes held; for tests. */
  int size() {
    return shapes.size();
  }
}
