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

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.asynccassandra.RowStream;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.StreamConfig;

/**
 * Scenario: wide rows (64 KiB blobs). A fixed fetch size makes a page of wide rows as big as rows × width
 * (the driver's 5,000 rows: 320 MiB in one response); {@code targetPageBytes} sizes pages by bytes. Each
 * mode streams the whole table in timed rounds (rows/s, and the client heap's peak sampled by a thread),
 * then once more with a forced GC every 1/8 of the read (the heap after GC while streaming, as in the
 * memory scenario).
 */
final class WideRowScenario implements Scenario {
  static final String ID = "wide-row";
  static final String TABLE = "rows_wide";
  static final int BLOB_BYTES = 64 * 1024;
  static final long TARGET_PAGE_BYTES = 4L << 20;
  private static final int ROWS_PER_PARTITION = 100;
  private static final int WRITES_IN_FLIGHT = 32;
  private static final int GC_SAMPLES_PER_READ = 8;
  static final String TARGET_MODE = "targetPageBytes 4 MiB";
  private static final String SCAN_MODE = "TableScan p2, targetPageBytes 4 MiB";
  private static final List<Integer> FIXED = List.of(5000, 500, 100, 50, 20);
  /** The heap goal: the heap after GC while streaming with the byte target stays under this. */
  static final double HEAP_GOAL_BYTES = 64.0 * 1024 * 1024;
  /** The rate goal: rows/s with the byte target over the best fixed fetch size's. */
  static final double RATE_GOAL = 0.9;

  @Override
  public String id() {
    return ID;
  }

  /** The rows of the wide table for a bench size: 320 MiB in the full run, less for the smoke runs. */
  static int rows(BenchSettings settings) {
    return switch (settings.name()) {
      case "full" -> 5_000;
      case "quick" -> 1_000;
      default -> 40;
    };
  }

  static String fixed(int fetchSize) {
    return "fetch size " + fetchSize;
  }

  static List<String> modes() {
    List<String> modes = new ArrayList<>();
    FIXED.forEach(size -> modes.add(fixed(size)));
    modes.add(TARGET_MODE);
    modes.add(SCAN_MODE);
    return modes;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    int rows = rows(context.settings());
    String table = context.keyspace() + "." + TABLE;
    List<String> modes = modes();
    // A mode whose read fails (a fixed fetch size of wide rows can be more than the server will answer) is
    // reported as failed with its error and not tried again: the other modes still run.
    Map<String, String> failed = new LinkedHashMap<>();
    // Round 0 warms up. Close-comparison rounds: with five, which fixed size was best changed from run to run
    // (100 in one, 500 in the next, each 0.8x of the other).
    for (int round = 0; round <= context.settings().closeComparisonRounds(); round++) {
      StringBuilder line = new StringBuilder(round == 0 ? "  warm-up:" : "  round " + round + ":");
      for (String mode : Scenario.rotated(modes, round)) {
        if (failed.containsKey(mode)) {
          continue;
        }
        try {
          Read read = read(context, table, rows, mode, false);
          if (round > 0) {
            context.results().add(ID, mode, "", round, read.metrics());
          }
          line.append(String.format(Locale.ROOT, " %s %.2fs;", mode, read.seconds));
        } catch (Exception failure) {
          failed.put(mode, describe(failure));
          line.append(String.format(Locale.ROOT, " %s FAILED (%s);", mode, failed.get(mode)));
        }
      }
      context.out().println(line);
    }
    StringBuilder line = new StringBuilder("  heap after GC while streaming:");
    for (String mode : modes) {
      if (failed.containsKey(mode)) {
        continue;
      }
      try {
        Read read = read(context, table, rows, mode, true);
        context.results().add(ID, mode, "gc samples", 1, read.metrics());
        line.append(String.format(Locale.ROOT, " %s %s;", mode, Markdown.mib(read.heapAfterGcMax)));
      } catch (Exception failure) {
        failed.put(mode, describe(failure));
        line.append(String.format(Locale.ROOT, " %s FAILED (%s);", mode, failed.get(mode)));
      }
    }
    context.out().println(line);
    if (failed.containsKey(TARGET_MODE)) {
      throw new IllegalStateException("The read with targetPageBytes failed: " + failed.get(TARGET_MODE));
    }
    report(context, modes, rows, failed);
  }

