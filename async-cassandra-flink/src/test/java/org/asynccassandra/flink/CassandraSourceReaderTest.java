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
package org.asynccassandra.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.core.io.InputStatus;
import org.asynccassandra.AsyncCassandraException;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanCheckpoint.Range;
import org.asynccassandra.ScanCheckpoint.State;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.TableScan;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The reader on {@link FakeScan}s: no Cassandra, every page completed by hand. */
class CassandraSourceReaderTest {
  private final TestingReaderContext context = new TestingReaderContext();
  private final TestingReaderOutput<String> output = new TestingReaderOutput<>();
  private final Map<String, FakeScan> scans = new LinkedHashMap<>();
  private CompletableFuture<Void> connection = new CompletableFuture<>();
  private @Nullable RuntimeException openFailure; // thrown by the opener's open() when set

  private static ScanCheckpoint at(Range... ranges) {
    return new ScanCheckpoint("ks", "t", "fp", List.of(ranges));
  }

  private static CassandraSplit split(int number) {
    return new CassandraSplit("split-" + number, ScanRange.of(String.valueOf(number * 10),
        String.valueOf(number * 10 + 10)), List.of(), null);
  }

  private static Range pending(CassandraSplit split) {
    return Range.pending(split.range());
  }

  /** The settings of a source of ks.t reading {@code columns} (none: every column). */
  private static SourceSettings settings(int splitsPerReader, List<String> columns) {
    return new SourceSettings(() -> {
      throw new AssertionError("no session in this test");
    }, "test", "ks", "t", columns, null, false, 0, 0, splitsPerReader, null,
        null);
  }

  /** A connected reader of one split at a time that was given split-1 and polled once: its scan is open. */
  private CassandraSourceReader<String> readingSplit1() throws Exception {
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    connection.complete(null);
    reader.start();
    reader.addSplits(List.of(split(1)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    return reader;
  }

  private CassandraSourceReader<String> reader(int splitsPerReader, CassandraRowMapper<String> mapper) {
    return reader(settings(splitsPerReader, List.of()), mapper);
  }

  private CassandraSourceReader<String> reader(SourceSettings settings, CassandraRowMapper<String> mapper) {
    return new CassandraSourceReader<>(context, settings, mapper, new ScanOpener() {
      @Override
      public CompletableFuture<Void> connect() {
        return connection;
      }

      @Override
      public TableScan open(CassandraSplit split) {
        if (openFailure != null) {
          throw openFailure;
        }
        FakeScan scan = new FakeScan(split.position().orElse(at(pending(split))));
        scans.put(split.splitId(), scan);
        return scan;
      }

      @Override
      public void close() {}
    });
  }

  private List<String> emitted() {
    return new ArrayList<>(output.getEmittedRecords());
  }

  @Test
  void should_emit_one_row_per_poll_and_checkpoint_the_row_after_the_last_one_emitted() throws Exception {
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    CassandraSplit split = split(1);
    reader.start();
    reader.addSplits(List.of(split));
    assertThat(context.getNumSplitRequests()).isEqualTo(1);

    assertThat(reader.pollNext(output)).as("not connected yet").isEqualTo(InputStatus.NOTHING_AVAILABLE);
    CompletableFuture<Void> available = reader.isAvailable();
    assertThat(available).isNotDone();
    connection.complete(null);
    assertThat(available).isDone();

    assertThat(reader.pollNext(output)).as("the first page is on its way").isEqualTo(InputStatus.NOTHING_AVAILABLE);
    FakeScan scan = scans.get("split-1");
    assertThat(scan.hasPendingCall()).isTrue();
    available = reader.isAvailable();
    assertThat(available).isNotDone();
    assertThat(reader.snapshotState(1)).containsExactly(split.at(at(pending(split))));

    scan.deliver(FakeScan.rows("a", "b", "c"), at(new Range("10", "20", State.IN_PROGRESS, "PAGE2", 0, 3)));
    assertThat(available).isDone();

    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);
    assertThat(emitted()).containsExactly("a");
    assertThat(reader.snapshotState(2)).containsExactly(
        split.at(at(new Range("10", "20", State.IN_PROGRESS, null, 1, 1))));

    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);
    assertThat(reader.snapshotState(3)).containsExactly(
        split.at(at(new Range("10", "20", State.IN_PROGRESS, null, 2, 2))));
    assertThat(scan.nextPageCalls).as("no next page asked for while the page is emitted").isEqualTo(1);

    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);
    assertThat(emitted()).containsExactly("a", "b", "c");
    assertThat(scan.nextPageCalls).as("the next page is asked for after the last row").isEqualTo(2);
    assertThat(reader.snapshotState(4)).containsExactly(
        split.at(at(new Range("10", "20", State.IN_PROGRESS, "PAGE2", 0, 3))));

