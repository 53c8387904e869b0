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
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.asynccassandra.StreamStats;
import org.jspecify.annotations.Nullable;

/**
 * Fetches the pages of one query for a {@link PageEngine}. The engine calls it sequentially: at most one
 * fetch is in flight at a time.
 */
public interface PageSource {
  /**
   * Requests one page of the source's own size ({@link #pageSize()}).
   *
   * @param pagingState {@code null} for the first page, else the state that the previous page returned
   * @return a future of the page, or of {@code null} when the source learned that it has no more pages
   *     without a page to show for it (a table scan whose last range ended); cancelling it must cancel the
   *     request
   */
  CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState);

  /**
   * Requests one page of {@code pageSize} rows; the engine calls this one. The paging state does not
   * depend on the page size, so the size may change from one request to the next. The default ignores the
   * size, for a source that sizes its own pages (a table scan, whose {@link #pageSize()} is 0).
   *
   * @param pageSize the rows to ask for, {@code > 0}; 0 for the source's own size
   */
  default CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState, int pageSize) {
    return fetch(pagingState);
  }

  /**
   * The rows a page asks for when the engine does not choose otherwise, and the most it may choose: the
   * statement's page size, else the driver's configured one. 0 (the default) when the source sizes its
   * own pages and ignores the size given to {@link #fetch(ByteBuffer, int)}; the engine then passes 0.
   */
  default int pageSize() {
    return 0;
  }

  /**
   * The rows the request of a first page the source already holds asked for (a stream continued from a result
   * the caller has: its first page comes with no request, so no first page size applies to it), or 0 (the
   * default) when the first page is fetched like any other.
   */
  default int heldPageSize() {
    return 0;
  }

  /**
   * The paging state of the first request when the stream does not resume from a token: the statement's
   * own, if it carries one, else {@code null} (the start of the result).
   */
  default @Nullable ByteBuffer initialPagingState() {
    return null;
  }

  /**
   * Whether a page of this query may be asked again after a failure without a retry set in the
   * configuration: a {@code SELECT}, or an idempotent statement.
   */
  default boolean safeToRetry() {
    return false;
  }

  /** Whether rows are positioned by resume tokens (a query), rather than by a scan's checkpoint. */
  default boolean resumable() {
    return true;
  }

  /** The query, shortened, for error messages. */
  String description();

  /**
   * The query as written, whole, for {@link org.asynccassandra.StreamInfo#query()}: listeners record it
   * ({@code db.query.text}) and read its first word. By default the {@link #description()} (a source
   * without one text of its own).
   */
  default String query() {
    return description();
  }

  /** The 16-byte fingerprint of the statement, for resume tokens; called at most once per stream. */
  byte[] fingerprint();

  /**
   * Releases what the source holds and cancels its own requests in flight; from its return on, the source
   * sends nothing more. Called when the stream is aborted and again when it ends: a second call does nothing.
   */
  default void close() {}

  /**
   * The stream's statistics, given the engine's: a source that holds pages of its own for the consumer (a
   * scan's range readers queue what they read ahead) counts them as fetched and buffered, and reports its
   * own retries and page sizes. Called outside the engine's lock, right after its snapshot was taken, on
   * whatever thread asked for the statistics. The default returns the engine's as they are.
   */
  default StreamStats stats(StreamStats engine) {
    return engine;
  }

  /** The result columns when known before the first page (a bound statement), else {@code null}. */
  default @Nullable ColumnDefinitions knownColumns() {
    return null;
  }

  /**
   * The instance the stream keeps of its first page's columns: {@code fetched}, or an equal one that other
   * streams share (see {@link SharedColumns}). The default keeps {@code fetched}.
   */
  default ColumnDefinitions keptColumns(ColumnDefinitions fetched) {
    return fetched;
  }
}
