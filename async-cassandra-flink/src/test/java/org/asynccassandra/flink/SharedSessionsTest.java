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

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedSessions} with hand-written factories (no Cassandra): the factory runs on the connect thread,
 * never on the reader's, and never under the registry's lock.
 */
class SharedSessionsTest {

  @Test
  void should_run_the_factory_off_the_readers_thread_and_outside_the_registrys_lock() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> factoryThread = new CompletableFuture<>();
    IllegalStateException refused = new IllegalStateException("no such host: db1.example.com");
    CassandraSessionFactory slow = () -> {
      factoryThread.complete(Thread.currentThread().getName());
      entered.countDown();
      try {
        release.await(); // a host name whose lookup does not answer
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw refused;
    };
    // acquire() used to call the factory on the reader's thread, under the lock of every reader in the JVM.
    SharedSessions.Lease lease = CompletableFuture.supplyAsync(() -> SharedSessions.acquire("slow-source", slow))
        .get(30, TimeUnit.SECONDS);
    try {
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(factoryThread.join()).isEqualTo(SharedSessions.CONNECT_THREAD);
      assertThat(CompletableFuture.supplyAsync(SharedSessions::open))
          .as("another reader's source is not held up by it").succeedsWithin(Duration.ofSeconds(30));
      assertThat(lease.session()).isNotDone();
      release.countDown();
      assertThat(lease.session()).failsWithin(Duration.ofSeconds(30)).withThrowableThat().havingCause()
          .isSameAs(refused);
    } finally {
      release.countDown();
      lease.release();
    }
    assertThat(SharedSessions.open()).isZero();
  }

  /** The readers' wake-ups ran on the thread that completed the driver's stage: its admin event loop. */
  @Test
  void should_complete_the_session_off_the_thread_that_completed_the_drivers_stage() throws Exception {
    CountDownLatch registered = new CountDownLatch(1); // the connect thread's callback is on the driver's stage
    CompletableFuture<CqlSession> building = new CompletableFuture<>() {
      @Override
      public CompletableFuture<CqlSession> whenComplete(
          java.util.function.BiConsumer<? super CqlSession, ? super Throwable> action) {
        CompletableFuture<CqlSession> dependent = super.whenComplete(action);
        registered.countDown();
        return dependent;
      }

      @Override
      public CqlSession get() throws InterruptedException, java.util.concurrent.ExecutionException {
        registered.countDown();
        return super.get();
      }

      @Override
      public CompletableFuture<CqlSession> whenCompleteAsync(
          java.util.function.BiConsumer<? super CqlSession, ? super Throwable> action,
          java.util.concurrent.Executor executor) {
        CompletableFuture<CqlSession> dependent = super.whenCompleteAsync(action, executor);
        registered.countDown();
        return dependent;
      }
    };
    CassandraSessionFactory factory = () -> new CqlSessionBuilder() {
      @Override
      public CompletionStage<CqlSession> buildAsync() {
        return building;
      }
    };
    SharedSessions.Lease lease = SharedSessions.acquire("driver-thread-source", factory);
    try {
      CompletableFuture<String> completedOn = lease.session().handle((session, failure) ->
          Thread.currentThread().getName());
      assertThat(registered.await(30, TimeUnit.SECONDS)).isTrue(); // else it would run on the connect thread
      Thread admin = new Thread(() -> building.completeExceptionally(new IllegalStateException("refused")),
          "s0-admin-0");
      admin.start();
      admin.join(TimeUnit.SECONDS.toMillis(30));
      // On the connect thread, which waited for the driver: not on a shared pool, whose workers may all be busy
      // with other work (the readers would wait for one), and not on a thread made for the task.
      assertThat(completedOn.get(30, TimeUnit.SECONDS)).isEqualTo(SharedSessions.CONNECT_THREAD);
    } finally {
      lease.release();
    }
    assertThat(SharedSessions.open()).isZero();
  }

  @Test
  void should_stop_a_factory_that_waits_when_the_last_reader_leaves_before_it_connected() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    CompletableFuture<Thread> connector = new CompletableFuture<>();
    CassandraSessionFactory stuck = () -> {
      connector.complete(Thread.currentThread());
      entered.countDown();
      try {
        never.await(); // a factory that waits for something that never comes
      } catch (InterruptedException interrupted) {
        throw new IllegalStateException("interrupted", interrupted);
      }
      throw new AssertionError("unreachable");
    };
    SharedSessions.Lease lease = SharedSessions.acquire("stuck-source", stuck);
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    lease.release(); // the task ended (cancelled, failed over) before its session was built
    Thread thread = connector.join();
    thread.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(thread.isAlive()).as("the connect thread ended, not left waiting for good").isFalse();
    assertThat(SharedSessions.open()).isZero();
  }
}
