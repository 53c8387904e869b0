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

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.PageEvent;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.internal.util.Undeclared;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle listener: one start, a page event before the consumer sees each page, retries, exactly one
 * end of the right kind, on the stream's executor; a wrapping executor carries the caller's context into
 * every callback.
 */
class StreamListenerTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "stream-executor"));

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  /** Records each event as a line, with the thread it ran on. */
  private static class Recorder implements StreamListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CompletableFuture<StreamStats> ended = new CompletableFuture<>();

    private void note(String event) {
      events.add(event);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void onStart(StreamInfo stream, String style) {
      note("start " + style);
    }

    @Override
    public void onPage(StreamInfo stream, PageEvent page) {
      note("page " + page.pageNumber() + " of " + page.rowsInPage());
    }

    @Override
    public void onRetry(StreamInfo stream, int pageNumber, int attempt, Throwable error) {
      note("retry page " + pageNumber + " attempt " + attempt);
    }

    @Override
    public void onComplete(StreamInfo stream, StreamStats stats) {
      note("complete " + stats.rowsDelivered());
      ended.complete(stats);
    }

    @Override
    public void onFailure(StreamInfo stream, Throwable error, StreamStats stats) {
      note("failure " + error.getClass().getSimpleName());
      ended.complete(stats);
    }

    @Override
    public void onClose(StreamInfo stream, StreamStats stats) {
      note("close");
      ended.complete(stats);
    }

    @Override
    public void onLeak(StreamInfo stream, Throwable createdAt, StreamStats stats) {
      note("leak");
      ended.complete(stats);
    }
  }

  private DefaultRowStream stream(FakePageSource source, StreamListener listener, StreamConfig.Builder config) {
    return new DefaultRowStream(source, config.listener(listener).build(), worker, scheduler, handle -> {});
  }

  @Test
  void should_tell_start_each_page_and_the_end_on_the_streams_executor() throws Exception {
    Recorder recorder = new Recorder();
    FakePageSource source = FakePageSource.automatic(3, 2);
    DefaultRowStream stream = stream(source, recorder, StreamConfig.builder());
    stream.forEach(row -> {}).toCompletableFuture().get(10, TimeUnit.SECONDS);
    StreamStats stats = recorder.ended.get(10, TimeUnit.SECONDS);
    assertThat(recorder.events).containsExactly("start forEach()", "page 1 of 2", "page 2 of 2", "page 3 of 2",
        "complete 6");
    assertThat(recorder.threads.subList(1, recorder.threads.size())).allMatch("stream-executor"::equals);
    assertThat(stats.rowsDelivered()).isEqualTo(6);
  }

  @Test
  void should_tell_a_failure_once_with_its_error() throws Exception {
    Recorder recorder = new Recorder();
    FakePageSource source = FakePageSource.pages(2, 2);
    DefaultRowStream stream = stream(source, recorder, StreamConfig.builder().retry(0, Duration.ofMillis(1)));
    CompletableFuture<Void> done = stream.forEach(row -> {}).toCompletableFuture();
    source.completeNext();
    source.failNext(new InvalidQueryException(null, "bad"));
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(
        org.asynccassandra.PageFetchException.class);
    recorder.ended.get(10, TimeUnit.SECONDS);
    assertThat(recorder.events).containsExactly("start forEach()", "page 1 of 2", "failure PageFetchException");
  }

  @Test
  void should_tell_retries_then_the_end() throws Exception {
    Recorder recorder = new Recorder();
    FakePageSource source = FakePageSource.pages(2, 2);
    DefaultRowStream stream = stream(source, recorder, StreamConfig.builder().retry(2, Duration.ofMillis(100)));
    CompletableFuture<Void> done = stream.forEach(row -> {}).toCompletableFuture();
    source.completeNext();
    source.failNext(new DriverTimeoutException("slow"));
    scheduler.retryWaits(Duration.ofMillis(100)).forEach(ManualScheduler.Task::fire);
    source.completeNext();
    done.get(10, TimeUnit.SECONDS);
    recorder.ended.get(10, TimeUnit.SECONDS);
    assertThat(recorder.events).containsExactly("start forEach()", "page 1 of 2", "retry page 2 attempt 1",
        "page 2 of 2", "complete 4");
  }

  @Test
  void should_tell_retries_before_the_end_one_at_a_time_on_an_executor_that_runs_tasks_in_any_order() {
    Recorder recorder = new Recorder();
    StreamEvents events = StreamEvents.of(StreamInfo.Kind.QUERY, "ks", "t", null, "SELECT", List.of(recorder));
    List<Runnable> submitted = new ArrayList<>();
    events.wrap(submitted::add); // a pool of many threads may run its queued tasks in any order
    events.retry(2, 1, new DriverTimeoutException("slow"));
    events.retry(2, 2, new DriverTimeoutException("slow"));
    events.ended(StreamEvents.Outcome.COMPLETED, null, null, () -> stats(4));
    for (int i = submitted.size() - 1; i >= 0; i--) {
      submitted.get(i).run(); // the last submitted first
    }
    assertThat(recorder.events).containsExactly("retry page 2 attempt 1", "retry page 2 attempt 2", "complete 4");
  }

  @Test
  void should_not_tell_a_retry_while_a_page_event_of_the_same_stream_runs() throws Exception {
    CountDownLatch pageHeld = new CountDownLatch(1);
    CountDownLatch releasePage = new CountDownLatch(1);
    Recorder recorder = new Recorder() {
      @Override
      public void onPage(StreamInfo stream, PageEvent page) {
        super.onPage(stream, page);
        pageHeld.countDown();
        await(releasePage);
      }
    };
    StreamEvents events = StreamEvents.of(StreamInfo.Kind.QUERY, "ks", "t", null, "SELECT", List.of(recorder));
    events.wrap(Runnable::run); // a direct executor: the retry runs on the thread that reports it
    PageObserver pages = java.util.Objects.requireNonNull(events.pageObserver());
    Thread consumer = new Thread(() -> pages.onPage(new PageEvent(1, 2, 2, Duration.ZERO, -1, false, 2,
        Duration.ZERO)), "consumer");
    Thread retrying = new Thread(() -> events.retry(2, 1, new DriverTimeoutException("slow")), "retrying");
    consumer.start();
    pageHeld.await(10, TimeUnit.SECONDS);
    retrying.start();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> retrying.getState() == Thread.State.WAITING
        || retrying.getState() == Thread.State.TERMINATED);
    assertThat(recorder.events).as("no retry while onPage runs").containsExactly("page 1 of 2");
    releasePage.countDown();
    consumer.join(10_000);
    retrying.join(10_000);
    assertThat(recorder.events).containsExactly("page 1 of 2", "retry page 2 attempt 1");
  }

  private static StreamStats stats(long rows) {
    return new StreamStats(1, rows, rows, 0, 0, 0, Duration.ZERO, Duration.ZERO, 0, 0);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void should_tell_a_close_from_outside_once_even_when_never_consumed() throws Exception {
    Recorder consumed = new Recorder();
    FakePageSource source = FakePageSource.pages(2, 2);
    DefaultRowStream stream = stream(source, consumed, StreamConfig.builder());
    CompletableFuture<?> first = stream.nextPage().toCompletableFuture();
    source.completeNext();
    first.get(10, TimeUnit.SECONDS);
    stream.close();
    stream.close();
    consumed.ended.get(10, TimeUnit.SECONDS);
    assertThat(consumed.events).containsExactly("start nextPage()", "page 1 of 2", "close");

    Recorder unconsumed = new Recorder();
    DefaultRowStream closedFirst = stream(FakePageSource.pages(2), unconsumed, StreamConfig.builder());
    closedFirst.close();
    unconsumed.ended.get(10, TimeUnit.SECONDS);
    assertThat(closedFirst.forEach(row -> {})).failsWithin(Duration.ofSeconds(10))
        .withThrowableThat().withCauseInstanceOf(org.asynccassandra.StreamClosedException.class);
    assertThat(unconsumed.events).as("no start after the end").containsExactly("close");
  }

  @Test
  void should_tell_a_leak_as_the_end_of_a_stream_dropped_while_open() throws Exception {
    Recorder recorder = new Recorder();
    WeakReference<DefaultRowStream> dropped = new WeakReference<>(
        stream(FakePageSource.pages(2), recorder, StreamConfig.builder()));
    ManualScheduler.awaitCollected(dropped);
    recorder.ended.get(30, TimeUnit.SECONDS);
    assertThat(recorder.events).containsExactly("leak");
  }

  @Test
  void should_fail_the_stream_when_a_page_event_throws_and_ignore_an_end_event_that_throws() throws Exception {
    IllegalStateException broken = new IllegalStateException("listener broke");
    DefaultRowStream failing = stream(FakePageSource.automatic(2, 2), new StreamListener() {
      @Override
      public void onPage(StreamInfo stream, PageEvent page) {
        throw broken;
      }
    }, StreamConfig.builder());
    assertThatThrownBy(() -> failing.forEach(row -> {}).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasCause(broken);

    CompletableFuture<Void> endHeard = new CompletableFuture<>();
    DefaultRowStream ignoring = stream(FakePageSource.automatic(2, 2), new StreamListener() {
      @Override
      public void onComplete(StreamInfo stream, StreamStats stats) {
        endHeard.complete(null);
        throw broken;
      }
    }, StreamConfig.builder());
    ignoring.forEach(row -> {}).toCompletableFuture().get(10, TimeUnit.SECONDS);
    endHeard.get(10, TimeUnit.SECONDS);
  }

  @Test
  void should_tell_the_listeners_that_heard_of_a_stream_whose_creation_failed_that_it_failed() {
    // A later listener's executor() throws (or returns null): the stream is never built, so it never ends,
    // and an earlier listener (Micrometer's open-streams gauge, a tracer's parent context) kept it for good.
    Recorder first = new Recorder();
    Recorder refusing = new Recorder() {
      @Override
      public java.util.concurrent.Executor executor(StreamInfo stream, java.util.concurrent.Executor executor) {
        throw new IllegalStateException("no MDC to carry");
      }
    };
    Recorder never = new Recorder();
    StreamEvents events = StreamEvents.of(StreamInfo.Kind.QUERY, "ks", null, null, "SELECT 1",
        List.of(first, refusing, never));
    assertThatThrownBy(() -> new DefaultRowStream(FakePageSource.automatic(1, 1), StreamConfig.defaults(), worker,
        scheduler, null, handle -> {}, events)).isInstanceOf(IllegalStateException.class).hasMessage("no MDC to carry");
    assertThat(first.events).containsExactly("failure IllegalStateException");
    assertThat(refusing.events).as("it may have kept the stream before it threw").containsExactly(
        "failure IllegalStateException");
    assertThat(never.events).as("never heard of the stream").isEmpty();

    Recorder before = new Recorder();
    StreamListener nullExecutor = new StreamListener() {
      @Override
      public java.util.concurrent.Executor executor(StreamInfo stream, java.util.concurrent.Executor executor) {
        return null;
      }

      @Override
      public String toString() {
        return "the null listener";
      }
    };
    StreamEvents nulls = StreamEvents.of(StreamInfo.Kind.QUERY, "ks", null, null, "SELECT 1",
        List.of(before, nullExecutor));
    assertThatThrownBy(() -> new DefaultRowStream(FakePageSource.automatic(1, 1), StreamConfig.defaults(), worker,
        scheduler, null, handle -> {}, nulls)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("the null listener");
    assertThat(before.events).containsExactly("failure NullPointerException");
  }

  @Test
  void should_tell_the_end_to_every_listener_when_one_throws_a_checked_exception_undeclared() throws Exception {
    StreamListener throwing = new StreamListener() {
      @Override
      public void onComplete(StreamInfo stream, StreamStats stats) {
        throw Undeclared.sneakyThrow(new java.io.IOException("exporter down"));
      }
    };
    Recorder after = new Recorder();
    StreamEvents events = StreamEvents.of(StreamInfo.Kind.QUERY, "ks", null, null, "SELECT 1",
        List.of(throwing, after));
    DefaultRowStream stream = new DefaultRowStream(FakePageSource.automatic(2, 2), StreamConfig.defaults(), worker,
        scheduler, null, handle -> {}, events);
    stream.forEach(row -> {}).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(after.ended.get(10, TimeUnit.SECONDS).rowsDelivered()).isEqualTo(4);
  }

  @Test
  void should_carry_the_creating_threads_context_into_every_callback_through_the_wrapped_executor()
      throws Exception {
    ThreadLocal<String> context = new ThreadLocal<>();
    List<String> seen = new CopyOnWriteArrayList<>();
    StreamListener propagating = new StreamListener() {
      @Override
      public java.util.concurrent.Executor executor(StreamInfo stream, java.util.concurrent.Executor executor) {
        String captured = context.get(); // on the creating thread
        return task -> executor.execute(() -> {
          context.set(captured);
          try {
            task.run();
          } finally {
            context.remove();
          }
        });
      }

      @Override
      public void onPage(StreamInfo stream, PageEvent page) {
        seen.add("page:" + context.get());
      }
    };
    context.set("request-42");
    FakePageSource source = FakePageSource.pages(2, 2);
    DefaultRowStream stream;
    try {
      stream = stream(source, propagating, StreamConfig.builder());
    } finally {
      context.remove();
    }
    // The dependent is registered before the stream completes its stage, so it runs on the stream's executor.
    CompletableFuture<Void> done = stream.forEach(row -> seen.add("row:" + context.get()))
        .thenRun(() -> seen.add("done:" + context.get())).toCompletableFuture();
    source.completeNext();
    source.completeNext();
    done.get(10, TimeUnit.SECONDS);
    assertThat(seen).hasSize(7).allMatch(entry -> entry.endsWith(":request-42"));
  }

  @Test
  void should_build_no_event_without_a_listener() {
    assertThat(StreamEvents.none("q").pageObserver()).isNull();
  }

  @Test
  void should_tell_a_failure_with_the_consumers_cause_on_close_exceptionally_and_fail_the_pending_stage()
      throws Exception {
    Recorder recorder = new Recorder();
    FakePageSource source = FakePageSource.pages(2, 2, 2);
    DefaultRowStream stream = stream(source, recorder, StreamConfig.builder().prefetchPages(1));
    CompletableFuture<?> first = stream.nextPage().toCompletableFuture();
    source.completeNext();
    first.get(10, TimeUnit.SECONDS); // page 1; page 2 is being read ahead
    CompletableFuture<?> waiting = stream.nextPage().toCompletableFuture(); // for page 2, in flight
    IllegalStateException handlerFailed = new IllegalStateException("the adapter's handler threw");

    stream.closeExceptionally(handlerFailed);

    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCause(handlerFailed);
    recorder.ended.get(10, TimeUnit.SECONDS);
    assertThat(recorder.events).containsExactly("start nextPage()", "page 1 of 2", "failure IllegalStateException");
    assertThat(source.fetches).allMatch(fetch -> fetch.future.isDone()); // the read-ahead cancelled
    assertThat(source.fetchCount()).isEqualTo(2);
    stream.close(); // harmless afterwards, and no second end
    stream.closeExceptionally(new IllegalStateException("again"));
    assertThat(recorder.events).hasSize(3);
  }

  @Test
  void should_keep_the_end_a_stream_had_before_close_exceptionally() throws Exception {
    Recorder completed = new Recorder();
    DefaultRowStream ended = stream(FakePageSource.automatic(2, 2), completed, StreamConfig.builder());
    ended.forEach(row -> {}).toCompletableFuture().get(10, TimeUnit.SECONDS);
    ended.closeExceptionally(new IllegalStateException("too late"));
    completed.ended.get(10, TimeUnit.SECONDS);

    Recorder closed = new Recorder();
    DefaultRowStream first = stream(FakePageSource.pages(2, 2), closed, StreamConfig.builder());
    CompletableFuture<Void> done = first.forEach(row -> {}).toCompletableFuture();
    first.close();
    first.closeExceptionally(new IllegalStateException("too late"));
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(
        org.asynccassandra.StreamClosedException.class);
    closed.ended.get(10, TimeUnit.SECONDS);

    Awaitility.await().untilAsserted(() -> {
      assertThat(completed.events).containsExactly("start forEach()", "page 1 of 2", "page 2 of 2", "complete 4");
      assertThat(closed.events).containsExactly("start forEach()", "close");
    });
    assertThatThrownBy(() -> first.closeExceptionally(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void should_close_a_mapped_stream_exceptionally_through_its_rows() throws Exception {
    Recorder recorder = new Recorder();
    FakePageSource source = FakePageSource.pages(2, 2);
    DefaultRowStream stream = stream(source, recorder, StreamConfig.builder());
    org.asynccassandra.ResultStream<Integer> values = stream.map(FakePageSource::value);
    CompletableFuture<?> waiting = values.nextPage().toCompletableFuture();
    IllegalStateException handlerFailed = new IllegalStateException("the adapter's handler threw");

    values.closeExceptionally(handlerFailed);

    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCause(handlerFailed);
    recorder.ended.get(10, TimeUnit.SECONDS);
    assertThat(recorder.events).containsExactly("start nextPage()", "failure IllegalStateException");
    assertThat(source.fetches).allMatch(fetch -> fetch.future.isDone());
  }
}
