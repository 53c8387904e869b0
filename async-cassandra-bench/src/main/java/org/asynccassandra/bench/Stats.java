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

import java.util.Arrays;
import java.util.Collection;

/** Order statistics of a set of samples: median, quantiles and spread. */
final class Stats {
  private Stats() {}

  /**
   * The q-quantile (0..1) by linear interpolation between order statistics, of the values that are numbers:
   * a NaN (a figure a round could not measure) is left out, as {@code Verdicts.Paired} leaves out its rounds;
   * sorted in, it counted as the largest value, and moved a median. NaN when no value is a number.
   */
  static double quantile(double[] values, double q) {
    double[] sorted = Arrays.stream(values).filter(value -> !Double.isNaN(value)).toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(sorted);
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }

  static double median(double[] values) {
    return quantile(values, 0.5);
  }

  static double median(Collection<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }

  /** Quantile of nanosecond delays held in a long array, in milliseconds. */
  static double quantileMillis(long[] nanos, int count, double q) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    int index = (int) Math.min(count - 1, Math.ceil(q * count) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }
}
