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
import java.util.Optional;
import org.apache.flink.api.connector.source.SourceSplit;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanRange;
import org.jspecify.annotations.Nullable;

/**
 * One split of a {@link CassandraSource}: a token range of the table, planned by
 * {@link org.asynccassandra.AsyncSession#planScan}, the addresses of its replicas (for locality), and,
 * once a reader has started it, its position: the {@link ScanCheckpoint} of the range at the row after the
 * last one emitted (a paging state and the rows of that page to skip), so that a split restored from a Flink
 * checkpoint goes on at that exact row.
 *
 * <p>The position may list more than one range: a range that kept timing out is split by the scan into
 * pieces, each with its own place. A planned split also carries the fingerprint of its source's query (the
 * table, the columns, the where clause, ALLOW FILTERING), so that a source reading something else refuses it
 * when restored, position or not. Immutable and thread-safe.
 */
public final class CassandraSplit implements SourceSplit {
  private final String splitId;
  private final ScanRange range;
  private final List<String> replicas;
  private final @Nullable String queryFingerprint;
  private final @Nullable ScanCheckpoint position;

  /**
   * A split without the fingerprint of a query: a source restoring it cannot check that it reads what the
   * split was planned for (its position, if any, is still checked when its scan opens).
   *
   * @param splitId unique among the splits of one source
   * @param range the token range it reads
   * @param replicas the addresses (IP literals or host names) of the nodes that hold the range; may be empty
   * @param position where reading goes on; {@code null} for the start of the range
   * @throws IllegalArgumentException if {@code splitId} is blank
   * @throws NullPointerException if {@code range}, {@code replicas} or one of the replicas is null
   */
  public CassandraSplit(String splitId, ScanRange range, List<String> replicas, @Nullable ScanCheckpoint position) {
    this(splitId, range, replicas, null, position);
  }

  /**
   * A split planned by a source whose query has the fingerprint {@code queryFingerprint}.
   *
   * @param queryFingerprint the {@link QueryFingerprint} of the planning source's query; null for none (a
   *     split of a checkpoint made before splits carried it)
   */
  CassandraSplit(String splitId, ScanRange range, List<String> replicas, @Nullable String queryFingerprint,
      @Nullable ScanCheckpoint position) {
    if (splitId.isBlank()) {
      throw new IllegalArgumentException("splitId must not be blank: '" + splitId + "'");
    }
    this.splitId = splitId;
    this.range = Objects.requireNonNull(range, "range");
    this.replicas = List.copyOf(replicas);
    this.queryFingerprint = queryFingerprint;
    this.position = position;
  }

  @Override
  public String splitId() {
    return splitId;
  }

  /** {@return the token range of the split, as planned} */
  public ScanRange range() {
    return range;
  }

  /**
   * {@return the addresses of the replicas of the range, as the driver's token map knew them when planning}
   * The list is unmodifiable, and empty when they were not known.
   */
  public List<String> replicas() {
    return replicas;
  }

  /**
   * {@return the {@link QueryFingerprint} of the query of the source that planned it}; null for a split made
   * with the public constructor or restored from a checkpoint of version 1.
   */
  @Nullable String queryFingerprint() {
    return queryFingerprint;
  }

  /** {@return where reading goes on}: empty for the start of the range. */
  public Optional<ScanCheckpoint> position() {
    return Optional.ofNullable(position);
  }

  /**
   * This split, going on at {@code newPosition}.
   *
   * @param newPosition the scan's checkpoint of this split's range after the last row emitted, not null
   * @return a new split with the same id, range, replicas and query fingerprint, at {@code newPosition}
   * @throws NullPointerException if {@code newPosition} is null
   */
  public CassandraSplit at(ScanCheckpoint newPosition) {
    return new CassandraSplit(splitId, range, replicas, queryFingerprint,
        Objects.requireNonNull(newPosition, "newPosition"));
  }

  /**
   * {@return whether every range of its position is done}: reading it yields nothing more. False for a
   * split that has no position yet.
   */
  public boolean isFinished() {
    return position != null && position.isComplete();
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (!(other instanceof CassandraSplit that)) {
      return false;
    }
    return splitId.equals(that.splitId) && range.equals(that.range) && replicas.equals(that.replicas)
        && Objects.equals(queryFingerprint, that.queryFingerprint) && Objects.equals(position, that.position);
  }

  @Override
  public int hashCode() {
    return Objects.hash(splitId, range, replicas, queryFingerprint, position);
  }

  @Override
  public String toString() {
    return "CassandraSplit{" + splitId + " " + range + (position == null ? ", not started" : ", "
        + position.rowsDelivered() + " rows read, " + position.rangesDone() + "/" + position.ranges().size()
        + " ranges done") + "}";
  }
}
