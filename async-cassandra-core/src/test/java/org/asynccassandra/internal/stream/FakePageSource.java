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

/**
 * A hand-driven {@link PageSource}: each fetch returns a future that the test completes with
 * {@link #completeNext()} or {@link #failNext}, or that completes at once in auto mode. Rows have a single
 * int column {@code v}, numbered from 0 across pages. It records every fetch and flags a second fetch
 * while one is still pending.
 */
public final class FakePageSource implements PageSource {
  static final ColumnDefinitions COLUMNS = DefaultColumnDefinitions.valueOf(List.of(new DefaultColumnDefinition(
      new ColumnSpec("ks", "t", "v", 0, RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT)),
      AttachmentPoint.NONE)));

  /** One recorded fetch. */
  public static final class Fetch {
    public final int pageIndex;
    public final CompletableFuture<SourcePage> future;

    Fetch(int pageIndex, CompletableFuture<SourcePage> future) {
      this.pageIndex = pageIndex;
      this.future = future;
    }
  }

  private final List<Integer> pageSizes;
  private final long responseBytes;
  private volatile boolean auto;
  /** The value of the first row; rows count up from it across pages. */
  private volatile int firstValue;
  /** The paging state of the first request when not resuming (a statement's own), or null. */
  private volatile ByteBuffer initialPagingState;
  public final List<Fetch> fetches = new CopyOnWriteArrayList<>();
  final AtomicInteger concurrentFetchViolations = new AtomicInteger();

  FakePageSource(long responseBytes, Integer... pageSizes) {
    this.pageSizes = List.of(pageSizes);
    this.responseBytes = responseBytes;
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

  /** Numbers rows from {@code value} instead of 0. */
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
    return pageSizes.stream().mapToInt(Integer::intValue).sum();
  }

  @Override
  public CompletableFuture<SourcePage> fetch(ByteBuffer pagingState) {
    int index = pagingState == null ? 0 : pagingState.getInt(pagingState.position());
    for (Fetch fetch : fetches) {
      if (!fetch.future.isDone()) {
        concurrentFetchViolations.incrementAndGet();
      }
    }
    CompletableFuture<SourcePage> future = new CompletableFuture<>();
    fetches.add(new Fetch(index, future));
    if (auto) {
      future.complete(page(index));
    }
    return future;
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
    fetch.future.complete(page(fetch.pageIndex));
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
    int size = pageSizes.get(index);
    boolean more = index + 1 < pageSizes.size();
    List<Row> rows = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      rows.add(row(first + i));
    }
    ByteBuffer next = more ? (ByteBuffer) ByteBuffer.allocate(4).putInt(0, index + 1) : null;
    List<Row> frozen = Collections.unmodifiableList(rows);
    return new SourcePage() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public List<Row> rows() {
        return frozen;
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
