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
package org.asynccassandra;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * How {@link AsyncSession#scanTable} reads a whole table: which columns, an optional extra restriction,
 * how many token ranges and how many at once, and the per-range paging.
 *
 * <p>Immutable and thread-safe; the builder names bad values.
 */
public final class ScanConfig {
  private static final ScanConfig DEFAULTS = builder().build();

  private final List<String> columns;
  private final @Nullable String where;
  private final boolean allowFiltering;
  private final int splits;
  private final int parallelism;
  private final StreamConfig streamConfig;
  private final @Nullable ScanCheckpoint resumeFrom;
  private final List<ScanRange> ranges;
  private final @Nullable ScanRange tokenRange;
  private final @Nullable Shard shard;
  private final @Nullable ReadLimiter rowLimiter;
  private final @Nullable ReadLimiter byteLimiter;

  private ScanConfig(Builder builder) {
    this.columns = builder.columns;
    this.where = builder.where;
    this.allowFiltering = builder.allowFiltering;
    this.splits = builder.splits;
    this.parallelism = builder.parallelism;
    this.streamConfig = builder.streamConfig;
    this.resumeFrom = builder.resumeFrom;
    this.ranges = builder.ranges;
    this.tokenRange = builder.tokenRange;
    this.shard = builder.shard;
    this.rowLimiter = builder.rowLimiter;
    this.byteLimiter = builder.byteLimiter;
  }

  /**
   * The defaults: every column, the whole ring in 4 ranges per node, up to 4 of them read at once.
   *
   * @return the shared default configuration, the same instance on every call
   */
  public static ScanConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder with the defaults of {@link #defaults()}.
   *
   * @return a new builder, for one thread
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The columns to read, as CQL names; empty means every column.
   *
   * @return an unmodifiable list of the names, in the order they are selected
   */
  public List<String> columns() {
    return columns;
  }

  /**
   * An extra restriction on non-key columns, ANDed to the token range, e.g. {@code "status = 'open'"}.
   *
   * @return the restriction as CQL, without {@code WHERE} and stripped; empty (the default) for none
   */
  public Optional<String> where() {
    return Optional.ofNullable(where);
  }

  /**
   * Whether the range queries end with ALLOW FILTERING (needed by most non-key restrictions).
   *
   * @return true when set with {@link Builder#allowFiltering}; false by default
   */
  public boolean allowFiltering() {
    return allowFiltering;
  }

  /**
   * How many token ranges to split the ring into; empty means 4 per node. A range never holds vnodes of
   * different replicas, so a cluster whose neighbouring vnodes have other replicas may get more ranges, at
   * most one a vnode.
   *
   * @return the number of ranges, from 1 to 100,000; empty when not set
   */
  public OptionalInt splits() {
    return splits == 0 ? OptionalInt.empty() : OptionalInt.of(splits);
  }

  /**
   * How many ranges are read at once; empty means min(4, ranges).
   *
   * @return the ranges read at once, from 1 to 256; empty when not set
   */
  public OptionalInt parallelism() {
    return parallelism == 0 ? OptionalInt.empty() : OptionalInt.of(parallelism);
  }

  /**
   * The paging of the scan. {@code fetchSize}, {@code targetPageBytes}, {@code prefetchPages}, {@code retry},
   * {@code firstPageTimeout} (a range's first request) and {@code pageTimeout} apply to each range; {@code
   * executor}, {@code listener}, {@code name}, {@code maxRows}, {@code maxPages}, {@code totalTimeout} and
   * {@code maxBufferedBytes} (the read-ahead of all the ranges together: no range reads ahead while it is
   * reached) to the whole scan; {@code firstPageSize} is ignored (a scan is read whole). A
   * {@code resumeFrom} token is refused: a scan resumes from a {@link ScanCheckpoint} ({@link
   * Builder#resumeFrom}).
   *
   * @return the stream config; {@link StreamConfig#defaults()} unless one was set
   */
  public StreamConfig streamConfig() {
    return streamConfig;
  }

  /**
   * Where a resumed scan starts: the checkpoint of an earlier scan of the same table and columns.
   *
   * @return the checkpoint; empty (the default) for a scan that starts anew
   */
  public Optional<ScanCheckpoint> resumeFrom() {
    return Optional.ofNullable(resumeFrom);
  }

  /**
   * The token ranges to read, when the scan reads a chosen part of the ring (for example ranges that
   * {@link AsyncSession#planScan} returned, spread over several processes); empty means the whole ring,
   * split by {@link #splits()}.
   *
   * @return an unmodifiable list of distinct ranges, in the order given; empty when not set
   */
  public List<ScanRange> ranges() {
    return ranges;
  }

  // '@serial exclude': the javadoc of JDK 17 asks for comments on a serializable record's private fields,
  // which a record cannot have (JDK-8275199, fixed in JDK 18); its serial form is its components anyway.
  /**
   * One of {@code count} equal slices of the whole token ring, numbered from 1: the slice is cut by pure
   * token arithmetic (not by the token map), so machines with different views of the cluster cover the
   * ring exactly once between them. It needs the Murmur3 or the Random partitioner. Serializable as a
   * record: exactly its components, as the Java Object Serialization Specification defines it for every
   * record.
   *
   * @param number the slice, from 1 to {@code count}
   * @param count the number of slices, at least 1
   * @serial exclude
   */
  public record Shard(int number, int count) implements java.io.Serializable {
    /**
     * Checks that {@code 1 <= number <= count}.
     *
     * @param number the slice, from 1 to {@code count}
     * @param count the number of slices, at least 1
     * @throws IllegalArgumentException otherwise; the message holds both values
     */
    public Shard {
      if (count < 1 || number < 1 || number > count) {
        throw new IllegalArgumentException("A shard is K/N with 1 <= K <= N: " + number + "/" + count);
      }
    }

    /**
     * Reads {@code K/N}.
     *
     * @param text the slice as {@code K/N}, such as {@code "3/8"}; spaces around the numbers are allowed
     * @return the shard {@code K} of {@code N}
     * @throws IllegalArgumentException naming the text when it is not {@code K/N}, or not
     *     {@code 1 <= K <= N}
     */
    public static Shard parse(String text) {
      String[] parts = text.strip().split("/");
      try {
        if (parts.length == 2) {
          return new Shard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        }
      } catch (NumberFormatException notANumber) {
        // fall through to the message below
      }
      throw new IllegalArgumentException("A shard is K/N with 1 <= K <= N, e.g. 3/8: " + text);
    }

    /** {@code K/N}. */
    @Override
    public String toString() {
      return number + "/" + count;
    }
  }

  /**
   * The part of the ring the scan is restricted to, {@code (start, end]}; empty means the whole ring.
   *
   * @return the restriction, never the whole ring; empty (the default) for none
   */
  public Optional<ScanRange> tokenRange() {
    return Optional.ofNullable(tokenRange);
  }

  /**
   * The slice of the ring the scan is restricted to; empty means the whole ring.
   *
   * @return the shard; empty (the default) for none
   */
  public Optional<Shard> shard() {
    return Optional.ofNullable(shard);
  }

  /**
   * The limiter of rows read per unit of time, charged the page size before each page request.
   *
   * @return the limiter; empty (the default) for no limit
   */
  public Optional<ReadLimiter> rowLimiter() {
    return Optional.ofNullable(rowLimiter);
  }

  /**
   * The limiter of bytes read per unit of time, charged each response's size after it arrived.
   *
   * @return the limiter; empty (the default) for no limit
   */
  public Optional<ReadLimiter> byteLimiter() {
    return Optional.ofNullable(byteLimiter);
  }

  /** Builds a {@link ScanConfig}. Not thread-safe. */
  public static final class Builder {
    private List<String> columns = List.of();
    private @Nullable String where;
    private boolean allowFiltering;
    private int splits;
    private int parallelism;
    private StreamConfig streamConfig = StreamConfig.defaults();
    private @Nullable ScanCheckpoint resumeFrom;
    private List<ScanRange> ranges = List.of();
    private @Nullable ScanRange tokenRange;
    private @Nullable Shard shard;
    private @Nullable ReadLimiter rowLimiter;
    private @Nullable ReadLimiter byteLimiter;

    private Builder() {}

    /**
     * The columns to read, as CQL names; an empty list reads every column.
     *
     * @param columns the names as they go into the {@code SELECT} (quote case-sensitive ones), in order;
     *     copied
     * @return this builder
     * @throws IllegalArgumentException if a name is null or blank, or names a column already in the list
     *     ({@code id} and {@code ID} are one column, {@code "Id"} another); the message holds the list
     * @throws NullPointerException if {@code columns} is null
     */
    public Builder columns(List<String> columns) {
      Objects.requireNonNull(columns, "columns");
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (String column : columns) {
        if (column == null || column.isBlank()) {
          throw new IllegalArgumentException("columns must not contain blank names: " + columns);
        }
        // As Cassandra reads the name: unquoted, in lower case; quoted, as written.
        if (!seen.add(com.datastax.oss.driver.api.core.CqlIdentifier.fromCql(column.strip()).asInternal())) {
          throw new IllegalArgumentException("columns must not name a column twice: " + column.strip() + " in "
              + columns);
        }
      }
      this.columns = List.copyOf(columns);
      return this;
    }

    /**
     * The columns to read, as CQL names; none reads every column.
     *
     * @param columns the names as they go into the {@code SELECT}, in order
     * @return this builder
     * @throws IllegalArgumentException if a name is blank
     * @throws NullPointerException if the array or a name is null
     */
    public Builder columns(String... columns) {
      return columns(List.of(columns));
    }

    /**
     * An extra restriction on non-key columns, without {@code WHERE}; {@code null} or blank removes it.
     *
     * @param where CQL such as {@code "status = 'open'"} or {@code "status = 'open' AND region = 'eu'"}, ANDed
     *     to each range's token restriction as it is (CQL's {@code WHERE} has no {@code OR}, so no parentheses
     *     are needed, and CQL allows only one relation inside them); it is part of the checkpoint's query shape
     * @return this builder
     */
    public Builder where(@Nullable String where) {
      this.where = where == null || where.isBlank() ? null : where.strip();
      return this;
    }

    /**
     * Whether the range queries end with ALLOW FILTERING.
     *
     * @param allowFiltering true to append {@code ALLOW FILTERING}, which most {@link #where} restrictions
     *     on non-key columns need
     * @return this builder
     */
    public Builder allowFiltering(boolean allowFiltering) {
      this.allowFiltering = allowFiltering;
      return this;
    }

    /**
     * How many token ranges to split the ring into, from 1 to 100000. Fewer than the vnodes, neighbouring
     * vnodes are merged only where they have the same replicas, so a cluster whose neighbouring vnodes have
     * other replicas may get more ranges, at most one a vnode.
     *
     * @param splits the number of ranges; more ranges mean smaller ones, finer checkpoints and more
     *     requests
     * @return this builder
     * @throws IllegalArgumentException if {@code splits} is out of range; the message holds it
     */
    public Builder splits(int splits) {
      if (splits < 1 || splits > 100_000) {
        throw new IllegalArgumentException("splits must be between 1 and 100000: " + splits);
      }
      this.splits = splits;
      return this;
    }

    /**
     * How many ranges are read at once, from 1 to 256.
     *
     * @param parallelism the most ranges open at once; see {@link TableScan} for the memory it bounds
     * @return this builder
     * @throws IllegalArgumentException if {@code parallelism} is out of range; the message holds it
     */
    public Builder parallelism(int parallelism) {
      if (parallelism < 1 || parallelism > 256) {
        throw new IllegalArgumentException("parallelism must be between 1 and 256: " + parallelism);
      }
      this.parallelism = parallelism;
      return this;
    }

    /**
     * The paging of the scan; see {@link ScanConfig#streamConfig()}.
     *
     * @param streamConfig the config of each range's paging and of the whole scan's limits, executor and
     *     listener
     * @return this builder
     * @throws NullPointerException if {@code streamConfig} is null
     * @throws IllegalArgumentException if it resumes from a {@link ResumeToken}, which a scan cannot use
     */
    public Builder streamConfig(StreamConfig streamConfig) {
      Objects.requireNonNull(streamConfig, "streamConfig");
      if (streamConfig.resumeFrom().isPresent()) {
        // It was dropped without a word, and the scan read the whole table again.
        throw new IllegalArgumentException("A scan cannot resume from a ResumeToken, which is a position in one"
            + " query's result: resume it from its ScanCheckpoint (ScanConfig.Builder.resumeFrom)");
      }
      this.streamConfig = streamConfig;
      return this;
    }

    /**
     * Resumes from the checkpoint of an earlier scan of the same table and columns; {@code null} starts anew.
     * The scan then reads the checkpoint's ranges, whatever {@link #splits} says; the session checks the
     * checkpoint's table and query shape when the scan is created.
     *
     * @param checkpoint the checkpoint to resume from, or {@code null}
     * @return this builder
     */
    public Builder resumeFrom(@Nullable ScanCheckpoint checkpoint) {
      this.resumeFrom = checkpoint;
      return this;
    }

    /**
     * Reads only {@code ranges}, each as one range of the scan (no further split); an empty list means
     * the whole ring. The checkpoint of such a scan holds these ranges only.
     *
     * @param ranges distinct ranges, in the order to plan them (for example a subset of
     *     {@link AsyncSession#planScan}'s); copied
     * @return this builder
     * @throws IllegalArgumentException if a range repeats, or the whole ring comes with other ranges; the
     *     message holds the list
     * @throws NullPointerException if {@code ranges} is null or holds a null
     */
    public Builder ranges(List<ScanRange> ranges) {
      Objects.requireNonNull(ranges, "ranges");
      List<ScanRange> copy = List.copyOf(ranges);
      if (copy.size() != new java.util.HashSet<>(copy).size()) {
        throw new IllegalArgumentException("ranges must not repeat a range: " + ranges);
      }
      if (copy.size() > 1 && copy.stream().anyMatch(ScanRange::isFullRing)) {
        throw new IllegalArgumentException("the whole ring cannot be read together with other ranges: " + ranges);
      }
      this.ranges = copy;
      return this;
    }

    /**
     * Restricts the scan to the tokens in {@code range}, {@code (start, end]} as the ring reads it (a
     * start above the end wraps around the ring); {@code null} removes the restriction. The planned ranges
     * are cut at its bounds.
     *
     * @param range the tokens to read; {@code null} or {@link ScanRange#fullRing()} for the whole ring
     * @return this builder
     */
    public Builder tokenRange(@Nullable ScanRange range) {
      this.tokenRange = range == null || range.isFullRing() ? null : range;
      return this;
    }

    /**
     * Restricts the scan to one slice of the ring; {@code null} removes the restriction. See {@link Shard}.
     * With a {@link #tokenRange} too, the scan reads their intersection.
     *
     * @param shard the slice to read, or {@code null}
     * @return this builder
     */
    public Builder shard(@Nullable Shard shard) {
      this.shard = shard;
      return this;
    }

    /**
     * Limits the rows read per unit of time: each page request first reserves its page size (rows asked
     * for) from {@code limiter}; {@code null} removes the limit.
     *
     * @param limiter the limiter, thread-safe and non-blocking (it is called on driver I/O threads, among
     *     others: see {@link ReadLimiter}); it may be shared by several scans to limit them together
     * @return this builder
     */
    public Builder rowLimiter(@Nullable ReadLimiter limiter) {
      this.rowLimiter = limiter;
      return this;
    }

    /**
     * Limits the bytes read per unit of time: each response's size is reserved from {@code limiter} once it
     * arrived, and the next requests wait for it; {@code null} removes the limit.
     *
     * @param limiter the limiter, thread-safe and non-blocking (it is called on driver I/O threads, among
     *     others: see {@link ReadLimiter}); it may be shared by several scans to limit them together
     * @return this builder
     */
    public Builder byteLimiter(@Nullable ReadLimiter limiter) {
      this.byteLimiter = limiter;
      return this;
    }

    /**
     * Builds the configuration; the builder stays usable.
     *
     * @return a new, immutable configuration
     * @throws IllegalArgumentException when ranges are set together with splits, a token range, a shard or
     *     a checkpoint
     */
    public ScanConfig build() {
      if (!ranges.isEmpty() && splits != 0) {
        throw new IllegalArgumentException("Set either ranges (" + ranges.size() + ") or splits (" + splits
            + "), not both: chosen ranges are read as they are");
      }
      if (!ranges.isEmpty() && (tokenRange != null || shard != null)) {
        throw new IllegalArgumentException("Set either ranges or a token range/shard, not both: chosen ranges "
            + "are read as they are");
      }
      if (!ranges.isEmpty() && resumeFrom != null) {
        throw new IllegalArgumentException("Set either ranges or resumeFrom, not both: a checkpoint carries "
            + "its own ranges");
      }
      return new ScanConfig(this);
    }
  }
}
