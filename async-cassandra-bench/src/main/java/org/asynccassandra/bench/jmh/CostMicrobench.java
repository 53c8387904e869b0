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

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the per-row cost benchmarks of the report's "listeners and mappers" part: {@link
 * ListenerCostBenchmark#forEachDirect} (no listener, a no-op one, the Micrometer binder's) and every
 * benchmark of {@link RowMappingBenchmark}, and returns their scores in nanoseconds per row, each named
 * {@code Class.method}.
 *
 * <p>As {@link RowPathMicrobench}: one forked JVM per benchmark, on this JVM's {@code java.class.path};
 * {@link #run} blocks until every benchmark finished (about 2 min when quick, 7 min otherwise).
 */
public final class CostMicrobench {
  /** The benchmarks it runs, as JMH include patterns. */
  static final List<String> INCLUDES = List.of(
      "^" + Pattern.quote(ListenerCostBenchmark.class.getName()) + "\\.forEachDirect$",
      "^" + Pattern.quote(RowMappingBenchmark.class.getName()) + "\\.");

  private CostMicrobench() {}

  /**
   * Runs the benchmarks of {@link #INCLUDES}, printing JMH's progress to {@code out}.
   *
   * @param quick 1 warmup and 2 measurement iterations of 1 s each, instead of 3 warmups and 5
   *     measurements of 2 s each
   * @return one result per benchmark and parameter combination, in JMH's order
   * @throws IllegalStateException when JMH fails to run a benchmark
   */
  public static List<MicroResult> run(boolean quick, PrintStream out) {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .forks(1)
        .jvmArgs("-Xms1g", "-Xmx1g")
        .warmupIterations(quick ? 1 : 3)
        .warmupTime(TimeValue.seconds(quick ? 1 : 2))
        .measurementIterations(quick ? 2 : 5)
        .measurementTime(TimeValue.seconds(quick ? 1 : 2))
        .shouldFailOnError(true);
    INCLUDES.forEach(options::include);
    Collection<RunResult> runs;
    try {
      runs = new Runner(options.build(), OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL)).run();
    } catch (RunnerException failure) {
      throw new IllegalStateException("The JMH run of the listener and mapper costs failed", failure);
    }
    List<MicroResult> results = new ArrayList<>(runs.size());
    for (RunResult run : runs) {
      BenchmarkParams params = run.getParams();
      Map<String, String> values = new LinkedHashMap<>();
      for (String key : params.getParamsKeys()) {
        values.put(key, params.getParam(key));
      }
      String[] parts = params.getBenchmark().split("\\.");
      Result<?> primary = run.getPrimaryResult();
      // @OperationsPerInvocation makes one JMH operation one row.
      results.add(new MicroResult(parts[parts.length - 2] + "." + parts[parts.length - 1], values,
          primary.getScore(), primary.getScoreError(), primary.getScoreUnit().replace("/op", "/row")));
    }
    return results;
  }
}
