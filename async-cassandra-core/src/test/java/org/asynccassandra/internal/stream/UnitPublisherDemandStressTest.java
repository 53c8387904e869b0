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

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Stress test of the demand counter and emission loop of the real {@link UnitPublisher} behind
 * {@code rows()}: two threads call {@code request(n)} (now and then {@code Long.MAX_VALUE}, §3.17) while the
 * stream's executor emits, the subscriber requests from inside {@code onNext} (§3.3), and in some runs a
 * third thread, or {@code onNext} itself, cancels. Every run checks §1.1 (never more than requested), §1.3
 * (never two {@code onNext} at once), that cancel stops emission (§3.5, §3.7), that all demand is served
 * (§1.1's other half), and that the position counts exactly the rows the subscriber got.
 */
class UnitPublisherDemandStressTest {
  private static final int RUNS = 10_000;
  private static final int PAGES = 4;
  private static final int PAGE_SIZE = 5;
  private static final int TOTAL = PAGES * PAGE_SIZE;

  private static final CountingExecutor EXECUTOR = new CountingExecutor("stream-", 2);
  private static final Race RACE = new Race(3);

  @AfterAll
  static void stop() {
    EXECUTOR.close();
    RACE.close();
  }

  /** How a run ends its subscription, if it does. */
  private enum Cancel {
    NEVER, FROM_ANOTHER_THREAD, FROM_ON_NEXT
  }

  private static final class Probe implements Flow.Subscriber<Row> {
    final Queue<String> violations = new ConcurrentLinkedQueue<>();
    final Queue<Integer> values = new ConcurrentLinkedQueue<>();
    final AtomicLong requested = new AtomicLong(); // what the test asked for, saturated like §3.17
    final AtomicLong received = new AtomicLong();
    final AtomicBoolean inOnNext = new AtomicBoolean();
    final AtomicInteger completions = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final int cancelAtRow; // -1: onNext never cancels
    volatile Flow.Subscription subscription;
    /** Set once a cancel() call returned; from then on at most the one onNext already under way may start. */
    volatile boolean cancelReturned;
    volatile boolean cancelledInOnNext;
    final AtomicInteger startedAfterCancel = new AtomicInteger();

    Probe(int cancelAtRow) {
      this.cancelAtRow = cancelAtRow;
    }

    void request(long n) {
      requested.getAndUpdate(current -> current + n < 0 ? Long.MAX_VALUE : current + n);
      subscription.request(n);
    }

    void cancel() {
      subscription.cancel();
      cancelReturned = true;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
    }

    @Override
    public void onNext(Row row) {
      if (!inOnNext.compareAndSet(false, true)) {
        violations.add("§1.3: two onNext at once");
      }
      if (cancelReturned && (startedAfterCancel.incrementAndGet() > 1 || cancelledInOnNext)) {
        violations.add("onNext after cancel() returned: row " + FakePageSource.value(row));
      }
      long count = received.incrementAndGet();
      if (count > requested.get()) {
        violations.add("§1.1: onNext number " + count + " with only " + requested.get() + " requested");
      }
      values.add(FakePageSource.value(row));
      Race.spin(50);
      if (count == cancelAtRow) {
        cancelledInOnNext = true;
        cancel();
      } else if (ThreadLocalRandom.current().nextInt(4) == 0) {
        request(1); // §3.3: reentrant request
      }
      inOnNext.set(false);
    }

    @Override
    public void onError(Throwable error) {
      errors.incrementAndGet();
    }

    @Override
    public void onComplete() {
      completions.incrementAndGet();
    }
  }

  @Test
  void should_never_emit_more_than_requested_nor_concurrently_nor_after_cancel_when_requests_race_emission()
      throws Exception {
    int completedRuns = 0;
    int cancelledRuns = 0;
    for (int run = 0; run < RUNS; run++) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      Cancel cancel = Cancel.values()[random.nextInt(3)];
      AtomicInteger terminations = new AtomicInteger();
      FakePageSource source = FakePageSource.automatic(PAGES, PAGE_SIZE);
      DefaultRowStream stream = new DefaultRowStream(source,
          StreamConfig.builder().prefetchPages(1 + random.nextInt(2)).build(), EXECUTOR, new ManualScheduler(),
          handle -> terminations.incrementAndGet());
      Probe probe = new Probe(cancel == Cancel.FROM_ON_NEXT ? 1 + random.nextInt(TOTAL) : -1);
      stream.rows().subscribe(probe);
      Race.Party requester = () -> {
        for (int calls = 1 + ThreadLocalRandom.current().nextInt(4); calls > 0; calls--) {
          probe.request(ThreadLocalRandom.current().nextInt(20) == 0
              ? Long.MAX_VALUE : 1 + ThreadLocalRandom.current().nextInt(4));
          Race.spin(200);
        }
      };
      if (cancel == Cancel.FROM_ANOTHER_THREAD) {
        RACE.run(300, requester, requester, probe::cancel);
      } else {
        RACE.run(300, requester, requester);
      }
      EXECUTOR.awaitQuiet();

      String context = "run " + run + ", cancel " + cancel + ", requested " + probe.requested.get();
      assertThat(probe.violations).as(context).isEmpty();
      int received = (int) probe.received.get();
      assertThat(new ArrayList<>(probe.values)).as(context).isEqualTo(range(0, received));
      boolean cancelled = probe.cancelReturned;
      if (!cancelled) {
        assertThat(received).as("all demand served; " + context)
            .isEqualTo((int) Math.min(probe.requested.get(), TOTAL));
        if (probe.requested.get() > TOTAL) {
          assertThat(probe.completions.get()).as("completed; " + context).isEqualTo(1);
        }
      }
      assertThat(probe.completions.get() + probe.errors.get()).as(context).isLessThanOrEqualTo(1);
      assertThat(Race.rowOf(stream.position(), PAGE_SIZE, TOTAL)).as("position; " + context).isEqualTo(received);
      assertThat(stream.stats().rowsDelivered()).as(context).isEqualTo(received);
      if (probe.completions.get() == 1) {
        completedRuns++;
      }
      if (cancelled) {
        cancelledRuns++;
      } else if (probe.completions.get() == 0) {
        probe.cancel(); // lets the engine end
        EXECUTOR.awaitQuiet();
      }
      assertThat(terminations.get()).as("the engine ended once; " + context).isEqualTo(1);
      assertThat(source.concurrentFetchViolations.get()).as(context).isZero();
    }
    assertThat(EXECUTOR.uncaught).isEmpty();
    assertThat(completedRuns).as("runs that completed").isPositive();
    assertThat(cancelledRuns).as("runs that were cancelled").isPositive();
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toList());
  }
}
