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
package org.asynccassandra.bench.jmh;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinition;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.driver.internal.core.cql.DefaultRow;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.asynccassandra.internal.stream.PageSource;
import org.asynccassandra.internal.stream.SourcePage;

/**
 * A {@link PageSource} with no server behind it: every page and row is built once, up front, and each
 * fetch returns an already-completed future, so a stream over it costs only the engine's own work.
 *
 * <p>Rows have one int column {@code v}, numbered from 0 across pages. The paging state of page N+1 is a
 * 4-byte buffer holding N+1, read without moving its position. Immutable once built; one instance serves
 * any number of streams, one after another or at once.
 */
final class PrebuiltPageSource implements PageSource {
  private static final ColumnDefinitions COLUMNS = DefaultColumnDefinitions.valueOf(List.of(
      new DefaultColumnDefinition(
          new ColumnSpec("bench", "rows", "v", 0, RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT)),
          AttachmentPoint.NONE)));
  private static final byte[] FINGERPRINT = "prebuilt-page-01".getBytes(StandardCharsets.US_ASCII);

  private final List<SourcePage> pages;
  /** One completed future per page; completing, cancelling or chaining on it again changes nothing. */
  private final List<CompletableFuture<SourcePage>> fetched;

  PrebuiltPageSource(int pageCount, int rowsPerPage) {
    if (pageCount <= 0) {
      throw new IllegalArgumentException("pageCount must be > 0: " + pageCount);
    }
    if (rowsPerPage <= 0) {
      throw new IllegalArgumentException("rowsPerPage must be > 0: " + rowsPerPage);
    }
    List<SourcePage> built = new ArrayList<>(pageCount);
    List<CompletableFuture<SourcePage>> futures = new ArrayList<>(pageCount);
    for (int index = 0; index < pageCount; index++) {
      List<Row> rows = new ArrayList<>(rowsPerPage);
      for (int i = 0; i < rowsPerPage; i++) {
        rows.add(row(index * rowsPerPage + i));
      }
      boolean more = index + 1 < pageCount;
      ByteBuffer next = more ? ByteBuffer.allocate(4).putInt(0, index + 1) : null;
      SourcePage page = new Page(Collections.unmodifiableList(rows), next, rowsPerPage * 8L);
      built.add(page);
      futures.add(CompletableFuture.completedFuture(page));
    }
    this.pages = List.copyOf(built);
    this.fetched = List.copyOf(futures);
  }

  /** Pages of {@code rowsPerPage} of the given rows, in order; the last page may be shorter. */
  PrebuiltPageSource(List<Row> rows, int rowsPerPage) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("rows must not be empty");
    }
    if (rowsPerPage <= 0) {
      throw new IllegalArgumentException("rowsPerPage must be > 0: " + rowsPerPage);
    }
    int pageCount = (rows.size() + rowsPerPage - 1) / rowsPerPage;
    List<SourcePage> built = new ArrayList<>(pageCount);
    List<CompletableFuture<SourcePage>> futures = new ArrayList<>(pageCount);
    for (int index = 0; index < pageCount; index++) {
      List<Row> slice = List.copyOf(rows.subList(index * rowsPerPage, Math.min(rows.size(),
          (index + 1) * rowsPerPage)));
      boolean more = index + 1 < pageCount;
      ByteBuffer next = more ? ByteBuffer.allocate(4).putInt(0, index + 1) : null;
      SourcePage page = new Page(slice, next, slice.size() * 8L);
      built.add(page);
      futures.add(CompletableFuture.completedFuture(page));
    }
    this.pages = List.copyOf(built);
    this.fetched = List.copyOf(futures);
  }

  /** The pages, in order: what the baseline loops over. */
  List<SourcePage> pages() {
    return pages;
  }

  @Override
  public CompletableFuture<SourcePage> fetch(ByteBuffer pagingState) {
    return fetched.get(pagingState == null ? 0 : pagingState.getInt(pagingState.position()));
  }

  @Override
  public String description() {
    return "SELECT v FROM bench.rows (prebuilt)";
  }

  @Override
  public byte[] fingerprint() {
    return FINGERPRINT.clone();
  }

  private static Row row(int value) {
    return new DefaultRow(COLUMNS, List.of(TypeCodecs.INT.encode(value, ProtocolVersion.DEFAULT)),
        AttachmentPoint.NONE);
  }

  /** One prebuilt response. */
  private static final class Page implements SourcePage {
    private final List<Row> rows;
    private final ByteBuffer pagingState;
    private final long responseBytes;

    Page(List<Row> rows, ByteBuffer pagingState, long responseBytes) {
      this.rows = rows;
      this.pagingState = pagingState;
      this.responseBytes = responseBytes;
    }

    @Override
    public int size() {
      return rows.size();
    }

    @Override
    public List<Row> rows() {
      return rows;
    }

    @Override
    public boolean hasMorePages() {
      return pagingState != null;
    }

    @Override
    public ByteBuffer pagingState() {
      return pagingState;
    }

    @Override
    public long responseBytes() {
      return responseBytes;
    }

    @Override
    public ExecutionInfo executionInfo() {
      return null;
    }

    @Override
    public ColumnDefinitions columnDefinitions() {
      return COLUMNS;
    }
  }
}
