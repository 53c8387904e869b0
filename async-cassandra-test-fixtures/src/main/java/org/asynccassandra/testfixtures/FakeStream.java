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
package org.asynccassandra.testfixtures;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.asynccassandra.PageEvent;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamStats;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StreamInfo} for the unit tests of listeners (the adapters' metrics and tracing): fixed fields, and
 * the statistics and scan checkpoint that the test sets. Not thread-safe beyond its volatile fields: the test
 * sets them, the listener under test reads them.
 */
public final class FakeStream implements StreamInfo {
  private static final AtomicLong IDS = new AtomicLong(1_000_000);
  private final long id = IDS.incrementAndGet();
  private final Kind kind;
  private final @Nullable String keyspace;
  private final @Nullable String table;
  private final @Nullable String name;
  private final String query;
  /** What {@link #stats()} returns, which the test sets. */
  public volatile StreamStats stats = stats(0, 0, 0, 0, 0);
  /** A scan's checkpoint now, which the test sets; null: none (a query stream). */
  public volatile @Nullable ScanCheckpoint checkpoint;

  /** A stream with these fields; an absent one is null. */
  public FakeStream(Kind kind, @Nullable String keyspace, @Nullable String table, @Nullable String name,
      String query) {
    this.kind = kind;
    this.keyspace = keyspace;
    this.table = table;
    this.name = name;
    this.query = query;
  }

  /** A query stream named {@code name}, whose query text holds a secret a listener must not expose. */
  public static FakeStream query(String keyspace, String name) {
    return new FakeStream(Kind.QUERY, keyspace, null, name, "SELECT * FROM " + keyspace + ".t WHERE secret = 'hunter2'");
  }

  /** A scan of {@code keyspace.table}, unnamed. */
  public static FakeStream scan(String keyspace, String table) {
    return new FakeStream(Kind.SCAN, keyspace, table, null, "SELECT * FROM " + keyspace + "." + table);
  }

  /** Statistics with every row fetched delivered, {@code buffered} pages (also the most), zero durations. */
  public static StreamStats stats(long pages, long rows, int buffered, long bytes, long retries) {
    return new StreamStats(pages, rows, rows, buffered, buffered, bytes, Duration.ZERO, Duration.ZERO, retries, 0);
  }

  /** Page {@code number} of {@code rows} rows (all delivered before it: {@code number * rows}). */
  public static PageEvent page(int number, int rows, long bytes, long fetchMillis, long waitMillis, boolean last) {
    return new PageEvent(number, rows, (long) number * rows, Duration.ofMillis(fetchMillis), bytes, last, rows,
        Duration.ofMillis(waitMillis));
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public Optional<String> keyspace() {
    return Optional.ofNullable(keyspace);
  }

  @Override
  public Optional<String> table() {
    return Optional.ofNullable(table);
  }

  @Override
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  @Override
  public String query() {
    return query;
  }

  @Override
  public StreamStats stats() {
    return stats;
  }

  @Override
  public Optional<ScanCheckpoint> scanCheckpoint() {
    return Optional.ofNullable(checkpoint);
  }

  /** A checkpoint of {@code done} ranges done and {@code pending} not started, numbered from token 0. */
  public static ScanCheckpoint checkpoint(int done, int pending) {
    List<ScanCheckpoint.Range> ranges = new ArrayList<>();
    for (int i = 0; i < done + pending; i++) {
      ranges.add(new ScanCheckpoint.Range(String.valueOf(i * 10), String.valueOf(i * 10 + 10),
          i < done ? ScanCheckpoint.State.DONE : ScanCheckpoint.State.PENDING, null, 0));
    }
    return new ScanCheckpoint("shop", "orders", "fingerprint", ranges);
  }
}