  /** The failure's type and message, and its cause's, on one line. */
  static String describe(Throwable failure) {
    Throwable shown = failure instanceof java.util.concurrent.ExecutionException && failure.getCause() != null
        ? failure.getCause() : failure;
    String text = shown.getClass().getSimpleName() + ": " + shown.getMessage();
    if (shown.getCause() != null && shown.getCause() != shown) {
      text += " (cause " + shown.getCause().getClass().getSimpleName() + ": " + shown.getCause().getMessage() + ")";
    }
    return text.replace('\n', ' ').replace('|', '/');
  }

  /**
   * Creates and fills the wide table, with at most {@value #WRITES_IN_FLIGHT} asynchronous writes in
   * flight; the bench loads it with the other tables, before it waits for the server's compactions.
   */
  static void load(BenchContext context) {
    int rows = rows(context.settings());
    String table = context.keyspace() + "." + TABLE;
    context.out().printf(Locale.ROOT, "Loading %,d rows of %d KiB (%s) into %s...%n", rows, BLOB_BYTES / 1024,
        Markdown.mib((double) rows * BLOB_BYTES), table);
    long start = System.nanoTime();
    try {
      load(context, table, rows);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while loading " + table, interrupted);
    }
    context.out().printf(Locale.ROOT, "  loaded in %.1f s%n", (System.nanoTime() - start) / 1e9);
  }

