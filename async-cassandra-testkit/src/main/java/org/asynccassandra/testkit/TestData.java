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

  /**
   * Creates (or empties) {@code keyspace.table} with the sample schema. Blocks until done.
   *
   * @param session a connected session; used on the calling thread only
   * @param keyspace an existing keyspace, by its unquoted CQL name
   * @param table the table's unquoted CQL name in {@code keyspace}
   * @throws com.datastax.oss.driver.api.core.DriverException if a statement fails (such as an unknown
   *     keyspace)
   */
  public static void createSampleTable(CqlSession session, String keyspace, String table) {
    createSampleTable(session, keyspace + "." + table);
  }

  /**
   * Creates (or empties) {@code table}, a {@code keyspace.table} name, with the sample schema. Blocks until
   * done. A table that exists with another schema is kept as it is (and emptied).
   *
   * @param session a connected session; used on the calling thread only
   * @param table the qualified table name, {@code keyspace.table}, unquoted; the keyspace must exist
   * @throws com.datastax.oss.driver.api.core.DriverException if a statement fails (such as an unknown
   *     keyspace)
   */
  public static void createSampleTable(CqlSession session, String table) {
    session.execute("CREATE TABLE IF NOT EXISTS " + table
        + " (pk int, ck int, payload text, PRIMARY KEY (pk, ck))");
    // TRUNCATE needs every replica to answer: on a busy multi-node cluster it may fail ("Truncate failed
    // on replica"), so it runs only for a table that holds rows; a table just created is empty.
    if (firstRowOf(session, table) != null) {
      session.execute("TRUNCATE " + table);
    }
  }

  /**
   * A row of a table just created, read at once. On a multi-node cluster a node may not know the table yet
   * (the driver waits for schema agreement after the CREATE, but only for up to its timeout, and only among
   * the nodes it knows), and its replica then fails the read: wait until every node has the schema, and read
   * again, for up to a minute.
   */
  private static com.datastax.oss.driver.api.core.cql.Row firstRowOf(CqlSession session, String table) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    while (true) {
      try {
        return session.execute("SELECT pk FROM " + table + " LIMIT 1").one();
      } catch (com.datastax.oss.driver.api.core.servererrors.ReadFailureException notEverywhereYet) {
        if (System.nanoTime() > deadline) {
          throw notEverywhereYet;
        }
        // Each check asks the nodes for their schema version: a wait on the cluster, not a sleep.
        while (!session.checkSchemaAgreement() && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
      }
    }
  }

  /**
   * Creates a keyspace with SimpleStrategy and the given replication factor, if it does not exist (an
   * existing one keeps its replication). Blocks until done.
   *
   * @param session a connected session; used on the calling thread only
   * @param keyspace the keyspace's unquoted CQL name
   * @param replicationFactor how many replicas each row has, 1 or more; not more than the nodes, or
   *     writes at consistency above ONE fail
   * @throws com.datastax.oss.driver.api.core.DriverException if a statement fails (such as an unknown
   *     keyspace)
   */
  public static void createKeyspace(CqlSession session, String keyspace, int replicationFactor) {
    session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': " + replicationFactor + "}");
  }

  /**
   * The payload of row (pk, ck): about 100 bytes that depend only on the key.
   *
   * @param pk the row's partition key
   * @param ck the row's clustering key
   * @return 100 ASCII characters: {@code "row pk/ck "} followed by pseudo-random lower-case letters seeded
   *     by the key
   */
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
   * @param session a connected session; used on the calling thread only
   * @param keyspace the keyspace's unquoted CQL name
   * @param table a table of {@code keyspace} with the sample schema ({@link #createSampleTable})
   * @param rows how many rows to write, 0 or more
   * @param rowsPerPartition how many rows each partition gets (the last one may get fewer), 1 or more
   * @return the rows loaded: {@code rows}
   * @throws IllegalArgumentException if {@code rows} is negative or {@code rowsPerPartition} is not positive
   * @throws IllegalStateException if a batch fails (some rows may have been written) or the thread is
   *     interrupted
   */
  public static long loadSampleRows(CqlSession session, String keyspace, String table, long rows,
      int rowsPerPartition) {
    return loadSampleRows(session, keyspace + "." + table, rows, rowsPerPartition, loaded -> {});
  }

  /**
   * Loads rows (0, 0), (0, 1), ... into {@code table} ({@code keyspace.table}), {@code rowsPerPartition}
   * per partition, and logs the rate.
   *
   * @param session a connected session; used on the calling thread only
   * @param table the qualified name ({@code keyspace.table}) of a table with the sample schema
   * @param rows how many rows to write, 0 or more
   * @param rowsPerPartition how many rows each partition gets (the last one may get fewer), 1 or more
   * @return the rows loaded: {@code rows}
   * @throws IllegalArgumentException if {@code rows} is negative or {@code rowsPerPartition} is not positive
   * @throws IllegalStateException if a batch fails (some rows may have been written) or the thread is
   *     interrupted
   */
  public static long loadSampleRows(CqlSession session, String table, long rows, int rowsPerPartition) {
    return loadSampleRows(session, table, rows, rowsPerPartition, loaded -> {});
  }

  /**
   * Loads rows and reports each acknowledged batch's row count to {@code progress} (on a driver thread:
   * keep it short).
   *
   * @param session a connected session; this thread prepares the insert and sends the batches, at most 16
   *     in flight, and waits for all of them
   * @param table the qualified name ({@code keyspace.table}) of a table with the sample schema
   * @param rows how many rows to write, 0 or more
   * @param rowsPerPartition how many rows each partition gets (the last one may get fewer), 1 or more
   * @param progress gets the row count of each acknowledged batch (at most 100), on the driver thread that
   *     completed the batch (or on this thread if it had already completed), possibly on several threads
   *     at once; it must be thread-safe and must not block
   * @return the rows loaded: {@code rows}
   * @throws IllegalArgumentException if {@code rows} is negative or {@code rowsPerPartition} is not positive
   * @throws IllegalStateException if a batch fails (no more batches are sent; some rows may have been
   *     written) or the thread is interrupted
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
            try {
              if (error != null) {
                failure.compareAndSet(null, error);
              } else {
                progress.accept(count);
              }
            } catch (Throwable callbackFailure) { // the progress callback's: the load fails with it
              failure.compareAndSet(null, callbackFailure);
            } finally {
              permits.release(); // else the load waits for ever for the permit the callback lost
            }
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
