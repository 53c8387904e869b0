package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.CqlSession;
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
 * it again with the previous page's paging state, exactly as {@code AsyncResultSet.fetchNextPage()} does.
 */
public final class DriverPageSource implements PageSource {
  private final CqlSession session;
  private final Statement<?> statement;
  private final String description;

  public DriverPageSource(CqlSession session, Statement<?> statement) {
    this.session = session;
    this.statement = statement;
    this.description = Queries.describe(statement);
  }

  @Override
  public CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState) {
    Statement<?> request = pagingState == statement.getPagingState() ? statement : statement.copy(pagingState);
    return DriverPage.execute(session, request); // its cancel() cancels the request
  }

  /** A SELECT, or a statement marked idempotent (or left unmarked while the driver's default is on). */
  @Override
  public boolean safeToRetry() {
    return Queries.isSelect(statement) || Queries.isIdempotent(statement, session);
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
  public byte[] fingerprint() {
    return StatementFingerprint.of(statement, session);
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
