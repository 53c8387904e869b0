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

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.Page;
import org.asynccassandra.QueryStream;
import org.asynccassandra.ResultStream;
import org.asynccassandra.RowMapper;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.util.Undeclared;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Typed streams: every consumption style hands out the mapper's values, in order, mapped on the thread
 * that delivers them; a mapper that throws fails the stream with its exception after every earlier value,
 * and its row is not counted as received.
 */
class MappedStreamTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "stream-executor"));
  private final List<String> mapperThreads = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  private record Item(int value) {}

  private final RowMapper<Item> toItem = row -> {
    mapperThreads.add(Thread.currentThread().getName());
    return new Item(FakePageSource.value(row));
  };

  /** A mapper that throws on the row of value {@code bad}. */
  private RowMapper<Item> failingAt(int bad) {
    return row -> {
      int value = FakePageSource.value(row);
      if (value == bad) {
        throw new IllegalArgumentException("cannot map " + value);
      }
      return new Item(value);
    };
  }

  private DefaultRowStream stream(FakePageSource source) {
    source.setAutomatic();
    return new DefaultRowStream(source, StreamConfig.builder().prefetchPages(1).build(), worker, scheduler,
        handle -> {});
  }

  private static List<Item> items(int count) {
    return IntStream.range(0, count).mapToObj(Item::new).collect(Collectors.toList());
  }

  @Test
  void should_map_every_row_in_order_on_the_streams_executor_with_forEach() throws Exception {
    DefaultRowStream rows = stream(FakePageSource.pages(3, 3, 2));
    ResultStream<Item> stream = rows.map(toItem);
    List<Item> seen = new ArrayList<>();
    stream.forEach(seen::add).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(seen).isEqualTo(items(8));
    assertThat(mapperThreads).hasSize(8).allMatch("stream-executor"::equals);
    assertThat(stream.stats().rowsDelivered()).isEqualTo(8);
  }

  @Test
  void should_map_pages_with_forEachPage_and_nextPage() throws Exception {
    List<List<Item>> pages = new ArrayList<>();
    stream(FakePageSource.pages(3, 2)).map(toItem).forEachPage(page -> pages.add(page.rows()))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(pages).containsExactly(items(3), items(5).subList(3, 5));

    ResultStream<Item> pulled = stream(FakePageSource.pages(3, 2)).map(toItem);
    Optional<Page<Item>> first = pulled.nextPage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(first).get().satisfies(page -> {
      assertThat(page.rows()).isEqualTo(items(3));
      assertThat(page.number()).isEqualTo(1);
      assertThat(page.size()).isEqualTo(3);
    });
    assertThat(pulled.nextPage().toCompletableFuture().get(10, TimeUnit.SECONDS)).get()
        .extracting(Page::rows).isEqualTo(items(5).subList(3, 5));
    assertThat(pulled.nextPage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void should_map_with_forEachAsync_and_the_iterator() throws Exception {
    List<Item> seen = new ArrayList<>();
    stream(FakePageSource.pages(2, 2)).map(toItem)
        .forEachAsync(item -> CompletableFuture.runAsync(() -> seen.add(item)))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(seen).isEqualTo(items(4));

    List<Item> iterated = new ArrayList<>();
    for (Item item : stream(FakePageSource.pages(2, 2)).map(toItem).blocking()) {
      iterated.add(item);
    }
    assertThat(iterated).isEqualTo(items(4));
  }

  @Test
  void should_map_with_the_publishers() throws Exception {
    assertThat(collect(stream(FakePageSource.pages(3, 3)).map(toItem).rows())).isEqualTo(items(6));
    List<Page<Item>> pages = collect(stream(FakePageSource.pages(3, 3)).map(toItem).pages());
    assertThat(pages).extracting(Page::rows).containsExactly(items(3), items(6).subList(3, 6));
  }

  // ---- a mapper that throws ---------------------------------------------------------------------------

  @Test
  void should_fail_forEach_with_the_mappers_exception_after_every_earlier_row() {
    DefaultRowStream rows = stream(FakePageSource.pages(3, 3, 3));
    List<Item> seen = new ArrayList<>();
    CompletableFuture<Void> done = rows.map(failingAt(4)).forEach(seen::add).toCompletableFuture();
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(IllegalArgumentException.class).hasMessage("cannot map 4")
        // Where: the mapper's exception named no row, which among millions could not be found.
        .satisfies(failure -> assertThat(failure.getSuppressed()).singleElement().extracting(Throwable::getMessage)
            .asString().endsWith(" failed at row 2 of page 2 of the stream over 'SELECT v FROM ks.t'"));
    assertThat(seen).isEqualTo(items(4));
    assertPositionBefore(rows, 4);
  }

  @Test
  void should_fail_every_style_with_the_mappers_exception() throws Exception {
    assertFails(stream -> stream.forEachAsync(item -> CompletableFuture.completedFuture(null)));
    assertFails(stream -> stream.forEachPage(page -> {}));
    assertFails(stream -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      stream.nextPage().whenComplete((page, error) -> {
        if (error != null) {
          done.completeExceptionally(error);
        } else {
          stream.nextPage().whenComplete((second, failure) -> done.completeExceptionally(
              failure != null ? failure : new AssertionError("the second page should have failed")));
        }
      });
      return done;
    });
    assertFails(stream -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      stream.rows().subscribe(new CollectingSubscriber<>(new ArrayList<>(), done));
      return done;
    });
    assertFails(stream -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      stream.pages().subscribe(new CollectingSubscriber<>(new ArrayList<>(), done));
      return done;
    });
    // The iterator: on the consumer's thread, it throws the mapper's exception, and again on the next call.
    DefaultRowStream rows = stream(FakePageSource.pages(3, 3));
    Iterator<Item> iterator = rows.map(failingAt(4)).iterator();
    List<Item> seen = new ArrayList<>();
    assertThatThrownBy(() -> iterator.forEachRemaining(seen::add)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot map 4");
    assertThat(seen).isEqualTo(items(4));
    assertThatThrownBy(iterator::hasNext).isInstanceOf(IllegalArgumentException.class);
    assertPositionBefore(rows, 4);
  }

  @Test
  void should_keep_no_list_of_rows_beside_the_values_of_a_mapped_page() throws Exception {
    FakePageSource source = FakePageSource.pages(3, 3, 2);
    DefaultRowStream rows = stream(source);
    List<Item> seen = new ArrayList<>();
    rows.map(toItem).forEachPage(page -> seen.addAll(page.rows())).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(seen).isEqualTo(items(8));
    assertThat(source.listedPages).as("each row decoded, mapped and dropped").hasValue(0);
  }

  @Test
  void should_fail_the_iterator_with_a_checked_exception_the_mapper_throws_undeclared() {
    DefaultRowStream rows = stream(FakePageSource.pages(3, 3));
    Iterator<Item> iterator = rows.map((RowMapper<Item>) row -> {
      int value = FakePageSource.value(row);
      if (value == 1) {
        throw Undeclared.sneakyThrow(new java.io.IOException("bad json"));
      }
      return new Item(value);
    }).iterator();
    assertThat(iterator.next()).isEqualTo(new Item(0));
    assertThatThrownBy(iterator::next).isInstanceOf(java.io.IOException.class).hasMessage("bad json");
    assertThat(rows.engine().isOpen()).as("the stream failed, not left open").isFalse();
    assertThatThrownBy(iterator::hasNext).as("no row after it: the failed one is not skipped")
        .isInstanceOf(org.asynccassandra.AsyncCassandraException.class).hasRootCauseMessage("bad json");
    assertPositionBefore(rows, 1);
  }

  /** Throws {@code failure}, checked or not, without declaring it: what a Kotlin mapper does. */

  private void assertFails(Function<ResultStream<Item>, java.util.concurrent.CompletionStage<?>> consume)
      throws Exception {
    DefaultRowStream rows = stream(FakePageSource.pages(3, 3, 3));
    CompletableFuture<?> done = consume.apply(rows.map(failingAt(4))).toCompletableFuture();
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot map 4");
    org.awaitility.Awaitility.await().until(() -> rows.handle() != null && !rows.engine().isOpen());
  }

  /** The row that failed to map, and every later one, are not received: a resume starts with it. */
  private static void assertPositionBefore(DefaultRowStream rows, int value) {
    assertThat(rows.stats().rowsDelivered()).as("rows delivered before the failed one").isEqualTo(value);
  }

  @Test
  void should_refuse_null_values_naming_the_row_and_its_page() {
    // The second row of the second page: the message said "row 2 of its page", not which page.
    java.util.concurrent.atomic.AtomicInteger mapped = new java.util.concurrent.atomic.AtomicInteger();
    FakePageSource source = FakePageSource.automatic(3, 2);
    CompletableFuture<Void> done = stream(source).map(row -> mapped.incrementAndGet() == 4 ? null : new Item(0))
        .forEach(item -> {}).toCompletableFuture();
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(NullPointerException.class)
        .hasMessageContaining("returned null for row 2 of page 2 of the stream over 'SELECT v FROM ks.t'");
  }

  @Test
  void should_fail_forEachAsync_naming_the_row_and_its_page_when_the_action_returns_no_stage() {
    java.util.concurrent.atomic.AtomicInteger rows = new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<Void> done = stream(FakePageSource.automatic(3, 2))
        .forEachAsync(row -> rows.incrementAndGet() == 3 ? null : CompletableFuture.completedFuture(null))
        .toCompletableFuture();
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(NullPointerException.class)
        .hasMessageContaining("for row 1 of page 2");
  }

  // ---- misuse --------------------------------------------------------------------------------------

  @Test
  void should_refuse_to_map_a_started_stream_or_to_map_twice_and_the_row_styles_of_a_mapped_one() {
    DefaultRowStream started = stream(FakePageSource.pages(2));
    started.forEach(row -> {});
    assertThatThrownBy(() -> started.map(toItem)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already consumed with forEach()");

    DefaultRowStream mapped = stream(FakePageSource.pages(2));
    mapped.map(toItem);
    assertThatThrownBy(() -> mapped.map(toItem)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already mapped");
    assertThatThrownBy(() -> mapped.forEach(row -> {})).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("consume it through the stream map() returned");
  }

  @Test
  void should_be_one_stream_with_its_row_stream_position_and_close() throws Exception {
    DefaultRowStream rows = stream(FakePageSource.pages(2, 2));
    QueryStream query = rows;
    ResultStream<Item> mapped = rows.map(toItem);
    Optional<Page<Item>> first = mapped.nextPage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(first).isPresent();
    assertThat(query.position()).as("after the first page").isNotNull();
    mapped.close();
    assertThat(rows.engine().isOpen()).isFalse();
  }

  /** Collects a publisher's items with unbounded demand; the engine tests use it too. */
  static <T> List<T> collect(Flow.Publisher<T> publisher) throws Exception {
    List<T> items = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    publisher.subscribe(new CollectingSubscriber<>(items, done));
    done.get(10, TimeUnit.SECONDS);
    return items;
  }

  /** Requests everything, collects the items, and completes {@code done} as the publisher ends. */
  static final class CollectingSubscriber<T> implements Flow.Subscriber<T> {
    private final List<T> items;
    private final CompletableFuture<Void> done;

    CollectingSubscriber(List<T> items, CompletableFuture<Void> done) {
      this.items = items;
      this.done = done;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(T item) {
      items.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
      done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }
}
