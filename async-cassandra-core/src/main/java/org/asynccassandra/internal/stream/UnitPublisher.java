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

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.internal.util.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Flow.Publisher} of {@code rows()} and {@code pages()}: it emits the units of each page (its
 * rows, or the page itself) to a single subscriber as demand allows.
 *
 * <p>Every signal to the subscriber comes from one serialized emission loop (a work-in-progress counter,
 * §1.3): the engine's deliveries, {@code request(n)} and terminal events only record their news and run
 * the loop, which is inline when already on the stream's executor and dispatched to it otherwise, so
 * {@code request} called from {@code onNext} never recurses (§3.3) and no signal runs on a driver thread.
 */
final class UnitPublisher<T> implements Flow.Publisher<T> {
  private static final Logger LOG = LoggerFactory.getLogger(UnitPublisher.class);

  private final PageEngine engine;
  private final Executor executor;
  private final @Nullable PageObserver listener;
  /** A page's units: its rows (or mapped values), or the page itself; each a T. */
  private final Function<DefaultPage, Mapping.Values> units;
  /** Whether a unit is a whole page (pages()) rather than a row (rows()). */
  private final boolean wholePages;
  private final Object owner;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  UnitPublisher(PageEngine engine, Executor executor, @Nullable PageObserver listener,
      Function<DefaultPage, Mapping.Values> units, boolean wholePages, Object owner) {
    this.wholePages = wholePages;
    this.engine = engine;
    this.executor = executor;
    this.listener = listener;
    this.units = units;
    this.owner = owner;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber"); // §1.9
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException(
          "This publisher of a RowStream accepts a single subscriber, and it already has one"));
      return;
    }
    Emission emission = new Emission(subscriber);
    // Held until onSubscribe returned (§1.3: signals in order, never at once): what a request() or the engine
    // starts meanwhile only counts, and runs on the executor after it.
    emission.wip.set(1);
    try {
      subscriber.onSubscribe(emission);
    } catch (Throwable subscriberFailure) {
      // §2.13: the subscription counts as cancelled (the stream ends, as on a cancel within onSubscribe), and
      // §1.9: subscribe returns normally, so the failure is logged.
      emission.cancel();
      LOG.warn("The subscriber of the stream over '{}' threw from onSubscribe; its subscription was cancelled",
          engine.description(), subscriberFailure);
    }
    engine.attach(emission, executor, owner);
    emission.subscribed();
  }

  /** The subscription and the engine's sink for one subscriber. */
  private final class Emission implements Flow.Subscription, PageSink {
    /** Nulled on cancel and after the terminal signal (§3.13). */
    private volatile Flow.@Nullable Subscriber<? super T> subscriber;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean cancelled;
    /** A page delivered by the engine and not yet taken by the loop; at most one (one page requested). */
    private volatile @Nullable DefaultPage incoming;
    private volatile boolean completed;
    private volatile @Nullable Throwable error;

    // ---- confined to the loop ----
    private Mapping.@Nullable Values current;
    private @Nullable DefaultPage currentPage;
    private int index;
    private boolean pageRequested;
    /** Set just before onError or onComplete is called. */
    private boolean terminalSent;
    /** The last page's every unit went out: the end is asked for whatever the demand. */
    private boolean lastPageSent;

    Emission(Flow.Subscriber<? super T> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (cancelled) {
        return; // §3.6
      }
      if (n <= 0) {
        // §3.9
        error = new IllegalArgumentException("§3.9: request(n) needs n > 0, got " + n);
        engine.abort(error, true);
      } else {
        addRequested(n);
      }
      schedule();
    }

    private void addRequested(long n) {
      long current;
      long next;
      do {
        current = requested.get();
        if (current == Long.MAX_VALUE) {
          return;
        }
        next = current + n;
        if (next < 0) {
          next = Long.MAX_VALUE; // §3.17
        }
      } while (!requested.compareAndSet(current, next));
    }

    @Override
    public void cancel() {
      if (!cancelled) {
        cancelled = true;
        engine.abort(new StreamClosedException("The subscriber of the stream over '" + engine.description()
            + "' cancelled"), true);
        schedule(); // lets the loop drop its references
      }
    }

    @Override
    public void onPage(DefaultPage page) {
      incoming = page;
      drain(); // already on the stream's executor
    }

    @Override
    public void onComplete() {
      completed = true;
      drain();
    }

    @Override
    public void onEndKnown() {
      schedule(); // on the executor: the loop asks for the end, which comes without demand
    }

    @Override
    public void onError(Throwable failure) {
      if (error == null) {
        error = failure;
      }
      drain();
    }

    /** Lets the loop run once onSubscribe returned, and runs it when work came while it ran. */
    void subscribed() {
      if (wip.decrementAndGet() != 0) {
        runLoop(); // the loop runs until wip is back to 0, whatever it is now
      }
    }

    /** Runs the loop on the stream's executor (request() may come from any thread, I/O ones included). */
    private void schedule() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      runLoop();
    }

    private void runLoop() {
      @Nullable Throwable refused = Threads.tryExecute(executor, this::loop);
      if (refused != null) {
        // The executor did not take the emission: rejected (shut down, or its queue full) or failed (a pool
        // that cannot start a thread). The error signal must still arrive, but not on this thread (request()
        // may come from a driver I/O thread): the fallback executor runs it.
        error = new AsyncCassandraException("The stream over '" + engine.description() + "' failed: its "
            + "executor " + Threads.describeRefusal(executor, refused, "the publisher's emission"), refused);
        Threads.fallbackExecutor().execute(this::loop);
      }
    }

    private void drain() {
      if (wip.getAndIncrement() == 0) {
        loop();
      }
    }

    /**
     * The emission loop; entered only by the thread that moved wip from 0. Whatever a pass throws, the loop
     * gives back its work count before it ends: a loop left counted would swallow every later signal, and
     * the subscriber would wait for ever. A subscriber that throws from its terminal signal (§2.13) has that
     * rethrown once the loop is done, to whoever runs it (the executor's uncaught-exception handling).
     */
    private void loop() {
      int missed = 1;
      @Nullable Throwable rethrow = null;
      while (true) {
        Flow.Subscriber<? super T> target = subscriber;
        if (cancelled || target == null) {
          current = null;
          currentPage = null;
          incoming = null;
          subscriber = null;
        } else {
          boolean open;
          try {
            open = emit(target);
          } catch (Throwable unexpected) {
            open = false;
            rethrow = failFromLoop(target, unexpected);
          }
          if (!open) {
            subscriber = null; // terminal signal sent
            current = null;
            currentPage = null;
          }
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          break;
        }
      }
      if (rethrow != null) {
        throw Threads.unchecked(rethrow);
      }
    }

    /**
     * A pass of the loop threw. From the subscriber's terminal signal: it broke §2.13 and is done; the
     * throwable is returned to be rethrown. From anywhere else, which nothing should (each step catches what
     * user code throws): the stream fails with it and the subscriber gets {@code onError}.
     */
    private @Nullable Throwable failFromLoop(Flow.Subscriber<? super T> target, Throwable unexpected) {
      if (terminalSent) {
        return unexpected;
      }
      AsyncCassandraException failure = new AsyncCassandraException("The publisher of the stream over '"
          + engine.description() + "' failed unexpectedly: " + unexpected, unexpected);
      try {
        fail(target, failure);
        return null;
      } catch (Throwable subscriberFailure) {
        return subscriberFailure;
      }
    }

    /** Ends the stream with {@code failure} and tells the subscriber; returns false, as emit does then. */
    private boolean fail(Flow.Subscriber<? super T> target, Throwable failure) {
      engine.abort(failure, true);
      terminalSent = true;
      target.onError(failure);
      return false;
    }

    /** One pass of emission. Returns false once a terminal signal was sent. */
    private boolean emit(Flow.Subscriber<? super T> target) {
      Throwable failure = error;
      if (failure != null) {
        return fail(target, failure);
      }
      if (current == null) {
        DefaultPage page = incoming;
        if (page != null) {
          incoming = null;
          pageRequested = false;
          try {
            if (listener != null) {
              listener.onPage(page.event());
            }
          } catch (Throwable listenerFailure) {
            return fail(target, listenerFailure);
          }
          if (engine.position().enter(page)) {
            try {
              current = units.apply(page);
            } catch (Throwable mapperFailure) {
              return fail(target, mapperFailure);
            }
            currentPage = page;
            index = 0;
          }
        }
      }
      long demand = requested.get();
      long sent = 0;
      if (current != null) {
        // current holds the units of currentPage, which is set and cleared with it.
        DefaultPage page = Objects.requireNonNull(currentPage, "units without their page");
        while (sent < demand && index < current.size()) {
          if (cancelled) {
            return true;
          }
          // A refused report means the stream was closed: no unit goes out after close() (§1.8 via §3.5),
          // and the terminal signal follows.
          T unit;
          try {
            @SuppressWarnings("unchecked") // units() makes Ts: the stream's rows or values, or its pages
            T taken = (T) current.next(); // mapped before it counts as received
            unit = taken;
          } catch (Throwable mapperFailure) {
            return fail(target, mapperFailure);
          }
          if (!engine.position().received(page, wholePages ? page.size() : index + 1)) {
            current = null;
            currentPage = null;
            break;
          }
          index++;
          engine.addDelivered(wholePages ? page.size() : 1);
          try {
            target.onNext(unit);
          } catch (Throwable subscriberFailure) {
            // §2.13: a throwing onNext breaks the contract; treat the subscription as cancelled.
            cancelled = true;
            engine.abort(subscriberFailure, true);
            LOG.warn("A subscriber of the stream over '{}' threw from onNext; the stream was cancelled",
                engine.description(), subscriberFailure);
            return true;
          }
          sent++;
        }
        if (sent > 0 && demand != Long.MAX_VALUE) {
          requested.addAndGet(-sent);
        }
        if (current != null && index == current.size()) {
          current = null;
          currentPage = null; // done with it: the page is garbage while the next one is fetched
          lastPageSent = page.isLast();
        }
      }
      if (current == null && incoming == null) {
        if (completed) {
          terminalSent = true;
          target.onComplete();
          return false;
        }
        // After the last page the engine fetches nothing more: asked, it ends the stream, so that a subscriber
        // that requested exactly the units there were hears onComplete without requesting more (a terminal
        // signal needs no demand). So too when the engine holds the end already: the empty page that
        // Cassandra answers after a full last one, read ahead.
        if (!pageRequested && (requested.get() > 0 || lastPageSent || engine.endIsNext()) && !cancelled
            && !engine.isAborted()) {
          pageRequested = true;
          engine.request(); // may deliver synchronously: onPage bumps wip and this loop goes round again
        }
      }
      return true;
    }
  }
}
