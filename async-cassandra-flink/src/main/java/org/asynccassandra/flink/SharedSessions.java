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

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.asynccassandra.AsyncSession;
import org.jspecify.annotations.Nullable;

/**
 * One driver session per source and per JVM (task manager), shared by the source's readers there: a session
 * holds connections to every node, the cluster's metadata and its own threads, so a reader per slot each
 * with its own would multiply them (and the driver warns above 4 sessions in a JVM). Reference-counted: the
 * first reader connects (asynchronously), the last one to leave closes it. A connection that failed is not
 * kept: the next reader (after Flink restarts the task) connects again.
 *
 * <p>Thread-safe; the registry is guarded by its own monitor, and connecting and closing happen outside it.
 * The factory's {@code sessionBuilder()} and the driver's {@code buildAsync()} run on a thread of their own
 * ({@value #CONNECT_THREAD}), never on the reader's task thread: resolving a contact point's host name, and
 * the driver's loading of its configuration, block.
 */
final class SharedSessions {
  /** A session in use, and how many readers use it. */
  private static final class Shared {
    final CompletableFuture<CqlSession> driver;
    final CompletableFuture<AsyncSession> session;
    int users; // guarded by SESSIONS
    /** The thread building the session, interrupted when the last reader leaves before it is built. */
    volatile @Nullable Thread connector;

    Shared() {
      this.driver = new CompletableFuture<>();
      this.session = driver.thenApply(AsyncSession::wrap);
    }
  }

  /** The name of the thread that builds a session. */
  static final String CONNECT_THREAD = "async-cassandra-flink-connect";

  /** Sessions by source key; guarded by itself. */
  private static final Map<String, Shared> SESSIONS = new HashMap<>();

  private SharedSessions() {}

  /** A reader's hold on the shared session of its source. */
  static final class Lease {
    private final String key;
    private final Shared shared;
    private boolean released; // owner thread only

    private Lease(String key, Shared shared) {
      this.key = key;
      this.shared = shared;
    }

    /** Completes once connected; fails when the connection failed. */
    CompletableFuture<AsyncSession> session() {
      return shared.session;
    }

    /** Gives the session back; the last user closes it, blocking until it is closed. Idempotent. */
    void release() {
      if (released) {
        return;
      }
      released = true;
      boolean last;
      synchronized (SESSIONS) {
        last = --shared.users == 0;
        if (last && SESSIONS.get(key) == shared) {
          SESSIONS.remove(key);
        }
      }
      if (last) {
        close(shared);
      }
    }
  }

  /** Takes the session of source {@code key}, connecting it with {@code sessions} if nobody holds it. */
  static Lease acquire(String key, CassandraSessionFactory sessions) {
    Shared created = null;
    Lease lease;
    synchronized (SESSIONS) {
      Shared shared = SESSIONS.get(key);
      if (shared == null || shared.session.isCompletedExceptionally()) {
        shared = new Shared();
        created = shared;
        SESSIONS.put(key, shared);
      }
      shared.users++;
      lease = new Lease(key, shared);
    }
    if (created != null) {
      connect(created, sessions);
    }
    return lease;
  }

  /**
   * Builds the session on a thread of its own, which waits until the driver is connected (or failed) and then
   * completes the session, so that its wrapping and the readers' wake-ups run there: not on the driver's admin
   * thread, which completes the driver's stage, and not in the common pool, whose workers may all be busy with
   * other work of the task manager (the readers then waited for one). A thread that cannot be started fails the
   * session at once, so that no reader waits for it.
   */
  private static void connect(Shared shared, CassandraSessionFactory sessions) {
    Thread connector = new Thread(() -> {
      CompletableFuture<CqlSession> building;
      try {
        building = sessions.sessionBuilder().buildAsync().toCompletableFuture();
      } catch (Throwable failure) { // the factory's, or the builder's: the readers waiting fail with it
        shared.driver.completeExceptionally(failure);
        return;
      }
      try {
        shared.driver.complete(building.get());
      } catch (ExecutionException failed) {
        shared.driver.completeExceptionally(failed.getCause());
      } catch (InterruptedException interrupted) {
        // The last reader left before the driver was connected (see close): nobody waits for the session any
        // more; the close that interrupted waits for it to close it.
        CompletableFuture<?> unused = building.whenComplete((cql, failure) -> { // completes the session only
          if (failure != null) {
            shared.driver.completeExceptionally(failure);
          } else {
            shared.driver.complete(cql);
          }
        });
      } catch (Throwable failure) {
        shared.driver.completeExceptionally(failure);
      }
    }, CONNECT_THREAD);
    connector.setDaemon(true);
    shared.connector = connector;
    try {
      connector.start();
    } catch (Throwable failure) { // no thread left for it ("unable to create native thread")
      shared.driver.completeExceptionally(failure);
    }
  }

  /** How many sources have a session in this JVM now (for tests). */
  static int open() {
    synchronized (SESSIONS) {
      return SESSIONS.size();
    }
  }

  private static void close(Shared shared) {
    if (!shared.driver.isDone()) {
      // Still connecting: stop a factory that waits (interruptibly), and close the session once it is there;
      // nobody waits for it.
      Thread connecting = shared.connector;
      if (connecting != null) {
        connecting.interrupt();
      }
      java.util.concurrent.CompletionStage<CqlSession> late = shared.driver;
      late.whenComplete((cql, failure) -> {
        if (cql != null) {
          cql.closeAsync();
        }
      });
      return;
    }
    @Nullable AsyncSession session = shared.session.isCompletedExceptionally() ? null : shared.session.join();
    if (session != null) {
      session.close(); // closes the streams still open; leaves the driver session, which is ours:
    }
    if (!shared.driver.isCompletedExceptionally()) {
      shared.driver.join().close();
    }
  }
}
