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

import java.util.List;
import java.util.Objects;

/**
 * The state of a {@link CassandraSource}'s split enumerator in a Flink checkpoint: whether the splits were
 * planned yet and, if so, those not assigned to a reader. Splits assigned to a reader belong to the reader's
 * state from then on (with their positions); a split assigned after the last checkpoint comes back to the
 * enumerator when its reader fails. Immutable and thread-safe.
 */
public final class CassandraEnumeratorState {
  private static final CassandraEnumeratorState NOT_PLANNED = new CassandraEnumeratorState(false, List.of());

  private final boolean planned;
  private final List<CassandraSplit> unassigned;

  private CassandraEnumeratorState(boolean planned, List<CassandraSplit> unassigned) {
    this.planned = planned;
    this.unassigned = List.copyOf(unassigned);
  }

  /**
   * Before planning: a restored enumerator plans the splits again.
   *
   * @return the state of an enumerator that has not planned yet (one shared instance)
   */
  public static CassandraEnumeratorState notPlanned() {
    return NOT_PLANNED;
  }

  /**
   * After planning: the splits not assigned yet.
   *
   * @param unassigned the splits no reader has, in the order they are to be handed out; copied, and none
   *     may be null (empty once every split is assigned)
   * @return a planned state holding a copy of {@code unassigned}
   * @throws NullPointerException if {@code unassigned} or one of its splits is null
   */
  public static CassandraEnumeratorState planned(List<CassandraSplit> unassigned) {
    return new CassandraEnumeratorState(true, unassigned);
  }

  /** {@return whether the splits were planned}; a restored enumerator then plans nothing again. */
  public boolean isPlanned() {
    return planned;
  }

  /** {@return the splits no reader has (unmodifiable)}; empty before planning. */
  public List<CassandraSplit> unassignedSplits() {
    return unassigned;
  }

  @Override
  public boolean equals(@org.jspecify.annotations.Nullable Object other) {
    return other instanceof CassandraEnumeratorState that && planned == that.planned
        && unassigned.equals(that.unassigned);
  }

  @Override
  public int hashCode() {
    return Objects.hash(planned, unassigned);
  }

  @Override
  public String toString() {
    return planned ? "CassandraEnumeratorState{" + unassigned.size() + " splits unassigned}"
        : "CassandraEnumeratorState{not planned}";
  }
}
