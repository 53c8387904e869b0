package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches the pages of one query for a {@link PageEngine}. The engine calls it sequentially: at most one
 * fetch is in flight at a time.
 */
public interface PageSource {
  /**
   * Requests one page.
   *
   * @param pagingState {@code null} for the first page, else the state that the previous page returned
   * @return a future of the page; cancelling it must cancel the request
   */
  CompletableFuture<SourcePage> fetch(ByteBuffer pagingState);

  /** The query, shortened, for error messages. */
  String description();

  /** The 16-byte fingerprint of the statement, for resume tokens; called at most once per stream. */
  byte[] fingerprint();

  /** Releases what the source holds (in-flight requests of its own); called once when the stream ends. */
  default void close() {}

  /** The result columns when known before the first page (a bound statement), else {@code null}. */
  default ColumnDefinitions knownColumns() {
    return null;
  }
}
