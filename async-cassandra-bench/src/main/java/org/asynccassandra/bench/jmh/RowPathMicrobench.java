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
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link RowPathBenchmark}, {@link ShortStreamBenchmark} and {@link ManyStreamsBenchmark} through the JMH
 * runner, with JMH's GC profiler, and returns their scores in nanoseconds per row and the bytes they allocated
 * per row.
 *
 * <p>Each benchmark runs in one forked JVM, started with this JVM's {@code java.class.path}; so the caller
 * must run on a plain classpath that holds this module's classes (with the JMH-generated ones and
 * {@code META-INF/BenchmarkList}) and its dependencies. {@link #run} blocks until every benchmark finished:
 * about 75 s when quick, 6 min otherwise.
 */
public final class RowPathMicrobench {
  /** The GC profiler's bytes allocated per operation; an operation is one row. */
  static final String ALLOCATED_PER_OP = "gc.alloc.rate.norm";
  /** What the results of {@link ShortStreamBenchmark} are named by: the prefix, then the method. */
  private static final String SHORT_STREAM_PREFIX = "shortStream.";
  /** What the results of {@link ManyStreamsBenchmark} are named by: the prefix, then the method. */
  private static final String MANY_STREAMS_PREFIX = "manyStreams.";

  private RowPathMicrobench() {}

  /**
   * Runs every benchmark of {@link RowPathBenchmark}, {@link ShortStreamBenchmark} and {@link
   * ManyStreamsBenchmark}, printing JMH's progress to {@code out}.
   *
   * @param quick 1 warmup and 2 measurement iterations of 1 s each, instead of 3 warmups and 5
   *     measurements of 2 s each
   * @return one result per benchmark and parameter combination, in JMH's order
   * @throws IllegalStateException when JMH fails to run a benchmark
   */
  public static List<MicroResult> run(boolean quick, PrintStream out) {
    Options options = new OptionsBuilder()
        .include("^" + Pattern.quote(RowPathBenchmark.class.getName()) + "\\.")
        .include("^" + Pattern.quote(ShortStreamBenchmark.class.getName()) + "\\.")
        .include("^" + Pattern.quote(ManyStreamsBenchmark.class.getName()) + "\\.")
        .forks(1)
        .jvmArgs("-Xms1g", "-Xmx1g")
        .warmupIterations(quick ? 1 : 3)
        .warmupTime(TimeValue.seconds(quick ? 1 : 2))
        .measurementIterations(quick ? 2 : 5)
        .measurementTime(TimeValue.seconds(quick ? 1 : 2))
        .shouldFailOnError(true)
        .addProfiler(GCProfiler.class) // gc.alloc.rate.norm: bytes per operation, that is per row
        .build();
    Collection<RunResult> runs;
    try {
      runs = new Runner(options, OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL)).run();
    } catch (RunnerException failure) {
      throw new IllegalStateException("The JMH run of " + RowPathBenchmark.class.getSimpleName() + " failed",
          failure);
    }
    List<MicroResult> results = new ArrayList<>(runs.size());
    for (RunResult run : runs) {
      BenchmarkParams params = run.getParams();
      Map<String, String> values = new LinkedHashMap<>();
      for (String key : params.getParamsKeys()) {
        values.put(key, params.getParam(key));
      }
      String benchmark = params.getBenchmark();
      // RowPathBenchmark's methods by their own names; the others' (the same names) prefixed.
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      String name = benchmark.startsWith(ShortStreamBenchmark.class.getName() + ".") ? SHORT_STREAM_PREFIX + method
          : benchmark.startsWith(ManyStreamsBenchmark.class.getName() + ".") ? MANY_STREAMS_PREFIX + method : method;
      Result<?> primary = run.getPrimaryResult();
      // @OperationsPerInvocation makes one JMH operation one row.
      Result<?> allocated = run.getSecondaryResults().get(ALLOCATED_PER_OP);
      results.add(new MicroResult(name, values,
          primary.getScore(), primary.getScoreError(), primary.getScoreUnit().replace("/op", "/row"),
          allocated == null ? Double.NaN : allocated.getScore()));
    }
    return results;
  }
}
