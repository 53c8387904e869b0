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
package org.asynccassandra.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds a fake source's requests in the middle of being handed over (as the driver queues one), and closes a
 * stream or scan meanwhile from a thread of its own: close() must wait for the hand-over and return only
 * once the held request was cancelled, so that nothing is sent after it.
 */
public final class HandOverRace {
  private final CountDownLatch handingOver = new CountDownLatch(1);
  private final CountDownLatch letGo = new CountDownLatch(1);

  private HandOverRace() {}

  /** Holds every later fetch of {@code source} inside the fetch call until {@link #closeDuring} lets it go. */
  public static HandOverRace holdFetches(FakePageSource source) {
    HandOverRace race = new HandOverRace();
    source.duringFetch(() -> {
      race.handingOver.countDown();
      try {
        race.letGo.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    });
    return race;
  }

  /** Waits until a fetch is held. */
  public void awaitHeld() throws InterruptedException {
    assertThat(handingOver.await(30, TimeUnit.SECONDS)).as("a request is being handed over").isTrue();
  }

  /**
   * Lets the held fetch go on, for a closer that does not wait for it (one on a driver thread, see
   * {@code SendGate.awaitOthers}).
   */
  public void letGo() {
    letGo.countDown();
  }

  /**
   * Runs {@code close} on a thread of its own while {@code held} is being handed over: checks that it does
   * not return during the hand-over (it parks), lets the hand-over go, and checks that {@code held} was
   * cancelled when {@code close} returned.
   */
  public void closeDuring(Runnable close, CompletableFuture<?> held) throws InterruptedException {
    AtomicReference<Boolean> cancelledWhenCloseReturned = new AtomicReference<>();
    Thread closer = new Thread(() -> {
      close.run();
      cancelledWhenCloseReturned.set(held.isCancelled());
    }, "closer");
    closer.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> closer.getState() == Thread.State.WAITING
          || closer.getState() == Thread.State.TERMINATED);
      assertThat(cancelledWhenCloseReturned.get()).as("close() returned during the hand-over").isNull();
    } finally {
      letGo.countDown();
    }
    closer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(closer.isAlive()).isFalse();
    assertThat(cancelledWhenCloseReturned.get()).as("the request was cancelled before close() returned").isTrue();
  }
}
