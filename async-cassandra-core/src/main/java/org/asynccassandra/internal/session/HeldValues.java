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
package org.asynccassandra.internal.session;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.MappedAsyncPagingIterable;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.asynccassandra.RowMapper;
import org.asynccassandra.internal.stream.SourcePage;
import org.jspecify.annotations.Nullable;

/**
 * The current page of a {@link MappedAsyncPagingIterable} (values the driver already mapped) as the first
 * page of a stream of rows. The engine carries rows only, so each held value travels in a {@link Carrier},
 * a row that holds it and no data, and the stream's mapper ({@link #unwrapping}) hands the value itself
 * out where it would map a row. The carriers never reach user code: such a stream is only handed out
 * mapped.
 */
final class HeldValues {
  private HeldValues() {}

  /** The iterable's current page, read (and so mapped by the driver) on the thread that consumes it. */
  static SourcePage page(MappedAsyncPagingIterable<?> first) {
    return new HeldPage(first);
  }

  /**
   * A mapper that hands out a held value as it is and maps every other row with {@code mapper}. The
   * caller guarantees that the held values are {@code T}s: they come from a {@code
   * MappedAsyncPagingIterable<T>}.
   */
  static <T> RowMapper<T> unwrapping(RowMapper<? extends T> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return new RowMapper<T>() {
      @Override
      @SuppressWarnings("unchecked")
      public T map(Row row) {
        if (row instanceof Carrier carrier) {
          if (carrier.value == null) {
            // Not the given mapper's doing: the stream's message would blame it.
            throw new NullPointerException("The result handed to continueStream mapped a row of its current page"
                + " to null (the driver's mapping, not " + mapper + "); a stream cannot carry null values");
          }
          return (T) carrier.value;
        }
        return mapper.map(row);
      }

      @Override
      public String toString() {
        return mapper.toString();
      }
    };
  }

  /** One response that the caller already holds, its values already mapped by the driver. */
  private static final class HeldPage implements SourcePage {
    private final MappedAsyncPagingIterable<?> first;
    private final int size;
    /** The rows were handed over: the caller's result can be read only once. */
    private boolean taken;

    HeldPage(MappedAsyncPagingIterable<?> first) {
      this.first = first;
      this.size = first.remaining();
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public List<Row> rows() {
      List<Row> list = new ArrayList<>(size);
      rowIterator().forEachRemaining(list::add);
      return Collections.unmodifiableList(list);
    }

    /**
     * The held values one at a time: the driver maps each as the iterator reaches it, so that a value that
     * fails to map fails the stream after every value before it, not before the first.
     */
    @Override
    public Iterator<Row> rowIterator() {
      if (taken) {
        throw new IllegalStateException("The rows of this result were already read: it can be read only once");
      }
      taken = true;
      ColumnDefinitions columns = first.getColumnDefinitions();
      Iterator<?> values = first.currentPage().iterator();
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return values.hasNext();
        }

        @Override
        public Row next() {
          return new Carrier(values.next(), columns);
        }
      };
    }

    @Override
    public boolean hasMorePages() {
      return first.hasMorePages();
    }

    @Override
    public @Nullable ByteBuffer pagingState() {
      return first.getExecutionInfo().getPagingState();
    }

    @Override
    public long responseBytes() {
      return first.getExecutionInfo().getResponseSizeInBytes();
    }

    @Override
    public ExecutionInfo executionInfo() {
      return first.getExecutionInfo();
    }

    @Override
    public ColumnDefinitions columnDefinitions() {
      return first.getColumnDefinitions();
    }
  }

  /** A row that carries a value already mapped; it has the result's columns but none of their data. */
  private static final class Carrier implements Row {
    final @Nullable Object value; // null when the driver's mapping made null: refused where it is handed out
    private final ColumnDefinitions columns;

    Carrier(@Nullable Object value, ColumnDefinitions columns) {
      this.value = value;
      this.columns = columns;
    }

    @Override
    public ColumnDefinitions getColumnDefinitions() {
      return columns;
    }

    @Override
    public ByteBuffer getBytesUnsafe(int i) {
      throw new UnsupportedOperationException("This row of a held page was already mapped by the driver to "
          + (value == null ? "null" : value.getClass().getName()) + "; its column data is gone");
    }

    @Override
    public int size() {
      return columns.size();
    }

    @Override
    public DataType getType(int i) {
      return columns.get(i).getType();
    }

    @Override
    public int firstIndexOf(String name) {
      return columns.firstIndexOf(name);
    }

    @Override
    public DataType getType(String name) {
      return columns.get(name).getType();
    }

    @Override
    public int firstIndexOf(CqlIdentifier id) {
      return columns.firstIndexOf(id);
    }

    @Override
    public DataType getType(CqlIdentifier id) {
      return columns.get(id).getType();
    }

    @Override
    public CodecRegistry codecRegistry() {
      return CodecRegistry.DEFAULT;
    }

    @Override
    public ProtocolVersion protocolVersion() {
      return ProtocolVersion.DEFAULT;
    }

    @Override
    public boolean isDetached() {
      return true;
    }

    @Override
    public void attach(AttachmentPoint attachmentPoint) {}

    @Override
    public String toString() {
      return "held value " + value;
    }
  }
}
