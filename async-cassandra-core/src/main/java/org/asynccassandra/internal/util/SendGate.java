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
package org.asynccassandra.internal.util;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The threads handing requests to the driver outside their owner's lock, so that a close taken under that
 * lock can wait for them and nothing is sent after the close returns. A sender calls {@link #begin()} once
 * it decided to send (and saw its owner open), sends, then {@link #end()} once it either recorded the
 * request or cancelled it (its owner closed meanwhile). The wait is as long as the driver takes to queue a
 * request, never a network round trip. Not thread-safe by itself: every method is called under the owner's
 * lock, the monitor given to the constructor.
 */
public final class SendGate {
  private final Object lock;
  /** The sender, mostly the only one (a stream sends one request at a time). */
  private @Nullable Thread sender;
  /** Further senders at the same moment (a table scan's ranges); made on first need. */
  private @Nullable List<Thread> moreSenders;
  /** A close waits: senders notify the lock (else they skip that call, which costs a native call). */
  private boolean closeWaiting;

  /** A gate guarded by {@code lock}, its owner's monitor. */
  public SendGate(Object lock) {
    this.lock = lock;
  }

  /** The calling thread starts to hand a request over. */
  public void begin() {
    Thread current = Thread.currentThread();
    if (sender == null) {
      sender = current;
    } else {
      if (moreSenders == null) {
        moreSenders = new ArrayList<>(2);
      }
      moreSenders.add(current);
    }
  }

  /** The calling thread's request was handed over or cancelled: a close waiting for it may go on. */
  public void end() {
    Thread current = Thread.currentThread();
    if (sender == current) {
      sender = null;
    } else if (moreSenders != null) {
      moreSenders.remove(current);
    }
    if (closeWaiting) {
      lock.notifyAll();
    }
  }

  /**
   * Waits (the wait releases the lock) until no other thread is handing a request over: each sees its owner
   * closed and cancels its request. Never waits for the calling thread's own send (a close from inside the
   * send), and never on a driver thread: another sender may be blocked inside the driver on a lock that this
   * very thread holds (the request throttler's, whose drain fails requests under it), and waiting for it
   * would hang both. Such a sender still cancels its request once it is handed over, but that may be after
   * the close returned. Uninterruptible; an interrupt is kept for the caller.
   */
  public void awaitOthers() {
    if (!sendingElsewhere(Thread.currentThread()) || Threads.isDriverThread()) {
      return;
    }
    Thread current = Thread.currentThread();
    boolean interrupted = false;
    while (sendingElsewhere(current)) {
      closeWaiting = true;
      try {
        lock.wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      current.interrupt();
    }
  }

  private boolean sendingElsewhere(Thread current) {
    if (sender != null && sender != current) {
      return true;
    }
    List<Thread> more = moreSenders;
    return more != null && more.stream().anyMatch(thread -> thread != current);
  }
}
