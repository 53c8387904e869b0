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

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.asynccassandra.Page;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.RowMapper;
import org.jspecify.annotations.Nullable;

/**
 * What a stream hands out of a page it read: the driver's rows, or the values a {@link RowMapper} makes
 * of them. The sinks take a value (or a whole page) before they count it as received, so a mapper that
 * throws fails the stream without counting its row, on the thread that delivers it.
 */
final class Mapping {
  /** The rows as they are. */
  static final Mapping ROWS = new Mapping(null, "");

  private final @Nullable RowMapper<?> mapper;
  /** The stream's {@code description} (its query), which a mapper's failure names. */
  private final String stream;

  private Mapping(@Nullable RowMapper<?> mapper, String stream) {
    this.mapper = mapper;
    this.stream = stream;
  }

  /**
   * @param stream what the stream reads (its query), named where a mapper fails: among the streams of a service,
   *     "row 2 of page 2" alone finds nothing
   */
  static Mapping of(RowMapper<?> mapper, String stream) {
    return new Mapping(Objects.requireNonNull(mapper, "mapper"), Objects.requireNonNull(stream, "stream"));
  }

  /**
   * The page's values, taken one at a time, in order: each row is decoded (and mapped) as it is taken, and
   * no list of the page's rows is built.
   */
  Values values(DefaultPage page) {
    return new Values(page.rowIterator(), page.size(), page.number(), mapper, stream);
  }

  /** A page's values handed out one at a time, in order; used by one thread at a time, as the sinks are. */
  static final class Values {
    /** Rows when there is a mapper, else the values themselves. */
    private final Iterator<?> items;
    private final int size;
    /** The page's number ({@link Page#number()}), for the message of a mapper that returns null. */
    private final int pageNumber;
    private final @Nullable RowMapper<?> mapper;
    private final String stream;
    private int taken;

    private Values(Iterator<?> items, int size, int pageNumber, @Nullable RowMapper<?> mapper, String stream) {
      this.items = items;
      this.size = size;
      this.pageNumber = pageNumber;
      this.mapper = mapper;
      this.stream = stream;
    }

    /** One value: a whole page, as {@code pages()} hands it out. */
    static Values single(Object value) {
      return new Values(List.of(value).iterator(), 1, 0, null, "");
    }

    /** How many values the page has, taken or not. */
    int size() {
      return size;
    }

    /**
     * The next value: the next row, or what the mapper makes of it.
     *
     * @throws NoSuchElementException when all {@link #size()} were taken
     */
    Object next() {
      if (taken == size) {
        throw new NoSuchElementException("all " + size + " values of this page were taken");
      }
      Object item = items.next();
      int index = taken++;
      RowMapper<?> rowMapper = mapper;
      return rowMapper == null ? item : map(rowMapper, (Row) item, index, pageNumber, stream);
    }
  }

  /**
   * The page as the user sees it: itself, or a page of its rows mapped now. The rows are mapped one at a time
   * as they are decoded, and no list of them is kept: a mapped page held by its consumer holds its values, not
   * its rows as well.
   */
  Page<?> page(DefaultPage page) {
    RowMapper<?> rowMapper = mapper;
    if (rowMapper == null) {
      return page;
    }
    java.util.Iterator<Row> rows = page.rowIterator();
    int size = page.size();
    List<Object> values = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      values.add(map(rowMapper, rows.next(), i, page.number(), stream));
    }
    return new MappedPage(page, Collections.unmodifiableList(values));
  }

  private static Object map(RowMapper<?> mapper, Row row, int index, int pageNumber, String stream) {
    Object value;
    try {
      value = mapper.map(row);
    } catch (RuntimeException failure) { // an Error passes as it is: nothing is allocated for it
      // The stream fails with the mapper's own exception, as documented; where it failed goes with it, so that a
      // value that cannot be decoded is found among millions of rows. Once: a mapper that throws one shared
      // instance must not make it grow with every failure.
      if (java.util.Arrays.stream(failure.getSuppressed()).noneMatch(RowMapperFailedAt.class::isInstance)) {
        failure.addSuppressed(new RowMapperFailedAt("The RowMapper " + mapper + " failed at row " + (index + 1)
            + " of page " + pageNumber + " of the stream over '" + stream + "'"));
      }
      throw failure;
    }
    if (value == null) {
      throw new NullPointerException("The RowMapper " + mapper + " returned null for row " + (index + 1)
          + " of page " + pageNumber + " of the stream over '" + stream + "'; a stream cannot carry null values");
    }
    return value;
  }

  /** Where a mapper threw, added to its exception as a suppressed one: no stack of its own to fill. */
  static final class RowMapperFailedAt extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RowMapperFailedAt(String message) {
      super(message, null, false, false);
    }
  }

  /** A page of mapped values; everything but its values is the page it was made of. */
  private static final class MappedPage implements Page<Object> {
    private final DefaultPage page;
    private final List<Object> values;

    MappedPage(DefaultPage page, List<Object> values) {
      this.page = page;
      this.values = values;
    }

    @Override
    public List<Object> rows() {
      return values;
    }

    @Override
    public int size() {
      return values.size();
    }

    @Override
    public int number() {
      return page.number();
    }

    @Override
    public boolean isLast() {
      return page.isLast();
    }

    @Override
    public ExecutionInfo executionInfo() {
      return page.executionInfo();
    }

    @Override
    public ColumnDefinitions columnDefinitions() {
      return page.columnDefinitions();
    }

    @Override
    public Optional<ResumeToken> resumeToken() {
      return page.resumeToken();
    }

    @Override
    public String toString() {
      return "Page " + page.number() + " of " + values.size() + " mapped values";
    }
  }
}
