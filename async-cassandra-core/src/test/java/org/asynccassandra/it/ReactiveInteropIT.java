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
package org.asynccassandra.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ResultStream;
import org.asynccassandra.RowMapper;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamStats;
import org.asynccassandra.internal.session.DefaultAsyncSession;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.CassandraTest;
import org.asynccassandra.testkit.RequestCounter;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Subscription;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * The publishers through Reactor, Mutiny and RxJava 3 against a real Cassandra: every row once and in
 * order, mapped to a record; demand of one row at a time keeps the read-ahead bound; cancelling (take)
 * closes the stream; retry and repeat on a cold publisher read the result again.
 */
@CassandraTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReactiveInteropIT {
  private static final int ROWS = 10_000;
  private static final int PAGE = 250;
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** A sample row as a record, mapped by component name. */
  public record Sample(int pk, int ck, String payload) {}

  private final RequestCounter counter = new RequestCounter();
  private CqlSession session;
  private AsyncSession async;
  private String table;
  private List<Sample> expected;

  @BeforeAll
  void load(CassandraServer server, TestKeyspace keyspace) {
    session = counter.addTo(server.sessionBuilder()).build();
    table = keyspace.table("samples");
    TestData.createSampleTable(session, table);
    TestData.loadSampleRows(session, table, ROWS, 5_000);
    expected = new ArrayList<>(ROWS);
    for (Row row : session.execute(query())) {
      expected.add(new Sample(row.getInt("pk"), row.getInt("ck"), row.getString("payload")));
    }
    assertThat(expected).hasSize(ROWS);
    async = AsyncSession.wrap(session);
  }

  @AfterAll
  void close() {
    if (async != null) {
      async.close();
    }
    if (session != null) {
      session.close();
    }
  }

  @AfterEach
  void everyStreamClosed() {
    await().atMost(WAIT).until(() -> openStreams() == 0);
  }

  private Statement<?> query() {
    return SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table).setPageSize(PAGE);
  }

  private static StreamConfig prefetch(int pages) {
    return StreamConfig.builder().prefetchPages(pages).build();
  }

  private int openStreams() {
    return ((DefaultAsyncSession) async).openStreamCount();
  }

  private Flow.Publisher<Sample> cold(int prefetch) {
    return async.publisher(query(), prefetch(prefetch), RowMapper.record(Sample.class));
  }

  /** A cold publisher whose first subscription fails at row {@code failAt} (its mapper throws once). */
  private Flow.Publisher<Sample> failingOnce(int failAt) {
    AtomicBoolean failed = new AtomicBoolean();
    RowMapper<Sample> record = RowMapper.record(Sample.class);
    int[] index = {0};
    return async.publisher(query(), prefetch(1), row -> {
      if (!failed.get() && index[0]++ == failAt) {
        failed.set(true);
        throw new IllegalStateException("mapping failed once, at row " + failAt);
      }
      return record.map(row);
    });
  }

  private List<Sample> twice() {
    List<Sample> both = new ArrayList<>(expected);
    both.addAll(expected);
    return both;
  }

  // ---- every row once, in order --------------------------------------------------------------------

  @Test
  void reactor_should_receive_every_row_once_in_order() {
    assertThat(JdkFlowAdapter.flowPublisherToFlux(cold(1)).collectList().block(WAIT)).isEqualTo(expected);
  }

  @Test
  void mutiny_should_receive_every_row_once_in_order() {
    assertThat(Multi.createFrom().publisher(cold(2)).collect().asList().await().atMost(WAIT))
        .isEqualTo(expected);
  }

  @Test
  void rxjava_should_receive_every_row_once_in_order() {
    assertThat(Flowable.fromPublisher(FlowAdapters.toPublisher(cold(1))).toList().blockingGet())
        .isEqualTo(expected);
  }

  // ---- backpressure: one row at a time keeps the read-ahead bound ----------------------------------

  @Test
  void reactor_should_keep_the_read_ahead_bound_for_a_subscriber_that_requests_one_row_at_a_time() {
    long mark = counter.mark();
    ResultStream<Sample> stream = async.executeStream(query(), prefetch(2), RowMapper.record(Sample.class));
    List<Sample> received = new CopyOnWriteArrayList<>();
    BaseSubscriber<Sample> subscriber = new BaseSubscriber<>() {
      @Override
      protected void hookOnSubscribe(Subscription ignored) {
        // no demand until the test asks
      }

      @Override
      protected void hookOnNext(Sample value) {
        received.add(value);
      }
    };
    JdkFlowAdapter.flowPublisherToFlux(stream.rows()).subscribe(subscriber);
    checkReadAheadBound(stream, mark, 2, subscriber::request, received::size);
    subscriber.cancel();
    assertThat(received).isEqualTo(expected.subList(0, received.size()));
  }

  @Test
  void mutiny_should_keep_the_read_ahead_bound_for_a_subscriber_that_requests_one_row_at_a_time() {
    long mark = counter.mark();
    ResultStream<Sample> stream = async.executeStream(query(), prefetch(1), RowMapper.record(Sample.class));
    AssertSubscriber<Sample> subscriber =
        Multi.createFrom().publisher(stream.rows()).subscribe().withSubscriber(AssertSubscriber.create(0));
    checkReadAheadBound(stream, mark, 1, subscriber::request, () -> subscriber.getItems().size());
    subscriber.cancel();
    assertThat(subscriber.getItems()).isEqualTo(expected.subList(0, subscriber.getItems().size()));
  }

  @Test
  void rxjava_should_keep_the_read_ahead_bound_for_a_subscriber_that_requests_one_row_at_a_time() {
    long mark = counter.mark();
    ResultStream<Sample> stream = async.executeStream(query(), prefetch(3), RowMapper.record(Sample.class));
    TestSubscriber<Sample> subscriber = Flowable.fromPublisher(FlowAdapters.toPublisher(stream.rows())).test(0);
    checkReadAheadBound(stream, mark, 3, subscriber::request, () -> subscriber.values().size());
    subscriber.cancel();
    assertThat(subscriber.values()).isEqualTo(expected.subList(0, subscriber.values().size()));
  }

  /**
   * Asks for rows so that the subscriber holds the first row of page 1, 2, 3 and 4 in turn, and each time,
   * once the stream has read ahead and no request is in flight (it holds still with the subscriber),
   * checks that exactly {@code prefetch} pages were read beyond the held one, and that no more rows were
   * pushed than asked for. Requests are counted from {@code mark}, taken before the stream was made.
   */
  private void checkReadAheadBound(ResultStream<Sample> stream, long mark, int prefetch, LongConsumer request,
      IntSupplier received) {
    for (int page = 1; page <= 4; page++) {
      int target = (page - 1) * PAGE + 1; // the first row of this page
      request.accept(target - received.getAsInt());
      await().atMost(WAIT).until(() -> received.getAsInt() >= target);
      long pages = (long) page + prefetch; // the held page and the read-ahead
      await().atMost(WAIT).until(() -> stream.stats().pagesFetched() >= pages
          && counter.sentSince(mark) == stream.stats().pagesFetched() + stream.stats().retries());
      StreamStats stats = stream.stats();
      assertThat(stats.pagesFetched()).as("pages fetched while holding page %d", page).isEqualTo(pages);
      assertThat(stats.maxBufferedPages()).isLessThanOrEqualTo(prefetch);
      assertThat(stats.rowsDelivered()).isEqualTo(target);
      assertThat(received.getAsInt()).isEqualTo(target);
    }
  }

  // ---- cancel closes the stream --------------------------------------------------------------------

  @Test
  void reactor_take_should_close_the_stream() {
    long mark = counter.mark();
    assertThat(JdkFlowAdapter.flowPublisherToFlux(cold(2)).take(10).collectList().block(WAIT))
        .isEqualTo(expected.subList(0, 10));
    await().atMost(WAIT).until(() -> openStreams() == 0);
    assertThat(counter.sentSince(mark)).isBetween(1L, 3L); // page 1 and at most the two read ahead
  }

  @Test
  void mutiny_select_first_should_close_the_stream() {
    long mark = counter.mark();
    assertThat(Multi.createFrom().publisher(cold(2)).select().first(10).collect().asList().await().atMost(WAIT))
        .isEqualTo(expected.subList(0, 10));
    await().atMost(WAIT).until(() -> openStreams() == 0);
    assertThat(counter.sentSince(mark)).isBetween(1L, 3L);
  }

  @Test
  void rxjava_take_should_close_the_stream() {
    long mark = counter.mark();
    assertThat(Flowable.fromPublisher(FlowAdapters.toPublisher(cold(2))).take(10).toList().blockingGet())
        .isEqualTo(expected.subList(0, 10));
    await().atMost(WAIT).until(() -> openStreams() == 0);
    assertThat(counter.sentSince(mark)).isBetween(1L, 3L);
  }

  // ---- retry and repeat run the query again ----------------------------------------------------------

  @Test
  void reactor_retry_and_repeat_should_run_the_query_again() {
    List<Sample> retried = JdkFlowAdapter.flowPublisherToFlux(failingOnce(1_234)).retry(1).collectList()
        .block(WAIT);
    List<Sample> partThenAll = new ArrayList<>(expected.subList(0, 1_234));
    partThenAll.addAll(expected);
    assertThat(retried).isEqualTo(partThenAll);

    assertThat(JdkFlowAdapter.flowPublisherToFlux(cold(1)).repeat(1).collectList().block(WAIT))
        .isEqualTo(twice());
  }

  @Test
  void mutiny_retry_and_resubscription_should_run_the_query_again() {
    List<Sample> retried = Multi.createFrom().publisher(failingOnce(1_234)).onFailure().retry().atMost(1)
        .collect().asList().await().atMost(WAIT);
    List<Sample> partThenAll = new ArrayList<>(expected.subList(0, 1_234));
    partThenAll.addAll(expected);
    assertThat(retried).isEqualTo(partThenAll);

    Multi<Sample> once = Multi.createFrom().publisher(cold(1));
    assertThat(Multi.createBy().concatenating().streams(once, once).collect().asList().await().atMost(WAIT))
        .isEqualTo(twice());
  }

  @Test
  void rxjava_retry_and_repeat_should_run_the_query_again() {
    List<Sample> retried = Flowable.fromPublisher(FlowAdapters.toPublisher(failingOnce(1_234))).retry(1)
        .toList().blockingGet();
    List<Sample> partThenAll = new ArrayList<>(expected.subList(0, 1_234));
    partThenAll.addAll(expected);
    assertThat(retried).isEqualTo(partThenAll);

    assertThat(Flowable.fromPublisher(FlowAdapters.toPublisher(cold(1))).repeat(2).toList().blockingGet())
        .isEqualTo(twice());
  }
}
