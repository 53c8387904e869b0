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

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.asynccassandra.ReadAheadBudget;

/**
 * The session-wide read-ahead budget: an atomic count of reserved bytes and a FIFO queue of streams waiting
 * to read ahead, served in order. Reserving and giving back are lock-free (compare-and-set and add); engines
 * reserve under their own lock, and release and queue outside it. A wake-up only dispatches the first
 * waiter's drain to a pool, never runs it, so it may happen under an engine's lock: a stream at the head that
 * reserves leaves the queue there, which wakes the next. {@link #heldBack()} counts each time a stream joins
 * the queue, also for the queue's order (bytes were free, another stream was first). A stream joins and leaves the
 * queue under its own {@link Waiter}'s monitor, so that it is in the queue exactly while it says it waits,
 * whichever threads join and leave at once (the end of one drain may queue it while another drain, no
 * longer wanting to read ahead, takes it out): an entry left behind would stay first in line for ever, and
 * no other stream of the session would read ahead again.
 */
public final class DefaultReadAheadBudget implements ReadAheadBudget {
  /** The estimate for a stream's first read-ahead, before it saw a page. */
  public static final long FIRST_ESTIMATE = 64 * 1024;

  private final long capacity;
  private final AtomicLong reserved = new AtomicLong();
  private final LongAdder heldBack = new LongAdder();
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

  public DefaultReadAheadBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("a read-ahead budget must be > 0 bytes: " + capacity);
    }
    this.capacity = capacity;
  }

  /** A stream's place in the queue of streams waiting to read ahead. */
  public static final class Waiter {
    final Runnable wake;
    /** In the queue; changed together with the queue, under this waiter's monitor. */
    private volatile boolean queued;
    /** The bytes its latest refused reservation asked for: it is woken only when they would fit. */
    volatile long wants;

    /** @param wake runs when bytes came back while it waits; it must hand the retry to another thread */
    public Waiter(Runnable wake) {
      this.wake = wake;
    }

    /** Whether it waits in the budget's queue now. */
    public boolean isQueued() {
      return queued;
    }
  }

  /**
   * Takes {@code bytes} when they fit and no other stream waits before this one (first come, first
   * served); or when nothing is reserved, so that one read-ahead larger than the whole budget still goes
   * through alone. A refused stream counts as held back once it {@link #await waits}.
   */
  public boolean tryReserve(Waiter waiter, long bytes) {
    waiter.wants = bytes; // read only while it waits, that is after a refusal
    Waiter head = waiters.peek();
    if (head != null && head != waiter) {
      return false;
    }
    while (true) {
      long now = reserved.get();
      if (!fits(now, bytes)) {
        return false;
      }
      if (reserved.compareAndSet(now, now + bytes)) {
        break;
      }
    }
    if (head == waiter) {
      leave(waiter); // served: the next in line may fit too
    }
    return true;
  }

  /** Gives back {@code bytes} (negative: takes more) and wakes the first waiting stream when bytes came back. */
  public void adjust(long bytes) {
    if (bytes == 0) {
      return;
    }
    reserved.addAndGet(-bytes);
    if (bytes > 0) {
      wakeHead();
    }
  }

  /** Queues a stream to be woken when bytes come back (once); called outside the stream's lock. */
  public void await(Waiter waiter) {
    synchronized (waiter) {
      if (!waiter.queued) {
        waiters.add(waiter);
        waiter.queued = true;
        heldBack.increment(); // once per wait: an engine tries several times per delivery while it waits
      }
    }
    wakeHead(); // bytes came back between its failed reservation and now
  }

  /** Takes a stream out of the queue: it was served, no longer reads ahead, or ended. */
  public void leave(Waiter waiter) {
    synchronized (waiter) {
      if (!waiter.queued) {
        return;
      }
      waiters.remove(waiter);
      waiter.queued = false;
    }
    wakeHead();
  }

  /**
   * Wakes the first waiting stream when what it asked for fits now; it tries again, and leaves the queue or
   * stays first. Waking it when its bytes do not fit would only have it fail and, from {@link #await}, wake
   * itself again: a loop of pool tasks for as long as the budget stays that full.
   */
  private void wakeHead() {
    Waiter head = waiters.peek();
    if (head != null && fits(reserved.get(), head.wants)) {
      head.wake.run();
    }
  }

  /** Whether {@code bytes} more fit when {@code now} are reserved: always when nothing is. */
  private boolean fits(long now, long bytes) {
    return now == 0 || now + bytes <= capacity;
  }

  @Override
  public long capacityBytes() {
    return capacity;
  }

  @Override
  public long reservedBytes() {
    return reserved.get();
  }

  @Override
  public long heldBack() {
    return heldBack.sum();
  }

  @Override
  public String toString() {
    return "ReadAheadBudget{" + reserved.get() + " of " + capacity + " bytes, held back " + heldBack.sum() + "}";
  }
}
