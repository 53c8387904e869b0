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
package org.asynccassandra.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test data: a sample table {@code (pk int, ck int, payload text, PRIMARY KEY (pk, ck))} and a fast loader
 * that writes single-partition unlogged batches of 100 rows with a prepared statement, at most 16 batches in
 * flight. Row (pk, ck) holds {@link #payload(int, int)}: about 100 bytes that depend only on the key, so a
 * reader can check every row's content. Rows fill partition 0 with ck 0, 1, ... up to
 * {@code rowsPerPartition}, then partition 1, and so on.
 *
 * <p>Thread-safe (stateless). The methods block until done; call them from test or command threads, never
 * from a driver callback. Table names are CQL names, unquoted: {@code keyspace.table} or a keyspace and a
 * table given apart.
 */
public final class TestData {
  private static final Logger LOG = LoggerFactory.getLogger(TestData.class);
  /** Rows in one partition unless told otherwise. */
  public static final int DEFAULT_ROWS_PER_PARTITION = 10_000;
  private static final int BATCH_ROWS = 100;
  private static final int IN_FLIGHT = 16;

  private TestData() {}

  /** Creates (or empties) {@code keyspace.table} with the sample schema. */
  public static void createSampleTable(CqlSession session, String keyspace, String table) {
    createSampleTable(session, keyspace + "." + table);
  }

  /** Creates (or empties) {@code table}, a {@code keyspace.table} name, with the sample schema. */
  public static void createSampleTable(CqlSession session, String table) {
    session.execute("CREATE TABLE IF NOT EXISTS " + table
        + " (pk int, ck int, payload text, PRIMARY KEY (pk, ck))");
    // TRUNCATE needs every replica to answer: on a busy multi-node cluster it may fail ("Truncate failed
    // on replica"), so it runs only for a table that holds rows; a table just created is empty.
    if (session.execute("SELECT pk FROM " + table + " LIMIT 1").one() != null) {
      session.execute("TRUNCATE " + table);
    }
  }

  /** Creates a keyspace with SimpleStrategy and the given replication factor, if it does not exist. */
  public static void createKeyspace(CqlSession session, String keyspace, int replicationFactor) {
    session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': " + replicationFactor + "}");
  }

  /** The payload of row (pk, ck): about 100 bytes that depend only on the key. */
  public static String payload(int pk, int ck) {
    StringBuilder text = new StringBuilder(104).append("row ").append(pk).append('/').append(ck).append(' ');
    long seed = pk * 1_000_003L + ck;
    while (text.length() < 100) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      text.append((char) ('a' + (int) ((seed >>> 33) % 26)));
    }
    return text.toString();
  }

  /**
   * Loads {@code rows} rows into {@code keyspace.table}, {@code rowsPerPartition} per partition, and logs
   * the rate.
   *
   * @return the rows loaded: {@code rows}
   */
  public static long loadSampleRows(CqlSession session, String keyspace, String table, long rows,
      int rowsPerPartition) {
    return loadSampleRows(session, keyspace + "." + table, rows, rowsPerPartition, loaded -> {});
  }

  /**
   * Loads rows (0, 0), (0, 1), ... into {@code table} ({@code keyspace.table}), {@code rowsPerPartition}
   * per partition, and logs the rate.
   *
   * @return the rows loaded: {@code rows}
   */
  public static long loadSampleRows(CqlSession session, String table, long rows, int rowsPerPartition) {
    return loadSampleRows(session, table, rows, rowsPerPartition, loaded -> {});
  }

  /**
   * Loads rows and reports each acknowledged batch's row count to {@code progress} (on a driver thread:
   * keep it short).
   *
   * @return the rows loaded
   */
  public static long loadSampleRows(CqlSession session, String table, long rows, int rowsPerPartition,
      LongConsumer progress) {
    if (rows < 0 || rowsPerPartition <= 0) {
      throw new IllegalArgumentException("rows must be >= 0 and rowsPerPartition > 0: " + rows + ", "
          + rowsPerPartition);
    }
    long start = System.nanoTime();
    PreparedStatement insert = session.prepare("INSERT INTO " + table + " (pk, ck, payload) VALUES (?, ?, ?)");
    Semaphore permits = new Semaphore(IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try {
      long remaining = rows;
      for (int pk = 0; remaining > 0 && failure.get() == null; pk++) {
        int inPartition = (int) Math.min(rowsPerPartition, remaining);
        for (int firstCk = 0; firstCk < inPartition && failure.get() == null; firstCk += BATCH_ROWS) {
          int count = Math.min(BATCH_ROWS, inPartition - firstCk);
          BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
          for (int ck = firstCk; ck < firstCk + count; ck++) {
            batch.addStatement(insert.bind(pk, ck, payload(pk, ck)));
          }
          permits.acquire();
          session.executeAsync(batch.build()).whenComplete((result, error) -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            } else {
              progress.accept(count);
            }
            permits.release();
          });
        }
        remaining -= inPartition;
      }
      permits.acquire(IN_FLIGHT); // every batch acknowledged
      permits.release(IN_FLIGHT);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while loading " + table, interrupted);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("Loading " + table + " failed: " + failure.get().getMessage(), failure.get());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info("Loaded {} rows into {} in {} s ({} rows/s)", rows, table, String.format("%.1f", seconds),
        String.format("%.0f", rows / Math.max(seconds, 1e-9)));
    return rows;
  }
}
