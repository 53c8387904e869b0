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
package org.asynccassandra.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes of one bench run. {@link #full()} is what the committed report uses, {@link #quick()} a
 * smoke run of a few minutes, {@link #tiny()} the smallest run that still goes through every scenario
 * (for the harness's own test).
 *
 * @param name full, quick or tiny
 * @param rows rows of the main table (throughput, overlap, scan, export, time to first row)
 * @param bigRows rows of the second table, for the memory scenario's larger result
 * @param rowsPerPartition rows per partition of both tables
 * @param rounds measured rounds per scenario, modes alternated inside each round
 * @param fetchSizes the fetch sizes of the throughput scenario
 * @param overlapRows rows read in the overlap scenario
 * @param overlapFetchSize the overlap scenario's fetch size
 * @param concurrencies K, the concurrent requests of the event-loop scenario
 * @param requestsPerConcurrency requests per K in the event-loop scenario (each reads 10 pages)
 * @param slowConsumerRows rows read by the slow consumer of the memory scenario
 * @param parallelisms the table scan's parallelisms
 * @param firstRowFetchSizes the fetch sizes of the time-to-first-row scenario
 * @param firstRowRepetitions repetitions per fetch size and mode of the time-to-first-row scenario
 * @param exportRounds rounds of the export comparison (each runs 4 child processes)
 */
record BenchSettings(
    String name,
    long rows,
    long bigRows,
    int rowsPerPartition,
    int rounds,
    List<Integer> fetchSizes,
    long overlapRows,
    int overlapFetchSize,
    List<Integer> concurrencies,
    int requestsPerConcurrency,
    long slowConsumerRows,
    List<Integer> parallelisms,
    List<Integer> firstRowFetchSizes,
    int firstRowRepetitions,
    int exportRounds) {

  static BenchSettings full() {
    return new BenchSettings("full", 1_000_000, 5_000_000, 1_000, 5, List.of(1000, 5000), 200_000, 5000,
        List.of(1, 10, 50), 20, 250_000, List.of(1, 2, 4, 8), List.of(100, 5000, 20000), 15, 3);
  }

  static BenchSettings quick() {
    return new BenchSettings("quick", 100_000, 300_000, 1_000, 2, List.of(1000, 5000), 50_000, 5000,
        List.of(1, 10, 50), 4, 50_000, List.of(1, 2, 4, 8), List.of(100, 5000, 20000), 5, 3);
  }

  static BenchSettings tiny() {
    return new BenchSettings("tiny", 6_000, 12_000, 1_000, 1, List.of(1000), 6_000, 1000,
        List.of(1, 2), 2, 6_000, List.of(1, 2), List.of(100, 1000), 2, 1);
  }

  static BenchSettings named(String name) {
    return switch (name) {
      case "full" -> full();
      case "quick" -> quick();
      case "tiny" -> tiny();
      default -> throw new IllegalArgumentException("size must be full, quick or tiny: " + name);
    };
  }

  /**
   * Rounds for a close comparison: twice {@link #rounds()} and one. Where modes differ by a few per cent of a read
   * of a second or more (the small first page against fixed pages, pages sized by bytes against fixed sizes),
   * one round's noise on a shared machine is larger than the difference, so a median needs more rounds than a
   * comparison of modes far apart.
   */
  int closeComparisonRounds() {
    return 2 * rounds + 1;
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("rows", rows);
    json.put("bigRows", bigRows);
    json.put("rowsPerPartition", rowsPerPartition);
    json.put("rounds", rounds);
    json.put("fetchSizes", fetchSizes);
    json.put("overlapRows", overlapRows);
    json.put("overlapFetchSize", overlapFetchSize);
    json.put("concurrencies", concurrencies);
    json.put("requestsPerConcurrency", requestsPerConcurrency);
    json.put("slowConsumerRows", slowConsumerRows);
    json.put("parallelisms", parallelisms);
    json.put("firstRowFetchSizes", firstRowFetchSizes);
    json.put("firstRowRepetitions", firstRowRepetitions);
    json.put("exportRounds", exportRounds);
    return json;
  }
}
