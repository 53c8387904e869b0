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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.Row;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.Page;
import org.asynccassandra.QueryStream;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.util.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each way a stream can end keeps the promises: nothing lost, nothing held, nothing on the wrong thread. */
class StreamPromisesTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AtomicInteger terminated = new AtomicInteger();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "stream-worker"));
  private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-io"));

  @AfterEach
  void stop() {
    worker.shutdownNow();
    io.shutdownNow();
  }

  private DefaultRowStream stream(FakePageSource source, StreamConfig config) {
    return new DefaultRowStream(source, config, worker, scheduler, handle -> terminated.incrementAndGet());
  }

  private static StreamConfig prefetch(int pages) {
    return StreamConfig.builder().prefetchPages(pages).build();
  }

  // ---- defect 2: a stage completed from outside closes the stream --------------------------------------

  @Test
  void should_close_the_stream_when_its_forEach_stage_times_out() {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, prefetch(1));
    CompletableFuture<Void> done = stream.forEach(row -> {}).toCompletableFuture().orTimeout(1, TimeUnit.MILLISECONDS);
    assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
    await().atMost(Duration.ofSeconds(30)).until(() -> terminated.get() == 1);
    assertThat(source.last().future).as("the read was stopped").isCancelled();
    assertThat(stream.engine().isOpen()).isFalse();
  }

  @Test
  void should_close_the_stream_when_its_forEach_stage_is_completed_or_cancelled_from_outside() {
    for (boolean cancel : new boolean[] {false, true}) {
      terminated.set(0);
      FakePageSource source = FakePageSource.pages(5, 5, 5);
      DefaultRowStream stream = stream(source, prefetch(1));
      CompletableFuture<Void> done = stream.forEachPage(page -> {}).toCompletableFuture();
      if (cancel) {
        done.cancel(false);
      } else {
        done.complete(null);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> terminated.get() == 1);
      assertThat(source.last().future).isCancelled();
    }
  }

  @Test
  void should_not_lose_the_page_that_arrives_for_a_nextPage_stage_completed_from_outside() throws Exception {
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, prefetch(0));
    CompletableFuture<Optional<Page<Row>>> firstStage = stream.nextPage().toCompletableFuture();
    source.completeNext();
    Page<Row> first = firstStage.get(30, TimeUnit.SECONDS).orElseThrow();
    ResumeToken afterFirst = first.resumeToken().orElseThrow();
    CompletableFuture<Optional<Page<Row>>> second = stream.nextPage().toCompletableFuture();
    second.complete(Optional.empty()); // the caller gave up on page 2
    source.last().future.complete(source.page(1)); // ... which arrives anyway, or was cancelled
    await().atMost(Duration.ofSeconds(30)).until(() -> terminated.get() == 1);
    assertThat(stream.position()).as("page 2 was never handed over").isEqualTo(afterFirst);
    assertThat(stream.stats().rowsDelivered()).isEqualTo(5);
    assertThatThrownBy(() -> stream.nextPage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StreamClosedException.class);
  }

  @Test
  void should_fail_a_nextPage_call_made_after_close_returned_with_stream_closed_even_before_the_end_is_signalled()
      throws Exception {
    // close() fails the pending call at once, and cancelling that call closes the stream; the end itself
    // reaches the pull sink later, on the stream's executor. A call made in between threw
    // IllegalStateException ("already requested", "still pending") instead.
    for (boolean cancelled : new boolean[] {false, true}) {
      FakePageSource source = FakePageSource.pages(5, 5, 5);
      DefaultRowStream stream = stream(source, prefetch(0));
      CompletableFuture<Optional<Page<Row>>> pending = stream.nextPage().toCompletableFuture();
      CountDownLatch executorHeld = new CountDownLatch(1);
      worker.execute(() -> awaitQuietly(executorHeld)); // nothing runs on the stream's executor until released
      CompletableFuture<Optional<Page<Row>>> afterClose;
      try {
        if (cancelled) {
          assertThat(pending.cancel(false)).isTrue();
        } else {
          stream.close();
        }
        afterClose = stream.nextPage().toCompletableFuture();
      } finally {
        executorHeld.countDown();
      }
      assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS)).as(cancelled ? "cancelled" : "closed")
          .isInstanceOf(cancelled ? CancellationException.class : ExecutionException.class);
      assertThatThrownBy(() -> afterClose.get(30, TimeUnit.SECONDS)).as(cancelled ? "after the cancel" : "after close")
          .hasCauseInstanceOf(StreamClosedException.class);
      assertThat(source.fetchCount()).as("nothing fetched after the close").isEqualTo(1);
    }
  }

  @Test
  void should_send_nothing_after_close_returns_even_while_another_thread_hands_a_request_over() throws Exception {
    // A request is sent outside the engine's lock. close() from another thread while it is being handed over
    // waits for the hand-over, and the request is cancelled before close() returns: none goes out after it.
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, prefetch(0));
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.completeNext();
    first.get(30, TimeUnit.SECONDS);
    HandOverRace race = HandOverRace.holdFetches(source);
    CompletableFuture<Optional<Page<Row>>> second = CompletableFuture.supplyAsync(
        () -> stream.nextPage().toCompletableFuture(), io).thenCompose(stage -> stage);
    race.awaitHeld();
    race.closeDuring(stream::close, source.fetches.get(1).future);
    assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamClosedException.class);
    assertThat(source.fetchCount()).as("nothing sent after the close").isEqualTo(2);
  }

  // ---- defect 3: closed without being consumed --------------------------------------------------------

  @Test
  void should_deregister_a_stream_closed_without_being_consumed() {
    DefaultRowStream stream = stream(FakePageSource.pages(5), prefetch(1));
    stream.close();
    assertThat(terminated).hasValue(1);
  }

  @Test
  void should_deregister_a_stream_whose_publisher_was_never_subscribed_and_fail_a_late_subscriber() throws Exception {
    DefaultRowStream stream = stream(FakePageSource.pages(5), prefetch(1));
    Flow.Publisher<Row> rows = stream.rows();
    stream.close();
    assertThat(terminated).hasValue(1);
    CompletableFuture<Throwable> error = new CompletableFuture<>();
    rows.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(1);
      }

      @Override
      public void onNext(Row item) {
        error.completeExceptionally(new AssertionError("a row after close"));
      }

      @Override
      public void onError(Throwable throwable) {
        error.complete(throwable);
      }

      @Override
      public void onComplete() {
        error.completeExceptionally(new AssertionError("completed after close"));
      }
    });
    assertThat(error.get(30, TimeUnit.SECONDS)).isInstanceOf(StreamClosedException.class);
  }

  @Test
  void should_not_hold_the_last_page_after_close() throws Exception {
    FakePageSource source = FakePageSource.pages(5, 5);
    DefaultRowStream stream = stream(source, prefetch(0));
    CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
    source.completeNext();
    WeakReference<Page<Row>> page = new WeakReference<>(first.get(30, TimeUnit.SECONDS).orElseThrow());
    first = null;
    stream.close();
    ManualScheduler.awaitCollected(page);
    assertThat(stream.position().rowOffset()).isZero();
    assertThat(stream.position().pagingState()).isPresent();
  }

  @Test
  void should_not_hold_a_consumed_page_while_the_next_one_is_fetched() throws Exception {
    FakePageSource source = FakePageSource.pages(5, 5);
    DefaultRowStream stream = stream(source, prefetch(0));
    AtomicReference<WeakReference<Page<Row>>> consumed = new AtomicReference<>();
    AtomicReference<ResumeToken> afterFirst = new AtomicReference<>();
    CompletableFuture<Void> done = stream.forEachPage(page -> {
      if (consumed.get() == null) {
        consumed.set(new WeakReference<>(page));
        afterFirst.set(page.resumeToken().orElseThrow());
      }
    }).toCompletableFuture();
    source.completeNext();
    await().atMost(Duration.ofSeconds(30)).until(() -> source.fetchCount() == 2 && source.hasPending());

    ManualScheduler.awaitCollected(consumed.get()); // the position keeps a mark of it, not the page
    assertThat(stream.position()).isEqualTo(afterFirst.get());
    source.completeNext();
    done.get(30, TimeUnit.SECONDS);
    assertThat(stream.stats().rowsDelivered()).isEqualTo(10);
  }

  @Test
  void should_run_forEachAsync_over_completed_minimal_and_failed_stages() throws Exception {
    DefaultRowStream stream = stream(FakePageSource.automatic(2, 3), prefetch(1));
    List<Integer> seen = new CopyOnWriteArrayList<>();
    IllegalStateException failure = new IllegalStateException("row 5 failed");
    CompletableFuture<Void> done = stream.forEachAsync(row -> {
      int value = FakePageSource.value(row);
      seen.add(value);
      if (value == 4) {
        return CompletableFuture.failedFuture(failure);
      }
      // A minimal stage throws from isDone(): the loop must wait for it through its callback.
      return value % 2 == 0 ? CompletableFuture.completedFuture(null)
          : CompletableFuture.completedFuture(null).minimalCompletionStage();
    }).toCompletableFuture();

    assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).hasCause(failure);
    assertThat(seen).containsExactly(0, 1, 2, 3, 4);
  }

  // ---- defect 6: never on a driver thread on the close and failure paths -----------------------------

  @Test
  void should_run_dependents_on_the_streams_executor_when_closed_from_another_thread() throws Exception {
    FakePageSource source = FakePageSource.pages(5, 5);
    DefaultRowStream stream = stream(source, prefetch(1));
    CompletableFuture<String> dependentThread = new CompletableFuture<>();
    stream.forEach(row -> {}).whenComplete((ignored, error) -> dependentThread.complete(Thread.currentThread().getName()));
    io.submit(stream::close).get(30, TimeUnit.SECONDS);
    assertThat(dependentThread.get(30, TimeUnit.SECONDS)).isEqualTo("stream-worker");
  }

  @Test
  void should_fail_forEachAsync_on_the_streams_executor_when_a_rows_stage_fails_on_another_thread() throws Exception {
    // The page arrives only after the dependent is attached: attached to a stage that is already complete,
    // a dependent runs at once on the attaching thread ("main" here), which is the caller's own thread and
    // says nothing about the stream.
    FakePageSource source = FakePageSource.pages(3);
    DefaultRowStream stream = stream(source, prefetch(1));
    CompletableFuture<String> dependentThread = new CompletableFuture<>();
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    IllegalStateException failure = new IllegalStateException("write failed");
    stream.forEachAsync(row -> CompletableFuture.runAsync(() -> {
      throw failure;
    }, io)).whenComplete((ignored, error) -> {
      outcome.complete(error == null ? new AssertionError("completed normally") : error);
      dependentThread.complete(Thread.currentThread().getName());
    });
    io.submit(source::completeNext).get(30, TimeUnit.SECONDS);
    assertThat(outcome.get(30, TimeUnit.SECONDS)).isSameAs(failure);
    assertThat(dependentThread.get(30, TimeUnit.SECONDS)).isEqualTo("stream-worker");
  }

  @Test
  void should_never_run_a_terminal_signal_inline_when_the_executor_rejects_it() throws Exception {
    ExecutorService dead = Executors.newSingleThreadExecutor();
    dead.shutdown();
    FakePageSource source = FakePageSource.pages(5);
    DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.builder().executor(dead).build(), worker,
        scheduler, handle -> terminated.incrementAndGet());
    CompletableFuture<String> dependentThread = new CompletableFuture<>();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    stream.forEach(row -> {}).whenComplete((ignored, error) -> {
      failure.complete(error);
      dependentThread.complete(Thread.currentThread().getName());
    });
    io.submit(source::completeNext).get(30, TimeUnit.SECONDS); // the page arrives on "fake-io"
    assertThat(dependentThread.get(30, TimeUnit.SECONDS)).isNotEqualTo("fake-io").isNotEqualTo("main");
    assertThat(failure.get()).hasMessageContaining("shut down");
  }

  // ---- the end of a stream rides on its last page's delivery -------------------------------------------

  @Test
  void should_end_a_stream_in_its_last_pages_delivery_without_a_task_of_its_own() throws Exception {
    AtomicInteger tasks = new AtomicInteger();
    Executor counted = task -> {
      tasks.incrementAndGet();
      worker.execute(task);
    };
    FakePageSource source = FakePageSource.pages(3, 2);
    DefaultRowStream stream =
        new DefaultRowStream(source, prefetch(1), counted, scheduler, handle -> terminated.incrementAndGet());
    List<Integer> values = new CopyOnWriteArrayList<>();
    CountDownLatch page2Arrived = new CountDownLatch(1);
    CompletableFuture<String> dependentThread = new CompletableFuture<>();
    stream.forEach(row -> {
      awaitQuietly(page2Arrived); // page 1's delivery is still running when page 2 arrives
      values.add(FakePageSource.value(row));
    }).whenComplete((ignored, error) ->
        dependentThread.complete(error == null ? Thread.currentThread().getName() : "failed: " + error));
    io.submit(source::completeNext).get(30, TimeUnit.SECONDS); // page 1, on "fake-io"; page 2 is asked for at once
    await().until(() -> source.fetchCount() == 2);
    // Page 2, the last one, arrives on "fake-io" while the worker delivers page 1: the I/O thread only buffers
    // it, so the end is decided by the worker's own drain after page 2's delivery. (Had the I/O thread's drain
    // still been running then, the end would be decided there and would need a task: it is best-effort.)
    io.submit(source::completeNext).get(30, TimeUnit.SECONDS);
    page2Arrived.countDown();
    assertThat(dependentThread.get(30, TimeUnit.SECONDS)).isEqualTo("stream-worker");
    assertThat(values).hasSize(5);
    assertThat(terminated).hasValue(1);
    // One task per page: the end was decided in page 2's delivery, on the executor, and ran there.
    assertThat(tasks).hasValue(2);
  }

  @Test
  void should_hand_what_an_end_signal_threw_in_a_page_delivery_to_the_executor() throws Exception {
    try (CountingExecutor executor = new CountingExecutor("callback-", 1)) {
      FakePageSource source = FakePageSource.pages(2);
      DefaultRowStream stream =
          new DefaultRowStream(source, prefetch(0), executor, scheduler, handle -> terminated.incrementAndGet());
      IllegalStateException thrown = new IllegalStateException("onComplete must not throw (rule 2.13)");
      CompletableFuture<String> completedOn = new CompletableFuture<>();
      stream.rows().subscribe(new Flow.Subscriber<Row>() {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
          subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Row row) {}

        @Override
        public void onError(Throwable failure) {
          completedOn.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
          completedOn.complete(Thread.currentThread().getName());
          throw thrown;
        }
      });
      await().until(() -> source.fetchCount() == 1); // the subscription's request runs on the executor
      io.submit(source::completeNext).get(30, TimeUnit.SECONDS);
      assertThat(completedOn.get(30, TimeUnit.SECONDS)).startsWith("callback-");
      executor.awaitQuiet();
      assertThat(executor.uncaught).containsExactly(thrown); // not swallowed
      assertThat(terminated).hasValue(1);
    }
  }

  // ---- defect 7: a full queue is named as such ---------------------------------------------------------

  @Test
  void should_name_a_full_callback_queue_rather_than_a_shut_down_session() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    ThreadPoolExecutor tiny = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
    try {
      tiny.execute(() -> awaitQuietly(hold));
      tiny.execute(() -> {}); // the queue is full now
      FakePageSource source = FakePageSource.pages(5);
      DefaultRowStream stream = new DefaultRowStream(source, StreamConfig.builder().executor(tiny).build(), worker,
          scheduler, handle -> {});
      CompletableFuture<Void> done = stream.forEach(row -> {}).toCompletableFuture();
      source.completeNext();
      hold.countDown();
      assertThat(RowStreamEngineTest.unwrap(done)).isInstanceOf(AsyncCassandraException.class)
          .hasMessageContaining("queue is full").hasMessageNotContaining("shut down");
    } finally {
      hold.countDown();
      tiny.shutdownNow();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- defect 8: a failed iterator answers at once ---------------------------------------------------

  /** A stream of 3 pages of 3 rows that arrive at once, whose page listener throws {@code broken}. */
  private DefaultRowStream streamWhoseListenerThrows(RuntimeException broken) {
    return stream(FakePageSource.automatic(3, 3), StreamConfig.builder().listener(StreamListener.onPages(event -> {
      throw broken;
    })).build());
  }

  @Test
  void should_throw_at_once_from_every_iterator_call_after_a_listener_threw() {
    IllegalStateException broken = new IllegalStateException("listener broke");
    DefaultRowStream stream = streamWhoseListenerThrows(broken);
    Iterator<Row> rows = stream.iterator();
    assertThatThrownBy(rows::hasNext).isSameAs(broken);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      assertThatThrownBy(rows::hasNext).isSameAs(broken);
      assertThatThrownBy(rows::next).isSameAs(broken);
    });
  }

  @Test
  void should_fail_every_later_nextPage_call_with_the_listeners_exception() {
    // A listener that throws fails that call and ends the stream silently: no end signal reaches the pull
    // sink, so a later call that waited for one never completed.
    IllegalStateException broken = new IllegalStateException("listener broke");
    DefaultRowStream stream = streamWhoseListenerThrows(broken);
    assertThatThrownBy(() -> stream.nextPage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .hasCauseReference(broken);
    for (int call = 2; call <= 3; call++) {
      assertThatThrownBy(() -> stream.nextPage().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .as("call " + call + ", after the failure").hasCauseReference(broken);
    }
    assertThat(stream.stats().rowsDelivered()).isZero();
  }

  @Test
  void should_throw_at_once_from_every_iterator_call_after_the_mapper_threw_an_error() {
    FakePageSource source = FakePageSource.automatic(3, 3);
    AssertionError broken = new AssertionError("mapper broke");
    DefaultRowStream stream = stream(source, prefetch(1));
    Iterator<Object> values = stream.map(row -> {
      throw broken;
    }).iterator();
    assertThatThrownBy(values::next).isSameAs(broken);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      assertThatThrownBy(values::hasNext).isInstanceOf(AsyncCassandraException.class).hasCauseReference(broken)
          .hasMessageContaining("mapper");
      assertThatThrownBy(values::next).isInstanceOf(AsyncCassandraException.class).hasCauseReference(broken);
    });
    assertThat(stream.stats().rowsDelivered()).isZero();
  }

  @Test
  void should_close_the_stream_when_its_stage_is_completed_from_outside_with_completeAsync() throws Exception {
    // The JDK's completeAsync completes the future directly, past the stream's guard: the stream went on
    // feeding the consumer of a stage already completed, and a nextPage page was lost into one.
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, prefetch(1));
    AtomicInteger consumed = new AtomicInteger();
    CompletableFuture<Void> done = stream.forEach(row -> consumed.incrementAndGet()).toCompletableFuture();
    done.completeAsync(() -> null, Runnable::run);
    assertThat(done).isCompleted();
    assertThat(terminated).as("the stream was closed").hasValue(1);
    assertThat(source.last().future).as("its read was stopped").isCancelled();
    assertThat(consumed).hasValue(0);
  }

  @Test
  void should_end_with_the_consumers_failure_when_a_dependent_of_the_failed_stage_closes_the_stream() {
    // The stage failed before the stream ended: a dependent that closes the stream (try-with-resources after
    // join(), say) made the end a close, and the listeners never heard the failure.
    IllegalStateException broken = new IllegalStateException("consumer broke");
    List<java.util.function.Function<DefaultRowStream, CompletionStage<Void>>> styles = List.of(
        stream -> stream.forEach(row -> {
          throw broken;
        }),
        stream -> stream.forEachAsync(row -> CompletableFuture.failedFuture(broken)),
        stream -> stream.forEachPage(page -> {
          throw broken;
        }));
    for (var style : styles) {
      AtomicReference<String> end = new AtomicReference<>();
      StreamListener listener = new StreamListener() {
        @Override
        public void onFailure(StreamInfo info, Throwable error, StreamStats stats) {
          end.set("failed: " + error.getMessage());
        }

        @Override
        public void onClose(StreamInfo info, StreamStats stats) {
          end.set("closed");
        }
      };
      FakePageSource source = FakePageSource.pages(5, 5);
      DefaultRowStream stream = stream(source, StreamConfig.builder().listener(listener).build());
      CompletableFuture<Void> done = style.apply(stream).toCompletableFuture();
      done.whenComplete((ignored, error) -> stream.close());
      source.completeNext();
      await().atMost(Duration.ofSeconds(30)).until(() -> end.get() != null);
      assertThat(end.get()).isEqualTo("failed: consumer broke");
      assertThat(done).isCompletedExceptionally();
    }
  }

  @Test
  void should_fail_the_stage_at_once_when_the_session_closes_the_stream_while_its_consumer_runs()
      throws Exception {
    // The session closes its streams through their handles. That only aborted the engine, so a forEach stage
    // waited for the consumer's call to return (possibly never), where close() fails it at once.
    ExecutorService pool = Executors.newFixedThreadPool(2); // as the session's callback executor: 2 threads
    for (boolean async : new boolean[] {false, true}) {
      FakePageSource source = FakePageSource.pages(5, 5);
      DefaultRowStream stream = new DefaultRowStream(source, prefetch(0), pool, scheduler, handle -> { });
      CountDownLatch inConsumer = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> done = (async
          ? stream.forEachAsync(row -> {
            inConsumer.countDown();
            awaitQuietly(release);
            return CompletableFuture.completedFuture(null);
          })
          : stream.forEach(row -> {
            inConsumer.countDown();
            awaitQuietly(release);
          })).toCompletableFuture();
      source.completeNext();
      try {
        assertThat(inConsumer.await(30, TimeUnit.SECONDS)).isTrue();
        stream.handle().close("its session was closed");
        // The query too: a session closing with many streams open logged as many identical lines.
        assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).as(async ? "forEachAsync" : "forEach")
            .hasCauseInstanceOf(StreamClosedException.class)
            .hasMessageContaining("The stream over 'SELECT v FROM ks.t' was closed: its session was closed");
      } finally {
        release.countDown();
      }
    }
    pool.shutdownNow();
  }

  @Test
  void should_keep_the_streams_own_failure_when_close_comes_before_it_reaches_the_stage() throws Exception {
    // The stream failed by itself (its listeners were told so); the failure waits for the stream's executor.
    // A close() then failed the stage first, with StreamClosedException: the real failure was lost.
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, StreamConfig.builder().prefetchPages(0)
        .retry(0, Duration.ofMillis(100)).build());
    CompletableFuture<Void> done = stream.forEach(row -> { }).toCompletableFuture();
    CountDownLatch executorHeld = new CountDownLatch(1);
    worker.execute(() -> awaitQuietly(executorHeld)); // nothing runs on the stream's executor until released
    try {
      source.failNext(new IllegalStateException("node broke"));
      stream.close();
    } finally {
      executorHeld.countDown();
    }
    assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).cause().isNotInstanceOf(StreamClosedException.class)
        .hasStackTraceContaining("node broke");
  }

  @Test
  void should_return_from_close_no_earlier_than_a_racing_abort_that_waits_for_a_hand_over() throws Exception {
    // A forEach stage cancelled from one thread while another hands a request over: the cancel waits for the
    // hand-over. close() from a third thread found the stream already ended and returned at once, before the
    // request was cancelled: a request went out after that close() returned.
    FakePageSource source = FakePageSource.pages(5, 5, 5);
    DefaultRowStream stream = stream(source, prefetch(0));
    CountDownLatch responded = new CountDownLatch(1);
    CompletableFuture<Void> done = stream.forEach(row -> awaitQuietly(responded)).toCompletableFuture();
    HandOverRace race = HandOverRace.holdFetches(source); // page 1 was asked for: from page 2 on
    source.completeNext();
    // Only now may the consumer ask for page 2: had this thread still been in the engine's drain loop (which
    // the response runs), that loop, not the worker, would have sent the request, and held this thread.
    responded.countDown();
    race.awaitHeld(); // the worker hands the request for page 2 over
    Thread canceller = new Thread(() -> done.cancel(false), "canceller");
    canceller.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> canceller.getState() == Thread.State.WAITING);
    assertThat(done).as("the cancel waits for the hand-over").isNotDone();
    race.closeDuring(stream::close, source.fetches.get(1).future);
    canceller.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(canceller.isAlive()).isFalse();
    assertThat(source.fetchCount()).as("nothing sent after the close").isEqualTo(2);
  }

  @Test
  void should_return_from_later_closes_only_once_the_first_one_froze_the_position() throws Exception {
    // Closers waiting for the same hand-over all wake at its end. A later one could take the lock first, find
    // no abort running (the first marked itself only after its wait) and return before the first froze the
    // position: a consumer could still be handed rows, and a resume from that position repeat them. HotSpot
    // hands the lock back to the first waiter in practice, so this did not fail before the fix; it fails at
    // once when a later close() does not wait for a running abort at all.
    for (int race = 0; race < 200; race++) {
      FakePageSource source = FakePageSource.pages(5, 5, 5);
      DefaultRowStream stream = stream(source, prefetch(0));
      CompletableFuture<Optional<Page<Row>>> first = stream.nextPage().toCompletableFuture();
      source.completeNext();
      first.get(30, TimeUnit.SECONDS);
      HandOverRace race1 = HandOverRace.holdFetches(source);
      CompletableFuture<Optional<Page<Row>>> second = CompletableFuture.supplyAsync(
          () -> stream.nextPage().toCompletableFuture(), io).thenCompose(stage -> stage);
      race1.awaitHeld();
      Thread firstCloser = new Thread(stream::close, "first-closer");
      firstCloser.start();
      waitFor(() -> firstCloser.getState() == Thread.State.WAITING);
      // Several later closers: each may win the lock from the first one when the hand-over ends.
      List<Boolean> frozenWhenReturned = Collections.synchronizedList(new ArrayList<>());
      List<Thread> laterClosers = new ArrayList<>();
      for (int closer = 0; closer < 3; closer++) {
        Thread later = new Thread(() -> {
          stream.close();
          frozenWhenReturned.add(stream.consumerPosition().frozen());
        }, "later-closer-" + closer);
        later.start();
        waitFor(() -> later.getState() == Thread.State.WAITING);
        laterClosers.add(later);
      }
      race1.letGo();
      firstCloser.join(TimeUnit.SECONDS.toMillis(30));
      for (Thread later : laterClosers) {
        later.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(later.isAlive()).as("race %d: %s hangs", race, later.getName()).isFalse();
      }
      assertThat(firstCloser.isAlive()).as("race %d: the first closer hangs", race).isFalse();
      assertThat(frozenWhenReturned).as("race %d: the position was frozen when each later close() returned",
          race).containsExactly(true, true, true);
      assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamClosedException.class);
    }
  }

  /** Awaitility at a millisecond's pace: the race above runs many times. */
  private static void waitFor(java.util.concurrent.Callable<Boolean> condition) {
    await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(condition);
  }

  // ---- defect 10: the smaller ones --------------------------------------------------------------------

  @Test
  void should_cap_and_jitter_the_retry_backoff() {
    RetryPolicy low = RetryPolicy.of(50, Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.0);
    RetryPolicy high = RetryPolicy.of(50, Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.999999);
    assertThat(low.delay(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(high.delay(1)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
    assertThat(high.delay(3)).isBetween(Duration.ofMillis(399), Duration.ofMillis(400));
    assertThat(high.delay(40)).isLessThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(low.delay(40)).isEqualTo(Duration.ofSeconds(5));
    assertThat(StreamConfig.builder().retry(3, Duration.ofMillis(100)).build().maxRetryBackoff())
        .isEqualTo(Duration.ofSeconds(10));
    assertThatThrownBy(() -> StreamConfig.builder().retry(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("maxBackoff must be >= backoff");
  }

  @Test
  void should_stop_emitting_rows_at_once_when_closed_mid_page() throws Exception {
    FakePageSource source = FakePageSource.automatic(2, 50);
    DefaultRowStream stream = stream(source, prefetch(1));
    AtomicInteger received = new AtomicInteger();
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    stream.rows().subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(Row item) {
        if (received.incrementAndGet() == 3) {
          stream.close();
        }
      }

      @Override
      public void onError(Throwable throwable) {
        end.complete(throwable);
      }

      @Override
      public void onComplete() {
        end.complete(null);
      }
    });
    assertThat(end.get(30, TimeUnit.SECONDS)).isInstanceOf(StreamClosedException.class);
    assertThat(received).hasValue(3);
    assertThat(stream.position().rowOffset()).isEqualTo(3);
  }

  @Test
  void should_start_where_a_statements_own_paging_state_points_and_say_so_in_tokens() {
    FakePageSource source = FakePageSource.automatic(3, 4).startingAtPage(1);
    DefaultRowStream stream = stream(source, prefetch(0));
    ResumeToken before = stream.position();
    assertThat(before.pagingState()).isPresent();
    List<Integer> seen = new ArrayList<>();
    for (Row row : stream.blocking()) {
      seen.add(FakePageSource.value(row));
    }
    assertThat(seen).containsExactly(4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(source.fetches.get(0).pageIndex).isEqualTo(1);
    List<Integer> resumed = new ArrayList<>();
    DefaultRowStream again = stream(FakePageSource.automatic(3, 4), StreamConfig.builder().resumeFrom(before).build());
    again.blocking().forEach(row -> resumed.add(FakePageSource.value(row)));
    assertThat(resumed).isEqualTo(seen);
  }

  @Test
  void should_stop_a_consumer_at_the_next_row_when_closed_from_another_thread_and_resume_exactly() throws Exception {
    for (int round = 0; round < 300; round++) {
      FakePageSource source = FakePageSource.automatic(4, 25);
      DefaultRowStream stream = stream(source, prefetch(1));
      List<Integer> seen = new ArrayList<>();
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> done = stream.forEach(row -> {
        seen.add(FakePageSource.value(row));
        started.countDown();
      }).toCompletableFuture();
      started.await(30, TimeUnit.SECONDS);
      io.submit(stream::close).get(30, TimeUnit.SECONDS);
      try {
        done.get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException closed) {
        assertThat(closed).hasCauseInstanceOf(StreamClosedException.class);
      }
      AtomicReference<List<Integer>> seenAtEnd = new AtomicReference<>();
      worker.submit(() -> seenAtEnd.set(new ArrayList<>(seen))).get(30, TimeUnit.SECONDS);
      List<Integer> all = new ArrayList<>(seenAtEnd.get());
      DefaultRowStream rest = stream(FakePageSource.automatic(4, 25),
          StreamConfig.builder().resumeFrom(stream.position()).build());
      rest.blocking().forEach(row -> all.add(FakePageSource.value(row)));
      assertThat(all).as("round %d", round).isEqualTo(java.util.stream.IntStream.range(0, 100).boxed().toList());
    }
  }

  // ---- issue 12: a read survives the loss of a node by default ----------------------------------------

  @Test
  void should_retry_a_select_by_default_and_a_statement_that_is_not_safe_only_when_asked() throws Exception {
    FakePageSource select = FakePageSource.pages(5, 5).safeToRetry(true);
    DefaultRowStream stream = stream(select, prefetch(0));
    CompletableFuture<Void> done = stream.forEach(row -> {}).toCompletableFuture();
    select.failNext(new com.datastax.oss.driver.api.core.DriverTimeoutException("node lost"));
    scheduler.retryWaits(Duration.ofMillis(100)).get(0).fire();
    select.completeNext();
    await().atMost(Duration.ofSeconds(30)).until(select::hasPending); // page 2, asked from the worker
    select.completeNext();
    done.get(30, TimeUnit.SECONDS);
    assertThat(stream.stats().retries()).isEqualTo(1);

    FakePageSource other = FakePageSource.pages(5, 5);
    CompletableFuture<Void> failed = stream(other, prefetch(0)).forEach(row -> {}).toCompletableFuture();
    other.failNext(new com.datastax.oss.driver.api.core.DriverTimeoutException("node lost"));
    assertThat(RowStreamEngineTest.unwrap(failed)).isInstanceOf(org.asynccassandra.PageFetchException.class);

    FakePageSource off = FakePageSource.pages(5, 5).safeToRetry(true);
    CompletableFuture<Void> noRetry = stream(off, StreamConfig.builder().retry(0, Duration.ofMillis(100)).build())
        .forEach(row -> {}).toCompletableFuture();
    off.failNext(new com.datastax.oss.driver.api.core.DriverTimeoutException("node lost"));
    assertThat(RowStreamEngineTest.unwrap(noRetry)).isInstanceOf(org.asynccassandra.PageFetchException.class);
    assertThat(StreamConfig.defaults().maxRetries()).isEmpty();
    assertThat(StreamConfig.defaults().maxRetriesFor(true)).isEqualTo(StreamConfig.DEFAULT_MAX_RETRIES);
  }

  @Test
  void should_tell_a_select_from_other_statements() {
    assertThat(org.asynccassandra.internal.util.Queries.isSelect(
        com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance("  /* hint */ -- c\n select * from t"))).isTrue();
    assertThat(org.asynccassandra.internal.util.Queries.isSelect(
        com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance("SELECT\tv FROM t"))).isTrue();
    assertThat(org.asynccassandra.internal.util.Queries.isSelect(
        com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance("selection"))).isFalse();
    assertThat(org.asynccassandra.internal.util.Queries.isSelect(
        com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance("UPDATE t SET v = 1"))).isFalse();
  }
}
