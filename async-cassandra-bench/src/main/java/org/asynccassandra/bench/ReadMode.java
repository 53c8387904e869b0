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
package org.asynccassandra.bench;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;

/**
 * One way to read every row of a query: one of the driver's own APIs, or an async-cassandra stream in one
 * consumption style. Every mode feeds the same {@link RowSink}.
 */
interface ReadMode {
  /** A short name for tables and charts, such as {@code driver sync} or {@code ours p1 forEach}. */
  String name();

  /** Whether this is one of the driver's own modes (rather than an async-cassandra stream). */
  boolean isDriver();

  /** Reads every row of the statement (its page size set) into the sink, and returns when all are read. */
  Outcome read(BenchContext context, SimpleStatement statement, RowSink sink) throws Exception;

  /**
   * What a read saw besides the sink's rows.
   *
   * @param streamMaxBufferedPages async-cassandra's own count of the most pages buffered, or -1 for the
   *     driver's modes
   * @param consumerWaitMillis how long async-cassandra's consumer waited for pages not there yet, or -1
   */
  record Outcome(int streamMaxBufferedPages, double consumerWaitMillis) {
    static final Outcome DRIVER = new Outcome(-1, -1);
  }
}
