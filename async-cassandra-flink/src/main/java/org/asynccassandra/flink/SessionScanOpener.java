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

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ReadLimiter;
import org.asynccassandra.TableScan;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ScanOpener} of a running job: the source's session in this JVM ({@link SharedSessions}),
 * connected with {@link com.datastax.oss.driver.api.core.CqlSessionBuilder#buildAsync()}, and
 * {@link AsyncSession#scanTable} per split.
 */
final class SessionScanOpener implements ScanOpener {
  private final SourceSettings settings;
  private final @Nullable ReadLimiter rowLimiter; // this reader's, shared by its scans
  private SharedSessions.@Nullable Lease lease; // task thread only
  /** Set once connected (by the driver's thread), read by the task thread. */
  private volatile @Nullable AsyncSession session;

  SessionScanOpener(SourceSettings settings) {
    this.settings = settings;
    this.rowLimiter = settings.newRowLimiter();
  }

  @Override
  public CompletableFuture<Void> connect() {
    SharedSessions.Lease taken = SharedSessions.acquire(settings.sessionKey(), settings.sessions());
    lease = taken;
    return taken.session().thenAccept(connected -> session = connected);
  }

  @Override
  public TableScan open(CassandraSplit split) {
    AsyncSession connected = Objects.requireNonNull(session, "open() before the session was connected");
    return connected.scanTable(settings.keyspace(), settings.table(), settings.scanOf(split, rowLimiter));
  }

  @Override
  public void close() {
    SharedSessions.Lease taken = lease;
    if (taken != null) {
      taken.release();
    }
  }
}
