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

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanCheckpoint.State;
import org.asynccassandra.ScanRange;
import org.junit.jupiter.api.Test;

class CassandraSplitEnumeratorTest {
  /** Host names as DNS would resolve them: "cass-a" is 10.0.0.1, "tm-b" is 10.0.0.2, "tm-x" is elsewhere. */
  private static final Map<String, Set<String>> DNS = Map.of("cass-a", Set.of("10.0.0.1"),
      "tm-b", Set.of("10.0.0.2"), "tm-x", Set.of("192.168.1.9"));

  private final TestingSplitEnumeratorContext<CassandraSplit> context = new TestingSplitEnumeratorContext<>(3);
  private final AtomicInteger plans = new AtomicInteger();

  /** Six splits in ring order: split-0 and split-3 on 10.0.0.1, 1 and 4 on 10.0.0.2, 2 and 5 on 10.0.0.3. */
  private static List<CassandraSplit> ring() {
    List<CassandraSplit> splits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      splits.add(new CassandraSplit("split-" + i, ScanRange.of(String.valueOf(i * 100), String.valueOf(i * 100 + 100)),
          List.of("10.0.0." + (i % 3 + 1)), null));
    }
    return splits;
  }

  private CassandraSplitEnumerator enumerator(CassandraEnumeratorState state) {
    return new CassandraSplitEnumerator(context, "ks.t", parallelism -> {
      plans.incrementAndGet();
      assertThat(parallelism).isEqualTo(3);
      return ring();
    }, host -> DNS.getOrDefault(host, Set.of()), state);
  }

  /** Starts it as Flink does once its readers have registered: plans, and looks their hosts up. */
  private void startWithReaders(CassandraSplitEnumerator enumerator) {
    context.registeredReaders().keySet().forEach(enumerator::addReader);
    enumerator.start();
    context.triggerAllActions();
  }

  private List<String> assignedTo(int subtask) {
    TestingSplitEnumeratorContext.SplitAssignmentState<CassandraSplit> state = context.getSplitAssignments().get(subtask);
    return state == null ? List.of() : state.getAssignedSplits().stream().map(CassandraSplit::splitId).toList();
  }

  private boolean noMoreSplitsFor(int subtask) {
    TestingSplitEnumeratorContext.SplitAssignmentState<CassandraSplit> state = context.getSplitAssignments().get(subtask);
    return state != null && state.hasReceivedNoMoreSplitsSignal();
  }

  @Test
  void should_plan_off_the_coordinator_thread_and_serve_requests_that_came_before_the_plan() {
    context.registerReader(0, "tm-x");
    CassandraSplitEnumerator enumerator = enumerator(CassandraEnumeratorState.notPlanned());
    enumerator.start();
    enumerator.handleSplitRequest(0, "tm-x");

    assertThat(plans).hasValue(0); // planning waits for the worker thread
    assertThat(assignedTo(0)).isEmpty();
    assertThat(enumerator.snapshotState(1).isPlanned()).isFalse();

    context.triggerAllActions();

    assertThat(plans).hasValue(1);
    assertThat(assignedTo(0)).containsExactly("split-0");
    assertThat(enumerator.snapshotState(2).unassignedSplits()).extracting(CassandraSplit::splitId)
        .containsExactly("split-1", "split-2", "split-3", "split-4", "split-5");
  }

  @Test
  void should_look_a_readers_host_up_once() {
    // The log line of a reader's first request looked its host up again, beside the assigner's cached lookup.
    AtomicInteger lookups = new AtomicInteger();
    context.registerReader(0, "tm-b");
    CassandraSplitEnumerator enumerator = new CassandraSplitEnumerator(context, "ks.t", parallelism -> ring(),
        host -> {
          lookups.incrementAndGet();
          return DNS.getOrDefault(host, Set.of());
        }, CassandraEnumeratorState.notPlanned());
    startWithReaders(enumerator);
    enumerator.handleSplitRequest(0, "tm-b");
    enumerator.handleSplitRequest(0, "TM-B ");
    assertThat(assignedTo(0)).containsExactly("split-1", "split-4");
    assertThat(lookups).hasValue(1);
  }

  @Test
  void should_look_a_new_host_up_in_a_worker_thread_and_assign_once_its_addresses_are_back() {
    // The enumerator looked a reader's host up on the coordinator thread: a slow DNS server held every reader's
    // requests and the checkpoints.
    List<String> lookedUp = new ArrayList<>();
    context.registerReader(0, "tm-b");
    CassandraSplitEnumerator enumerator = new CassandraSplitEnumerator(context, "ks.t", parallelism -> ring(),
        host -> {
          lookedUp.add(host);
          return DNS.getOrDefault(host, Set.of());
        }, CassandraEnumeratorState.notPlanned());
    enumerator.start();
    context.triggerAllActions(); // planned; tm-b is not known yet

    enumerator.handleSplitRequest(0, "tm-b");

    assertThat(lookedUp).as("no lookup on the coordinator thread").isEmpty();
    assertThat(assignedTo(0)).isEmpty();
    assertThat(context.getExecutorService().numQueuedRunnables()).as("the lookup, given to callAsync").isEqualTo(1);

    context.triggerAllActions();

    assertThat(lookedUp).containsExactly("tm-b");
    assertThat(assignedTo(0)).containsExactly("split-1"); // tm-b is 10.0.0.2
  }

  @Test
  void should_hold_the_requests_of_a_host_being_looked_up_and_serve_them_in_order_after_one_lookup() {
    List<String> lookedUp = new ArrayList<>();
    context.registerReader(0, "tm-b");
    context.registerReader(1, "tm-b");
    CassandraSplitEnumerator enumerator = new CassandraSplitEnumerator(context, "ks.t", parallelism -> ring(),
        host -> {
          lookedUp.add(host);
          return DNS.getOrDefault(host, Set.of());
        }, CassandraEnumeratorState.notPlanned());
    enumerator.start();
    context.triggerAllActions();

    enumerator.handleSplitRequest(0, "tm-b");
    enumerator.handleSplitRequest(1, "tm-b");
    enumerator.handleSplitRequest(0, "tm-b");
    assertThat(context.getSplitAssignments()).isEmpty();

    context.triggerAllActions();

    assertThat(lookedUp).containsExactly("tm-b");
    assertThat(assignedTo(0)).containsExactly("split-1", "split-0"); // nothing left on 10.0.0.2 for the third
    assertThat(assignedTo(1)).containsExactly("split-4");
  }

  @Test
  void should_serve_a_request_without_locality_when_its_hosts_lookup_fails() {
    AtomicInteger lookups = new AtomicInteger();
    context.registerReader(0, "tm-b");
    CassandraSplitEnumerator enumerator = new CassandraSplitEnumerator(context, "ks.t", parallelism -> ring(),
        host -> {
          lookups.incrementAndGet();
          throw new IllegalStateException("DNS is down");
        }, CassandraEnumeratorState.notPlanned());
    enumerator.start();
    context.triggerAllActions();

    enumerator.handleSplitRequest(0, "tm-b");
    context.triggerAllActions();
    enumerator.handleSplitRequest(0, "tm-b");

    assertThat(assignedTo(0)).containsExactly("split-0", "split-1"); // in ring order: no address is known
    assertThat(lookups).as("a failed lookup counts as no addresses, and is not tried again").hasValue(1);
  }

  @Test
  void should_drop_a_held_request_of_a_reader_that_failed_and_keep_its_splits_while_a_lookup_runs() {
    context.registerReader(0, "tm-b");
    context.registerReader(1, "");
    CassandraSplitEnumerator enumerator = enumerator(CassandraEnumeratorState.notPlanned());
    enumerator.start();
    context.triggerAllActions();
    enumerator.handleSplitRequest(0, "tm-b"); // held: tm-b is being looked up

    enumerator.handleSplitRequest(1, ""); // no host name: served at once
    assertThat(assignedTo(1)).containsExactly("split-0");
    assertThat(enumerator.snapshotState(1).unassignedSplits()).extracting(CassandraSplit::splitId)
        .containsExactly("split-1", "split-2", "split-3", "split-4", "split-5");
    context.registeredReaders().remove(1); // reader 1 fails
    enumerator.addSplitsBack(List.of(ring().get(0)), 1);
    context.registeredReaders().remove(0); // and reader 0, its request still held
    enumerator.addSplitsBack(List.of(), 0);

    context.triggerAllActions();

    assertThat(assignedTo(0)).isEmpty();
    assertThat(enumerator.snapshotState(2).unassignedSplits()).extracting(CassandraSplit::splitId)
        .containsExactly("split-1", "split-2", "split-3", "split-4", "split-5", "split-0");
    context.registerReader(0, "tm-b"); // its next attempt
    enumerator.addReader(0);
    enumerator.handleSplitRequest(0, "tm-b");
    assertThat(assignedTo(0)).as("tm-b is known: served at once").containsExactly("split-1");
  }

  @Test
  void should_prefer_a_split_with_a_replica_on_the_readers_host() {
    context.registerReader(0, "tm-b");
    context.registerReader(1, "10.0.0.3");
    CassandraSplitEnumerator enumerator = enumerator(CassandraEnumeratorState.notPlanned());
    startWithReaders(enumerator);

    enumerator.handleSplitRequest(0, "tm-b"); // resolves to 10.0.0.2
    enumerator.handleSplitRequest(1, "10.0.0.3");
    enumerator.handleSplitRequest(0, "tm-b");
    enumerator.handleSplitRequest(0, "tm-b");

    assertThat(assignedTo(0)).startsWith("split-1", "split-4");
    assertThat(assignedTo(1)).containsExactly("split-2");
    // Nothing local is left for tm-b: it gets a split no other reader is local to (10.0.0.1's), not split-5.
    assertThat(assignedTo(0).get(2)).isEqualTo("split-0");
  }

  @Test
  void should_treat_an_empty_host_name_as_unknown_rather_than_as_the_loopback_it_resolves_to() {
    List<String> lookedUp = new ArrayList<>();
    context.registerReader(0, "");
    context.registerReader(1, "");
    CassandraSplitEnumerator enumerator = new CassandraSplitEnumerator(context, "ks.t", parallelism -> ring(),
        host -> {
          lookedUp.add(host);
          return Set.of();
        }, CassandraEnumeratorState.notPlanned());
    startWithReaders(enumerator);

    enumerator.handleSplitRequest(0, "");
    enumerator.handleSplitRequest(1, null);

    assertThat(assignedTo(0)).as("served at once").containsExactly("split-0");
    assertThat(assignedTo(1)).containsExactly("split-1");
    context.triggerAllActions();
    assertThat(lookedUp).as("no name to look up").isEmpty();
  }

  @Test
  void should_hand_out_every_split_once_then_signal_no_more_splits() {
    context.registerReader(0, "tm-x");
    context.registerReader(1, "cass-a");
    CassandraSplitEnumerator enumerator = enumerator(CassandraEnumeratorState.notPlanned());
    startWithReaders(enumerator);

    for (int i = 0; i < 4; i++) {
      enumerator.handleSplitRequest(0, "tm-x");
      enumerator.handleSplitRequest(1, "cass-a");
    }

    List<String> all = new ArrayList<>(assignedTo(0));
    all.addAll(assignedTo(1));
    assertThat(all).containsExactlyInAnyOrder("split-0", "split-1", "split-2", "split-3", "split-4", "split-5");
    assertThat(assignedTo(1)).startsWith("split-0", "split-3"); // cass-a is 10.0.0.1
    assertThat(noMoreSplitsFor(0)).isTrue();
    assertThat(noMoreSplitsFor(1)).isTrue();
    assertThat(enumerator.snapshotState(3).unassignedSplits()).isEmpty();
  }

  @Test
  void should_take_back_the_splits_of_a_failed_reader_with_their_positions_and_hand_them_out_again() {
    context.registerReader(0, "tm-x");
    CassandraSplitEnumerator enumerator = enumerator(CassandraEnumeratorState.notPlanned());
    startWithReaders(enumerator);
    for (int i = 0; i < 7; i++) {
      enumerator.handleSplitRequest(0, "tm-x");
    }
    assertThat(noMoreSplitsFor(0)).isTrue();
    ScanCheckpoint position = new ScanCheckpoint("ks", "t", "fp", List.of(
        new ScanCheckpoint.Range("300", "400", State.IN_PROGRESS, "AAAA", 12, 1_012)));
    CassandraSplit resumed = ring().get(3).at(position);

    enumerator.addSplitsBack(List.of(resumed), 0);

    assertThat(enumerator.snapshotState(4).unassignedSplits()).containsExactly(resumed);
    context.registerReader(2, "tm-x");
    enumerator.handleSplitRequest(2, "tm-x");
    assertThat(context.getSplitAssignments().get(2).getAssignedSplits()).containsExactly(resumed);
  }

  @Test
  void should_keep_a_split_given_back_from_a_reader_already_told_there_are_no_more() {
    // Reader 0 keeps two requests in flight. The first found no split left: "no more splits". Reader 1 then
    // failed and gave its split back, and reader 0's second request got it, although reader 0 may have ended
    // on "no more splits": the split was lost and the job finished without its rows.
    context.registerReader(0, "tm-x");
    context.registerReader(1, "tm-x");
    CassandraSplitEnumerator enumerator = enumerator(CassandraEnumeratorState.notPlanned());
    startWithReaders(enumerator);
    for (int i = 0; i < 6; i++) {
      enumerator.handleSplitRequest(i % 2, "tm-x");
    }
    enumerator.handleSplitRequest(0, "tm-x"); // nothing left
    assertThat(noMoreSplitsFor(0)).isTrue();
    CassandraSplit givenBack = ring().get(1);
    enumerator.addSplitsBack(List.of(givenBack), 1); // reader 1 failed

    enumerator.handleSplitRequest(0, "tm-x"); // reader 0's second request, sent before it heard

    assertThat(assignedTo(0)).as("reader 0 gets nothing after 'no more splits'").doesNotContain("split-1")
        .hasSize(3);
    assertThat(enumerator.snapshotState(5).unassignedSplits()).containsExactly(givenBack);
    enumerator.addReader(1); // reader 1's next attempt
    enumerator.handleSplitRequest(1, "tm-x");
    assertThat(context.getSplitAssignments().get(1).getAssignedSplits()).contains(givenBack);
  }

  @Test
  void should_restore_its_unassigned_splits_without_planning_again() {
    context.registerReader(0, "tm-x");
    CassandraSplitEnumerator enumerator = enumerator(CassandraEnumeratorState.planned(ring().subList(4, 6)));
    startWithReaders(enumerator);

    enumerator.handleSplitRequest(0, "tm-x");
    enumerator.handleSplitRequest(0, "tm-x");
    enumerator.handleSplitRequest(0, "tm-x");

    assertThat(plans).hasValue(0);
    assertThat(assignedTo(0)).containsExactly("split-4", "split-5");
    assertThat(noMoreSplitsFor(0)).isTrue();
  }

  @Test
  void should_refuse_a_restored_state_of_splits_planned_for_other_columns() throws Exception {
    // Only a split's position carried the query's fingerprint: the enumerator's splits have none, and were
    // handed out to be read with the new columns.
    CassandraSource<String> before = source().columns("a", "b").build(row -> "", Types.STRING);
    CassandraSource<String> after = source().columns("a", "c").build(row -> "", Types.STRING);
    String query = QueryFingerprint.of(before.settings());
    context.registerReader(0, "tm-x");
    CassandraSplitEnumerator enumerator = new CassandraSplitEnumerator(context, "ks.t", parallelism -> ring()
        .stream().map(split -> new CassandraSplit(split.splitId(), split.range(), split.replicas(), query, null))
        .toList(), host -> DNS.getOrDefault(host, Set.of()), CassandraEnumeratorState.notPlanned());
    startWithReaders(enumerator);
    enumerator.handleSplitRequest(0, "tm-x");
    SimpleVersionedSerializer<CassandraEnumeratorState> states = after.getEnumeratorCheckpointSerializer();
    CassandraEnumeratorState restored = states.deserialize(states.getVersion(),
        states.serialize(enumerator.snapshotState(1)));
    assertThat(restored.unassignedSplits()).hasSize(5);

    assertThatThrownBy(() -> after.restoreEnumerator(context, restored)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Split split-1 of ks.t (token range (100, 200]) was planned by a source of another "
            + "query: the columns changed since the checkpoint");
    assertThatThrownBy(() -> source().columns("a", "b").where("b > 0").allowFiltering(true)
        .build(row -> "", Types.STRING).restoreEnumerator(context, restored))
        .hasMessageContaining("the where clause and ALLOW FILTERING changed");
    assertThat(before.restoreEnumerator(context, restored)).as("the same query").isNotNull();
    assertThat(source().columns("a", "b").splits(100).splitsPerReader(4).build(row -> "", Types.STRING)
        .restoreEnumerator(context, restored)).as("the same query, split otherwise").isNotNull();
  }

  private static CassandraSource.Builder source() {
    return CassandraSource.builder(TestSessions.of(List.of(new InetSocketAddress("127.0.0.1", 9042))), "ks", "t");
  }

  @Test
  void should_ignore_a_request_of_a_reader_that_is_gone() {
    CassandraSplitEnumerator enumerator = enumerator(CassandraEnumeratorState.planned(ring()));

    enumerator.handleSplitRequest(5, "tm-x");

    assertThat(context.getSplitAssignments()).isEmpty();
    assertThat(enumerator.snapshotState(1).unassignedSplits()).hasSize(6);
  }

  @Test
  void should_fail_the_job_when_planning_fails() {
    CassandraSplitEnumerator enumerator = new CassandraSplitEnumerator(context, "ks.t", parallelism -> {
      throw new IllegalArgumentException("Unknown table 'ks.t'");
    }, host -> Set.of(), CassandraEnumeratorState.notPlanned());
    enumerator.start();

    assertThatThrownBy(context::triggerAllActions).hasMessageContaining("Cannot plan the splits of ks.t")
        .hasRootCauseMessage("Unknown table 'ks.t'");
  }
}
