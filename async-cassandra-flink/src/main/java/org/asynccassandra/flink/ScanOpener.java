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
package org.asynccassandra.flink;

import java.util.concurrent.CompletableFuture;
import org.asynccassandra.TableScan;

/**
 * Where a {@link CassandraSourceReader} gets its scans: a connection made once, then one
 * {@link TableScan} per split. The reader calls every method on its task thread; the stage of
 * {@link #connect()} may complete on any thread.
 */
interface ScanOpener extends AutoCloseable {
  /** Connects without blocking; the stage completes once {@link #open} may be called. */
  CompletableFuture<Void> connect();

  /**
   * The scan of {@code split}, from its position or from the start of its range; nothing is sent yet.
   *
   * @throws IllegalArgumentException when the split's position belongs to another scan (other columns)
   */
  TableScan open(CassandraSplit split);

  /** Closes the scans' session; blocks until it is closed. */
  @Override
  void close();
}
