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
package org.asynccassandra.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter over a {@link FakeResultStream} on a real Vert.x event loop (no server, no network). The test
 * thread is not the context's, so every call it makes is moved onto the context; {@link #settle()} waits
 * until the context ran everything queued before it.
 */
class CassandraReadStreamTest {
  private static Vertx vertx;
  private Context context;
  /** What the stream signalled, in order: items, "end", "error: message", each with "!" when off the context. */
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void newContext() {
    context = vertx.getOrCreateContext();
  }

  private String where() {
    return Vertx.currentContext() == context ? "" : "!";
  }

  private <T> CassandraReadStream<T> recording(CassandraReadStream<T> stream) {
    return stream
        .endHandler(ignored -> events.add("end" + where()))
        .exceptionHandler(error -> {
          errors.add(error);
          events.add("error: " + error.getMessage() + where());
        });
  }

  /** Waits until the context ran every task queued so far. */
  private void settle() throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(ignored -> done.complete(null));
    done.get(10, TimeUnit.SECONDS);
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }

  @Test
  void should_deliver_every_item_in_order_on_the_context_then_end_once() throws Exception {
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 4), List.of(), range(4, 6), range(6, 7));
    recording(CassandraReadStream.of(context, fake)).handler(item -> events.add(item + where()));
    settle();
    assertThat(events).containsExactly("1", "2", "3", "4", "5", "6", "end");
    assertThat(fake.isClosed()).as("closed on the end").isTrue();
    assertThat(fake.closedBeforeItsEnd()).as("asked past the last page first, so it completed").isFalse();
  }

  /**
   * Vert.x makes the context current on a worker thread too, inside executeBlocking: a fetch from there ran the
   * adapter, and the item handler, on that worker thread, beside the event loop.
   */
  @Test
  void should_run_the_handlers_on_the_event_loop_when_demand_comes_from_execute_blocking() throws Exception {
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 4), range(4, 6)); // pages already there
    List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    CompletableFuture<CassandraReadStream<Integer>> made = new CompletableFuture<>();
    context.runOnContext(ignored -> {
      CassandraReadStream<Integer> stream = CassandraReadStream.of(context, fake).pause();
      stream.endHandler(end -> ended.complete(null));
      stream.handler(item -> onEventLoop.add(Context.isOnEventLoopThread()));
      made.complete(stream);
    });
    CassandraReadStream<Integer> stream = made.get(10, TimeUnit.SECONDS);
    context.executeBlocking(() -> {
      assertThat(Vertx.currentContext()).as("the context is current on the worker thread").isSameAs(context);
      stream.fetch(Long.MAX_VALUE);
      return null;
    }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    ended.get(10, TimeUnit.SECONDS);
    assertThat(onEventLoop).as("each item's thread was an event loop's").containsExactly(true, true, true, true, true);
  }

  @Test
  void should_fetch_nothing_before_a_handler_is_set() throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake));
    settle();
    assertThat(fake.pulls()).isZero();
    stream.handler(item -> events.add(String.valueOf(item)));
    settle();
    assertThat(fake.pulls()).isEqualTo(1);
  }

  @Test
  void should_pull_no_page_while_paused_and_honour_fetch() throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake)).pause();
    stream.handler(item -> events.add(String.valueOf(item)));
    settle();
    assertThat(fake.pulls()).as("paused before the handler: no demand").isZero();

    stream.fetch(2);
    settle();
    assertThat(fake.pulls()).isEqualTo(1);
    fake.complete(range(1, 4), false);
    settle();
    assertThat(events).containsExactly("1", "2");
    assertThat(fake.pulls()).as("the page still has an item: no pull").isEqualTo(1);

    stream.fetch(1);
    settle();
    assertThat(events).containsExactly("1", "2", "3");
    assertThat(fake.pulls()).as("page done but no demand left: no pull").isEqualTo(1);
    assertThat(stream.delivered()).isEqualTo(3);

    stream.fetch(5);
    settle();
    assertThat(fake.pulls()).isEqualTo(2);
    fake.complete(range(4, 10), false);
    settle();
    assertThat(events).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
    stream.resume();
    settle();
    fake.complete(range(10, 11), true);
    settle();
    fake.complete(Optional.empty()); // asked past the last page, so that the stream completes
    settle();
    assertThat(events).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "end");
  }

  @Test
  void should_stop_delivering_at_once_when_the_handler_pauses() throws Exception {
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 6), range(6, 11));
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake));
    stream.handler(item -> {
      events.add(String.valueOf(item));
      if (item == 2) {
        stream.pause();
      }
    });
    settle();
    assertThat(events).containsExactly("1", "2");
    assertThat(fake.pulls()).isEqualTo(1);
    stream.resume();
    settle();
    assertThat(events).hasSize(11).endsWith("10", "end");
  }

  @Test
  void should_end_after_the_last_item_even_while_paused() throws Exception {
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 4));
    recording(CassandraReadStream.of(context, fake)).pause().handler(item -> events.add(String.valueOf(item))).fetch(3);
    settle();
    assertThat(events).containsExactly("1", "2", "3", "end");
  }

  @Test
  void should_fail_and_close_when_the_handler_throws() throws Exception {
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 4), range(4, 7));
    IllegalStateException thrown = new IllegalStateException("handler broke");
    recording(CassandraReadStream.of(context, fake)).handler(item -> {
      events.add(String.valueOf(item));
      if (item == 2) {
        throw thrown;
      }
    });
    settle();
    assertThat(events).containsExactly("1", "2", "error: handler broke");
    assertThat(errors).containsExactly(thrown);
    assertThat(fake.isClosed()).isTrue();
    assertThat(fake.closedWith()).as("closed as failed, with the handler's exception").isSameAs(thrown);
  }

  @Test
  void should_signal_a_failed_page_after_the_earlier_items_unwrapped() throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    recording(CassandraReadStream.of(context, fake)).handler(item -> events.add(String.valueOf(item)));
    settle();
    fake.complete(range(1, 3), false);
    settle();
    IllegalStateException failure = new IllegalStateException("page 2 failed");
    fake.failNext(failure);
    settle();
    assertThat(events).containsExactly("1", "2", "error: page 2 failed");
    assertThat(errors).containsExactly(failure);
    assertThat(fake.isClosed()).isTrue();
  }

  @Test
  void should_fail_when_the_stream_was_consumed_in_another_style() throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    fake.refuseNextPage(new IllegalStateException("already consumed with forEach"));
    recording(CassandraReadStream.of(context, fake)).handler(item -> events.add(String.valueOf(item)));
    settle();
    assertThat(events).containsExactly("error: already consumed with forEach");
  }

  @Test
  void should_complete_a_collect_set_up_on_the_context_when_the_stream_ends_at_once() throws Exception {
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 4), range(4, 6)); // pages already there
    assertThat(collectOnContext(fake).get(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4, 5);
    assertThat(fake.isClosed()).isTrue();
  }

  @Test
  void should_fail_a_collect_set_up_on_the_context_when_its_first_pull_fails_at_once() {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    fake.refuseNextPage(new IllegalStateException("already consumed with forEach"));
    assertThatThrownBy(() -> collectOnContext(fake).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(IllegalStateException.class).hasMessage("already consumed with forEach");
    assertThat(fake.isClosed()).isTrue();
  }

  /**
   * Vert.x's own {@code collect}, called on the context: it sets the item handler first, whose first pull may
   * end or fail the stream at once, and only then the end and exception handlers.
   */
  private CompletableFuture<List<Integer>> collectOnContext(FakeResultStream<Integer> fake) {
    return collectOnContext(fake, false);
  }

  /** {@link #collectOnContext(FakeResultStream)}, and then, in the same task, {@code close()} when asked. */
  private CompletableFuture<List<Integer>> collectOnContext(FakeResultStream<Integer> fake, boolean thenClose) {
    CompletableFuture<List<Integer>> collected = new CompletableFuture<>();
    context.runOnContext(ignored -> {
      CassandraReadStream<Integer> stream = CassandraReadStream.of(context, fake);
      stream.collect(Collectors.toList()).onComplete(collected::complete, collected::completeExceptionally);
      if (thenClose) {
        stream.close();
      }
    });
    return collected;
  }

  @Test
  void should_complete_a_collect_whose_stream_ended_at_once_when_closed_before_the_end_was_signalled()
      throws Exception {
    // The end came within collect's handler call and waited for a task of its own; the close that came before
    // that task ran found nothing to cancel, and the end was dropped: the collect never completed.
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 4));
    CompletableFuture<List<Integer>> collected = collectOnContext(fake, true);
    settle(); // the collect's task ran, and queued the end's task
    settle(); // that task ran
    assertThat(collected).isCompletedWithValue(List.of(1, 2, 3));
    assertThat(fake.closedBeforeItsEnd()).as("it had ended before the close").isFalse();
  }

  @Test
  void should_fail_a_collect_whose_first_pull_failed_at_once_when_closed_before_the_failure_was_signalled()
      throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    fake.refuseNextPage(new IllegalStateException("already consumed with forEach"));
    CompletableFuture<List<Integer>> collected = collectOnContext(fake, true);
    settle(); // the collect's task ran, and queued the failure's task
    settle(); // that task ran
    assertThat(collected).isCompletedExceptionally();
    assertThatThrownBy(collected::join).cause().isInstanceOf(IllegalStateException.class)
        .hasMessage("already consumed with forEach");
  }

  @Test
  void should_close_without_a_signal_when_the_handler_is_removed() throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake))
        .handler(item -> events.add(String.valueOf(item)));
    settle();
    fake.complete(range(1, 3), false);
    settle();
    assertThat(fake.pendingPulls()).as("the next page is being pulled").isEqualTo(1);
    stream.handler(null); // what a Pipe does when its destination failed
    settle();
    assertThat(fake.isClosed()).isTrue();
    stream.resume(); // and then the Pipe resumes the source: nothing may flow
    settle();
    assertThat(events).containsExactly("1", "2");
    assertThat(fake.pulls()).isEqualTo(2);
  }

  @Test
  void should_close_without_a_signal_from_another_thread_while_a_page_is_pending() throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake))
        .handler(item -> events.add(String.valueOf(item)));
    settle();
    assertThat(fake.pendingPulls()).isEqualTo(1);
    stream.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    settle();
    assertThat(fake.isClosed()).isTrue();
    assertThat(events).as("the close's own StreamClosedException is not signalled").isEmpty();
  }

  @Test
  void should_not_grow_the_stack_with_pages_that_complete_at_once_and_a_handler_that_fetches() throws Exception {
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Integer>[] pages = new List[100_000];
    for (int i = 0; i < pages.length; i++) {
      pages[i] = List.of(i);
    }
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(pages);
    AtomicInteger seen = new AtomicInteger();
    CompletableFuture<Integer> ended = new CompletableFuture<>();
    CassandraReadStream<Integer> stream = CassandraReadStream.of(context, fake).pause();
    stream.exceptionHandler(ended::completeExceptionally)
        .endHandler(ignored -> ended.complete(seen.get()))
        .handler(item -> {
          if (item != seen.getAndIncrement()) {
            throw new AssertionError("out of order: " + item);
          }
          stream.fetch(1); // re-entrant demand, one item at a time
        })
        .fetch(1);
    assertThat(ended.get(30, TimeUnit.SECONDS)).isEqualTo(100_000);
  }

  // ---- vertx-cassandra-client issue 25: the end handler ran before the last row was delivered ----------

  @Test
  void should_end_strictly_after_the_last_row_when_the_last_page_arrives_while_paused_issue_25() throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    AtomicInteger seen = new AtomicInteger();
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake)).pause();
    stream.endHandler(ignored -> events.add("end after " + seen.get() + where()))
        .handler(item -> events.add(seen.incrementAndGet() + ":" + item));
    stream.fetch(1);
    settle();
    assertThat(fake.pulls()).isEqualTo(1);
    // The last page comes while the stream is paused with one item of demand: one item, and no end yet.
    fake.complete(range(1, 4), true);
    settle();
    assertThat(events).containsExactly("1:1");
    stream.fetch(1);
    settle();
    assertThat(events).containsExactly("1:1", "2:2");
    stream.fetch(1);
    settle();
    assertThat(events).containsExactly("1:1", "2:2", "3:3");
    assertThat(fake.pulls()).as("one more pull past the last page, without demand").isEqualTo(2);
    fake.complete(Optional.empty());
    settle();
    assertThat(events).as("the end only once the last row was handed over").containsExactly("1:1", "2:2", "3:3",
        "end after 3");
    assertThat(fake.closedBeforeItsEnd()).as("the stream completed before it was closed").isFalse();
  }

  @Test
  void should_hold_the_end_while_paused_until_the_rows_of_a_page_that_arrived_while_paused_are_fetched_issue_25()
      throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    AtomicInteger seen = new AtomicInteger();
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake));
    stream.endHandler(ignored -> events.add("end after " + seen.get() + where()))
        .handler(item -> events.add(seen.incrementAndGet() + ":" + item));
    settle();
    assertThat(fake.pulls()).isEqualTo(1);
    stream.pause(); // while the pull is in flight
    fake.complete(range(1, 6), false);
    settle();
    assertThat(events).as("paused: nothing delivered").isEmpty();
    stream.fetch(2);
    settle();
    assertThat(events).containsExactly("1:1", "2:2");
    stream.fetch(3);
    settle();
    assertThat(events).containsExactly("1:1", "2:2", "3:3", "4:4", "5:5");
    assertThat(fake.pulls()).as("page done, no demand: no pull").isEqualTo(1);
    stream.fetch(1);
    settle();
    assertThat(fake.pulls()).isEqualTo(2);
    stream.pause();
    fake.complete(Optional.empty()); // the end of the result arrives while paused, every row already handed over
    settle();
    assertThat(events).containsExactly("1:1", "2:2", "3:3", "4:4", "5:5", "end after 5");
  }

  @Test
  void should_never_end_before_a_row_whatever_the_fetch_pattern_issue_25() throws Exception {
    // Pages of 1 to 4 items, the last one marked last; demand in steps of 1, 2 and 3 given from a later task.
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(0, 1), range(1, 3), List.of(), range(3, 6),
        range(6, 10), range(10, 11));
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    CassandraReadStream<Integer> stream = CassandraReadStream.of(context, fake).pause();
    AtomicInteger step = new AtomicInteger();
    AtomicInteger left = new AtomicInteger();
    Runnable demand = new Runnable() {
      @Override
      public void run() {
        int n = 1 + step.getAndIncrement() % 3;
        left.set(n);
        stream.fetch(n);
      }
    };
    stream.exceptionHandler(ended::completeExceptionally)
        .endHandler(ignored -> {
          order.add("end");
          ended.complete(null);
        })
        .handler(item -> {
          if (ended.isDone()) {
            order.add("row after the end: " + item);
          }
          order.add(String.valueOf(item));
          if (left.decrementAndGet() == 0) {
            context.runOnContext(ignored -> demand.run()); // the next demand from a later task, while paused
          }
        });
    context.runOnContext(ignored -> demand.run());
    ended.get(10, TimeUnit.SECONDS);
    settle();
    assertThat(order).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "end");
  }

  // ---- vertx-cassandra-client issue 47: a stack overflow from re-fetching inside a completed future --------

  @Test
  void should_deliver_20000_pages_of_one_row_to_a_handler_that_fetches_one_synchronously_issue_47() throws Exception {
    int pages = 20_000;
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Integer>[] ones = new List[pages];
    for (int i = 0; i < pages; i++) {
      ones[i] = List.of(i);
    }
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(ones); // every nextPage() is already completed
    AtomicInteger seen = new AtomicInteger();
    AtomicInteger firstDepth = new AtomicInteger();
    AtomicInteger deepest = new AtomicInteger();
    CompletableFuture<Integer> ended = new CompletableFuture<>();
    CassandraReadStream<Integer> stream = CassandraReadStream.of(context, fake).pause();
    stream.exceptionHandler(ended::completeExceptionally)
        .endHandler(ignored -> ended.complete(seen.get()))
        .handler(item -> {
          int depth = Thread.currentThread().getStackTrace().length;
          firstDepth.compareAndSet(0, depth);
          deepest.accumulateAndGet(depth, Math::max);
          if (item != seen.getAndIncrement()) {
            throw new AssertionError("out of order: " + item);
          }
          stream.fetch(1); // synchronously, inside the delivery that a completed future started
        })
        .fetch(1);
    assertThat(ended.get(30, TimeUnit.SECONDS)).isEqualTo(pages);
    assertThat(deepest.get() - firstDepth.get()).as("stack growth over %d pages", pages).isLessThan(50);
  }

  @Test
  void should_not_grow_the_stack_when_pages_complete_on_the_context_inside_the_handler_issue_47() throws Exception {
    // The page completes while the handler that asked for it is still running, on the same thread.
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    int pages = 20_000;
    AtomicInteger seen = new AtomicInteger();
    AtomicInteger firstDepth = new AtomicInteger();
    AtomicInteger deepest = new AtomicInteger();
    CompletableFuture<Integer> ended = new CompletableFuture<>();
    CassandraReadStream<Integer> stream = CassandraReadStream.of(context, fake).pause();
    stream.exceptionHandler(ended::completeExceptionally)
        .endHandler(ignored -> ended.complete(seen.get()))
        .handler(item -> {
          int depth = Thread.currentThread().getStackTrace().length;
          firstDepth.compareAndSet(0, depth);
          deepest.accumulateAndGet(depth, Math::max);
          int next = seen.incrementAndGet();
          if (next == pages) { // that was the last page: the adapter asks past it once it returns
            context.runOnContext(ignored -> fake.complete(Optional.empty()));
            return;
          }
          stream.fetch(1);
          if (fake.pendingPulls() == 1) {
            fake.complete(List.of(next), next == pages - 1); // completes the pull inside the handler
          } else {
            context.runOnContext(ignored -> fake.complete(List.of(next), next == pages - 1));
          }
        });
    context.runOnContext(ignored -> {
      stream.fetch(1);
      fake.complete(List.of(0), false);
    });
    assertThat(ended.get(30, TimeUnit.SECONDS)).isEqualTo(pages);
    assertThat(deepest.get() - firstDepth.get()).as("stack growth over %d pages", pages).isLessThan(50);
  }

  @Test
  void should_fail_and_close_the_stream_as_failed_when_the_page_mapper_throws() throws Exception {
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 4), range(4, 7));
    IllegalArgumentException thrown = new IllegalArgumentException("page 2 does not map");
    recording(CassandraReadStream.ofPages(context, fake, page -> {
      if (page.number() == 2) {
        throw thrown;
      }
      return "page " + page.number();
    })).handler(events::add);
    settle();
    assertThat(events).containsExactly("page 1", "error: page 2 does not map");
    assertThat(errors).containsExactly(thrown);
    assertThat(fake.closedWith()).as("closed as failed, with the mapper's exception").isSameAs(thrown);
  }

  @Test
  void should_count_pages_for_a_page_stream_and_skip_null_items() throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    CassandraReadStream<String> stream = recording(CassandraReadStream.ofPages(context, fake,
        page -> page.size() == 0 ? null : page.number() + ":" + page.size())).pause();
    stream.handler(events::add).fetch(1);
    settle();
    fake.complete(List.of(), false); // skipped: no item, no demand spent
    settle();
    fake.complete(range(0, 7), false);
    settle();
    assertThat(events).containsExactly("2:7");
    assertThat(fake.pulls()).as("one page asked, one given: no further pull").isEqualTo(2);
    stream.fetch(1);
    settle();
    fake.complete(range(0, 3), true);
    settle();
    fake.complete(Optional.empty());
    settle();
    assertThat(events).containsExactly("2:7", "3:3", "end");
  }

  @Test
  void should_refuse_a_negative_fetch() {
    CassandraReadStream<Integer> stream = CassandraReadStream.of(context, new FakeResultStream<>());
    assertThatThrownBy(() -> stream.fetch(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("amount must be >= 0: -1");
  }

  @Test
  void should_run_the_executor_tasks_on_the_context() throws Exception {
    CompletableFuture<Boolean> onContext = new CompletableFuture<>();
    CassandraReadStream.executor(context).execute(() -> onContext.complete(Vertx.currentContext() == context));
    assertThat(onContext.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void should_keep_no_handler_after_the_end() throws Exception {
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 2));
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake));
    List<Integer> items = new ArrayList<>();
    stream.handler(items::add);
    settle();
    assertThat(events).containsExactly("end");
    stream.endHandler(ignored -> events.add("late end")).handler(items::add).resume();
    settle();
    assertThat(events).containsExactly("end");
    assertThat(items).containsExactly(1);
    assertThat(stream.toString()).contains("delivered=1");
  }
  @Test
  void should_signal_nothing_when_closed_from_another_thread_behind_a_queued_fetch() throws Exception {
    FakeResultStream<Integer> fake = new FakeResultStream<>();
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake)).pause();
    stream.handler(item -> events.add(String.valueOf(item))).fetch(1);
    settle();
    fake.complete(range(1, 4), false);
    settle();
    assertThat(events).containsExactly("1");
    // Hold the context, so that the fetch queued by resume() runs only after close() closed the stream: it
    // hands out the page's rest, then its pull fails at once with the close's own StreamClosedException.
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    context.runOnContext(ignored -> {
      held.countDown();
      try {
        release.await();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    stream.resume();
    stream.close();
    release.countDown();
    settle();
    assertThat(events).as("a close signals nothing, and hands out nothing after it").containsExactly("1");
    assertThat(fake.isClosed()).isTrue();
  }

  @Test
  void should_fail_once_and_close_when_the_handler_throws_an_undeclared_checked_exception() throws Exception {
    FakeResultStream<Integer> fake = FakeResultStream.autoPages(range(1, 4), range(4, 7));
    CassandraReadStream<Integer> stream = recording(CassandraReadStream.of(context, fake));
    stream.handler(item -> {
      events.add(String.valueOf(item));
      if (item == 2) {
        CassandraReadStreamTest.<RuntimeException>sneakyThrow(new java.io.IOException("disk full"));
      }
    });
    settle();
    assertThat(events).containsExactly("1", "2", "error: disk full");
    assertThat(errors).singleElement().isInstanceOf(java.io.IOException.class);
    assertThat(fake.isClosed()).as("closed, not left to the leak detector").isTrue();
    assertThat(fake.closedWith()).isInstanceOf(java.io.IOException.class);
    stream.resume();
    settle();
    assertThat(events).as("the drain loop is not stuck: it runs, and hands out nothing after the failure")
        .containsExactly("1", "2", "error: disk full");
  }

  /** Throws {@code failure}, checked or not, without declaring it: what a Kotlin or Groovy handler does. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> void sneakyThrow(Throwable failure) throws E {
    throw (E) failure;
  }
}
