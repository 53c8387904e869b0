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

import static com.datastax.oss.driver.api.querybuilder.QueryBuilder.bindMarker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.MappedAsyncPagingIterable;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.mapper.entity.EntityHelper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.QueryStream;
import org.asynccassandra.ResultStream;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.asynccassandra.it.mapper.SensorDao;
import org.asynccassandra.it.mapper.SensorMapperBuilder;
import org.asynccassandra.it.mapper.SensorReading;
import org.asynccassandra.mapper.EntityMappers;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.CassandraTest;
import org.asynccassandra.testkit.RequestCounter;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The driver's object mapper with streams, against a real Cassandra: an {@code @Entity}, a {@code @Dao} and
 * a {@code @Mapper} that the mapper processor generated in test compile. A {@code @Select}'s rows streamed
 * through the entity helper, and a result the caller already holds (a DAO's, or an {@code AsyncResultSet})
 * continued with read-ahead, its first page taken from it and never requested again.
 */
@CassandraTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObjectMapperIT {
  private static final int SENSORS = 4;
  private static final int READINGS = 1_050; // per sensor: 10 full pages of 100 and one of 50
  private static final int PAGE = 100;

  private final RequestCounter counter = new RequestCounter();
  private CqlSession session;
  private AsyncSession async;
  private SensorDao dao;
  private EntityHelper<SensorReading> helper;
  private String table;

  @BeforeAll
  void load(CassandraServer server, TestKeyspace keyspace) {
    session = counter.addTo(server.sessionBuilder()).build();
    table = keyspace.table("sensor_reading");
    session.execute("CREATE TABLE " + table
        + " (sensor_id int, seq int, value double, note text, PRIMARY KEY (sensor_id, seq))");
    PreparedStatement insert = session.prepare("INSERT INTO " + table + " (sensor_id, seq, value, note) "
        + "VALUES (?, ?, ?, ?)");
    for (int sensor = 1; sensor <= SENSORS; sensor++) {
      for (int first = 0; first < READINGS; first += 50) {
        BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
        for (int seq = first; seq < first + 50; seq++) {
          batch.addStatement(insert.bind(sensor, seq, sensor * 1_000 + seq / 8.0, seq % 7 == 0 ? null : "n" + seq));
        }
        session.execute(batch.build());
      }
    }
    dao = new SensorMapperBuilder(session).build().sensorDao(keyspace.identifier());
    helper = dao.helper();
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

  /** The DAO's statements, in pages of {@code PAGE} rows. */
  private static BoundStatementBuilder paged(BoundStatementBuilder statement) {
    return statement.setPageSize(PAGE);
  }

  private static StreamConfig prefetch(int pages) {
    return StreamConfig.builder().prefetchPages(pages).build();
  }

  /** What the DAO itself returns: its synchronous iteration of every page. */
  private List<SensorReading> daoReadings(int sensor) {
    List<SensorReading> all = dao.findBySensor(sensor, ObjectMapperIT::paged).all();
    assertThat(all).hasSize(READINGS);
    return all;
  }

  private static <T> List<T> collect(ResultStream<T> stream) throws Exception {
    List<T> seen = Collections.synchronizedList(new ArrayList<>());
    stream.forEach(seen::add).toCompletableFuture().get(60, TimeUnit.SECONDS);
    return seen;
  }

  @Test
  void should_stream_a_select_through_the_entity_helper_with_read_ahead() throws Exception {
    List<SensorReading> expected = daoReadings(1);
    PreparedStatement select = session.prepare(
        helper.selectStart().whereColumn("sensor_id").isEqualTo(bindMarker()).build());
    List<SensorReading> seen;
    StreamStats stats;
    try (ResultStream<SensorReading> stream = async.executeStream(select.bind(1).setPageSize(PAGE), prefetch(2),
        EntityMappers.of(helper))) {
      seen = collect(stream);
      stats = stream.stats();
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(stats.rowsDelivered()).isEqualTo(READINGS);
    assertThat(stats.pagesFetched()).isEqualTo(11);
    assertThat(stats.maxBufferedPages()).isLessThanOrEqualTo(2);
  }

  @Test
  void should_map_with_a_dao_get_entity_method_and_leniently() throws Exception {
    List<SensorReading> expected = daoReadings(1);
    try (ResultStream<SensorReading> stream = async.executeStream(
        SimpleStatement.newInstance("SELECT * FROM " + table + " WHERE sensor_id = 1").setPageSize(PAGE),
        dao::asReading)) {
      assertThat(collect(stream)).isEqualTo(expected);
    }
    List<SensorReading> partial = new ArrayList<>();
    for (SensorReading reading : async.executeStream(
        SimpleStatement.newInstance("SELECT sensor_id, seq FROM " + table + " WHERE sensor_id = 1").setPageSize(PAGE),
        EntityMappers.lenient(helper)).blocking()) {
      partial.add(reading);
    }
    assertThat(partial).hasSize(READINGS).allSatisfy(reading -> assertThat(reading.getNote()).isNull());
    assertThat(partial.get(5).getSeq()).isEqualTo(5);

    assertThatThrownBy(() -> collect(async.executeStream(
        SimpleStatement.newInstance("SELECT sensor_id, seq FROM " + table + " WHERE sensor_id = 1"),
        EntityMappers.of(helper))))
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void should_continue_a_dao_result_without_fetching_its_first_page_again() throws Exception {
    List<SensorReading> expected = daoReadings(2);
    MappedAsyncPagingIterable<SensorReading> first =
        dao.findBySensorAsync(2, ObjectMapperIT::paged).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(first.remaining()).isEqualTo(PAGE);
    assertThat(first.hasMorePages()).isTrue();

    long mark = counter.mark();
    List<SensorReading> seen;
    StreamStats stats;
    try (ResultStream<SensorReading> rest = EntityMappers.continueStream(async, first, helper, prefetch(1))) {
      seen = collect(rest);
      stats = rest.stats();
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(first.remaining()).as("the first page's entities were taken from the DAO's result").isZero();
    assertThat(stats.pagesFetched()).isEqualTo(11);
    assertThat(counter.sentSince(mark)).as("requests: the 10 pages after the held one").isEqualTo(10);
  }

  @Test
  void should_continue_a_partly_read_dao_result_from_its_next_entity() {
    List<SensorReading> expected = daoReadings(3);
    MappedAsyncPagingIterable<SensorReading> first =
        dao.findBySensorAsync(3, ObjectMapperIT::paged).toCompletableFuture().join();
    Iterator<SensorReading> page = first.currentPage().iterator();
    List<SensorReading> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seen.add(page.next());
    }
    for (SensorReading reading : async.continueStream(first, prefetch(2), EntityMappers.of(helper)).blocking()) {
      seen.add(reading);
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void should_continue_an_async_result_set_without_fetching_its_first_page_again() throws Exception {
    Statement<?> statement = SimpleStatement.newInstance("SELECT sensor_id, seq, value, note FROM " + table
        + " WHERE sensor_id = ?", 4).setPageSize(PAGE);
    List<SensorReading> expected = daoReadings(4);
    AsyncResultSet first = async.execute(statement).toCompletableFuture().get(60, TimeUnit.SECONDS);
    long mark = counter.mark();
    List<SensorReading> seen;
    StreamStats stats;
    try (QueryStream rest = async.continueStream(first, prefetch(2))) {
      seen = collect(rest.map(dao::asReading));
      stats = rest.stats();
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(first.remaining()).isZero();
    assertThat(stats.pagesFetched()).isEqualTo(11);
    assertThat(stats.maxBufferedPages()).isLessThanOrEqualTo(2);
    assertThat(counter.sentSince(mark)).isEqualTo(10);
  }

  @Test
  void should_ask_full_pages_after_the_held_one_whatever_the_first_page_size() throws Exception {
    // firstPageSize has no effect on a continued stream (its first page is held), but the pages after it
    // ramped up from it: 5, then 10, 20, ... rows, many more requests than the fetch size needs.
    Statement<?> statement = SimpleStatement.newInstance("SELECT sensor_id, seq, value, note FROM " + table
        + " WHERE sensor_id = ?", 4).setPageSize(PAGE);
    List<SensorReading> expected = daoReadings(4);
    AsyncResultSet first = async.execute(statement).toCompletableFuture().get(60, TimeUnit.SECONDS);
    long mark = counter.mark();
    List<Integer> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    StreamConfig config = StreamConfig.builder().prefetchPages(2).firstPageSize(5)
        .listener(StreamListener.onPages(page -> asked.add(page.requestedPageSize()))).build();
    try (QueryStream rest = async.continueStream(first, config)) {
      assertThat(collect(rest.map(dao::asReading))).isEqualTo(expected);
    }
    assertThat(counter.sentSince(mark)).as("the pages after the held one, of the fetch size").isEqualTo(10);
    assertThat(asked.subList(1, asked.size())).containsOnly(PAGE);
  }

  @Test
  void should_resume_a_continued_stream_with_the_statement_that_made_the_result() throws Exception {
    Statement<?> statement = SimpleStatement.newInstance("SELECT sensor_id, seq, value, note FROM " + table
        + " WHERE sensor_id = ?", 4).setPageSize(PAGE);
    List<SensorReading> expected = daoReadings(4);
    for (int stopAt : new int[] {40, 150}) { // inside the held page, then inside a page the stream read
      AsyncResultSet first = async.execute(statement).toCompletableFuture().get(60, TimeUnit.SECONDS);
      ResumeToken token;
      try (QueryStream rest = async.continueStream(first)) {
        Iterator<Row> rows = rest.iterator();
        for (int i = 0; i < stopAt; i++) {
          assertThat(dao.asReading(rows.next())).isEqualTo(expected.get(i));
        }
        token = rest.position();
      }
      try (QueryStream resumed = async.executeStream(statement, StreamConfig.builder().resumeFrom(token).build())) {
        assertThat(collect(resumed.map(dao::asReading))).isEqualTo(expected.subList(stopAt, READINGS));
      }
    }
  }

  @Test
  void should_refuse_to_continue_with_a_resume_token() throws Exception {
    AsyncResultSet first = async.execute(SimpleStatement.newInstance("SELECT * FROM " + table + " WHERE sensor_id = 1")
        .setPageSize(PAGE)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    ResumeToken token;
    try (QueryStream stream = async.executeStream(SimpleStatement.newInstance("SELECT * FROM " + table))) {
      token = stream.position();
    }
    assertThatThrownBy(() -> async.continueStream(first, StreamConfig.builder().resumeFrom(token).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("continueStream starts at the result it is given");
  }
}
