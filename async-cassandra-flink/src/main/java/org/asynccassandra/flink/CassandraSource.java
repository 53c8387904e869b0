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
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.function.SerializableSupplier;
import org.asynccassandra.ReadLimiter;
import org.asynccassandra.StreamConfig;
import org.jspecify.annotations.Nullable;

/**
 * A bounded Flink source that reads a whole Cassandra table by token ranges, with async-cassandra's table
 * scans, and emits one record per row through a {@link CassandraRowMapper}.
 *
 * <pre>{@code
 * CassandraSource<Event> source = CassandraSource
 *     .builder(CassandraSessionFactory.contactPoints("dc1", List.of("db1:9042")), "ks", "events")
 *     .columns("id", "payload")
 *     .splits(256)
 *     .streamConfig(() -> StreamConfig.builder().fetchSize(2000).build())
 *     .build(row -> new Event(row.getLong("id"), row.getString("payload")), TypeInformation.of(Event.class));
 * DataStream<Event> events = env.fromSource(source, WatermarkStrategy.noWatermarks(), "ks.events");
 * }</pre>
 *
 * <p><b>Splits.</b> The enumerator plans the token ranges once, with {@code planScan}: replica-aware ranges,
 * as many as {@link Builder#splits} asks (by default 4 per node or 4 per reader, whichever is more; or sized
 * from {@code system.size_estimates} with {@link Builder#targetSplitSize}), and hands them out one per
 * request, preferring a reader on a replica's host.
 *
 * <p><b>Checkpoints and exactly-once.</b> A reader's state is its splits, each at the row after the last
 * one it emitted: a paging state and the rows of that page to skip. After a failure, Flink restores the
 * last completed checkpoint and each split goes on at that row; rows emitted after that checkpoint are
 * emitted again, which an exactly-once sink discards. Re-reading costs at most about one page per split
 * (the rows skipped). A split stored mid-page finds its row again by skipping the rows of that page emitted
 * before, so a row inserted into or deleted from that page in between makes rows be missed or repeated.
 * Without checkpoints a restarted job reads the whole table again.
 *
 * <p>Immutable and serializable; thread-safe. The readers of one source in one task manager share a driver
 * session: the first connects in its {@code start()} (without blocking), the last to end closes it.
 *
 * @param <T> the record type
 */
