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
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.Page;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Stress test of closing racing delivery, for each consumption style of the real {@link DefaultRowStream}:
 * a consumer reads while another thread, after a random spin, closes the stream, or cancels, completes or
 * fails from outside the stage the style returned (which must close the stream too), or cancels the
 * subscription. Every run checks that the consumer got exactly a prefix of the result, that a stream
 * resumed from {@code position()} over a fresh source delivers exactly the rest, that the returned stage
 * completed, that the engine ended once with nothing buffered or in flight, and that no request was sent
 * after the closing call returned.
 */
class CloseRacingDeliveryStressTest {
  private static final int RUNS = 1_500;
  private static final int PAGES = 4;
  private static final int PAGE_SIZE = 5;
  private static final int TOTAL = PAGES * PAGE_SIZE;

  private static final CountingExecutor EXECUTOR = new CountingExecutor("stream-", 2);
  private static final Race RACE = new Race(2);

  @AfterAll
  static void stop() {
    EXECUTOR.close();
    RACE.close();
  }

  private enum Style {
    FOR_EACH, FOR_EACH_ASYNC, FOR_EACH_PAGE, NEXT_PAGE, ROWS, ITERATOR
  }

  /** What the racing thread does to end the stream. */
  private enum Closer {
    CLOSE, CANCEL_STAGE, COMPLETE_STAGE, FAIL_STAGE, CANCEL_SUBSCRIPTION
  }

  @Test
  void should_hand_over_exactly_a_prefix_and_resume_with_the_rest_when_close_races_forEach() throws Exception {
    runs(Style.FOR_EACH, Closer.CLOSE, Closer.CANCEL_STAGE, Closer.COMPLETE_STAGE, Closer.FAIL_STAGE);
  }

  @Test
  void should_hand_over_exactly_a_prefix_and_resume_with_the_rest_when_close_races_forEachAsync() throws Exception {
    runs(Style.FOR_EACH_ASYNC, Closer.CLOSE, Closer.CANCEL_STAGE, Closer.COMPLETE_STAGE, Closer.FAIL_STAGE);
  }

  @Test
  void should_hand_over_exactly_a_prefix_and_resume_with_the_rest_when_close_races_forEachPage() throws Exception {
    runs(Style.FOR_EACH_PAGE, Closer.CLOSE, Closer.CANCEL_STAGE, Closer.COMPLETE_STAGE, Closer.FAIL_STAGE);
  }

  @Test
  void should_hand_over_exactly_a_prefix_and_resume_with_the_rest_when_close_races_nextPage() throws Exception {
    runs(Style.NEXT_PAGE, Closer.CLOSE, Closer.CANCEL_STAGE, Closer.COMPLETE_STAGE, Closer.FAIL_STAGE);
  }

  @Test
  void should_hand_over_exactly_a_prefix_and_resume_with_the_rest_when_close_races_rows() throws Exception {
    runs(Style.ROWS, Closer.CLOSE, Closer.CANCEL_SUBSCRIPTION);
  }

  @Test
  void should_hand_over_exactly_a_prefix_and_resume_with_the_rest_when_close_races_the_iterator() throws Exception {
    runs(Style.ITERATOR, Closer.CLOSE);
  }

  private void runs(Style style, Closer... closers) throws Exception {
    int closedEarly = 0;
    for (int run = 0; run < RUNS; run++) {
      Closer closer = closers[run % closers.length];
      if (race(style, closer, "run " + run + ", " + style + ", " + closer) < TOTAL) {
        closedEarly++;
      }
    }
    assertThat(EXECUTOR.uncaught).isEmpty();
    assertThat(closedEarly).as("runs closed before the last row").isPositive();
    assertThat(closedEarly).as("runs closed before the last row").isLessThan(RUNS);
  }

