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

/**
 * One benchmark scenario: it measures, adds samples, checks its goals and writes its report section
 * (with its charts) into the {@link BenchContext}'s results. Runs on the bench's main thread.
 */
interface Scenario {
  /** A short id for the command line and the results file, such as {@code throughput}. */
  String id();

  void run(BenchContext context) throws Exception;

  /** Rotates the modes by the round number, so that no mode always runs first or last in a round. */
  static <T> java.util.List<T> rotated(java.util.List<T> modes, int round) {
    java.util.List<T> order = new java.util.ArrayList<>(modes);
    java.util.Collections.rotate(order, -(round % Math.max(1, order.size())));
    return order;
  }
}
