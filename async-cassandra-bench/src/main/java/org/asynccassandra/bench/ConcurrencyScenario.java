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

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.QueryStream;
import org.asynccassandra.ReadAheadBudget;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.testkit.TestData;

/**
 * Many streams at once on one session: N = 1 … 1,000 concurrent reads, each of its own partition, against
 * the driver's fetchNextPage chain and executeReactive in the same run. It measures rows/s, the client's
 * heap (peak, and after GC) and its live threads, and states the goal of issue 13: at every N, ours at
 * least as fast as the chain and at most 1.5× its peak heap at the same read-ahead.
 */
final class ConcurrencyScenario implements Scenario {
  static final String ID = "concurrency";
  static final String TABLE = "rows_concurrency";
  private static final String CHAIN = "driver fetchNextPage";
  private static final String REACTIVE = "driver executeReactive";
  private static final String OURS_P0 = "ours p0 forEach";
  private static final String OURS_P1 = "ours p1 forEach";
  private static final String OURS_BUDGET = "ours p1 forEach + budget";
  private static final List<String> MODES = List.of(CHAIN, REACTIVE, OURS_P0, OURS_P1, OURS_BUDGET);
  /** The session-wide read-ahead budget of the budget mode. */
  private static final long BUDGET_BYTES = 8L * 1024 * 1024;
  private static final double MAX_HEAP_RATIO = 1.5;
  /**
   * Heap peaks below this count as this much in the heap ratio: the sampler sees the heap in steps of G1
   * regions, so at small N both peaks are 0 or one step, and their ratio says nothing.
   */
  static final double HEAP_RATIO_FLOOR_BYTES = 32.0 * 1024 * 1024;

  /**
   * The sizes of one run: concurrencies, rows per stream, fetch size, partitions loaded, rounds, and the
   * fewest rows one measurement reads (at small N, each of the N lanes reads one stream after another until
   * they have; a measurement of N=1 over one stream of 2,000 rows lasts ~10 ms and is noise).
   */
  record Size(List<Integer> streams, int rowsPerStream, int fetchSize, int partitions, int rounds,
      long minRowsPerRun) {

    /** The streams each of the N lanes reads, one after another. */
    int streamsPerLane(int lanes) {
      return (int) Math.max(1, minRowsPerRun / ((long) lanes * rowsPerStream));
    }
  }

  static Size size(BenchSettings settings) {
    return switch (settings.name()) {
      // 2,000,000 rows a measurement at every N: the process CPU time counts in 10 ms ticks, 5 ns a row here
      // (25 ns at the 400,000 rows of earlier reports, as much as the differences it was read for).
      case "full" -> new Size(List.of(1, 10, 100, 1000), 2000, 500, 1000, 7, 2_000_000);
      case "quick" -> new Size(List.of(1, 10, 100, 1000), 2000, 500, 100, 1, 100_000);
      default -> new Size(List.of(1, 4), 1000, 250, 4, 1, 2_000);
    };
  }

  @Override
  public String id() {
    return ID;
  }