    scan.deliver(FakeScan.rows("d", "e"), at(new Range("10", "20", State.IN_PROGRESS, "PAGE3", 0, 5)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);
    assertThat(reader.snapshotState(5)).containsExactly(
        split.at(at(new Range("10", "20", State.IN_PROGRESS, "PAGE2", 1, 4))));
  }

  @Test
  void should_end_after_the_last_split_and_the_no_more_splits_signal() throws Exception {
    CassandraSourceReader<String> reader = readingSplit1();
    FakeScan scan = scans.get("split-1");
    scan.deliver(FakeScan.rows("a"), at(new Range("10", "20", State.IN_PROGRESS, "P", 0, 1)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);

    scan.end(at(new Range("10", "20", State.DONE, null, 0, 1)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    assertThat(scan.closed).isTrue();
    assertThat(context.getNumSplitRequests()).as("a new split asked for when one finished").isEqualTo(2);
    assertThat(reader.snapshotState(1)).as("a finished split leaves the state").isEmpty();

    CompletableFuture<Void> available = reader.isAvailable();
    reader.notifyNoMoreSplits();
    assertThat(available).isDone();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.END_OF_INPUT);
  }

  @Test
  void should_read_restored_splits_from_their_positions_and_ask_for_more_only_when_below_its_share() throws Exception {
    CassandraSourceReader<String> reader = reader(2, row -> row.toString());
    CassandraSplit midPage = split(1).at(at(new Range("10", "20", State.IN_PROGRESS, "AAAA", 7, 107)));
    CassandraSplit notStarted = split(2);
    CassandraSplit third = split(3);
    reader.addSplits(List.of(midPage, notStarted, third)); // restored: before start()
    connection.complete(null);
    reader.start();

    assertThat(context.getNumSplitRequests()).isZero();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    assertThat(scans).containsOnlyKeys("split-1", "split-2");
    assertThat(scans.get("split-1").checkpoint()).isEqualTo(midPage.position().orElseThrow());
    // An opened split is stored with its scan's checkpoint; one not opened yet as it came.
    assertThat(reader.snapshotState(1)).containsExactlyInAnyOrder(midPage, notStarted.at(at(pending(notStarted))),
        third);
  }

  @Test
  void should_ask_again_for_a_split_that_came_finished() throws Exception {
    // A finished split is dropped as it comes: the request it answered was not asked again, and a reader given
    // only finished splits waited for good (no split, and no "no more splits" either).
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    connection.complete(null);
    reader.start();
    assertThat(context.getNumSplitRequests()).isEqualTo(1);
    CassandraSplit done = split(1).at(at(new Range("10", "20", State.DONE, null, 0, 5)));
    assertThat(done.isFinished()).isTrue();

    reader.addSplits(List.of(done));

    assertThat(context.getNumSplitRequests()).as("asked again").isEqualTo(2);
    reader.addSplits(List.of(split(2)));
    assertThat(context.getNumSplitRequests()).as("not for a split it reads").isEqualTo(2);
  }

  @Test
  void should_not_count_a_row_whose_mapping_failed() throws Exception {
    CassandraSourceReader<String> reader = reader(1, row -> {
      if (row.toString().equals("b")) {
        throw new IllegalStateException("bad row b");
      }
      return row.toString();
    });
    CassandraSplit split = deliverRowsABC(reader);

    // Flink restarts the task from the checkpoint, where b was not emitted: the failure names where b is.
    assertThatThrownBy(() -> reader.pollNext(output)).isInstanceOf(org.asynccassandra.AsyncCassandraException.class)
        .hasMessage("The CassandraRowMapper failed on a row of ks.t, split split-1, token range (10, 20]: "
            + "java.lang.IllegalStateException: bad row b")
        .hasRootCauseMessage("bad row b");
    assertThat(reader.snapshotState(1)).containsExactly(split.at(at(new Range("10", "20", State.IN_PROGRESS, null, 1, 1))));
  }

  @Test
  void should_fail_naming_the_split_when_the_mapper_returns_null() throws Exception {
    CassandraSourceReader<String> reader = reader(1, row -> row.toString().equals("b") ? null : row.toString());
    CassandraSplit split = deliverRowsABC(reader);

    assertThatThrownBy(() -> reader.pollNext(output)).isInstanceOf(org.asynccassandra.AsyncCassandraException.class)
        .hasMessage("The CassandraRowMapper returned null for a row of ks.t, split split-1, token range (10, 20];"
            + " a mapper must return a record for every row");
    assertThat(reader.snapshotState(1)).containsExactly(split.at(at(new Range("10", "20", State.IN_PROGRESS, null, 1, 1))));
  }

  /** Starts the reader on split 1 and delivers rows a, b and c of range (10, 20] in one page: a is emitted. */
  private CassandraSplit deliverRowsABC(CassandraSourceReader<String> reader) throws Exception {
    connection.complete(null);
    reader.start();
    CassandraSplit split = split(1);
    reader.addSplits(List.of(split));
    reader.pollNext(output);
    scans.get("split-1").deliver(FakeScan.rows("a", "b", "c"), at(new Range("10", "20", State.DONE, null, 0, 3)));
    reader.pollNext(output);
    return split;
  }

  @Test
  void should_fail_with_the_scans_failure_unwrapped() throws Exception {
    CassandraSourceReader<String> reader = readingSplit1();
    PageFetchException failure = new PageFetchException(1, 0, "scan of ks.t", ScanRange.of("10", "20"),
        new RuntimeException("node down"), null);
    scans.get("split-1").fail(new java.util.concurrent.CompletionException(failure));

    assertThatThrownBy(() -> reader.pollNext(output)).isSameAs(failure);
    assertThat(failure.getSuppressed()).singleElement().extracting(Throwable::getMessage)
        .isEqualTo("The failed page belongs to ks.t, split split-1, token range (10, 20]");
  }

  @Test
  void should_name_the_table_the_split_and_its_range_when_its_scan_fails() throws Exception {
    // The scan's total timeout named only "scan of ks.t": not which of the reader's splits timed out.
    CassandraSourceReader<String> reader = reader(2, row -> row.toString());
    connection.complete(null);
    reader.start();
    reader.addSplits(List.of(split(1), split(2)));
    reader.pollNext(output);
    StreamTimeoutException timeout = new StreamTimeoutException(StreamTimeoutException.Kind.TOTAL,
        Duration.ofSeconds(30), 4, "scan of ks.t");
    scans.get("split-2").fail(new java.util.concurrent.CompletionException(timeout));

    assertThatThrownBy(() -> reader.pollNext(output)).isInstanceOf(AsyncCassandraException.class)
        .hasMessageStartingWith("Reading ks.t, split split-2, token range (20, 30] failed: ")
        .hasMessageContaining("did not end within totalTimeout PT30S")
        .cause().isSameAs(timeout);
  }

  @Test
  void should_name_the_split_whose_scan_cannot_be_opened() throws Exception {
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    connection.complete(null);
    reader.start();
    CassandraSplit split = split(3).at(at(new Range("30", "40", State.IN_PROGRESS, "AAAA", 2, 2)));
    reader.addSplits(List.of(split));
    IllegalArgumentException refused = new IllegalArgumentException("The checkpoint was made by another scan");
    openFailure = refused;

    assertThatThrownBy(() -> reader.pollNext(output)).isInstanceOf(AsyncCassandraException.class)
        .hasMessage("Cannot open the scan of ks.t, split split-3, token range (30, 40]: " + refused)
        .cause().isSameAs(refused);
  }

  /** More readers than splits: a reader told "no more splits" before any came ends whatever its connection does. */
  @Test
  void should_end_without_a_split_while_its_connection_is_pending_or_failed() throws Exception {
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    reader.start();
    CompletableFuture<Void> available = reader.isAvailable();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    reader.notifyNoMoreSplits();
    assertThat(reader.isAvailable()).as("woken by the signal, the connection still pending").isDone();
    assertThat(available).isDone();
    assertThat(reader.pollNext(output)).as("connection pending").isEqualTo(InputStatus.END_OF_INPUT);
    connection.completeExceptionally(new IllegalStateException("no contact point answered"));
    assertThat(reader.pollNext(output)).as("connection failed: nothing to read with it").isEqualTo(
        InputStatus.END_OF_INPUT);
    reader.close();
  }

  /** A position the scan's checkpoints cannot place declines the checkpoint: the message says which, and where. */
  @Test
  void should_name_the_checkpoint_and_the_split_when_a_position_cannot_be_placed() throws Exception {
    CassandraSourceReader<String> reader = readingSplit1();
    // A page of two rows that no single range received: two ranges moved by one row each.
    scans.get("split-1").deliver(FakeScan.rows("a", "b"), at(new Range("10", "15", State.IN_PROGRESS, "P", 0, 1),
        new Range("15", "20", State.IN_PROGRESS, "Q", 0, 1)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);

    assertThatThrownBy(() -> reader.snapshotState(7)).isInstanceOf(AsyncCassandraException.class)
        .hasMessageStartingWith("Checkpoint 7 of subtask 0 cannot place the position of ks.t, split split-1, "
            + "token range ")
        .hasMessageContaining("Cannot tell which range a page of 2 rows came from")
        .cause().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void should_fail_when_the_session_cannot_connect() {
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    reader.start();
    IllegalStateException refused = new IllegalStateException("no contact point answered");
    connection.completeExceptionally(refused);

    assertThatThrownBy(() -> reader.pollNext(output)).isInstanceOf(AsyncCassandraException.class)
        .hasMessage("Subtask 0 of the source of ks.t could not connect to Cassandra: " + refused)
        .cause().isSameAs(refused);
  }

  @Test
  void should_go_on_taking_turns_when_the_cursor_over_its_splits_wraps() throws Exception {
    // The cursor grows by one each time a split is found waiting: after 2^31 it is negative, and
    // cursor % open.size() was an index out of bounds.
    CassandraSourceReader<String> reader = reader(2, row -> row.toString());
    java.lang.reflect.Field cursor = CassandraSourceReader.class.getDeclaredField("cursor");
    cursor.setAccessible(true);
    cursor.setInt(reader, Integer.MAX_VALUE);
    connection.complete(null);
    reader.start();
    reader.addSplits(List.of(split(1), split(2)));

    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE); // both wait: the cursor wraps
    assertThat(cursor.getInt(reader)).isNegative();
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    scans.get("split-2").deliver(FakeScan.rows("a"), at(new Range("20", "30", State.IN_PROGRESS, "P", 0, 1)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.MORE_AVAILABLE);
    assertThat(emitted()).containsExactly("a");
  }

  @Test
  void should_refuse_a_restored_split_without_a_position_planned_for_other_columns() throws Exception {
    // Only a position carried the query's fingerprint: a split not started yet was read with the new columns.
    SourceSettings planned = settings(2, List.of("a", "b"));
    CassandraSplit notStarted = new CassandraSplit("split-4", ScanRange.of("40", "50"), List.of(),
        QueryFingerprint.of(planned), null);
    CassandraSplitSerializer serializer = CassandraSplitSerializer.INSTANCE;
    CassandraSplit restored = serializer.deserialize(serializer.getVersion(), serializer.serialize(notStarted));
    CassandraSourceReader<String> reader = reader(settings(2, List.of("a", "c")), row -> row.toString());

    assertThatThrownBy(() -> reader.addSplits(List.of(restored))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Split split-4 of ks.t (token range (40, 50]) was planned by a source of another "
            + "query: the columns changed since the checkpoint");
    assertThat(reader.snapshotState(1)).as("nothing taken").isEmpty();

    CassandraSourceReader<String> same = reader(settings(2, List.of("a", "b")), row -> row.toString());
    same.addSplits(List.of(restored));
    assertThat(same.snapshotState(1)).containsExactly(restored);
  }

  @Test
  void should_accept_a_restored_split_that_carries_no_fingerprint_as_before() throws Exception {
    CassandraSourceReader<String> reader = reader(settings(2, List.of("a", "c")), row -> row.toString());
    CassandraSplit ofVersion1 = split(5); // as a split of version 1 of the format is read

    reader.addSplits(List.of(ofVersion1));

    assertThat(reader.snapshotState(1)).containsExactly(ofVersion1);
  }

  @Test
  void should_be_available_when_the_connection_fails_as_it_waits_for_work() throws Exception {
    // The connection fails right after pollNext saw it pending, before waitForWork replaced the future that
    // the failure's wake-up completed: no split is there yet, so only the failure itself can be the work.
    connection = new CompletableFuture<>() {
      private boolean asked;

      @Override
      public boolean isDone() {
        if (!asked) {
          asked = true;
          completeExceptionally(new IllegalStateException("no contact point answered"));
          return false; // as pollNext saw it, just before
        }
        return super.isDone();
      }
    };
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    reader.start();

    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    assertThat(reader.isAvailable()).as("Flink must poll again to see the failure").isDone();
    assertThatThrownBy(() -> reader.pollNext(output)).hasRootCauseMessage("no contact point answered");
  }
}
