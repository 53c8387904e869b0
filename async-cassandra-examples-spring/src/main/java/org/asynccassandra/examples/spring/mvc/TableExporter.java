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
package org.asynccassandra.examples.spring.mvc;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.QueryStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.examples.spring.AsyncCassandraProperties;
import org.asynccassandra.examples.spring.ItemQueries;
import org.asynccassandra.examples.spring.Tables;
import org.asynccassandra.values.RowWriter;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Writes a table of the configured keyspace as NDJSON to an output stream, on the calling thread: a blocking
 * iterator over a {@link QueryStream}, so that a slow client slows the read (the stream reads at most
 * {@code prefetch-pages} pages ahead of the row being written) and a client that goes away, whose write
 * fails, closes the stream. On a virtual thread, waiting for a page unmounts it from its carrier.
 *
 * <p>Thread-safe. It counts the exports that are open, ended or broken off, and keeps the statistics of the
 * latest one, for a status page or a test.
 */
@Service
public class TableExporter {
  private final AsyncSession session;
  private final AsyncCassandraProperties properties;
  private final StreamConfig config;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong brokenOff = new AtomicLong();
  private volatile @Nullable QueryStream latest;

  public TableExporter(AsyncSession session, AsyncCassandraProperties properties, ItemQueries queries) {
    this.session = session;
    this.properties = properties;
    this.config = queries.exportConfig();
  }

  /** The table of the configured keyspace named {@code name} (a CQL name, case-insensitive unless quoted), if any. */
  public Optional<TableMetadata> table(String name) {
    return Tables.find(session, properties.keyspace(), name);
  }

  /**
   * Writes every row of {@code table}, one JSON object per line, to {@code out}, and flushes. Blocks while pages
   * are fetched and while the client reads; the stream is closed however this returns.
   *
   * @throws java.io.UncheckedIOException when writing fails (the client went away)
   * @throws org.asynccassandra.PageFetchException when a page cannot be fetched, once the configured retries
   *     are spent (or another of the stream's failures): {@link CassandraErrorAdvice} answers it while nothing
   *     was sent, and leaves it to Tomcat, which cuts the body short, once the response has started
   */
  public void export(TableMetadata table, OutputStream out) {
    SimpleStatement select = SimpleStatement.newInstance("SELECT * FROM " + table.getKeyspace().asCql(true) + "."
        + table.getName().asCql(true));
    open.incrementAndGet();
    boolean ended = false;
    try (QueryStream stream = session.executeStream(select, config)) {
      latest = stream;
      // Not closed: closing the RowWriter would close the response's stream, which the servlet container owns.
      RowWriter writer = RowWriter.ndjson(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      for (Row row : stream.blocking()) {
        writer.writeRow(row);
      }
      writer.flush();
      ended = true;
    } finally {
      open.decrementAndGet();
      (ended ? completed : brokenOff).incrementAndGet();
    }
  }

  /** Exports running now: each holds one open stream. */
  public int openExports() {
    return open.get();
  }

  /** Exports that wrote every row. */
  public long completedExports() {
    return completed.get();
  }

  /** Exports that ended early: the client went away, or Cassandra failed. */
  public long brokenOffExports() {
    return brokenOff.get();
  }

  /** The statistics of the latest export's stream, if one started. */
  public Optional<StreamStats> latestStats() {
    QueryStream stream = latest;
    return stream == null ? Optional.empty() : Optional.of(stream.stats());
  }
}
