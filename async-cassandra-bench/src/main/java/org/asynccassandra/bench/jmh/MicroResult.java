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
 */
public record MicroResult(String benchmark, Map<String, String> params, double score, double error,
    String unit) {

  public MicroResult {
    Objects.requireNonNull(benchmark, "benchmark");
    Objects.requireNonNull(unit, "unit");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }
}
