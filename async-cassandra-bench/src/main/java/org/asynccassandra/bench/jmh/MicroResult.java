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
package org.asynccassandra.bench.jmh;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The primary result of one JMH benchmark run: its score per row, with the parameters it ran with.
 *
 * @param benchmark the benchmark method's name, such as {@code forEachDirect}
 * @param params the JMH parameters, such as {@code prefetchPages=1}; empty for the baseline
 * @param score the mean time per row
 * @param error the half-width of the 99.9% confidence interval, NaN when too few iterations ran
 * @param unit the unit of {@code score} and {@code error}, such as {@code ns/row}
 * @param bytesPerRow the heap allocated per row (JMH's GC profiler, {@code gc.alloc.rate.norm}), NaN when
 *     the profiler did not run
 */
public record MicroResult(String benchmark, Map<String, String> params, double score, double error,
    String unit, double bytesPerRow) {

  /** A result measured without the GC profiler: no bytes per row. */
  public MicroResult(String benchmark, Map<String, String> params, double score, double error, String unit) {
    this(benchmark, params, score, error, unit, Double.NaN);
  }

  public MicroResult {
    Objects.requireNonNull(benchmark, "benchmark");
    Objects.requireNonNull(unit, "unit");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }
}