  static List<String> modes() {
    return MODES;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    Size size = size(context.settings());
    CqlSession session = context.session();
    String table = context.keyspace() + "." + TABLE;
    long rows = (long) size.partitions() * size.rowsPerStream();
    context.out().printf(Locale.ROOT, "  loading %,d partitions of %,d rows into %s...%n", size.partitions(),
        size.rowsPerStream(), table);
    TestData.createSampleTable(session, table);
    TestData.loadSampleRows(session, table, rows, size.rowsPerStream());
    QuietServer.await(session, context.out());
    PreparedStatement select = session.prepare("SELECT pk, ck, payload FROM " + table + " WHERE pk = ?");
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors()); // as many as our callback executor
    ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "bench-concurrency-callback");
      thread.setDaemon(true);
      return thread;
    });
    Map<String, String> failures = new LinkedHashMap<>();
    try (AsyncSession budgeted = AsyncSession.wrap(session, StreamConfig.defaults(),
        ReadAheadBudget.ofBytes(BUDGET_BYTES))) {
      // Untimed, at the largest N, twice over: without it the first modes at N=1,000 run on a cold client
      // JIT and a cold server and measure at a fraction of their warm rate (up to 3× slower), whichever
      // mode that is, and the comparison is one of order rather than of modes.
      int warmupStreams = size.streams().get(size.streams().size() - 1);
      for (int pass = 0; pass < 2; pass++) {
        for (String mode : MODES) {
          try {
            new Run(context, budgeted, pool, select, size, warmupStreams).measure(mode);
          } catch (ExecutionException failed) {
            context.out().printf(Locale.ROOT, "  warm-up of %s failed: %s%n", mode, failed.getCause());
          }
        }
      }
      for (int round = 1; round <= size.rounds(); round++) {
        for (int streams : size.streams()) {
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  round %d, N=%d:", round, streams));
          for (String mode : Scenario.rotated(MODES, round)) {
            Run run = new Run(context, budgeted, pool, select, size, streams);
            try {
              Map<String, Double> metrics = run.measure(mode);
              context.results().add(ID, mode, variant(streams), round, metrics);
              line.append(String.format(Locale.ROOT, " %s %,.0f rows/s +%s%s;", mode, metrics.get("rowsPerSecond"),
                  Markdown.mib(metrics.get("heapPeakBytes")), metrics.containsKey("budgetHeldBack")
                      ? String.format(Locale.ROOT, " (held back %,.0f)", metrics.get("budgetHeldBack")) : ""));
            } catch (ExecutionException failed) {
              // A read failed (on a loaded machine, typically a request timeout): the mode is reported as
              // failed at this N, and the other modes still run.
              context.results().add(ID, mode, variant(streams), round, Map.of("failed", 1.0));
              failures.put(mode + " at N=" + streams, String.valueOf(failed.getCause()));
              line.append(String.format(Locale.ROOT, " %s FAILED (%s);", mode, failed.getCause()));
            }
          }
          context.out().println(line);
        }
      }
      // Untimed: what the reads hold. A heap peak counts the garbage not yet collected as well; forced GCs
      // while the reads run leave only what they still reference.
      for (int streams : size.streams()) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  held while streaming, N=%d:", streams));
        for (String mode : MODES) {
          try {
            Map<String, Double> metrics = new Run(context, budgeted, pool, select, size, streams).measureHeld(mode);
            context.results().add(ID, mode, heldVariant(streams), 1, metrics);
            line.append(String.format(Locale.ROOT, " %s +%s (%.0f GCs);", mode,
                Markdown.mib(metrics.get("heapHeldBytes")), metrics.get("forcedGcs")));
          } catch (ExecutionException failed) {
            failures.put(mode + " at N=" + streams + " (held pass)", String.valueOf(failed.getCause()));
            line.append(String.format(Locale.ROOT, " %s FAILED (%s);", mode, failed.getCause()));
          }
        }
        context.out().println(line);
      }
    } finally {
      pool.shutdownNow();
    }
    report(context, size, failures);
  }

  static String variant(int streams) {
    return "streams=" + streams;
  }

  /** The variant of the untimed pass that measures what the reads hold, with forced GCs. */
  static String heldVariant(int streams) {
    return variant(streams) + " held";
  }

  /** How often the held pass forces a GC while the reads run. */
  static final long HELD_GC_EVERY_MILLIS = 100;

  /** One measurement: N concurrent reads in one mode, with a heap and thread sampler beside them. */
  private static final class Run {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final BenchContext context;
    private final AsyncSession budgeted;
    private final ExecutorService pool;
    private final PreparedStatement select;
    private final Size size;
    private final int streams;

    Run(BenchContext context, AsyncSession budgeted, ExecutorService pool, PreparedStatement select, Size size,
        int streams) {
      this.context = context;
      this.budgeted = budgeted;
      this.pool = pool;
      this.select = select;
      this.size = size;
      this.streams = streams;
    }

    Map<String, Double> measure(String mode) throws Exception {
      return measure(mode, 0);
    }

    /**
     * An untimed read that forces a GC every {@link #HELD_GC_EVERY_MILLIS} ms while it runs: the most the heap
     * held after one, over the heap after a forced GC before, is what the reads reference at that moment (pages
     * held, buffered or queued for a callback thread, and each stream's own state), without their garbage.
     */
    Map<String, Double> measureHeld(String mode) throws Exception {
      Map<String, Double> timed = measure(mode, TimeUnit.MILLISECONDS.toNanos(HELD_GC_EVERY_MILLIS));
      return Map.of("heapHeldBytes", timed.get("heapHeldBytes"), "forcedGcs", timed.get("forcedGcs"));
    }

    private Map<String, Double> measure(String mode, long gcEveryNanos) throws Exception {
      System.gc();
      long baseline = MEMORY.getHeapMemoryUsage().getUsed();
      long threadsBefore = THREADS.getThreadCount();
      long allocatedBefore = Allocation.totalBytes();
      long cpuBefore = processCpuNanos();
      ReadAheadBudget budget = budgeted.readAheadBudget().orElseThrow();
      long heldBackBefore = budget.heldBack();
      Sampler sampler = new Sampler(gcEveryNanos);
      Thread samplerThread = new Thread(sampler, "bench-heap-sampler");
      samplerThread.setDaemon(true);
      samplerThread.start();
      long start = System.nanoTime();
      int perLane = size.streamsPerLane(streams);
      List<CompletableFuture<Long>> reads = new ArrayList<>(streams);
      for (int i = 0; i < streams; i++) {
        reads.add(lane(mode, i, perLane, 0));
      }
      long rows = 0;
      try {
        for (CompletableFuture<Long> read : reads) {
          rows += read.get(10, TimeUnit.MINUTES);
        }
      } catch (ExecutionException failed) {
        // Let the other reads of this mode end before the next mode runs, so they do not overlap it.
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).handle((ignored, error) -> null)
            .get(10, TimeUnit.MINUTES);
        sampler.stop();
        samplerThread.join();
        throw failed;
      }
      long nanos = System.nanoTime() - start;
      long allocatedAfter = Allocation.totalBytes();
      long cpuAfter = processCpuNanos();
      sampler.stop();
      samplerThread.join();
      System.gc();
      long after = MEMORY.getHeapMemoryUsage().getUsed();
      long expected = (long) streams * perLane * size.rowsPerStream();
      if (rows != expected) {
        throw new IllegalStateException(mode + " read " + rows + " rows, expected " + expected);
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("rows", (double) rows);
      metrics.put("seconds", nanos / 1e9);
      metrics.put("rowsPerSecond", rows / (nanos / 1e9));
      metrics.put("heapPeakBytes", (double) Math.max(0, sampler.peakUsed - baseline));
      metrics.put("heapHeldBytes", (double) Math.max(0, sampler.peakHeld - baseline));
      metrics.put("forcedGcs", (double) sampler.forcedGcs);
      metrics.put("heapAfterEndBytes", (double) Math.max(0, after - baseline));
      metrics.put("allocatedBytesPerRow", Allocation.perRow(allocatedBefore, allocatedAfter, rows));
      metrics.put("clientCpuNanosPerRow", cpuPerRow(cpuBefore, cpuAfter, sampler.ownCpuNanos, rows));
      metrics.put("liveThreadsPeak", (double) sampler.peakThreads);
      metrics.put("threadsAdded", (double) Math.max(0, sampler.peakThreads - threadsBefore));
      if (OURS_BUDGET.equals(mode)) {
        // How often the budget held a read-ahead back in this read, and what it still holds once every stream
        // ended (0, or bytes were lost): a budget that refuses a lone stream is not working.
        metrics.put("budgetHeldBack", (double) (budget.heldBack() - heldBackBefore));
        metrics.put("budgetReservedAfterBytes", (double) budget.reservedBytes());
      }
      return metrics;
    }

    /** The CPU time of every thread of this JVM (collector and compiler included), or -1 when not known. */
    private static long processCpuNanos() {
      return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
          ? os.getProcessCpuTime() : -1;
    }

    /**
     * One of the N lanes: {@code remaining} streams one after another, each started from the thread that
     * ended the one before (so that N stay in flight); lane i's k-th stream reads partition (i + k·N) mod
     * the partitions loaded.
     */
    private CompletableFuture<Long> lane(String mode, int lane, int remaining, int done) {
      int partition = (int) (((long) lane + (long) done * streams) % size.partitions());
      BoundStatement statement = select.bind(partition).setPageSize(size.fetchSize());
      CompletableFuture<Long> read = read(mode, statement);
      return remaining <= 1 ? read
          : read.thenCompose(rows -> lane(mode, lane, remaining - 1, done + 1).thenApply(more -> rows + more));
    }

    private CompletableFuture<Long> read(String mode, BoundStatement statement) {
      return switch (mode) {
        case CHAIN -> chain(statement);
        case REACTIVE -> reactive(statement);
        case OURS_P0 -> ours(context.async(), statement, 0);
        case OURS_P1 -> ours(context.async(), statement, 1);
        case OURS_BUDGET -> ours(budgeted, statement, 1);
        default -> throw new IllegalArgumentException("unknown mode: " + mode);
      };
    }

    private static long digest(Row row) {
      return row.getInt(1) + row.getString(2).length();
    }

    /** The hand-written chain: each page's callback, on the pool, requests the next page. */
    private CompletableFuture<Long> chain(BoundStatement statement) {
      CompletableFuture<Long> done = new CompletableFuture<>();
      class Chain {
        long rows;
        long checksum;

        void onPage(AsyncResultSet page, Throwable error) {
          if (error != null) {
            done.completeExceptionally(error);
            return;
          }
          try {
            for (Row row : page.currentPage()) {
              checksum += digest(row);
              rows++;
            }
            if (page.hasMorePages()) {
              page.fetchNextPage().whenCompleteAsync(this::onPage, pool);
            } else {
              done.complete(rows);
            }
          } catch (RuntimeException failure) {
            done.completeExceptionally(failure);
          }
        }
      }
      context.session().executeAsync(statement).whenCompleteAsync(new Chain()::onPage, pool);
      return done;
    }

    /** executeReactive, a page of rows requested at a time, each batch consumed on the pool. */
    private CompletableFuture<Long> reactive(BoundStatement statement) {
      long[] counts = new long[2]; // touched on the pool, one batch at a time: rows, checksum
      return PageBatches.consume(context.session().executeReactive(statement), size.fetchSize(), pool, row -> {
        counts[1] += digest(row);
        counts[0]++;
      }, () -> { }).thenApply(ignored -> counts[0]);
    }

    /** Our stream on the session's own callback executor, consumed with forEach. */
    private static CompletableFuture<Long> ours(AsyncSession async, BoundStatement statement, int prefetch) {
      QueryStream stream = async.executeStream(statement, StreamConfig.builder().prefetchPages(prefetch).build());
      long[] counts = new long[2]; // forEach calls are serial: rows, checksum
      return stream.forEach(row -> {
        counts[1] += digest(row);
        counts[0]++;
      }).toCompletableFuture().thenApply(ignored -> {
        stream.close();
        return counts[0];
      });
    }
  }

  /**
   * Samples the heap used and the live threads until stopped; with a GC interval, also forces a GC at that
   * interval and keeps the most the heap held right after one.
   */
  private static final class Sampler implements Runnable {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final AtomicInteger running = new AtomicInteger(1);
    private final long gcEveryNanos; // 0: never forces one
    volatile long peakUsed;
    volatile long peakHeld;
    volatile int forcedGcs;
    volatile int peakThreads;
    /** The sampler thread's own CPU time, set when it ends: the bench's, not the client's. */
    volatile long ownCpuNanos;

    Sampler(long gcEveryNanos) {
      this.gcEveryNanos = gcEveryNanos;
    }

    void stop() {
      running.set(0);
    }

    @Override
    public void run() {
      try {
        sample();
      } finally {
        ownCpuNanos = THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
      }
    }

    private void sample() {
      long nextGc = System.nanoTime() + gcEveryNanos / 4; // the first soon, so that a short read has one too
      do {
        peakUsed = Math.max(peakUsed, MEMORY.getHeapMemoryUsage().getUsed());
        if (gcEveryNanos > 0 && System.nanoTime() - nextGc >= 0) {
          System.gc();
          peakHeld = Math.max(peakHeld, MEMORY.getHeapMemoryUsage().getUsed());
          forcedGcs++;
          nextGc = System.nanoTime() + gcEveryNanos;
        }
        peakThreads = Math.max(peakThreads, THREADS.getThreadCount());
        try {
          Thread.sleep(2); // a sampler: there is nothing to wait on
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      } while (running.get() != 0);
    }
  }

  /**
   * Checks the concurrency goal against the samples of {@code results} and adds it to them: at every N, ours p0,
   * or ours p1 with the session budget, at least the chain's rows/s and at most 1.5× its heap peak, each judged on
   * the rounds paired with the chain (see {@link #check}); met when either way meets it at every N.
   *
   * @param streams the N measured
   */
  static Results.Goal judge(Results results, List<Integer> streams) {
    List<String> missedP0 = new ArrayList<>();
    List<String> missedBudget = new ArrayList<>();
    List<String> measuredP0 = new ArrayList<>();
    List<String> measuredBudget = new ArrayList<>();
    for (int n : streams) {
      for (String mode : List.of(OURS_P0, OURS_BUDGET)) {
        Check paired = check(results, variant(n), n, mode);
        boolean p0 = mode.equals(OURS_P0);
        (p0 ? measuredP0 : measuredBudget).add(paired.measured());
        if (!paired.met()) {
          (p0 ? missedP0 : missedBudget).add(paired.miss());
        }
      }
    }
    return results.goal(GOAL_NAME, GOAL_TARGET,
        OURS_P0 + ": " + String.join("; ", measuredP0) + ". " + OURS_BUDGET + " (" + Markdown.mib(BUDGET_BYTES)
            + "): " + String.join("; ", measuredBudget),
        missedP0.isEmpty() || missedBudget.isEmpty(), concurrencyNote(missedP0, missedBudget));
  }

  private void report(BenchContext context, Size size, Map<String, String> failures) throws Exception {
    Results results = context.results();
    List<List<String>> table = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (String mode : MODES) {
      series.put(mode, new ArrayList<>());
    }
    for (int streams : size.streams()) {
      String variant = variant(streams);
      for (String mode : MODES) {
        double rate = results.median(ID, mode, variant, "rowsPerSecond");
        double peak = results.median(ID, mode, variant, "heapPeakBytes");
        Check paired = check(results, variant, streams, mode);
        series.get(mode).add(rate);
        table.add(List.of(Markdown.number(streams), mode,
            Markdown.rateSpread(results.values(ID, mode, variant, "rowsPerSecond")),
            Markdown.ratio(paired.rowsRatio()), "+" + Markdown.mib(peak), Markdown.ratio(paired.heapRatio()),
            held(results, mode, streams),
            "+" + Markdown.mib(results.median(ID, mode, variant, "heapAfterEndBytes")),
            Markdown.bytes(results.median(ID, mode, variant, "allocatedBytesPerRow")),
            Markdown.nanos(results.median(ID, mode, variant, "clientCpuNanosPerRow")),
            mode.equals(CHAIN) ? "" : signedNanos(cpuDifference(results.paired(ID, mode, CHAIN, variant,
                "clientCpuNanosPerRow"))),
            Markdown.number(results.median(ID, mode, variant, "liveThreadsPeak"))));
      }
    }
    judge(results, size.streams());
    List<Long> xs = size.streams().stream().map(Integer::longValue).toList();
    String chart = Charts.lines(context.outputDirectory(), "concurrency.png",
        "Concurrent streams on one session", "concurrent streams", "rows/s", xs, series, true);
    String markdown = String.format(Locale.ROOT,
        "N reads at once on one session, each of %,d rows of one partition, fetch size %,d; N = %s. Each "
            + "measurement keeps N streams in flight until it has read at least %,d rows: each of N lanes "
            + "starts its next stream when the one before ends (lane i's k-th stream reads partition "
            + "(i + k·N) mod %,d), so N=1 reads %d streams one after another and N=1,000 reads %d each. "
            + "The load's flushes and compactions end before the first measurement. %d round(s), modes "
            + "rotated; each round measures every mode once at each N, and the ratios against the chain (the "
            + "\"vs the chain\" columns and the goal) are medians of the per-round ratios, so that both sides "
            + "of a ratio were measured within seconds of each other. The driver's modes run their "
            + "callbacks on a pool of %d threads, ours on the session's callback executor of as many. Rows/s "
            + "counts from the first request to the last row. A sampler reads the heap every 2 ms: the peak "
            + "used (garbage not yet collected included), over the heap after a forced GC before; then a forced "
            + "GC after the run. \"Held while streaming\" comes from one more read per mode and N after the "
            + "rounds, untimed, in which the sampler forces a GC every %d ms: the most the heap held right after "
            + "one, over the heap after a forced GC before, which is what the reads still reference (their pages "
            + "and state) without their garbage. Also: the bytes every thread of the client "
            + "allocated per row read, driver included; the client's CPU time per row counts every thread of "
            + "this JVM (collector and compiler included) but the heap sampler's own, in the JVM's ticks of "
            + "10 ms (%s a row at %,d rows); "
            + "its \"vs the chain\" column is the median of the per-round differences. The budget mode shares one "
            + "session-wide read-ahead budget of %s. Every mode first runs twice at the largest N, untimed "
            + "(cold, the first mode measured at N=1,000 ran up to 3× slower than warm, whichever it was). "
            + "In the heap ratios a peak under %s counts as %s: the sampler sees the heap in steps of G1 "
            + "regions, so at small N both peaks are 0 or one step. Young generation of this JVM: %s. What "
            + "ours pays that the chain does not: each row handed over is counted with an atomic "
            + "compare-and-set, so that a close from any thread leaves an exact resume position; the JMH "
            + "rows `manyStreams.` below give the engine's cost per row against the chain's without the server, "
            + "and most of the difference is that compare-and-set.%n%n",
        size.rowsPerStream(), size.fetchSize(), size.streams(), size.minRowsPerRun(), size.partitions(),
        size.streamsPerLane(size.streams().get(0)),
        size.streamsPerLane(size.streams().get(size.streams().size() - 1)), size.rounds(),
        Math.max(2, Runtime.getRuntime().availableProcessors()), HELD_GC_EVERY_MILLIS,
        Markdown.nanos(CPU_TICK_NANOS / (double) size.minRowsPerRun()), size.minRowsPerRun(),
        Markdown.mib(BUDGET_BYTES),
        Markdown.mib(HEAP_RATIO_FLOOR_BYTES), Markdown.mib(HEAP_RATIO_FLOOR_BYTES), youngGeneration())
        + Markdown.table(List.of("N", "mode", "rows/s, median (range)", "vs the chain (paired)", "heap peak",
            "vs the chain (paired)",
            "held while streaming (forced GCs)", "heap after the end + GC", "allocated per row (all threads)",
            "client CPU per row", "vs the chain (paired)", "live threads (peak)"), table)
        + "\n" + budgetLine(results, size.streams())
        + "\n" + Markdown.image("concurrency", chart)
        + (failures.isEmpty() ? "" : "\nFailed reads in this run (the mode's figures at that N are missing):\n\n"
            + failures.entrySet().stream().map(failure -> "- " + failure.getKey() + ": `" + failure.getValue() + "`\n")
                .collect(java.util.stream.Collectors.joining()));
    results.section(ID, "7. Concurrent streams on one session", markdown);
  }

  /**
   * The budget mode's read-aheads held back per read at each N (median of the rounds) and the most bytes the
   * budget still held once a read's streams had all ended (0 unless bytes were lost).
   */
  static String budgetLine(Results results, List<Integer> streamCounts) {
    List<String> perN = new ArrayList<>();
    double leftMax = 0;
    for (int streams : streamCounts) {
      double[] heldBack = results.values(ID, OURS_BUDGET, variant(streams), "budgetHeldBack");
      for (double left : results.values(ID, OURS_BUDGET, variant(streams), "budgetReservedAfterBytes")) {
        leftMax = Math.max(leftMax, left);
      }
      if (heldBack.length > 0) {
        perN.add(String.format(Locale.ROOT, "N=%d: %,.0f", streams, Stats.median(heldBack)));
      }
    }
    if (perN.isEmpty()) {
      return "";
    }
    return String.format(Locale.ROOT, "The budget held read-aheads back (per read, median of the rounds): %s; "
        + "bytes it still held once a read's streams had ended: at most %,.0f.%n", String.join(", ", perN), leftMax);
  }

  /** What the held pass measured for a mode at N, with how many forced GCs saw it; n/a when it failed. */
  static String held(Results results, String mode, int streams) {
    double[] held = results.values(ID, mode, heldVariant(streams), "heapHeldBytes");
    double[] gcs = results.values(ID, mode, heldVariant(streams), "forcedGcs");
    if (held.length == 0 || gcs.length == 0 || gcs[0] < 1) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "+%s (%.0f GCs)", Markdown.mib(held[0]), gcs[0]);
  }

  /**
   * How this JVM sizes its young generation: a heap peak includes the young objects not yet collected, so it
   * says little unless the young generation is fixed (the launcher runs {@code bench} with {@code -Xmn64m} on a
   * fixed, pre-touched heap; {@code ASYNC_CASSANDRA_JAVA_OPTS} can override it).
   */
  static String youngGeneration() {
    return youngGeneration(ManagementFactory.getRuntimeMXBean().getInputArguments());
  }

  static String youngGeneration(List<String> jvmArguments) {
    return jvmArguments.stream().filter(a -> a.startsWith("-Xmn") || a.contains("NewSize=")).reduce((a, b) -> b)
        .map(option -> "fixed (" + option + ")")
        .orElse("sized by the collector (no -Xmn): the heap peaks include however much eden it let grow");
  }

  static final String GOAL_NAME = "Concurrency: as fast as the chain, at most 1.5× its heap";
  static final String GOAL_TARGET = "at every N, ≥ 1.00× " + CHAIN + " rows/s and ≤ 1.5× its peak heap, with "
      + OURS_P0 + " (the chain's read-ahead) or with " + OURS_BUDGET + " (issue 13 allows either; which one met "
      + "is stated)";

  /**
   * The goal's note: which of the two ways met it at every N, and where the other one missed (with the rounds'
   * spread); met when either met at every N, as issue 13 states the goal.
   */
  static String concurrencyNote(List<String> missedP0, List<String> missedBudget) {
    List<String> parts = new ArrayList<>();
    if (missedBudget.isEmpty()) {
      parts.add("Met with " + OURS_BUDGET + " at every N.");
    } else {
      parts.add(OURS_BUDGET + " missed at " + String.join("; ", missedBudget) + ".");
    }
    if (missedP0.isEmpty()) {
      parts.add("Met with " + OURS_P0 + " at every N.");
    } else {
      parts.add(OURS_P0 + " missed at " + String.join("; ", missedP0) + ".");
    }
    return String.join(" ", parts);
  }

  /** A mode's peak heap over the chain's, each peak counted as at least {@link #HEAP_RATIO_FLOOR_BYTES}. */
  static double heapRatio(double peak, double chainPeak) {
    return Math.max(HEAP_RATIO_FLOOR_BYTES, peak) / Math.max(HEAP_RATIO_FLOOR_BYTES, chainPeak);
  }

  /**
   * One way's verdict at one N from the rounds paired with the chain's (each round measures every mode once,
   * close in time): the median of the per-round rows/s ratios and of the per-round heap ratios, and in how many
   * rounds ours read faster than the chain.
   */
  record Check(int streams, double rowsRatio, double heapRatio, int roundsAhead, int rounds) {

    static Check of(int streams, List<double[]> rates, List<double[]> peaks) {
      Verdicts.Paired rows = Verdicts.Paired.of(rates);
      double[] heapRatios = peaks.stream()
          .mapToDouble(pair -> ConcurrencyScenario.heapRatio(pair[0], pair[1])).toArray();
      // The median of no rounds is NaN, which met() and miss() read as "no figure".
      return new Check(streams, rows.median(), Stats.median(heapRatios), rows.roundsAtLeast(1.0), rows.rounds());
    }

    boolean met() {
      return Verdicts.atLeast(rowsRatio, 1.0) && Verdicts.atMost(heapRatio, MAX_HEAP_RATIO);
    }

    String measured() {
      return String.format(Locale.ROOT, "N=%d: %s rows/s, %s heap", streams, Markdown.ratio(rowsRatio, 1.0),
          Markdown.ratio(heapRatio, MAX_HEAP_RATIO));
    }

    /** Why it missed, with how many rounds ours was ahead: a tie within the noise shows as a split. */
    String miss() {
      if (Double.isNaN(rowsRatio) || Double.isNaN(heapRatio)) {
        return String.format(Locale.ROOT, "N=%d (no figure: a read of ours or of the chain failed)", streams);
      }
      return String.format(Locale.ROOT, "N=%d (%s rows/s, %s heap; ours faster than the chain in %d of %d rounds)",
          streams, Markdown.ratio(rowsRatio, 1.0), Markdown.ratio(heapRatio, MAX_HEAP_RATIO), roundsAhead, rounds);
    }
  }

  /**
   * The client's CPU time per row of one measurement: the process's, less the heap sampler's own (it samples
   * every 2 ms whatever the mode, so a slower mode would show more CPU per row for it); NaN when the process's
   * is not known.
   */
  static double cpuPerRow(long processBefore, long processAfter, long samplerNanos, long rows) {
    if (processBefore < 0 || processAfter < 0 || rows <= 0) {
      return Double.NaN;
    }
    return Math.max(0, processAfter - processBefore - samplerNanos) / (double) rows;
  }

  /** The resolution of the JVM's process CPU time on Linux ({@code times(2)}, in clock ticks of 10 ms). */
  static final long CPU_TICK_NANOS = 10_000_000L;

  /**
   * The median, over the rounds, of a mode's CPU time per row minus the chain's in the same round (each pair
   * ours, the chain's); NaN without a round in which both have a figure.
   */
  static double cpuDifference(List<double[]> pairs) {
    return Stats.median(pairs.stream().filter(pair -> !Double.isNaN(pair[0]) && !Double.isNaN(pair[1]))
        .mapToDouble(pair -> pair[0] - pair[1]).toArray());
  }

  /** A difference in nanoseconds with its sign ("+46 ns", "-8 ns"); "n/a" for NaN. */
  static String signedNanos(double nanos) {
    return Double.isNaN(nanos) ? "n/a" : (nanos >= 0 ? "+" : "") + Markdown.nanos(nanos);
  }

  private static Check check(Results results, String variant, int streams, String mode) {
    return Check.of(streams, results.paired(ID, mode, CHAIN, variant, "rowsPerSecond"),
        results.paired(ID, mode, CHAIN, variant, "heapPeakBytes"));
  }
}
