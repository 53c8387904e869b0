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

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.internal.util.Threads;
import org.jspecify.annotations.Nullable;

/**
 * The blocking style: an iterator whose {@code hasNext()} waits for the next page. The engine hands pages
 * over through a one-slot mailbox guarded by a {@link ReentrantLock}, so a virtual thread that waits here
 * unmounts instead of pinning its carrier. The engine calls this sink with a direct executor: no user code
 * runs in the hand-over; the listener runs on the iterating thread.
 */
final class BlockingRowIterator implements Iterator<Object> {
  private final PageEngine engine;
  private final @Nullable PageObserver listener;
  /** The user's RowStream, kept reachable while it is iterated; the engine never refers to it. */
  private final Object owner;
  private final Mailbox mailbox = new Mailbox();
  private final Mapping mapping;

  // ---- confined to the iterating thread ----
  private @Nullable DefaultPage page;
  private Mapping.@Nullable Values rows;
  private int index;
  private boolean ended;
  private @Nullable RuntimeException failure;

  BlockingRowIterator(PageEngine engine, @Nullable PageObserver listener, Mapping mapping, Object owner) {
    this.engine = engine;
    this.mapping = mapping;
    this.listener = listener;
    this.owner = owner;
  }

  @Override
  public boolean hasNext() {
    while (true) {
      if (failure != null) {
        throw failure; // a failed stream answers every later call at once
      }
      if (ended) {
        return false;
      }
      boolean closed = engine.isAborted();
      if (rows != null && index < rows.size() && !closed) {
        return true;
      }
      rows = null;
      page = null;
      Threads.checkNotDriverThread("RowStream.iterator().hasNext()");
      if (!closed) {
        engine.request();
      }
      awaitDelivery(); // after a close: its terminal signal
    }
  }

  @Override
  public Object next() {
    while (true) {
      if (!hasNext()) {
        throw new NoSuchElementException("The stream over '" + engine.description() + "' has no more rows");
      }
      // hasNext() returned true: a page was entered and has rows left.
      DefaultPage current = Objects.requireNonNull(page, "hasNext() left no page");
      Mapping.Values currentRows = Objects.requireNonNull(rows, "hasNext() left no rows");
      Object value;
      try {
        value = currentRows.next(); // row index + 1, mapped before it counts as received
      } catch (Throwable mapperFailure) { // checked ones too: a Kotlin mapper throws them undeclared
        engine.abort(mapperFailure, true);
        // Every later call throws it too (an Error or a checked exception, wrapped): the silent abort sends no
        // end to wait for.
        failure = mapperFailure instanceof RuntimeException runtime ? runtime
            : new AsyncCassandraException("The row mapper of the stream over '" + engine.description()
                + "' failed", mapperFailure);
        throw mapperFailure;
      }
      if (engine.position().received(current, index + 1)) {
        engine.addDelivered(1);
        index++;
        return value;
      }
      rows = null; // closed between hasNext() and here: hasNext() now throws the close
    }
  }

  /** The engine's sink: a one-slot hand-over that refers to nothing else. */
  PageSink sink() {
    return mailbox;
  }

  private void awaitDelivery() {
    @Nullable DefaultPage page;
    @Nullable Throwable error;
    boolean end;
    ReentrantLock mailboxLock = mailbox.lock;
    mailboxLock.lock();
    try {
      while (mailbox.page == null && !mailbox.end && mailbox.error == null) {
        mailbox.delivered.await();
      }
      page = mailbox.page;
      end = mailbox.end;
      error = mailbox.error;
      mailbox.page = null;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      StreamClosedException closed = new StreamClosedException("Interrupted while waiting for a page of '"
          + engine.description() + "'; the stream was closed", interrupted);
      engine.abort(closed, true);
      failure = closed;
      throw closed;
    } finally {
      mailboxLock.unlock();
    }
    if (page != null) {
      try {
        if (listener != null) {
          listener.onPage(page.event());
        }
      } catch (Throwable listenerFailure) { // checked ones too, thrown undeclared
        engine.abort(listenerFailure, true);
        if (listenerFailure instanceof RuntimeException) {
          failure = (RuntimeException) listenerFailure;
        } else {
          failure = new AsyncCassandraException("The page listener of the stream over '" + engine.description()
              + "' failed", listenerFailure);
        }
        throw listenerFailure;
      }
      if (engine.position().enter(page)) {
        this.page = page;
        rows = mapping.values(page);
        index = 0;
      }
    } else if (error != null) {
      failure = error instanceof RuntimeException
          ? (RuntimeException) error
          : new AsyncCassandraException("The stream over '" + engine.description() + "' failed", error);
      throw failure;
    } else if (end) {
      ended = true;
    }
  }

  private static final class Mailbox implements PageSink {
    final ReentrantLock lock = new ReentrantLock();
    final Condition delivered = lock.newCondition();
    // ---- guarded by lock ----
    @Nullable DefaultPage page;
    boolean end;
    @Nullable Throwable error;

    @Override
    public void onPage(DefaultPage delivery) {
      lock.lock();
      try {
        page = delivery;
        delivered.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onComplete() {
      lock.lock();
      try {
        end = true;
        delivered.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onError(Throwable failure) {
      lock.lock();
      try {
        error = failure;
        delivered.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public String toString() {
    return "RowStream iterator of " + owner;
  }
}
