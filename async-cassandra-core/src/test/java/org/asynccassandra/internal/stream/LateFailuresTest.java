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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynccassandra.StreamClosedException;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What user code throws once its stream has ended (closed from another thread, meanwhile) can reach neither
 * the stream nor its stage: it is logged, never lost without a trace. And the edges of a subscriber's contract:
 * one that throws from {@code onSubscribe} is cancelled, one that requested exactly the rows there were hears
 * the end. The log goes to standard error (slf4j-simple), which each test reads while it runs.
 */
class LateFailuresTest {
  private final AtomicInteger terminated = new AtomicInteger();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "stream-worker"));
  private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-io"));
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private PrintStream standardError;

  @BeforeEach
  void captureStandardError() {
    standardError = System.err;
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setErr(standardError);
    worker.shutdownNow();
    io.shutdownNow();
  }

  private String logged() {
    return log.toString(StandardCharsets.UTF_8);
  }

  private DefaultRowStream stream(FakePageSource source) {
    return new DefaultRowStream(source, StreamConfig.builder().prefetchPages(1).build(), worker,
        new ManualScheduler(), handle -> terminated.incrementAndGet());
  }

  @Test
  void should_log_what_a_consumer_throws_after_its_stream_was_closed_from_another_thread() throws Exception {
    FakePageSource source = FakePageSource.pages(3, 3);
    DefaultRowStream stream = stream(source);
    IllegalStateException late = new IllegalStateException("the consumer failed after the close");
    CompletableFuture<Void> done = stream.forEach(row -> {
      CompletableFuture.runAsync(stream::close, io).join(); // the stage is failed as closed, meanwhile
      throw late;
    }).toCompletableFuture();
    io.submit(source::completeNext).get(30, TimeUnit.SECONDS);

    assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamClosedException.class);
    await().atMost(Duration.ofSeconds(30)).until(() -> logged().contains(late.getMessage()));
    assertThat(logged()).contains("failed after the stream had ended");
    assertThat(terminated).hasValue(1);
  }

  @Test
  void should_log_the_failure_of_a_forEachAsync_stage_that_fails_after_its_stream_was_closed() throws Exception {
    FakePageSource source = FakePageSource.pages(3, 3);
    DefaultRowStream stream = stream(source);
    CompletableFuture<Void> write = new CompletableFuture<>();
    CountDownLatch writing = new CountDownLatch(1);
    CompletableFuture<Void> done = stream.forEachAsync(row -> {
      writing.countDown();
      return write;
    }).toCompletableFuture();
    io.submit(source::completeNext).get(30, TimeUnit.SECONDS);
    assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
    io.submit(stream::close).get(30, TimeUnit.SECONDS);
    assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamClosedException.class);

    IllegalStateException late = new IllegalStateException("the write failed after the close");
    io.submit(() -> write.completeExceptionally(late)).get(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> logged().contains(late.getMessage()));
    assertThat(logged()).contains("failed after the stream had ended");
  }

  @Test
  void should_cancel_a_subscriber_that_throws_from_onSubscribe_and_return_normally() throws Exception {
    FakePageSource source = FakePageSource.pages(3);
    source.setAutomatic();
    DefaultRowStream stream = stream(source);
    IllegalStateException broken = new IllegalStateException("onSubscribe broke §2.13");
    List<String> signals = new ArrayList<>();
    stream.rows().subscribe(new Flow.Subscriber<Row>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(10);
        throw broken;
      }

      @Override
      public void onNext(Row item) {
        signals.add("onNext");
      }

      @Override
      public void onError(Throwable throwable) {
        signals.add("onError");
      }

      @Override
      public void onComplete() {
        signals.add("onComplete");
      }
    });

    await().atMost(Duration.ofSeconds(30)).until(() -> terminated.get() == 1);
    assertThat(logged()).contains("threw from onSubscribe; its subscription was cancelled", broken.getMessage());
    worker.submit(() -> assertThat(signals).as("§3.6: nothing after the cancel").isEmpty()).get(30,
        TimeUnit.SECONDS);
  }

  @Test
  void should_complete_a_subscriber_that_requested_exactly_the_rows_there_were() throws Exception {
    FakePageSource source = FakePageSource.pages(4, 3); // its second page is its last
    source.setAutomatic();
    DefaultRowStream stream = stream(source);
    List<String> signals = new ArrayList<>(); // on the worker, one at a time
    CompletableFuture<Void> ended = new CompletableFuture<>();
    stream.rows().subscribe(new Flow.Subscriber<Row>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(7);
      }

      @Override
      public void onNext(Row item) {
        signals.add(String.valueOf(FakePageSource.value(item)));
      }

      @Override
      public void onError(Throwable throwable) {
        ended.completeExceptionally(throwable);
      }

      @Override
      public void onComplete() {
        ended.complete(null);
      }
    });

    ended.get(30, TimeUnit.SECONDS);
    worker.submit(() -> assertThat(signals).containsExactly("0", "1", "2", "3", "4", "5", "6")).get(30,
        TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> terminated.get() == 1);
  }
}
