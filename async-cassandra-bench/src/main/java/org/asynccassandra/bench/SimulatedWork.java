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
import java.util.concurrent.locks.LockSupport;

/**
 * Per-page work that takes a fixed time without using the CPU, like a consumer that writes each page to
 * another service: the thread parks until the time is up. Also calibrates that time to what one page
 * fetch takes on this machine, in this run.
 */
final class SimulatedWork implements RowSink.PageWork {
  private final long nanosPerPage;

  SimulatedWork(long nanosPerPage) {
    this.nanosPerPage = nanosPerPage;
  }

  @Override
  public void afterPage(long pageIndex) {
    long end = System.nanoTime() + nanosPerPage;
    for (long left = nanosPerPage; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  long nanosPerPage() {
    return nanosPerPage;
  }

  /**
   * The time one page takes to arrive and be read with no other work: the driver's fetchNextPage chain's
   * time per page (which has no read-ahead), the median of three reads after a warm-up read.
   */
  static long calibratePageNanos(BenchContext context, SimpleStatement statement, long expectedRows)
      throws Exception {
    ReadMode chain = ReadModes.fetchNextPageChain();
    Reading.of(context, chain, statement, expectedRows, RowSink.PageWork.NONE);
    double[] perPage = new double[3];
    long pages = (expectedRows + statement.getPageSize() - 1) / statement.getPageSize();
    for (int i = 0; i < perPage.length; i++) {
      perPage[i] = Reading.of(context, chain, statement, expectedRows, RowSink.PageWork.NONE).seconds() / pages;
    }
    return (long) (Stats.median(perPage) * 1e9);
  }
}
