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

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;

/**
 * How many splits a source plans: a split count when one is given, else from the table's size estimates when
 * a target split size is set, else the default. The estimates come from a fake that counts its calls (the
 * real one queries {@code system.size_estimates} on every node).
 */
class SplitPlannerTest {
  private static final long MIB = 1024 * 1024;

  private final AtomicInteger estimateCalls = new AtomicInteger();

  private static CassandraSource.Builder source() {
    return CassandraSource.builder(TestSessions.of(List.of(new InetSocketAddress("127.0.0.1", 9042))), "ks", "t");
  }

  private static SourceSettings settings(CassandraSource.Builder builder) {
    return builder.build(row -> "", Types.STRING).settings();
  }

  private LongSupplier estimate(long bytes) {
    return () -> {
      estimateCalls.incrementAndGet();
      return bytes;
    };
  }

  @Test
  void should_size_the_splits_from_the_estimates_when_no_split_count_is_given() {
    SourceSettings settings = settings(source().targetSplitSize(64 * MIB));

    assertThat(SplitPlanner.splitCount(settings, 2, 3, estimate(1024 * MIB))).isEqualTo(16);
    assertThat(SplitPlanner.splitCount(settings, 2, 3, estimate(1024 * MIB + 1))).as("rounded up").isEqualTo(17);
    assertThat(SplitPlanner.splitCount(settings, 2, 3, estimate(10 * 1024 * MIB))).isEqualTo(160);
    assertThat(estimateCalls).hasValue(3);
  }

  @Test
  void should_plan_at_least_one_split_per_reader_from_small_estimates() {
    SourceSettings settings = settings(source().targetSplitSize(64 * MIB));

    assertThat(SplitPlanner.splitCount(settings, 8, 3, estimate(100 * MIB))).isEqualTo(8);
  }

  @Test
  void should_plan_at_most_100000_splits_from_huge_estimates() {
    SourceSettings settings = settings(source().targetSplitSize(1));

    assertThat(SplitPlanner.splitCount(settings, 4, 3, estimate(Long.MAX_VALUE / 2))).isEqualTo(100_000);
  }

  @Test
  void should_fall_back_to_the_default_count_when_the_table_has_no_estimate_yet() {
    SourceSettings settings = settings(source().targetSplitSize(64 * MIB));

    assertThat(SplitPlanner.splitCount(settings, 2, 3, estimate(0))).as("4 per node").isEqualTo(12);
    assertThat(SplitPlanner.splitCount(settings, 5, 3, estimate(0))).as("4 per reader").isEqualTo(20);
  }

  @Test
  void should_take_the_split_count_given_without_reading_the_estimates() {
    SourceSettings settings = settings(source().splits(10).targetSplitSize(64 * MIB));

    assertThat(SplitPlanner.splitCount(settings, 2, 3, estimate(1024 * MIB))).isEqualTo(10);
    assertThat(estimateCalls).as("estimates read").hasValue(0);
  }

  @Test
  void should_not_read_the_estimates_without_a_target_split_size() {
    SourceSettings settings = settings(source());

    assertThat(SplitPlanner.splitCount(settings, 1, 3, estimate(1024 * MIB))).isEqualTo(12);
    assertThat(SplitPlanner.splitCount(settings, 1, 0, estimate(1024 * MIB))).as("no node known yet").isEqualTo(4);
    assertThat(estimateCalls).as("estimates read").hasValue(0);
  }

  @Test
  void should_count_a_range_without_an_estimate_as_empty() {
    assertThat(SizeEstimates.rangeBytes(-1, 10)).isZero();
    assertThat(SizeEstimates.rangeBytes(100, -1)).isZero();
    assertThat(SizeEstimates.rangeBytes(100, 10)).isEqualTo(1000);
  }
}
