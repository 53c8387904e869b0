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
package org.asynccassandra;

import java.util.Optional;

/**
 * What a {@link StreamListener} knows of a stream: what it reads, a name the user gave it, and its live
 * counters. Its fields are fixed at creation; {@link #stats()} and {@link #scanCheckpoint()} are read live.
 * Implementations are thread-safe: any thread may call any method, at any time, also after the end.
 */
public interface StreamInfo {
  /** What kind of read a stream is. */
  enum Kind {
    /** A stream of one statement's rows ({@link AsyncSession#executeStream}). */
    QUERY,
    /** A table scan ({@link AsyncSession#scanTable}). */
    SCAN
  }

  /**
   * A number unique among the streams of this JVM, in creation order.
   *
   * @return the stream's id, fixed at creation; a later stream has a larger one
   */
  long id();

  /**
   * Whether the stream is a query's or a table scan's, so that a listener can tag or name it.
   *
   * @return the kind, fixed at creation; never null
   */
  Kind kind();

  /**
   * The keyspace: the scan's, or the statement's (or the session's) when known.
   *
   * @return the keyspace name as the driver holds it; empty when neither the statement nor the session
   *     names one
   */
  Optional<String> keyspace();

  /**
   * The table of a scan.
   *
   * @return the scanned table's name; empty for a query stream (the driver does not parse CQL)
   */
  Optional<String> table();

  /**
   * The name given with {@link StreamConfig.Builder#name(String)}, for metrics and traces.
   *
   * @return that name; empty when the stream's config has none
   */
  Optional<String> name();

  /**
   * The CQL text of the statement, whole and as written (comments and line breaks kept): a simple
   * statement's query, a bound statement's prepared query; of a scan, its query without the token
   * restriction. A batch has no one text: it is {@code "BATCH of n statements"}, and another kind of
   * statement is named by its class's simple name. Error messages quote it shortened instead (whitespace
   * folded, cut at 200 characters). It may hold literal values: use it only where the user opted in, never
   * as a metric tag.
   *
   * @return the query text, never null
   */
  String query();

  /**
   * The stream's counters now.
   *
   * @return a new snapshot on each call, as {@link ResultStream#stats()} returns it
   */
  StreamStats stats();

  /**
   * For a scan, where it is now, as its {@link TableScan#checkpoint()} says: its ranges, which are done
   * ({@link ScanCheckpoint#rangesDone()} of {@link ScanCheckpoint#ranges()}), and where each range in
   * progress is. Read live like {@link #stats()}: before consumption starts every range is pending (or as
   * the checkpoint it resumes from says); after the scan ended it stays where the scan stopped, every range
   * done for a scan that completed.
   *
   * <p>It builds the whole checkpoint, a record per range, and briefly holds the scan's position (a page
   * change waits for it): right for a gauge read at scrape time or an end event, too much to call for every
   * page of a scan of thousands of ranges. Exact as of a moment during the call.
   *
   * @return the scan's checkpoint now; empty for a query stream (the default, for implementations that are
   *     not scans)
   */
  default Optional<ScanCheckpoint> scanCheckpoint() {
    return Optional.empty();
  }
}