  private static void load(BenchContext context, String table, int rows) throws InterruptedException {
    context.session().execute("DROP TABLE IF EXISTS " + table);
    context.session().execute("CREATE TABLE " + table + " (pk int, ck int, payload blob, PRIMARY KEY (pk, ck))");
    PreparedStatement insert = context.session().prepare("INSERT INTO " + table + " (pk, ck, payload) VALUES (?, ?, ?)");
    byte[] blob = new byte[BLOB_BYTES];
    new Random(42).nextBytes(blob); // incompressible, as a real blob would be
    Semaphore inFlight = new Semaphore(WRITES_IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < rows && failure.get() == null; i++) {
      inFlight.acquire();
      context.session().executeAsync(insert.bind(i / ROWS_PER_PARTITION, i % ROWS_PER_PARTITION,
              ByteBuffer.wrap(blob)).setTimeout(Duration.ofSeconds(60)))
          .whenComplete((result, error) -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            }
            inFlight.release();
          });
    }
    inFlight.acquire(WRITES_IN_FLIGHT);
    inFlight.release(WRITES_IN_FLIGHT);
    if (failure.get() != null) {
      throw new IllegalStateException("Loading " + table + " failed", failure.get());
    }
  }

  private static RowStream open(BenchContext context, String table, String mode) {
    StreamConfig.Builder config = StreamConfig.builder().prefetchPages(1).executor(context.consumer());
    if (mode.equals(SCAN_MODE)) {
      return context.async().scanTable(context.keyspace(), TABLE, ScanConfig.builder().parallelism(2)
          .streamConfig(config.fetchSize(5000).targetPageBytes(TARGET_PAGE_BYTES).build()).build());
    }
    if (mode.equals(TARGET_MODE)) {
      config.fetchSize(5000).targetPageBytes(TARGET_PAGE_BYTES);
    } else {
      config.fetchSize(Integer.parseInt(mode.substring(mode.lastIndexOf(' ') + 1)));
    }
    // A page of 5,000 wide rows is 320 MiB: give it time.
    return context.async().executeStream(SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table)
        .setTimeout(Duration.ofMinutes(2)), config.build());
  }

  /** One read of the whole table: every row exactly once, or an exception. */
  private static Read read(BenchContext context, String table, int rows, String mode, boolean gcSamples)
      throws Exception {
    Read read = new Read(rows, gcSamples ? Math.max(1, rows / GC_SAMPLES_PER_READ) : 0);
    HeapPeak peak = new HeapPeak();
    peak.start();
    long start = System.nanoTime();
    try (RowStream stream = open(context, table, mode)) {
      stream.forEachPage(page -> {
        read.pages++;
        page.rows().forEach(read::row);
        read.afterPage();
      }).toCompletableFuture().get();
      read.seconds = (System.nanoTime() - start) / 1e9;
      read.bytes = stream.stats().bytesFetched();
      read.lastRequestedPageSize = stream.stats().requestedPageSize();
    } finally {
      peak.stop();
    }
    read.heapPeak = peak.max;
    if (read.seen.cardinality() != rows || read.rows != rows) {
      throw new IllegalStateException(mode + " read " + read.rows + " rows (" + read.seen.cardinality()
          + " distinct) of " + table + " where " + rows + " were loaded");
    }
    return read;
  }

  /** What one read counts; confined to the consumer thread, then read by the bench's thread after it. */
  private static final class Read {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    final BitSet seen;
    final int gcEveryRows;
    long rows;
    long payloadBytes;
    long pages;
    long bytes;
    int lastRequestedPageSize;
    double seconds;
    long heapPeak;
    long heapAfterGcMax;
    int gcSamples;
    private long nextSampleAt;

    Read(int expectedRows, int gcEveryRows) {
      this.seen = new BitSet(expectedRows);
      this.gcEveryRows = gcEveryRows;
      this.nextSampleAt = gcEveryRows;
    }

    void row(Row row) {
      int index = row.getInt(0) * ROWS_PER_PARTITION + row.getInt(1);
      if (seen.get(index)) {
        throw new IllegalStateException("row " + index + " came twice");
      }
      seen.set(index);
      ByteBuffer payload = row.getByteBuffer(2);
      payloadBytes += payload == null ? 0 : payload.remaining();
      rows++;
    }

    /** With GC samples: a full GC, then the heap still used, while the page is still held. */
    void afterPage() {
      if (gcEveryRows > 0 && rows >= nextSampleAt) {
        System.gc();
        heapAfterGcMax = Math.max(heapAfterGcMax, MEMORY.getHeapMemoryUsage().getUsed());
        gcSamples++;
        while (nextSampleAt <= rows) {
          nextSampleAt += gcEveryRows;
        }
      }
    }

    Map<String, Double> metrics() {
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("rows", (double) rows);
      metrics.put("seconds", seconds);
      metrics.put("rowsPerSecond", rows / seconds);
      metrics.put("mibPerSecond", payloadBytes / seconds / (1024 * 1024));
      metrics.put("pages", (double) pages);
      metrics.put("meanPageBytes", pages == 0 ? 0 : (double) bytes / pages);
      metrics.put("lastRequestedPageSize", (double) lastRequestedPageSize);
      metrics.put("heapPeakBytes", (double) heapPeak);
      if (gcEveryRows > 0) {
        metrics.put("heapAfterGcMaxBytes", (double) heapAfterGcMax);
        metrics.put("heapSamples", (double) gcSamples);
      }
      return metrics;
    }
  }

  /** The heap used, sampled every 5 ms on a daemon thread: the peak between GCs (garbage included). */
  private static final class HeapPeak {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final Thread thread = new Thread(this::sample, "wide-row-heap-sampler");
    volatile long max;

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    private void sample() {
      while (!stop.isDone()) {
        max = Math.max(max, MEMORY.getHeapMemoryUsage().getUsed());
        try {
          stop.get(5, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException next) {
          // sample again
        } catch (InterruptedException | java.util.concurrent.ExecutionException end) {
          return;
        }
      }
    }

    void stop() throws InterruptedException {
      stop.complete(null);
      thread.join();
      max = Math.max(max, MEMORY.getHeapMemoryUsage().getUsed());
    }
  }

  /**
   * The fixed fetch size with the highest median rows/s, of those that did not fail (a NaN median never wins).
   *
   * @throws IllegalStateException when every fixed fetch size failed
   */
  static Verdicts.Candidate bestFixed(Results results, Map<String, String> failed) {
    Map<String, Double> rates = new LinkedHashMap<>();
    for (int size : FIXED) {
      if (!failed.containsKey(fixed(size))) {
        rates.put(fixed(size), results.median(ID, fixed(size), "", "rowsPerSecond"));
      }
    }
    if (rates.isEmpty()) {
      throw new IllegalStateException("Every fixed fetch size failed: " + failed);
    }
    return Verdicts.best(rates);
  }

  /**
   * Checks the two wide-row goals against the samples of {@code results} and adds them: with {@code
   * targetPageBytes(4 MiB)}, the heap after GC while streaming (the max of the samples) under 64 MiB, and the
   * median rows/s at least 0.9× the best fixed fetch size's.
   *
   * @param failed the modes whose read failed, with why
   */
  static List<Results.Goal> judge(Results results, Map<String, String> failed) {
    Verdicts.Candidate best = bestFixed(results, failed);
    String defaultMode = fixed(5000);
    String defaultFigures;
    if (failed.containsKey(defaultMode)) {
      defaultFigures = "failed (" + failed.get(defaultMode) + ")";
    } else {
      double defaultAfterGc = Stats.max(results.values(ID, defaultMode, "gc samples", "heapAfterGcMaxBytes"));
      double defaultPeak = Stats.max(results.values(ID, defaultMode, "", "heapPeakBytes"));
      defaultFigures = Markdown.mib(defaultAfterGc) + " after GC (peak " + Markdown.mib(defaultPeak) + ")";
    }
    String heapName = "Wide rows: targetPageBytes keeps the heap small";
    String heapTarget = "heap after GC while streaming with targetPageBytes(4 MiB) < 64 MiB";
    String rateName = "Wide rows: targetPageBytes as fast as the best fixed page size";
    String rateTarget = "rows/s with targetPageBytes(4 MiB) ≥ 0.9 × the best fixed fetch size";
    String why = failed.get(TARGET_MODE);
    if (why != null) {
      String note = "The read with targetPageBytes failed in this run: " + why;
      return List.of(results.goal(heapName, heapTarget, "failed; the default fetch size of 5,000: " + defaultFigures,
          false, note), results.goal(rateName, rateTarget, "failed", false, note));
    }
    double targetRate = results.median(ID, TARGET_MODE, "", "rowsPerSecond");
    double targetAfterGc = Stats.max(results.values(ID, TARGET_MODE, "gc samples", "heapAfterGcMaxBytes"));
    double targetPeak = Stats.max(results.values(ID, TARGET_MODE, "", "heapPeakBytes"));
    boolean small = !Double.isNaN(targetAfterGc) && targetAfterGc < HEAP_GOAL_BYTES;
    Results.Goal heap = results.goal(heapName, heapTarget,
        String.format(Locale.ROOT, "%s after GC (peak %s); the default fetch size of 5,000: %s",
            Markdown.mib(targetAfterGc, HEAP_GOAL_BYTES), Markdown.mib(targetPeak), defaultFigures),
        small, small ? "" : Double.isNaN(targetAfterGc) ? "No heap sample of the read with targetPageBytes in this "
            + "run." : "The pages sized by bytes still left more than 64 MiB on the heap in this run.");
    double ratio = Verdicts.ratio(targetRate, best.value());
    boolean fast = Verdicts.atLeast(ratio, RATE_GOAL);
    Results.Goal rate = results.goal(rateName, rateTarget,
        String.format(Locale.ROOT, "%s vs %s rows/s (%s): %s", Markdown.rate(targetRate), Markdown.rate(best.value()),
            best.name(), Markdown.ratio(ratio, RATE_GOAL)),
        fast, fast ? "" : "Pages sized by bytes read slower than the best fixed page size in this run.");
    return List.of(heap, rate);
  }

  private void report(BenchContext context, List<String> modes, int rows, Map<String, String> failed)
      throws Exception {
    Results results = context.results();
    List<List<String>> table = new ArrayList<>();
    Map<String, List<Double>> rateSeries = new LinkedHashMap<>();
    Map<String, List<Double>> heapSeries = new LinkedHashMap<>();
    rateSeries.put("rows/s (median)", new ArrayList<>());
    heapSeries.put("heap after GC while streaming (max)", new ArrayList<>());
    heapSeries.put("heap peak, sampled (max)", new ArrayList<>());
    Verdicts.Candidate best = bestFixed(results, failed);
    String bestFixed = best.name();
    double bestFixedRate = best.value();
    for (String mode : modes) {
      if (failed.containsKey(mode)) {
        rateSeries.get("rows/s (median)").add(0.0);
        heapSeries.get("heap after GC while streaming (max)").add(0.0);
        heapSeries.get("heap peak, sampled (max)").add(0.0);
        table.add(List.of(mode, "failed: " + failed.get(mode), "–", "–", "–", "–", "–", "–"));
        continue;
      }
      double[] rates = results.values(ID, mode, "", "rowsPerSecond");
      double rate = Stats.median(rates);
      double afterGc = Stats.max(results.values(ID, mode, "gc samples", "heapAfterGcMaxBytes"));
      double peak = Math.max(Stats.max(results.values(ID, mode, "", "heapPeakBytes")),
          Stats.max(results.values(ID, mode, "gc samples", "heapPeakBytes")));
      double pages = Stats.median(results.values(ID, mode, "", "pages"));
      double pageBytes = Stats.median(results.values(ID, mode, "", "meanPageBytes"));
      double requested = Stats.median(results.values(ID, mode, "", "lastRequestedPageSize"));
      rateSeries.get("rows/s (median)").add(rate);
      heapSeries.get("heap after GC while streaming (max)").add(afterGc / (1024 * 1024));
      heapSeries.get("heap peak, sampled (max)").add(peak / (1024 * 1024));
      table.add(List.of(mode, Markdown.rateSpread(rates), Markdown.ratio(rate / bestFixedRate),
          Markdown.number(requested), Markdown.number(pages), Markdown.mib(pageBytes), Markdown.mib(afterGc),
          Markdown.mib(peak)));
    }
    judge(results, failed);
    String rateChart = Charts.bars(context.outputDirectory(), "wide-row-rate.png",
        String.format(Locale.ROOT, "%,d rows of 64 KiB (median rows/s)", rows), "rows/s", modes, rateSeries);
    String heapChart = Charts.bars(context.outputDirectory(), "wide-row-heap.png",
        "Client heap while streaming 64 KiB rows", "MiB", modes, heapSeries);
    String markdown = String.format(Locale.ROOT,
        "A table of %,d rows with a 64 KiB blob each (%s), streamed whole by `SELECT pk, ck, payload` with "
            + "fixed fetch sizes (the driver's 5,000 makes one page of up to 320 MiB) and with "
            + "`targetPageBytes(4 MiB)` (fetch size 5,000 as the cap: a probe of %d rows, then as many rows as "
            + "fit in 4 MiB); the last mode is a `TableScan` (parallelism 2) with the same byte target per "
            + "range. One page read ahead in every mode; the consumer touches every row. One warm-up round, "
            + "then %d timed rounds, modes rotated; a thread samples the heap used every 5 ms (the peak, "
            + "garbage included). Then one more read per mode forces a full GC every 1/%d of the read, while "
            + "the consumer still holds its page: the heap after GC is what the client holds while streaming "
            + "(the bench's own baseline included). The client JVM's max heap: %,d MiB.%n%n",
        rows, Markdown.mib((double) rows * BLOB_BYTES), StreamConfig.PROBE_PAGE_SIZE, context.settings().closeComparisonRounds(),
        GC_SAMPLES_PER_READ, Runtime.getRuntime().maxMemory() / (1024 * 1024))
        + Markdown.table(List.of("mode", "rows/s, median (range)", "vs best fixed (" + bestFixed + ")",
            "rows asked (last request)", "pages", "mean page", "heap after GC (max)", "heap peak (sampled)"), table)
        + "\n" + Markdown.image("rows/s", rateChart) + "\n" + Markdown.image("heap", heapChart);
    results.section(ID, "8. Wide rows: pages sized by bytes", markdown);
  }
}
