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

import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanCheckpoint.State;
import org.asynccassandra.ScanRange;
import org.junit.jupiter.api.Test;

class CassandraSplitSerializerTest {
  static final ScanRange RANGE = ScanRange.of("-9223372036854775808", "-4611686018427387904");

  /** Bytes written by version 1 of the split format (before splits carried the query's fingerprint). */
  private static final String VERSION_1_NOT_STARTED = "AAAAB3NwbGl0LTEAAAAELTEwMAAAAAEwAAAAAQAAAAgxMC4wLjAuMQA=";
  private static final String VERSION_1_STARTED = "AAAAB3NwbGl0LTIAAAABMAAAAAMxMDAAAAAAAQAAAJwjIGFzeW5jLWNhc3Nhbm"
      + "RyYSBzY2FuIGNoZWNrcG9pbnQKdmVyc2lvbiA0CmtleXNwYWNlIGtzCnRhYmxlIHQKcXVlcnkgMDEyMzQ1Njc4OWFiY2RlZgpyYW5nZXMgMQp"
      + "yYW5nZSAwIDEwMCBhdCBBQUVDIDcgcm93cyAxMDcKY2hlY2tzdW0gY3JjMzJjIDBjOTZiYWY5CmVuZAo=";
  /** A planned enumerator state of version 1 holding those two splits, in version 1 of the split format. */
  private static final String VERSION_1_STATE = "AQAAAAEAAAACAAAAB3NwbGl0LTEAAAAELTEwMAAAAAEwAAAAAQAAAAgxMC4wLjAuMQAA"
      + "AAAHc3BsaXQtMgAAAAEwAAAAAzEwMAAAAAABAAAAnCMgYXN5bmMtY2Fzc2FuZHJhIHNjYW4gY2hlY2twb2ludAp2ZXJzaW9uIDQKa2V5c3Bh"
      + "Y2Uga3MKdGFibGUgdApxdWVyeSAwMTIzNDU2Nzg5YWJjZGVmCnJhbmdlcyAxCnJhbmdlIDAgMTAwIGF0IEFBRUMgNyByb3dzIDEwNwpjaGVj"
      + "a3N1bSBjcmMzMmMgMGM5NmJhZjkKZW5kCg==";

  static ScanCheckpoint position() {
    return new ScanCheckpoint("ks", "events", "0123456789abcdef", List.of(
        new ScanCheckpoint.Range("-9223372036854775808", "-7000000000000000000", State.IN_PROGRESS,
            "AAEC_-8", 37, 1_037),
        new ScanCheckpoint.Range("-7000000000000000000", "-5000000000000000000", State.PENDING, null, 0, 0),
        new ScanCheckpoint.Range("-5000000000000000000", "-4611686018427387904", State.IN_PROGRESS, null, 5, 5)));
  }

  private final CassandraSplitSerializer serializer = CassandraSplitSerializer.INSTANCE;

  @Test
  void should_round_trip_a_split_that_was_not_started() throws IOException {
    CassandraSplit split = new CassandraSplit("split-07", RANGE, List.of("127.0.0.1", "10.0.0.2"), null);

    CassandraSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

    assertThat(copy).isEqualTo(split);
    assertThat(copy.position()).isEmpty();
    assertThat(copy.replicas()).containsExactly("127.0.0.1", "10.0.0.2");
  }

  @Test
  void should_round_trip_a_split_at_an_exact_row_with_pieces_of_a_split_range() throws IOException {
    CassandraSplit split = new CassandraSplit("split-07", RANGE, List.of(), position());

    CassandraSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

    assertThat(copy).isEqualTo(split);
    ScanCheckpoint.Range first = copy.position().orElseThrow().ranges().get(0);
    assertThat(first.pagingState()).isEqualTo("AAEC_-8");
    assertThat(first.rowsToSkip()).isEqualTo(37);
    assertThat(first.rowsDelivered()).isEqualTo(1_037);
    assertThat(copy.position().orElseThrow().ranges().get(2).pagingState()).isNull();
  }

