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

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.asynccassandra.internal.util.Queries;
import org.asynccassandra.internal.util.StatementFingerprint;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PageSource} over the driver: the first page executes the statement, each later page executes
 * it again with the previous page's paging state, exactly as {@code AsyncResultSet.fetchNextPage()} does,
 * with the page size the engine chose when it differs from the statement's.
 */
public final class DriverPageSource implements PageSource {
  private final CqlSession session;
  private final Statement<?> statement;
  private final String description;
  /** The statement's text, whole (the same instance as {@link #description} when that needed no change). */
  private final String query;
  /** The statement's page size, else its execution profile's: what a request asks for unchanged. */
  private final int pageSize;
  private final SharedColumns sharedColumns;

  /** @param sharedColumns the session's columns, which the stream's are shared with */
  public DriverPageSource(CqlSession session, Statement<?> statement, SharedColumns sharedColumns) {
    this.session = session;
    this.sharedColumns = sharedColumns;
    this.statement = statement;
    this.query = Queries.text(statement);
    this.description = Queries.shorten(query);
    this.pageSize = statement.getPageSize() > 0 ? statement.getPageSize() : configuredPageSize(session, statement);
  }

  @Override
  public CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState) {
    return fetch(pagingState, 0);
  }

  @Override
  public CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState, int pageSize) {
    Statement<?> request = pagingState == statement.getPagingState() ? statement : statement.copy(pagingState);
    if (pageSize > 0 && pageSize != this.pageSize) {
      request = request.setPageSize(pageSize); // the paging state stays valid: it does not depend on the size
    }
    return DriverPage.execute(session, request); // its cancel() cancels the request
  }

  /** The statement's page size, else the driver's configured one for the statement's profile. */
  @Override
  public int pageSize() {
    return pageSize;
  }

  /** The page size of the statement's execution profile, resolved as the driver resolves it. */
  public static int configuredPageSize(CqlSession session, Statement<?> statement) {
    return Math.max(1, Queries.profileOf(statement, session.getContext().getConfig())
        .getInt(DefaultDriverOption.REQUEST_PAGE_SIZE));
  }

  /** A SELECT, or a statement marked idempotent (or left unmarked while its profile's default is on). */
  @Override
  public boolean safeToRetry() {
    return Queries.isSelect(statement) || Queries.isIdempotent(statement, session.getContext().getConfig());
  }

  /** The statement's own paging state: a statement that carries one starts there. */
  @Override
  public @Nullable ByteBuffer initialPagingState() {
    return statement.getPagingState();
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public String query() {
    return query;
  }

  @Override
  public byte[] fingerprint() {
    return StatementFingerprint.of(statement, session);
  }

  @Override
  public ColumnDefinitions keptColumns(ColumnDefinitions fetched) {
    if (fetched == knownColumns()) {
      return fetched; // a bound statement's responses carry its prepared statement's own: shared already
    }
    return sharedColumns.share(fetched);
  }

  @Override
  public @Nullable ColumnDefinitions knownColumns() {
    if (statement instanceof BoundStatement) {
      ColumnDefinitions columns = ((BoundStatement) statement).getPreparedStatement().getResultSetDefinitions();
      return columns.size() == 0 ? null : columns;
    }
    return null;
  }
}
