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

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import org.asynccassandra.AsyncSession;

/**
 * What every scenario shares: the settings, the session (with its {@link PageCounter}), the tables, the
 * consumer thread, where the report goes and the results so far. Used by the bench's main thread.
 *
 * @param consumer the single thread on which the asynchronous modes (ours and the driver's) run the
 *     consumer's code, so that no mode runs it on a driver I/O thread and all pay the same hop
 * @param serverPid the server's process id when it runs on this machine and is known (the embedded server,
 *     or {@code --server-pid}); see {@link CorePinning}
 */
record BenchContext(
    BenchSettings settings,
    CqlSession session,
    AsyncSession async,
    PageCounter pageCounter,
    ExecutorService consumer,
    InetSocketAddress contactPoint,
    String datacenter,
    OptionalLong serverPid,
    String keyspace,
    Path outputDirectory,
    Results results,
    PrintStream out) {

  static final String MAIN_TABLE = "rows_main";
  static final String BIG_TABLE = "rows_big";

  String mainTable() {
    return keyspace + "." + MAIN_TABLE;
  }

  String bigTable() {
    return keyspace + "." + BIG_TABLE;
  }
}