  @Test
  void should_round_trip_the_whole_ring() throws IOException {
    CassandraSplit split = new CassandraSplit("split-0", ScanRange.fullRing(), List.of(), null);

    assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(split)).range().isFullRing())
        .isTrue();
  }

  @Test
  void should_be_at_version_2_and_refuse_other_versions() throws IOException {
    byte[] bytes = serializer.serialize(new CassandraSplit("split-1", RANGE, List.of(), null));

    assertThat(serializer.getVersion()).isEqualTo(2);
    assertThatThrownBy(() -> serializer.deserialize(3, bytes)).isInstanceOf(IOException.class)
        .hasMessageContaining("version").hasMessageContaining("3");
    assertThatThrownBy(() -> serializer.deserialize(0, bytes)).isInstanceOf(IOException.class)
        .hasMessageContaining("version").hasMessageContaining("0");
  }

  @Test
  void should_round_trip_the_query_fingerprint_with_or_without_a_position() throws IOException {
    String fingerprint = "table 0011223344556677 columns 8899aabbccddeeff where 0123456789abcdef "
        + "allowFiltering false";
    CassandraSplit notStarted = new CassandraSplit("split-07", RANGE, List.of("10.0.0.1"), fingerprint, null);
    CassandraSplit started = notStarted.at(position());

    CassandraSplit notStartedCopy = serializer.deserialize(2, serializer.serialize(notStarted));
    CassandraSplit startedCopy = serializer.deserialize(2, serializer.serialize(started));

    assertThat(notStartedCopy).isEqualTo(notStarted);
    assertThat(notStartedCopy.queryFingerprint()).isEqualTo(fingerprint);
    assertThat(startedCopy).isEqualTo(started);
    assertThat(startedCopy.queryFingerprint()).isEqualTo(fingerprint);
    assertThat(startedCopy.position()).contains(position());
  }

  @Test
  void should_read_splits_and_enumerator_states_of_version_1_without_a_fingerprint() throws IOException {
    CassandraSplit notStarted = new CassandraSplit("split-1", ScanRange.of("-100", "0"), List.of("10.0.0.1"), null);
    CassandraSplit started = new CassandraSplit("split-2", ScanRange.of("0", "100"), List.of(),
        new ScanCheckpoint("ks", "t", "0123456789abcdef", List.of(
            new ScanCheckpoint.Range("0", "100", State.IN_PROGRESS, "AAEC", 7, 107))));

    CassandraSplit notStartedRead = serializer.deserialize(1, Base64.getDecoder().decode(VERSION_1_NOT_STARTED));
    CassandraSplit startedRead = serializer.deserialize(1, Base64.getDecoder().decode(VERSION_1_STARTED));
    CassandraEnumeratorStateSerializer states = CassandraEnumeratorStateSerializer.INSTANCE;
    CassandraEnumeratorState state = states.deserialize(1, Base64.getDecoder().decode(VERSION_1_STATE));

    assertThat(notStartedRead).isEqualTo(notStarted);
    assertThat(startedRead).isEqualTo(started);
    assertThat(notStartedRead.queryFingerprint()).isNull();
    assertThat(startedRead.queryFingerprint()).isNull();
    assertThat(state).isEqualTo(CassandraEnumeratorState.planned(List.of(notStarted, started)));
  }

  @Test
  void should_refuse_truncated_or_padded_bytes() throws IOException {
    byte[] bytes = serializer.serialize(new CassandraSplit("split-1", RANGE, List.of("a"), "fp", position()));

    assertThatThrownBy(() -> serializer.deserialize(2, Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(IOException.class).hasMessageContaining("CassandraSplit").hasMessageContaining("cut");
    assertThatThrownBy(() -> serializer.deserialize(2, Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(IOException.class).hasMessageContaining("after its end");
  }

  @Test
  void should_round_trip_the_enumerator_state() throws IOException {
    CassandraEnumeratorStateSerializer states = CassandraEnumeratorStateSerializer.INSTANCE;
    CassandraEnumeratorState planned = CassandraEnumeratorState.planned(List.of(
        new CassandraSplit("split-1", RANGE, List.of("127.0.0.2"), "fp", null),
        new CassandraSplit("split-2", ScanRange.of("0", "100"), List.of(), "fp", position())));

    assertThat(states.deserialize(states.getVersion(), states.serialize(planned))).isEqualTo(planned);
    assertThat(states.deserialize(states.getVersion(), states.serialize(planned)).unassignedSplits())
        .extracting(CassandraSplit::queryFingerprint).containsExactly("fp", "fp");
    assertThat(states.deserialize(1, states.serialize(CassandraEnumeratorState.notPlanned())).isPlanned()).isFalse();
    assertThatThrownBy(() -> states.deserialize(9, states.serialize(planned))).isInstanceOf(IOException.class);
    byte[] bytes = states.serialize(planned);
    assertThatThrownBy(() -> states.deserialize(states.getVersion(), Arrays.copyOf(bytes, 6)))
        .isInstanceOf(IOException.class).hasMessageContaining("CassandraEnumeratorState").hasMessageContaining("cut");
    byte[] notPlannedWithSplits = bytes.clone();
    notPlannedWithSplits[0] = 0; // planned: false, and the splits after it
    assertThatThrownBy(() -> states.deserialize(states.getVersion(), notPlannedWithSplits))
        .isInstanceOf(IOException.class).hasMessageContaining("not planned yet claims 2 splits");
  }
}
