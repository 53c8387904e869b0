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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.InvalidResumeTokenException;
import org.asynccassandra.OffsetLimits;
import org.asynccassandra.OffsetPage;
import org.asynccassandra.Page;
import org.asynccassandra.PagingLimitExceededException;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.QueryStream;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Resume tokens and offset paging against a real Cassandra. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class ResumeAndOffsetIT {
  private static final int ROWS = 10_000;

  private AsyncSession async;
  private CqlSession session;
  private TestKeyspace keyspace;
  private String table;
  private List<String> expected;
  private final ResumeTokenSigner signer = ResumeTokenSigner.hmacSha256(randomKey());

  @BeforeAll
  void load(CqlSession session, TestKeyspace keyspace) {
    this.session = session;
    this.keyspace = keyspace;
    table = keyspace.table("resume");
    TestData.createSampleTable(session, table);
    TestData.loadSampleRows(session, table, ROWS, 700); // partitions of 700 rows: pages cross partitions
    async = AsyncSession.wrap(session);
    expected = new ArrayList<>();
    for (Row row : session.execute(query(5_000))) {
      expected.add(key(row));
    }
    assertThat(expected).hasSize(ROWS);
  }

  @AfterAll
  void close() {
    async.close();
  }

  private Statement<?> query(int fetchSize) {
    return SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table).setPageSize(fetchSize);
  }

  private static String key(Row row) {
    return row.getInt("pk") + "/" + row.getInt("ck");
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** Every row from {@code token} on, with another fetch size, through a signed round trip. */
  private List<String> rowsAfter(ResumeToken token, int fetchSize) {
    ResumeToken decoded = signer.decode(signer.encode(token));
    List<String> rows = new ArrayList<>();
    try (QueryStream stream = async.executeStream(query(1000),
        StreamConfig.builder().fetchSize(fetchSize).prefetchPages(2).resumeFrom(decoded).build())) {
      stream.forEach(row -> rows.add(key(row))).toCompletableFuture().join();
    }
    return rows;
  }

  @Test
  void should_resume_exactly_at_every_page_boundary() {
    List<Page<Row>> pages = new ArrayList<>();
    List<String> before = new ArrayList<>();
    List<List<String>> prefixes = new ArrayList<>();
    try (QueryStream stream = async.executeStream(query(1000), StreamConfig.builder().prefetchPages(2).build())) {
      stream.forEachPage(page -> {
        pages.add(page);
        page.rows().forEach(row -> before.add(key(row)));
        prefixes.add(List.copyOf(before));
      }).toCompletableFuture().join();
    }
    // 10 full pages; the server may add an empty last page after a full one.
    assertThat(pages.size()).isBetween(10, 11);
    for (int i = 0; i < pages.size(); i++) {
      List<String> all = new ArrayList<>(prefixes.get(i));
      all.addAll(rowsAfter(pages.get(i).resumeToken().orElseThrow(), 1000 + 37 * i));
      assertThat(all).as("resumed after page %d", i + 1).isEqualTo(expected);
    }
    assertThat(pages.get(pages.size() - 1).resumeToken().orElseThrow().isEnd()).isTrue();
  }

  @Test
  void should_resume_exactly_at_200_random_rows_inside_pages_with_read_ahead_on() {
    Random random = new Random(2026);
    int[] fetchSizes = {100, 333, 1000, 1777, 5000};
    for (int attempt = 0; attempt < 200; attempt++) {
      int stopAfter = 1 + random.nextInt(ROWS - 1);
      List<String> before = new ArrayList<>();
      ResumeToken token;
      try (QueryStream stream = async.executeStream(query(1000), StreamConfig.builder().prefetchPages(3).build())) {
        Iterator<Row> rows = stream.iterator();
        while (before.size() < stopAfter) {
          before.add(key(rows.next()));
        }
        token = stream.position();
      }
      List<String> all = new ArrayList<>(before);
      all.addAll(rowsAfter(token, fetchSizes[attempt % fetchSizes.length]));
      assertThat(all).as("stopped after %d rows", stopAfter).isEqualTo(expected);
    }
  }

  @Test
  void should_refuse_to_resume_a_write_that_is_not_idempotent_before_sending_it() {
    String writes = keyspace.table("resume_writes");
    session.execute("CREATE TABLE " + writes + " (k int PRIMARY KEY, v int)");
    SimpleStatement insert = SimpleStatement.newInstance("INSERT INTO " + writes + " (k, v) VALUES (1, 1) IF NOT EXISTS");
    ResumeToken atStart;
    try (QueryStream unread = async.executeStream(insert)) {
      atStart = unread.position(); // nothing sent: a stream sends its first request when it is consumed
    }

    assertThatThrownBy(() -> async.executeStream(insert, StreamConfig.builder().resumeFrom(atStart).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INSERT INTO " + writes)
        .hasMessageContaining("neither a SELECT nor marked idempotent");
    assertThat(session.execute("SELECT k FROM " + writes).all()).as("nothing was sent").isEmpty();

    // Marked idempotent, the same token resumes (here: runs the statement, which applies once).
    SimpleStatement idempotent = insert.setIdempotent(true);
    List<Boolean> applied = new ArrayList<>();
    try (QueryStream stream = async.executeStream(idempotent, StreamConfig.builder().resumeFrom(atStart).build())) {
      stream.forEach(row -> applied.add(row.getBoolean("[applied]"))).toCompletableFuture().join();
    }
    assertThat(applied).containsExactly(true);
  }

  @Test
  void should_reject_a_token_of_the_same_query_text_prepared_in_another_keyspace() {
    // A statement prepared with a keyspace of its own and no variable: the driver's bound statement names no
    // keyspace, and the fingerprint took the session's (none here) for both, so one tenant's token was taken
    // for the other's table and the listing started at a key of the first.
    String other = keyspace.name() + "_other";
    TestData.createKeyspace(session, other, 1);
    try {
      String items = keyspace.table("items");
      String otherItems = other + ".items";
      for (String name : List.of(items, otherItems)) {
        TestData.createSampleTable(session, name);
        TestData.loadSampleRows(session, name, 300, 100);
      }
      PreparedStatement inFirst = session.prepare(SimpleStatement.newInstance("SELECT pk, ck FROM items")
          .setKeyspace(keyspace.name()));
      PreparedStatement inOther = session.prepare(SimpleStatement.newInstance("SELECT pk, ck FROM items")
          .setKeyspace(other));
      ResumeToken inFirstKeyspace;
      try (QueryStream stream = async.executeStream(inFirst.bind().setPageSize(100))) {
        stream.nextPage().toCompletableFuture().join();
        inFirstKeyspace = stream.position();
      }

      assertThatThrownBy(() -> async.executeStream(inOther.bind(),
          StreamConfig.builder().resumeFrom(inFirstKeyspace).build()))
          .isInstanceOf(InvalidResumeTokenException.class)
          .extracting(e -> ((InvalidResumeTokenException) e).reason())
          .isEqualTo(InvalidResumeTokenException.Reason.WRONG_STATEMENT);
      try (QueryStream again = async.executeStream(inFirst.bind(),
          StreamConfig.builder().resumeFrom(inFirstKeyspace).build())) {
        assertThat(again.nextPage().toCompletableFuture().join()).as("its own statement resumes").isPresent();
      }
    } finally {
      session.execute("DROP KEYSPACE IF EXISTS " + other);
    }
  }

  /**
   * A simple statement over a token range with {@code Token} values: the fingerprint encoded them with the codec
   * registry, which has no codec for a Token, so position() and resumeFrom threw CodecNotFoundException.
   */
  @Test
  void should_resume_a_token_range_query_whose_values_are_tokens() {
    TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow();
    Statement<?> range = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table
        + " WHERE token(pk) > ? AND token(pk) <= ?", tokens.parse("-3074457345618258603"),
        tokens.parse("3074457345618258602")).setPageSize(300);
    List<String> all = new ArrayList<>();
    for (Row row : session.execute(range)) {
      all.add(key(row));
    }
    assertThat(all).hasSizeGreaterThan(600);
    List<String> first = new ArrayList<>();
    ResumeToken afterFirstPage;
    try (QueryStream stream = async.executeStream(range)) {
      stream.nextPage().toCompletableFuture().join().orElseThrow().rows().forEach(row -> first.add(key(row)));
      afterFirstPage = stream.position();
    }
    List<String> rest = new ArrayList<>();
    try (QueryStream stream = async.executeStream(range, StreamConfig.builder()
        .resumeFrom(signer.decode(signer.encode(afterFirstPage))).build())) {
      stream.forEach(row -> rest.add(key(row))).toCompletableFuture().join();
    }
    assertThat(first).hasSize(300);
    first.addAll(rest);
    assertThat(first).isEqualTo(all);
  }

  @Test
  void should_reject_a_token_of_another_query_or_other_bound_values_before_any_query() {
    PreparedStatement byPartition = async.prepare("SELECT pk, ck, payload FROM " + table + " WHERE pk = ?")
        .toCompletableFuture().join();
    ResumeToken forPartition3;
    try (QueryStream stream = async.executeStream(byPartition.bind(3).setPageSize(100))) {
      stream.nextPage().toCompletableFuture().join();
      forPartition3 = stream.position();
    }
    assertThatThrownBy(() -> async.executeStream(byPartition.bind(4),
        StreamConfig.builder().resumeFrom(forPartition3).build()))
        .isInstanceOf(InvalidResumeTokenException.class)
        .hasMessageContaining("another statement")
        .extracting(e -> ((InvalidResumeTokenException) e).reason())
        .isEqualTo(InvalidResumeTokenException.Reason.WRONG_STATEMENT);
    assertThatThrownBy(() -> async.executeStream(query(100), StreamConfig.builder().resumeFrom(forPartition3).build()))
        .isInstanceOf(InvalidResumeTokenException.class);
    // The right statement resumes: the rest of partition 3.
    List<String> rest = new ArrayList<>();
    try (QueryStream stream = async.executeStream(byPartition.bind(3), StreamConfig.builder().resumeFrom(forPartition3).build())) {
      stream.forEach(row -> rest.add(key(row))).toCompletableFuture().join();
    }
    assertThat(rest).hasSize(600).first().isEqualTo("3/100");
  }

  // ---- offset paging --------------------------------------------------------------------------------

  @Test
  void should_return_pages_equal_to_slices_of_the_full_result() {
    int size = 250;
    for (int number = 1; number <= ROWS / size; number++) {
      OffsetPage page = async.fetchPage(query(1000), number, size, OffsetLimits.of(100, ROWS))
          .toCompletableFuture().join();
      assertThat(page.rows()).extracting(ResumeAndOffsetIT::key)
          .as("page %d", number).isEqualTo(expected.subList((number - 1) * size, number * size));
      assertThat(page.isLast()).isEqualTo(number == ROWS / size);
      assertThat(page.stats().maxBufferedPages()).as("skipped rows are never kept").isLessThanOrEqualTo(1);
    }
  }

  @Test
  void should_return_an_empty_last_page_past_the_end() {
    OffsetPage past = async.fetchPage(query(1000), 41, 250, OffsetLimits.of(100, ROWS)).toCompletableFuture().join();
    assertThat(past.rows()).isEmpty();
    assertThat(past.isLast()).isTrue();
    OffsetPage partial = async.fetchPage(query(1000), 7, 1500, OffsetLimits.of(100, ROWS)).toCompletableFuture().join();
    assertThat(partial.rows()).hasSize(1000);
    assertThat(partial.isLast()).isTrue();
  }

  @Test
  void should_enforce_every_limit_before_touching_the_database() {
    assertThatThrownBy(() -> async.fetchPage(query(1000), 11, 10, OffsetLimits.of(10, 1_000_000)))
        .isInstanceOf(PagingLimitExceededException.class)
        .hasMessageContaining("maxPageNumber 10")
        .extracting(e -> ((PagingLimitExceededException) e).limit()).isEqualTo("maxPageNumber");
    assertThatThrownBy(() -> async.fetchPage(query(1000), 6, 250, OffsetLimits.of(100, 1000)))
        .isInstanceOf(PagingLimitExceededException.class)
        .hasMessageContaining("1250 is over maxSkippedRows 1000");
    assertThatThrownBy(() -> async.fetchPage(query(1000), 1, 101, OffsetLimits.of(100, 1000, 100)))
        .isInstanceOf(PagingLimitExceededException.class)
        .hasMessageContaining("101 is over maxPageSize 100");
    assertThatThrownBy(() -> async.fetchPage(query(1000), 1, 10_001))
        .as("the default limits")
        .isInstanceOf(PagingLimitExceededException.class)
        .hasMessageContaining("10001 is over maxPageSize 10000");
  }

  @Test
  void should_keep_memory_flat_whatever_the_page_number() {
    OffsetPage first = async.fetchPage(query(1000), 1, 100, OffsetLimits.of(1000, ROWS)).toCompletableFuture().join();
    OffsetPage deep = async.fetchPage(query(1000), 99, 100, OffsetLimits.of(1000, ROWS)).toCompletableFuture().join();
    assertThat(deep.rows()).hasSize(100);
    assertThat(deep.stats().rowsFetched()).isEqualTo(99 * 100 + 1);
    assertThat(first.stats().maxBufferedPages()).isLessThanOrEqualTo(1);
    assertThat(deep.stats().maxBufferedPages()).isLessThanOrEqualTo(1);
  }

  @Test
  void should_give_the_position_of_a_conditional_batch_and_bind_its_token_to_that_batch() {
    // A conditional batch returns a row, so it streams; its position() threw IllegalArgumentException ("a batch
    // returns no rows"), and resuming from a token with one threw that instead of InvalidResumeTokenException.
    String lwt = keyspace.table("resume_batch");
    session.execute("CREATE TABLE " + lwt + " (k int PRIMARY KEY, v text)");
    com.datastax.oss.driver.api.core.cql.BatchStatement batch = com.datastax.oss.driver.api.core.cql.BatchStatement
        .newInstance(com.datastax.oss.driver.api.core.cql.DefaultBatchType.LOGGED,
            SimpleStatement.newInstance("INSERT INTO " + lwt + " (k, v) VALUES (1, 'a') IF NOT EXISTS"));
    List<Boolean> applied = new ArrayList<>();
    ResumeToken at;
    try (QueryStream stream = async.executeStream(batch)) {
      stream.forEach(row -> applied.add(row.getBoolean("[applied]"))).toCompletableFuture().join();
      at = stream.position();
    }
    assertThat(applied).containsExactly(true);
    assertThat(at.isEnd()).isTrue();

    try (QueryStream again = async.executeStream(batch, StreamConfig.builder().resumeFrom(at).build())) {
      List<Row> rows = new ArrayList<>();
      again.forEach(rows::add).toCompletableFuture().join();
      assertThat(rows).as("resumed at its end: nothing more, and the insert not sent again").isEmpty();
    }
    com.datastax.oss.driver.api.core.cql.BatchStatement other = com.datastax.oss.driver.api.core.cql.BatchStatement
        .newInstance(com.datastax.oss.driver.api.core.cql.DefaultBatchType.LOGGED,
            SimpleStatement.newInstance("INSERT INTO " + lwt + " (k, v) VALUES (2, 'b') IF NOT EXISTS"));
    assertThatThrownBy(() -> async.executeStream(other, StreamConfig.builder().resumeFrom(at).build()))
        .isInstanceOf(InvalidResumeTokenException.class)
        .extracting(error -> ((InvalidResumeTokenException) error).reason())
        .isEqualTo(InvalidResumeTokenException.Reason.WRONG_STATEMENT);
    assertThat(session.execute("SELECT k FROM " + lwt).all()).hasSize(1);
  }
}
