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

import java.io.Serializable;
import java.util.List;
import java.util.OptionalLong;
import org.apache.flink.util.function.SerializableSupplier;
import org.asynccassandra.ReadLimiter;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;
import org.jspecify.annotations.Nullable;

/**
 * What the enumerator and the readers of one {@link CassandraSource} share: how to connect, the table and
 * the query shape, how to split, and how to page. Immutable; shipped with the job.
 *
 * @param sessionKey identifies the source: its readers in one JVM share one session
 * @param splits the split count asked for; 0 for the default
 * @param targetSplitBytes the split size to aim at from the table's size estimates; 0 for none
 * @param rowLimiter makes each reader's limiter of rows read, shared by its splits; null for none
 */
record SourceSettings(
    CassandraSessionFactory sessions,
    String sessionKey,
    String keyspace,
    String table,
    List<String> columns,
    @Nullable String where,
    boolean allowFiltering,
    int splits,
    long targetSplitBytes,
    int splitsPerReader,
    @Nullable SerializableSupplier<StreamConfig> streamConfig,
    @Nullable SerializableSupplier<? extends ReadLimiter> rowLimiter) implements Serializable {
  private static final long serialVersionUID = 1L;

  SourceSettings {
    columns = List.copyOf(columns);
  }

  /**
   * The paging of each split's scan, checked on every call: the supplier runs on the client when the source
   * is built and again on each task manager for each split, and may answer differently there.
   *
   * @throws IllegalArgumentException when it limits rows or pages (a split would end early and its other
   *     rows be lost without an error) or sets a resume token
   */
  StreamConfig pageConfig() {
    StreamConfig paging = streamConfig == null ? StreamConfig.defaults() : streamConfig.get();
    if (paging.maxRows().isPresent() || paging.maxPages().isPresent()) {
      throw new IllegalArgumentException("A source of " + qualifiedTable() + " reads whole splits: its stream "
          + "config must not set maxRows or maxPages, got " + limit("maxRows", paging.maxRows()) + " and "
          + limit("maxPages", paging.maxPages()));
    }
    if (paging.resumeFrom().isPresent()) {
      throw new IllegalArgumentException("A source of " + qualifiedTable() + " resumes from Flink checkpoints: "
          + "its stream config must not set a resume token");
    }
    return paging;
  }

  /** {@code "maxRows 10"}, or {@code "no maxRows"} when unset. */
  private static String limit(String name, OptionalLong value) {
    return value.isPresent() ? name + " " + value.getAsLong() : "no " + name;
  }

  /** The columns, restriction and paging of a scan, without its ranges. */
  ScanConfig.Builder scanConfig() {
    return ScanConfig.builder().columns(columns).where(where).allowFiltering(allowFiltering)
        .streamConfig(pageConfig());
  }

  /** A reader's own row limiter, or null. */
  @Nullable ReadLimiter newRowLimiter() {
    return rowLimiter == null ? null : rowLimiter.get();
  }

  /**
   * The scan of one split: from its position, or its whole range; one range read at a time, charged to the
   * reader's {@code limiter} (or none).
   */
  ScanConfig scanOf(CassandraSplit split, @Nullable ReadLimiter limiter) {
    ScanConfig.Builder builder = scanConfig().parallelism(1).rowLimiter(limiter);
    if (split.position().isPresent()) {
      builder.resumeFrom(split.position().get());
    } else {
      builder.ranges(List.of(split.range()));
    }
    return builder.build();
  }

  /** {@code keyspace.table}, for messages. */
  String qualifiedTable() {
    return keyspace + "." + table;
  }
}