public final class CassandraSource<T> implements Source<T, CassandraSplit, CassandraEnumeratorState>,
    ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;

  /** What to read and how (contact points, table, columns, splits, fetch size); serialized to the tasks. */
  private final SourceSettings settings;
  /** Turns each row into a record, on the reader's task thread; serialized to the tasks. */
  private final CassandraRowMapper<T> mapper;
  /** The records' type information, for Flink's serializers. */
  private final TypeInformation<T> type;

  private CassandraSource(SourceSettings settings, CassandraRowMapper<T> mapper, TypeInformation<T> type) {
    this.settings = settings;
    this.mapper = mapper;
    this.type = type;
  }

  /**
   * A builder for a source over {@code keyspace.table} (CQL names: quote case-sensitive ones).
   *
   * @param sessions how each task connects
   * @param keyspace the keyspace's CQL name, not blank (surrounding spaces are stripped)
   * @param table the table's CQL name, not blank (surrounding spaces are stripped)
   * @return a new builder that reads every column over the whole ring
   * @throws NullPointerException if {@code sessions} is null
   * @throws IllegalArgumentException if {@code keyspace} or {@code table} is blank
   */
  public static Builder builder(CassandraSessionFactory sessions, String keyspace, String table) {
    return new Builder(sessions, keyspace, table);
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.BOUNDED;
  }

  @Override
  public SourceReader<T, CassandraSplit> createReader(SourceReaderContext readerContext) {
    return new CassandraSourceReader<>(readerContext, settings, mapper, new SessionScanOpener(settings));
  }

  @Override
  public SplitEnumerator<CassandraSplit, CassandraEnumeratorState> createEnumerator(
      SplitEnumeratorContext<CassandraSplit> context) {
    return restoreEnumerator(context, CassandraEnumeratorState.notPlanned());
  }

  @Override
  public SplitEnumerator<CassandraSplit, CassandraEnumeratorState> restoreEnumerator(
      SplitEnumeratorContext<CassandraSplit> context, CassandraEnumeratorState checkpoint) {
    // Splits planned for another query are refused here, not read with this one; the readers check theirs.
    String query = QueryFingerprint.of(settings);
    for (CassandraSplit split : checkpoint.unassignedSplits()) {
      QueryFingerprint.check(split, query, settings.qualifiedTable());
    }
    SourceSettings planned = settings;
    return new CassandraSplitEnumerator(context, settings.qualifiedTable(),
        parallelism -> SplitPlanner.plan(planned, parallelism), CassandraSplitEnumerator::resolve, checkpoint);
  }

  @Override
  public SimpleVersionedSerializer<CassandraSplit> getSplitSerializer() {
    return CassandraSplitSerializer.INSTANCE;
  }

  @Override
  public SimpleVersionedSerializer<CassandraEnumeratorState> getEnumeratorCheckpointSerializer() {
    return CassandraEnumeratorStateSerializer.INSTANCE;
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return type;
  }

  /** What the enumerator and the readers share; for tests in this package. */
  SourceSettings settings() {
    return settings;
  }

  /** {@return the keyspace and table read, {@code keyspace.table}}, as the builder got them (stripped). */
  public String table() {
    return settings.qualifiedTable();
  }

  /** Builds a {@link CassandraSource}. Not thread-safe; every setter names a bad value. */
  public static final class Builder {
    private final CassandraSessionFactory sessions;
    private final String keyspace;
    private final String table;
    private List<String> columns = List.of();
    private @Nullable String where;
    private boolean allowFiltering;
    private int splits;
    private long targetSplitBytes;
    private int splitsPerReader = 2;
    private @Nullable SerializableSupplier<StreamConfig> streamConfig;
    private @Nullable SerializableSupplier<? extends ReadLimiter> rowLimiter;

    private Builder(CassandraSessionFactory sessions, String keyspace, String table) {
      this.sessions = Objects.requireNonNull(sessions, "sessions");
      if (keyspace.isBlank() || table.isBlank()) {
        throw new IllegalArgumentException("keyspace and table must not be blank: '" + keyspace + "', '" + table + "'");
      }
      this.keyspace = keyspace.strip();
      this.table = table.strip();
    }

    /**
     * The columns to read, as CQL names; none (the default) reads every column.
     *
     * @param columns the columns, in the order the mapper's rows hold them; none reads every column
     * @return this builder
     * @throws IllegalArgumentException if a name is null or blank
     */
    public Builder columns(String... columns) {
      return columns(java.util.Arrays.asList(columns)); // not List.of: a null name gets the IllegalArgumentException
    }

    /**
     * The columns to read, as CQL names; an empty list reads every column.
     *
     * @param columns the columns, in the order the mapper's rows hold them; copied
     * @return this builder
     * @throws IllegalArgumentException if a name is null or blank
     */
    public Builder columns(List<String> columns) {
      for (String column : columns) {
        if (column == null || column.isBlank()) {
          throw new IllegalArgumentException("columns must not contain blank names: " + columns);
        }
      }
      this.columns = List.copyOf(columns);
      return this;
    }

    /**
     * An extra restriction on non-key columns, without {@code WHERE}, ANDed to each split's token range;
     * {@code null} or blank removes it. Changing it (or the columns) makes a checkpoint of this source
     * unusable: a restored split is refused.
     *
     * @param where a CQL condition such as {@code "status = 'open'"}, or {@code null}; checked by Cassandra
     *     when the splits are read, not here
     * @return this builder
     */
    public Builder where(@Nullable String where) {
      this.where = where == null || where.isBlank() ? null : where.strip();
      return this;
    }

    /**
     * Whether the range queries end with ALLOW FILTERING (needed by most restrictions).
     *
     * @param allowFiltering true to add ALLOW FILTERING; false (the default) leaves it out
     * @return this builder
     */
    public Builder allowFiltering(boolean allowFiltering) {
      this.allowFiltering = allowFiltering;
      return this;
    }

    /**
     * How many token ranges (splits) to cut the ring into, from 1 to 100000.
     *
     * @param splits the number of splits; unset, it is 4 per node or 4 per reader, whichever is more
     * @return this builder
     * @throws IllegalArgumentException if {@code splits} is out of that range
     */
    public Builder splits(int splits) {
      if (splits < 1 || splits > 100_000) {
        throw new IllegalArgumentException("splits must be between 1 and 100000: " + splits);
      }
      this.splits = splits;
      return this;
    }

    /**
     * Sizes the splits from the table's size estimates ({@code system.size_estimates}): about this many bytes
     * each, at least one per reader. Ignored when {@link #splits} is set; when no estimate exists yet the
     * default count is used.
     *
     * @param bytes the target size of a split in bytes, 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is less than 1
     */
    public Builder targetSplitSize(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("targetSplitSize must be > 0 bytes: " + bytes);
      }
      this.targetSplitBytes = bytes;
      return this;
    }

    /**
     * How many splits each reader reads at once (default 2), from 1 to 64: each has its own scan with its
     * read-ahead, so a reader holds at most {@code splitsPerReader × (2 + prefetchPages)} pages.
     *
     * @param splitsPerReader the number of splits a reader scans concurrently
     * @return this builder
     * @throws IllegalArgumentException if {@code splitsPerReader} is out of that range
     */
    public Builder splitsPerReader(int splitsPerReader) {
      if (splitsPerReader < 1 || splitsPerReader > 64) {
        throw new IllegalArgumentException("splitsPerReader must be between 1 and 64: " + splitsPerReader);
      }
      this.splitsPerReader = splitsPerReader;
      return this;
    }

    /**
     * The paging of each split's scan: fetch size, read-ahead, page timeouts, retries. A serializable supplier,
     * called where the scans run; {@code maxRows} and {@code maxPages} are refused (they would end each split
     * early), and {@code totalTimeout} applies to each split.
     *
     * @param streamConfig supplies the config: on the client once (when {@code build} checks it), then where
     *     the splits are planned and for each split a reader scans; {@code null} (the default) uses
     *     {@link StreamConfig#defaults()}
     * @return this builder
     */
    public Builder streamConfig(@Nullable SerializableSupplier<StreamConfig> streamConfig) {
      this.streamConfig = streamConfig;
      return this;
    }

    /**
     * Throttles each reader: every reader gets its own {@link ReadLimiter} from {@code perReader} (called
     * where the reader runs), shared by the splits it reads, and reserves the page size from it before each
     * page request; requests wait on the scan's timer, never on a blocked thread. {@code null} removes it.
     * The job's rate is about the readers' rate times the parallelism. The limiter is called from several
     * threads at once (the task's, the driver's I/O threads as responses arrive, the scan's timer): it must
     * be thread-safe and must never block, as {@link ReadLimiter} says; Bucket4j's buckets are both.
     *
     * @param perReader supplies a new limiter for each reader, on the reader's task thread, or {@code null}
     *     for no limit (the default)
     * @return this builder
     */
    public Builder rowLimiter(@Nullable SerializableSupplier<? extends ReadLimiter> perReader) {
      this.rowLimiter = perReader;
      return this;
    }

    /**
     * Builds the source.
     *
     * @param <T> the record type
     * @param mapper turns each row into a record, on the task thread
     * @param type the records' Flink type, e.g. {@code Types.STRING} or {@code TypeInformation.of(Event.class)}
     * @return a new, serializable source; the builder may be changed and built again
     * @throws NullPointerException if {@code mapper} or {@code type} is null
     * @throws IllegalArgumentException when the stream config limits rows or pages, or sets a resume token
     */
    public <T> CassandraSource<T> build(CassandraRowMapper<T> mapper, TypeInformation<T> type) {
      Objects.requireNonNull(mapper, "mapper");
      Objects.requireNonNull(type, "type");
      SourceSettings settings = new SourceSettings(sessions, java.util.UUID.randomUUID().toString(), keyspace, table,
          columns, where, allowFiltering, splits,
          targetSplitBytes, splitsPerReader, streamConfig, rowLimiter);
      settings.pageConfig(); // checked here, and again where each split is read
      return new CassandraSource<>(settings, mapper, type);
    }

    /**
     * Builds the source for records of a class; see {@link #build(CassandraRowMapper, TypeInformation)}.
     *
     * @param <T> the record type
     * @param mapper turns each row into a record, on the task thread
     * @param type the records' class, given to {@code TypeInformation.of}; for a generic type use the
     *     overload that takes a {@code TypeInformation}
     * @return a new, serializable source
     * @throws IllegalArgumentException when the stream config limits rows or pages, or sets a resume token
     */
    public <T> CassandraSource<T> build(CassandraRowMapper<T> mapper, Class<T> type) {
      return build(mapper, TypeInformation.of(type));
    }
  }
}
