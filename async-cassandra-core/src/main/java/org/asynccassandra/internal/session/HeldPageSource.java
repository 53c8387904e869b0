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

import com.datastax.oss.driver.api.core.AsyncPagingIterable;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.session.Request;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.stream.DriverPageSource;
import org.asynccassandra.internal.stream.SharedColumns;
import org.asynccassandra.internal.stream.PageSource;
import org.asynccassandra.internal.stream.SourcePage;
import org.jspecify.annotations.Nullable;

/**
 * The page source of a stream that continues a result the caller already holds ({@code
 * AsyncSession.continueStream}): its first fetch hands over the page the caller holds, without a request;
 * every later fetch is a {@link DriverPageSource}'s, with the statement that produced that page and the
 * paging state of the page before. The stream starts at the held page's own paging state, so its page 1 is
 * the held page and its resume tokens are those of the statement.
 */
final class HeldPageSource implements PageSource {
  private final DriverPageSource rest;
  /** The paging state the held page was requested with: where the stream starts. */
  private final @Nullable ByteBuffer heldPagingState;
  private final @Nullable ColumnDefinitions columns;
  /** The held page until the first fetch takes it or the stream ends; null after, so nothing keeps it. */
  private @Nullable SourcePage held; // guarded by this
  /** The rows the held page's request asked for. */
  private final int heldPageSize;

  private HeldPageSource(DriverPageSource rest, @Nullable ByteBuffer heldPagingState,
      @Nullable ColumnDefinitions columns, SourcePage held, int heldPageSize) {
    this.heldPageSize = heldPageSize;
    this.rest = rest;
    this.heldPagingState = heldPagingState;
    this.columns = columns;
    this.held = held;
  }

  /**
   * A source whose first page is {@code held}, the current page of {@code first}, and whose later pages
   * re-execute the statement of {@code first} (with the config's fetch size, if it sets one).
   *
   * @throws IllegalArgumentException when the config resumes from a token (the held result is the start),
   *     or the result did not come from a statement
   */
  static HeldPageSource of(CqlSession session, SharedColumns sharedColumns, AsyncPagingIterable<?, ?> first,
      SourcePage held, StreamConfig config) {
    if (config.resumeFrom().isPresent()) {
      throw new IllegalArgumentException("continueStream starts at the result it is given; a config that "
          + "resumes from a token does not fit it (use executeStream to resume): " + config.resumeFrom().get());
    }
    Request request = first.getExecutionInfo().getRequest();
    if (!(request instanceof Statement)) {
      throw new IllegalArgumentException("continueStream needs a result of a CQL statement, not of "
          + (request == null ? "no request" : request.getClass().getName()));
    }
    Statement<?> statement = (Statement<?>) request;
    ByteBuffer heldPagingState = statement.getPagingState();
    int heldPageSize = statement.getPageSize() > 0 ? statement.getPageSize()
        : DriverPageSource.configuredPageSize(session, statement);
    if (config.fetchSize().isPresent()) {
      statement = statement.setPageSize(config.fetchSize().getAsInt());
    }
    ColumnDefinitions columns = sharedColumns.share(first.getColumnDefinitions());
    return new HeldPageSource(new DriverPageSource(session, statement, sharedColumns), heldPagingState,
        columns.size() == 0 ? null : columns, held, heldPageSize);
  }

  private synchronized @Nullable SourcePage take() {
    SourcePage page = held;
    held = null;
    return page;
  }

  @Override
  public CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState) {
    return fetch(pagingState, 0);
  }

  @Override
  public CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState, int pageSize) {
    SourcePage page = take();
    if (page != null && Objects.equals(pagingState, heldPagingState)) {
      return CompletableFuture.completedFuture(page); // the page the caller holds: no request
    }
    return rest.fetch(pagingState, pageSize);
  }

  @Override
  public int pageSize() {
    return rest.pageSize();
  }

  @Override
  public int heldPageSize() {
    return heldPageSize;
  }

  /** Where the held page started: a stream made of it starts there. */
  @Override
  public @Nullable ByteBuffer initialPagingState() {
    return heldPagingState;
  }

  @Override
  public boolean safeToRetry() {
    return rest.safeToRetry();
  }

  @Override
  public String description() {
    return rest.description();
  }

  @Override
  public String query() {
    return rest.query();
  }

  @Override
  public byte[] fingerprint() {
    return rest.fingerprint();
  }

  /** Drops the held page if the stream ended before taking it. */
  @Override
  public void close() {
    take();
  }

  @Override
  public ColumnDefinitions keptColumns(ColumnDefinitions fetched) {
    return rest.keptColumns(fetched);
  }

  /** The held result's columns, known at once. */
  @Override
  public @Nullable ColumnDefinitions knownColumns() {
    return columns;
  }
}
