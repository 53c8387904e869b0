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
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One response of a {@link PageSource}: what the engine needs to buffer, count and page on. The driver's
 * implementation wraps an {@code AsyncResultSet}; unit tests use hand-made ones.
 */
public interface SourcePage {
  /** Rows in this response, known without decoding them. */
  int size();

  /**
   * Decodes the rows and hands them over: called at most once per response (the driver's result set can be
   * read only once; its implementations throw {@link IllegalStateException} on a second call), by the
   * consumer side, which keeps them ({@link DefaultPage}). The response keeps no reference to them: the
   * completed future of its request still references the response, and once that future has reached the
   * old generation (as it does while it waits long for the server, at many concurrent streams) the rows it
   * referenced would outlive their page until the next old collection, and young collections would copy
   * them over and over.
   */
  List<Row> rows();

  /**
   * The rows one at a time, each decoded as the iterator reaches it, for a consumer that reads each row once,
   * in order: no list of the page's rows is built. Like {@link #rows()}, and instead of it, called at most once
   * per response. The default lists them with {@link #rows()}.
   */
  default Iterator<Row> rowIterator() {
    return rows().iterator();
  }

  /** Whether the server has more pages after this one. */
  boolean hasMorePages();

  /** The paging state that fetches the next page, or {@code null} on the last page. */
  @Nullable ByteBuffer pagingState();

  /** The response's size in bytes, or -1 when unknown. */
  long responseBytes();

  ExecutionInfo executionInfo();

  /**
   * The rows the request for this response asked for when its source chose them itself (a table scan's
   * range), else 0: the engine then reports the size it asked for.
   */
  default int requestedPageSize() {
    return 0;
  }

  ColumnDefinitions columnDefinitions();

  /**
   * When the request for this response was sent and when the response came, for a source that keeps
   * responses until the engine asks for them (a table scan's ranges read ahead on their own); null when the
   * response reaches the engine as it arrives, which then times the fetch from its own request.
   */
  default @Nullable FetchTiming fetchTiming() {
    return null;
  }

  /**
   * When a response's request was sent and when the response came, both {@link System#nanoTime()}: the
   * page's fetch latency, and the start of its wait for the consumer.
   *
   * @param sentNanos when the request was handed to the driver
   * @param receivedNanos when its response came
   */
  record FetchTiming(long sentNanos, long receivedNanos) {}
}
