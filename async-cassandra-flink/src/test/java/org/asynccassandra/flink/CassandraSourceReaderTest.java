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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.core.io.InputStatus;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanCheckpoint.Range;
import org.asynccassandra.ScanCheckpoint.State;
import org.asynccassandra.ScanRange;
import org.asynccassandra.TableScan;
import org.junit.jupiter.api.Test;

/** The reader on {@link FakeScan}s: no Cassandra, every page completed by hand. */
class CassandraSourceReaderTest {
  private final TestingReaderContext context = new TestingReaderContext();
  private final TestingReaderOutput<String> output = new TestingReaderOutput<>();
  private final Map<String, FakeScan> scans = new LinkedHashMap<>();
  private CompletableFuture<Void> connection = new CompletableFuture<>();

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

  private CassandraSourceReader<String> reader(int splitsPerReader, CassandraRowMapper<String> mapper) {
    SourceSettings settings = new SourceSettings(() -> {
      throw new AssertionError("no session in this test");
    }, "test", "ks", "t", List.of(), null, false, 0, 0, splitsPerReader, null,
        null);
    return new CassandraSourceReader<>(context, settings, mapper, new ScanOpener() {
      @Override
      public CompletableFuture<Void> connect() {
        return connection;
      }

      @Override
      public TableScan open(CassandraSplit split) {
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
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    connection.complete(null);
    reader.start();
    reader.addSplits(List.of(split(1)));
    assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
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
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    connection.complete(null);
    reader.start();
    reader.addSplits(List.of(split(1)));
    reader.pollNext(output);
    PageFetchException failure = new PageFetchException(1, 0, "scan of ks.t", ScanRange.of("10", "20"),
        new RuntimeException("node down"), null);
    scans.get("split-1").fail(new java.util.concurrent.CompletionException(failure));

    assertThatThrownBy(() -> reader.pollNext(output)).isSameAs(failure);
  }

  @Test
  void should_fail_when_the_session_cannot_connect() {
    CassandraSourceReader<String> reader = reader(1, row -> row.toString());
    reader.start();
    connection.completeExceptionally(new IllegalStateException("no contact point answered"));

    assertThatThrownBy(() -> reader.pollNext(output)).hasRootCauseMessage("no contact point answered");
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
