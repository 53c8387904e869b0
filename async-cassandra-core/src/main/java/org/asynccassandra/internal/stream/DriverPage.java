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
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.concurrent.CompletableFuture;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One driver response as a {@link SourcePage}; its rows are decoded on the consumer's thread at first use,
 * not on the driver I/O thread that received it.
 */
public final class DriverPage implements SourcePage {
  private final AsyncResultSet resultSet;
  private final int size;
  /** The rows were handed over: the driver's result set can be read only once. */
  private boolean taken;

  public DriverPage(AsyncResultSet resultSet) {
    this.resultSet = resultSet;
    this.size = resultSet.remaining();
  }

  /**
   * Executes {@code statement} and returns a future of its page, whose {@code cancel()} reaches the
   * driver's own future (which cancels the request). A statement the driver refuses at once gives a failed
   * future, never an exception.
   */
  public static CompletableFuture<SourcePage> execute(CqlSession session, Statement<?> statement) {
    CompletableFuture<AsyncResultSet> response;
    try {
      response = session.executeAsync(statement).toCompletableFuture();
    } catch (RuntimeException error) {
      response = CompletableFuture.failedFuture(error);
    }
    CompletableFuture<AsyncResultSet> sent = response;
    CompletableFuture<SourcePage> page = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        sent.cancel(mayInterruptIfRunning);
        return super.cancel(mayInterruptIfRunning);
      }
    };
    sent.whenComplete((resultSet, error) -> {
      if (error != null) {
        page.completeExceptionally(error);
      } else {
        page.complete(new DriverPage(resultSet));
      }
    });
    return page;
  }

  @Override
  public int size() {
    return size;
  }

  /**
   * Decodes the rows and hands them over, once: this page keeps no reference to them (see {@link
   * SourcePage#rows()}).
   *
   * @throws IllegalStateException on a second call
   */
  @Override
  public List<Row> rows() {
    take();
    List<Row> list = new ArrayList<>(size);
    for (Row row : resultSet.currentPage()) {
      list.add(row);
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * The driver's own iterator over the response: each row is decoded as it is reached, and its raw values
   * leave the result set as it goes, so this page keeps no reference to them either.
   *
   * @throws IllegalStateException when the rows were already handed over
   */
  @Override
  public Iterator<Row> rowIterator() {
    take();
    return resultSet.currentPage().iterator();
  }

  private void take() {
    if (taken) {
      throw new IllegalStateException("The rows of this response were already read: a driver result set can be "
          + "read only once");
    }
    taken = true;
  }

  @Override
  public boolean hasMorePages() {
    return resultSet.hasMorePages();
  }

  @Override
  public @Nullable ByteBuffer pagingState() {
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
