package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.asynccassandra.internal.util.Queries;
import org.asynccassandra.internal.util.StatementFingerprint;

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
  public CompletableFuture<SourcePage> fetch(ByteBuffer pagingState) {
    Statement<?> request = pagingState == null ? statement : statement.copy(pagingState);
    CompletableFuture<AsyncResultSet> response = session.executeAsync(request).toCompletableFuture();
    // A dependent future whose cancel() reaches the driver's own future, which cancels the request.
    CompletableFuture<SourcePage> page = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        response.cancel(mayInterruptIfRunning);
        return super.cancel(mayInterruptIfRunning);
      }
    };
    response.whenComplete((resultSet, error) -> {
      if (error != null) {
        page.completeExceptionally(error);
      } else {
        page.complete(new DriverSourcePage(resultSet));
      }
    });
    return page;
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
  public ColumnDefinitions knownColumns() {
    if (statement instanceof BoundStatement) {
      ColumnDefinitions columns = ((BoundStatement) statement).getPreparedStatement().getResultSetDefinitions();
      return columns.size() == 0 ? null : columns;
    }
    return null;
  }

  /** One driver response; its rows are decoded on the consumer's thread at first use. */
  private static final class DriverSourcePage implements SourcePage {
    private final AsyncResultSet resultSet;
    private final int size;
    private List<Row> rows; // decoded once, by the single consumer thread that holds the page

    DriverSourcePage(AsyncResultSet resultSet) {
      this.resultSet = resultSet;
      this.size = resultSet.remaining();
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public List<Row> rows() {
      if (rows == null) {
        List<Row> decoded = new ArrayList<>(size);
        for (Row row : resultSet.currentPage()) {
          decoded.add(row);
        }
        rows = Collections.unmodifiableList(decoded);
      }
      return rows;
    }

    @Override
    public boolean hasMorePages() {
      return resultSet.hasMorePages();
    }

    @Override
    public ByteBuffer pagingState() {
      return resultSet.getExecutionInfo().getPagingState();
    }

    @Override
    public long responseBytes() {
      return resultSet.getExecutionInfo().getResponseSizeInBytes();
    }

    @Override
    public ExecutionInfo executionInfo() {
      return resultSet.getExecutionInfo();
    }

    @Override
    public ColumnDefinitions columnDefinitions() {
      return resultSet.getColumnDefinitions();
    }
  }
}