  /** One run; returns the rows the consumer received. */
  private int race(Style style, Closer closer, String context) throws Exception {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    FakePageSource source = FakePageSource.automatic(PAGES, PAGE_SIZE);
    AtomicInteger terminations = new AtomicInteger();
    DefaultRowStream stream = new DefaultRowStream(source,
        StreamConfig.builder().prefetchPages(1 + random.nextInt(2)).build(), EXECUTOR, new ManualScheduler(),
        handle -> terminations.incrementAndGet());
    Queue<Integer> received = new ConcurrentLinkedQueue<>();
    AtomicReference<CompletableFuture<?>> stage = new AtomicReference<>(); // the one the style returned last
    AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    CompletableFuture<Void> terminal = new CompletableFuture<>(); // rows(): its terminal signal
    AtomicBoolean outsiderWon = new AtomicBoolean();
    AtomicBoolean endedNormally = new AtomicBoolean();
    AtomicInteger fetchesWhenClosed = new AtomicInteger(-1); // requests sent when a closing call returned

    Race.Party consumer = () -> {
      switch (style) {
        case FOR_EACH -> push(stream.forEach(row -> take(received, row)).toCompletableFuture(), stage, endedNormally);
        case FOR_EACH_ASYNC -> push(stream.forEachAsync(row -> {
          take(received, row);
          return CompletableFuture.completedFuture(null);
        }).toCompletableFuture(), stage, endedNormally);
        case FOR_EACH_PAGE -> push(stream.forEachPage(page -> page.rows().forEach(row -> take(received, row)))
            .toCompletableFuture(), stage, endedNormally);
        case NEXT_PAGE -> {
          while (true) {
            CompletableFuture<Optional<Page<Row>>> next = stream.nextPage().toCompletableFuture();
            stage.set(next);
            Optional<Page<Row>> page = outcome(next);
            if (page == null || page.isEmpty()) {
              endedNormally.set(page != null);
              break;
            }
            page.get().rows().forEach(row -> take(received, row));
          }
        }
        case ROWS -> {
          boolean unbounded = ThreadLocalRandom.current().nextBoolean();
          stream.rows().subscribe(new Flow.Subscriber<Row>() {
            @Override
            public void onSubscribe(Flow.Subscription granted) {
              subscription.set(granted);
              granted.request(unbounded ? Long.MAX_VALUE : 1);
            }

            @Override
            public void onNext(Row row) {
              take(received, row);
              if (!unbounded) {
                subscription.get().request(1);
              }
            }

            @Override
            public void onError(Throwable error) {
              terminal.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
              endedNormally.set(true);
              terminal.complete(null);
            }
          });
          if (closer == Closer.CLOSE) {
            outcome(terminal); // a close always ends the subscriber; a cancel never signals
          }
        }
        case ITERATOR -> {
          try {
            for (Iterator<Row> rows = stream.iterator(); rows.hasNext(); ) {
              take(received, rows.next());
            }
            endedNormally.set(true);
          } catch (StreamClosedException closed) {
            // the close won
          }
        }
      }
    };
    Race.Party closing = () -> {
      Race.spin(ThreadLocalRandom.current().nextInt(4_000));
      switch (closer) {
        case CLOSE -> stream.close();
        case CANCEL_STAGE -> outsiderWon.set(await(stage).cancel(false));
        case COMPLETE_STAGE -> {
          @SuppressWarnings("unchecked")
          CompletableFuture<Object> held = (CompletableFuture<Object>) await(stage);
          outsiderWon.set(held.complete(style == Style.NEXT_PAGE ? Optional.empty() : null));
        }
        case FAIL_STAGE -> outsiderWon.set(await(stage).completeExceptionally(new IllegalStateException("outside")));
        case CANCEL_SUBSCRIPTION -> await(subscription).cancel();
      }
      boolean closedTheStream = closer == Closer.CLOSE || closer == Closer.CANCEL_SUBSCRIPTION || outsiderWon.get();
      if (closedTheStream) { // a stage it lost to was already settled: nextPage() may go on asking for pages
        fetchesWhenClosed.set(source.fetchCount());
      }
    };
    RACE.run(200, consumer, closing);
    EXECUTOR.awaitQuiet();

    List<Integer> got = new ArrayList<>(received);
    int k = got.size();
    assertThat(got).as("a prefix of the result; " + context).isEqualTo(range(0, k));
    CompletableFuture<?> last = stage.get();
    if (last != null) {
      assertThat(last).as("the returned stage completed; " + context).isDone();
    }
    if (endedNormally.get() && !outsiderWon.get()) {
      assertThat(k).as("ended normally with every row; " + context).isEqualTo(TOTAL);
    }
    ResumeToken position = stream.position();
    assertThat(Race.rowOf(position, PAGE_SIZE, TOTAL)).as("position; " + context).isEqualTo(k);
    assertThat(readAll(position)).as("the resumed stream delivers exactly the rest; " + context)
        .isEqualTo(range(k, TOTAL));
    assertThat(stream.engine().isOpen()).as("still open; " + context).isFalse();
    assertThat(terminations.get()).as("the engine ended once; " + context).isEqualTo(1);
    assertThat(stream.stats().rowsDelivered()).as(context).isEqualTo(k);
    assertThat(stream.stats().bufferedPages()).as("buffered pages; " + context).isZero();
    assertThat(source.hasPending()).as("a fetch in flight; " + context).isFalse();
    if (fetchesWhenClosed.get() >= 0) {
      assertThat(source.fetchCount()).as("requests sent after the closing call returned; " + context)
          .isEqualTo(fetchesWhenClosed.get());
    }
    return k;
  }

  private static void take(Queue<Integer> received, Row row) {
    received.add(FakePageSource.value(row));
    Race.spin(20);
  }

  private static void push(CompletableFuture<Void> result, AtomicReference<CompletableFuture<?>> stage,
      AtomicBoolean endedNormally) throws Exception {
    stage.set(result);
    outcome(result);
    endedNormally.set(!result.isCompletedExceptionally());
  }

  /** Waits for a stage (a hang guard, never a timing assertion); null when it failed or was cancelled. */
  private static <T> T outcome(CompletableFuture<T> stage) throws Exception {
    try {
      return stage.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | CancellationException failed) {
      return null;
    }
  }

  private static <T> T await(AtomicReference<T> published) {
    T value;
    while ((value = published.get()) == null) {
      Thread.onSpinWait(); // the consumer publishes it at once
    }
    return value;
  }

  private static List<Integer> readAll(ResumeToken from) {
    List<Integer> rows = new ArrayList<>();
    new DefaultRowStream(FakePageSource.automatic(PAGES, PAGE_SIZE), StreamConfig.builder().resumeFrom(from).build(),
        Runnable::run, new ManualScheduler(), handle -> {})
        .forEach(row -> rows.add(FakePageSource.value(row))).toCompletableFuture().join();
    return rows;
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toList());
  }
}
