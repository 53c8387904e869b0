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
package org.asynccassandra.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.internal.core.context.InternalDriverContext;
import com.datastax.oss.driver.internal.core.util.concurrent.BlockingOperation;
import com.datastax.oss.driver.internal.core.util.concurrent.CompletableFutures;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;

/**
 * A command's driver session, whose {@link #close()} lets the driver's event loops stop at once.
 *
 * <p>The command line sets no quiet period for the driver's admin loop ({@link ConnectionOptions#defaults}), so
 * that a command exits as soon as its session is closed, instead of a quarter of a second later. The driver's
 * {@code closeAsync()} hands the close to the admin loop and then adds a listener to the task it handed over;
 * with no quiet period, that loop can run the close, stop the session's loops and terminate in between, and
 * Netty then logs a {@code RejectedExecutionException} ("Failed to submit a listener notification task") to
 * stderr under the command's own output. So {@code close()} first gives each admin loop a task that waits
 * until {@code closeAsync()} has returned: the close runs after it, and the listener is in place by then.
 *
 * <p>A session whose connection fails closes itself, from whichever driver thread saw the failure, before this
 * class has it: that close can still meet the race, and the command line's logging configuration
 * ({@code simplelogger.properties}) silences the one logger Netty reports it on.
 *
 * <p>The admin loops are the driver's internal API ({@link InternalDriverContext}): the command line pins the
 * driver's version, and {@code DriverSessionIT} checks this hold on a real session.
 */
final class DriverSession implements AutoCloseable {
  private final CqlSession session;

  private DriverSession(CqlSession session) {
    this.session = session;
  }

  /**
   * Connects.
   *
   * @param builder the session's options
   * @return the connected session
   */
  static DriverSession connect(CqlSessionBuilder builder) {
    return new DriverSession(builder.build());
  }

  /** The driver's session: not to be closed but by {@link #close()}. */
  CqlSession session() {
    return session;
  }

  /**
   * Closes the session and waits until it is closed, its event loops included.
   *
   * @throws IllegalStateException on a driver thread, as the driver's own {@code close()}: it would wait for
   *     itself
   */
  @Override
  public void close() {
    BlockingOperation.checkNotDriverThread();
    CountDownLatch closeCalled = new CountDownLatch(1);
    CompletionStage<Void> closed;
    try {
      try {
        holdAdminLoops(session, closeCalled);
      } finally {
        closed = session.closeAsync(); // whatever the hold did: the driver's threads would keep the JVM alive
      }
    } finally {
      closeCalled.countDown();
    }
    CompletableFutures.getUninterruptibly(closed);
  }

  /**
   * Gives each of the session's admin loops a task that waits for {@code released}: until then, no task handed
   * to them later runs, and none of them can terminate. A loop that is stopping already is left alone: the
   * session is closing or closed, and {@code closeAsync()} then hands it nothing.
   *
   * @return completes once every loop held waits for {@code released} (each loop runs its tasks in order, so the
   *     close need not wait for it)
   */
  static CompletableFuture<Void> holdAdminLoops(CqlSession session, CountDownLatch released) {
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    for (EventExecutor loop : ((InternalDriverContext) session.getContext()).getNettyOptions()
        .adminEventExecutorGroup()) {
      CompletableFuture<Void> held = new CompletableFuture<>();
      try {
        loop.execute(() -> {
          held.complete(null);
          awaitUninterruptibly(released);
        });
        waiting.add(held);
      } catch (RejectedExecutionException stopping) {
        // closing already: nothing to hold
      }
    }
    return CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new));
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
