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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToLongFunction;
import java.util.stream.Collectors;

/**
 * A hand-driven {@link PageSource}: each fetch returns a future that the test completes with
 * {@link #completeNext()} or {@link #failNext}, or that completes at once in auto mode. Rows have a single
 * int column {@code v}, numbered from 0 across pages. It records every fetch (with the page size it asked
 * for) and flags a second fetch while one is still pending.
 *
 * <p>Two shapes: {@link #pages} gives responses of fixed sizes whatever the page size asked (a source
 * that sizes its own pages: its {@link #pageSize()} is 0), and {@link #table} a table of rows of given
 * widths whose responses hold as many rows as asked, from the row the paging state names, like a server.
 */
public final class FakePageSource implements PageSource {
  static final ColumnDefinitions COLUMNS = DefaultColumnDefinitions.valueOf(List.of(new DefaultColumnDefinition(
      new ColumnSpec("ks", "t", "v", 0, RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT)),
      AttachmentPoint.NONE)));

  /** One recorded fetch. */
  public static final class Fetch {
    /** The page index of a {@link #pages} source; the first row of a {@link #table} source. */
    public final int pageIndex;
    /** The rows asked for: the argument of {@code fetch}, or the source's own size when it was 0. */
    public final int pageSize;
    public final CompletableFuture<SourcePage> future;

    Fetch(int pageIndex, int pageSize, CompletableFuture<SourcePage> future) {
      this.pageIndex = pageIndex;
      this.pageSize = pageSize;
      this.future = future;
    }
  }

  private final List<Integer> pageSizes;
  private final long responseBytes;
  /** The rows of a table source; -1 for a source of fixed pages. */
  private final int tableRows;
  /** The own page size of a table source (its statement's); 0 for a source of fixed pages. */
  private final int ownPageSize;
  /** The response bytes of each row of a table source; a negative width makes the response size unknown. */
  private final IntToLongFunction rowBytes;
  private volatile boolean auto;
  /** Runs inside each fetch, on the fetching thread, once the fetch is recorded (a slow hand-over). */
  private volatile Runnable duringFetch = () -> { };
  /** The value of the first row; rows count up from it across pages. */
  private volatile int firstValue;
  /** The paging state of the first request when not resuming (a statement's own), or null. */
  private volatile ByteBuffer initialPagingState;
  public final List<Fetch> fetches = new CopyOnWriteArrayList<>();
  /** Responses whose rows were listed ({@code rows()}) rather than handed out one at a time. */
  public final java.util.concurrent.atomic.AtomicInteger listedPages = new java.util.concurrent.atomic.AtomicInteger();
  final AtomicInteger concurrentFetchViolations = new AtomicInteger();

  FakePageSource(long responseBytes, Integer... pageSizes) {
    this.pageSizes = List.of(pageSizes);
    this.responseBytes = responseBytes;
    this.tableRows = -1;
    this.ownPageSize = 0;
    this.rowBytes = row -> 0;
  }

  private FakePageSource(int tableRows, int ownPageSize, IntToLongFunction rowBytes) {
    this.pageSizes = List.of();
    this.responseBytes = 0;
    this.tableRows = tableRows;
    this.ownPageSize = ownPageSize;
    this.rowBytes = rowBytes;
  }

  /**
   * A table of {@code rows} rows, row {@code i} of {@code rowBytes(i)} response bytes (a response's size is
   * the sum of its rows', or -1 when one of them is negative), whose statement asks for {@code pageSize}
   * rows per page. The paging state holds the row a request starts at.
   */
  public static FakePageSource table(int rows, int pageSize, IntToLongFunction rowBytes) {
    return new FakePageSource(rows, pageSize, rowBytes);
  }

  @Override
  public int pageSize() {
    return ownPageSize;
  }

  /** The page sizes asked for, fetch by fetch. */
  public List<Integer> requestedSizes() {
    return fetches.stream().map(fetch -> fetch.pageSize).collect(Collectors.toList());
  }
  /** Pages of the given sizes, 100 response bytes each. */
  public static FakePageSource pages(Integer... pageSizes) {
    return new FakePageSource(100, pageSizes);
  }

  /** {@code count} pages of {@code size} rows, completing at once. */
  public static FakePageSource automatic(int count, int size) {
    Integer[] sizes = new Integer[count];
    java.util.Arrays.fill(sizes, size);
    FakePageSource source = new FakePageSource(100, sizes);
    source.auto = true;
    return source;
  }

  /** Whether the fake query is safe to ask again (a SELECT) without retries being configured. */
  private volatile boolean safeToRetry;

  public FakePageSource safeToRetry(boolean safe) {
    this.safeToRetry = safe;
    return this;
  }

  @Override
  public boolean safeToRetry() {
    return safeToRetry;
  }

  /** Numbers rows from {@code value} instead of 0 (a {@link #pages} source only). */
  public FakePageSource firstValue(int value) {
    this.firstValue = value;
    return this;
  }

  /** Pretends that the statement carries the paging state of page {@code index}. */
  public FakePageSource startingAtPage(int index) {
    this.initialPagingState = (ByteBuffer) ByteBuffer.allocate(4).putInt(0, index);
    return this;
  }

  @Override
  public ByteBuffer initialPagingState() {
    return initialPagingState;
  }

  /** Completes every later fetch at once. */
  public void setAutomatic() {
    auto = true;
  }

  public int totalRows() {
    if (tableRows >= 0) {
      return tableRows;
    }
    return pageSizes.stream().mapToInt(Integer::intValue).sum();
  }

  @Override
  public CompletableFuture<SourcePage> fetch(ByteBuffer pagingState) {
    return fetch(pagingState, 0);
  }

  @Override
  public CompletableFuture<SourcePage> fetch(ByteBuffer pagingState, int pageSize) {
    int index = pagingState == null ? 0 : pagingState.getInt(pagingState.position());
    for (Fetch fetch : fetches) {
      if (!fetch.future.isDone()) {
        concurrentFetchViolations.incrementAndGet();
      }
    }
    CompletableFuture<SourcePage> future = new CompletableFuture<>();
    Fetch fetch = new Fetch(index, pageSize == 0 ? ownPageSize : pageSize, future);
    fetches.add(fetch);
    if (auto) {
      future.complete(response(fetch));
    }
    duringFetch.run();
    return future;
  }

  /**
   * Runs {@code action} inside every later fetch, on the fetching thread, after the fetch is recorded and
   * before it returns: a test can hold a request in the middle of being handed over (as the driver queues it).
   */
  public FakePageSource duringFetch(Runnable action) {
    this.duringFetch = action;
    return this;
  }

  /** The response to {@code fetch}: its fixed page, or the rows of the table it asked for. */
  private SourcePage response(Fetch fetch) {
    if (tableRows < 0) {
      return page(fetch.pageIndex);
    }
    if (fetch.pageSize <= 0) {
      throw new AssertionError("A table source was asked for " + fetch.pageSize + " rows");
    }
    int first = fetch.pageIndex;
    int size = Math.min(fetch.pageSize, tableRows - first);
    long bytes = 0;
    for (int row = first; row < first + size; row++) {
      long width = rowBytes.applyAsLong(row);
      bytes = bytes < 0 || width < 0 ? -1 : bytes + width;
    }
    boolean more = first + size < tableRows;
    return page(first, size, more ? first + size : -1, bytes);
  }

  @Override
  public String description() {
    return "SELECT v FROM ks.t";
  }

  static final byte[] FINGERPRINT = "fake-statement-1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  @Override
  public byte[] fingerprint() {
    return FINGERPRINT.clone();
  }

  /** The number of fetches sent so far. */
  public int fetchCount() {
    return fetches.size();
  }

  public Fetch last() {
    return fetches.get(fetches.size() - 1);
  }

  /** Completes the pending fetch with its page. */
  public void completeNext() {
    Fetch fetch = pending();
    fetch.future.complete(response(fetch));
  }

  public void failNext(Throwable error) {
    pending().future.completeExceptionally(error);
  }

  public Fetch pending() {
    for (Fetch fetch : fetches) {
      if (!fetch.future.isDone()) {
        return fetch;
      }
    }
    throw new AssertionError("No fetch is pending; fetches so far: " + fetches.size());
  }

  public boolean hasPending() {
    return fetches.stream().anyMatch(fetch -> !fetch.future.isDone());
  }

  public SourcePage page(int index) {
    int first = firstValue;
    for (int i = 0; i < index; i++) {
      first += pageSizes.get(i);
    }
    boolean more = index + 1 < pageSizes.size();
    return page(first, pageSizes.get(index), more ? index + 1 : -1, responseBytes);
  }

  /** A response of {@code size} rows numbered from {@code first}; {@code nextState} -1 on the last. */
  private SourcePage page(int first, int size, int nextState, long responseBytes) {
    boolean more = nextState >= 0;
    List<Row> rows = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      rows.add(row(first + i));
    }
    ByteBuffer next = more ? (ByteBuffer) ByteBuffer.allocate(4).putInt(0, nextState) : null;
    List<Row> frozen = Collections.unmodifiableList(rows);
    return new SourcePage() {
      /** Handed over once and then forgotten, as the driver's response does (see SourcePage#rows). */
      private List<Row> untaken = frozen;

      @Override
      public int size() {
        return size;
      }

      @Override
      public List<Row> rows() {
        listedPages.incrementAndGet();
        return take();
      }

      /** Like the driver's response: the rows one at a time, without a list of them. */
      @Override
      public java.util.Iterator<Row> rowIterator() {
        return take().iterator();
      }

      private List<Row> take() {
        List<Row> taken = untaken;
        if (taken == null) {
          throw new IllegalStateException("the rows of this response were read twice");
        }
        untaken = null;
        return taken;
      }

      @Override
      public boolean hasMorePages() {
        return more;
      }

      @Override
      public ByteBuffer pagingState() {
        return next;
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
    };
  }

  public static Row row(int value) {
    return new DefaultRow(COLUMNS, List.of(TypeCodecs.INT.encode(value, ProtocolVersion.DEFAULT)),
        AttachmentPoint.NONE);
  }

  public static int value(Row row) {
    return row.getInt(0);
  }
}
