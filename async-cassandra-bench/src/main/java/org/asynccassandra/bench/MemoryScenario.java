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

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario 4, memory: the client's heap after GC, sampled while each mode streams the main and the big
 * table, and the pages each mode holds ahead of a slow consumer. Neither may grow with the result's size.
 */
final class MemoryScenario implements Scenario {
  static final String ID = "memory";
  private static final int FETCH_SIZE = 5000;
  private static final int SAMPLES_PER_READ = 16;
  /** How much more heap our stream may hold after GC at the big result than at the small one. */
  static final double FLAT_BOUND_MIB = 2;

  @Override
  public String id() {
    return ID;
  }

  static List<ReadMode> modes() {
    List<ReadMode> modes = new ArrayList<>(ReadModes.driverModes());
    modes.removeIf(mode -> mode.name().contains("virtual"));
    for (int prefetch = 0; prefetch <= 2; prefetch++) {
      modes.add(ReadModes.ours(prefetch, ReadModes.Style.FOR_EACH));
    }
    return modes;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    BenchSettings settings = context.settings();
    List<ReadMode> modes = modes();
    List<Long> sizes = List.of(settings.rows(), settings.bigRows());
    for (long rows : sizes) {
      String table = rows == settings.rows() ? context.mainTable() : context.bigTable();
      SimpleStatement statement = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table)
          .setPageSize(FETCH_SIZE);
      long pages = (rows + FETCH_SIZE - 1) / FETCH_SIZE;
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %,d rows, fast consumer:", rows));
      for (ReadMode mode : modes) {
        HeapSampler sampler = new HeapSampler(Math.max(1, pages / SAMPLES_PER_READ));
        Reading reading = Reading.of(context, mode, statement, rows, sampler);
        Map<String, Double> metrics = new LinkedHashMap<>(reading.metrics());
        metrics.put("heapAfterGcMaxBytes", Stats.max(sampler.samples()));
        metrics.put("heapAfterGcMedianBytes", Stats.median(sampler.samples()));
        metrics.put("heapSamples", (double) sampler.samples().length);
        context.results().add(ID, mode.name(), variant(rows, false), 1, metrics);
        line.append(String.format(Locale.ROOT, " %s %s (max %s);", mode.name(),
            Markdown.mib(Stats.median(sampler.samples())), Markdown.mib(Stats.max(sampler.samples()))));
      }
      context.out().println(line);
    }
    // A slow consumer: twice the time of a page fetch on every page, so that pages pile up where they can.
    long slowRows = Math.min(settings.slowConsumerRows(), settings.rows());
    SimpleStatement slow = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + context.mainTable()
        + " LIMIT " + slowRows).setPageSize(FETCH_SIZE);
    long fetchNanos = SimulatedWork.calibratePageNanos(context, slow, slowRows);
    SimulatedWork work = new SimulatedWork(2 * fetchNanos);
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %,d rows, slow consumer (%.1f ms per page):",
        slowRows, work.nanosPerPage() / 1e6));
    for (ReadMode mode : modes) {
      Reading reading = Reading.of(context, mode, slow, slowRows, work);
      Map<String, Double> metrics = new LinkedHashMap<>(reading.metrics());
      metrics.put("workMillisPerPage", work.nanosPerPage() / 1e6);
      context.results().add(ID, mode.name(), variant(slowRows, true), 1, metrics);
      line.append(String.format(Locale.ROOT, " %s %d ahead;", mode.name(), reading.maxPagesAhead()));
    }
    context.out().println(line);
    report(context, modes, sizes, slowRows, work);
  }

  static String variant(long rows, boolean slow) {
    return (slow ? "slow consumer, rows=" : "rows=") + rows;
  }

  /** Every few pages: a full GC, then the heap still used. Runs on the consumer's thread. */
  private static final class HeapSampler implements RowSink.PageWork {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private final long everyPages;
    private final List<Double> used = new ArrayList<>(); // the consumer's thread only, read after the read

    double[] samples() {
      return used.stream().mapToDouble(Double::doubleValue).toArray();
    }

    HeapSampler(long everyPages) {
      this.everyPages = everyPages;
    }

    @Override
    public void afterPage(long pageIndex) {
      if (pageIndex % everyPages == everyPages - 1) {
        System.gc();
        used.add((double) MEMORY.getHeapMemoryUsage().getUsed());
      }
    }
  }

  private static String mibTenths(double bytes) {
    return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
  }

  /**
   * Checks the flat-memory goal against the samples of {@code results} and adds it to them: for each of our modes,
   * the median and the max of the heap samples after GC at the largest result stay within {@value #FLAT_BOUND_MIB}
   * MiB of those at the smallest.
   *
   * @param ours our modes, in the order they ran
   * @param sizes the results' sizes in rows, smallest first
   */
  static Results.Goal judge(Results results, List<String> ours, List<Long> sizes) {
    boolean flat = true;
    List<String> growth = new ArrayList<>();
    List<String> misses = new ArrayList<>();
    for (String mode : ours) {
      double[] medians = new double[sizes.size()];
      double[] maxima = new double[sizes.size()];
      for (int i = 0; i < sizes.size(); i++) {
        String variant = variant(sizes.get(i), false);
        medians[i] = results.median(ID, mode, variant, "heapAfterGcMedianBytes") / (1024 * 1024);
        maxima[i] = results.median(ID, mode, variant, "heapAfterGcMaxBytes") / (1024 * 1024);
      }
      int last = sizes.size() - 1;
      boolean modeFlat = Verdicts.atMost(medians[last] - medians[0], FLAT_BOUND_MIB)
          && Verdicts.atMost(maxima[last] - maxima[0], FLAT_BOUND_MIB);
      flat &= modeFlat;
      growth.add(String.format(Locale.ROOT, "%s median %.1f → %.1f MiB, max %.1f → %.1f MiB", mode, medians[0],
          medians[last], maxima[0], maxima[last]));
      if (!modeFlat) {
        misses.add(mode);
      }
    }
    return results.goal("A flat memory curve", String.format(Locale.ROOT, "our heap after GC at the big result ≤ the "
            + "small one's + %.0f MiB, median and max of %d samples each", FLAT_BOUND_MIB, SAMPLES_PER_READ),
        String.join("; ", growth), flat && !ours.isEmpty(), Verdicts.note(misses, "Our heap grew with the result's size."));
  }

  private void report(BenchContext context, List<ReadMode> modes, List<Long> sizes, long slowRows,
      SimulatedWork work) throws Exception {
    Results results = context.results();
    List<List<String>> table = new ArrayList<>();
    Map<String, List<Double>> heapSeries = new LinkedHashMap<>();
    Map<String, List<Double>> aheadSeries = new LinkedHashMap<>();
    aheadSeries.put("pages received ahead of a slow consumer (max)", new ArrayList<>());
    for (ReadMode mode : modes) {
      List<String> row = new ArrayList<>(List.of(mode.name()));
      List<Double> heap = new ArrayList<>();
      for (long rows : sizes) {
        double max = Stats.median(results.values(ID, mode.name(), variant(rows, false), "heapAfterGcMaxBytes"));
        double median = Stats.median(results.values(ID, mode.name(), variant(rows, false), "heapAfterGcMedianBytes"));
        heap.add(max / (1024 * 1024));
        row.add(mibTenths(median) + " / " + mibTenths(max));
      }
      heapSeries.put(mode.name(), heap);
      double ahead = Stats.median(results.values(ID, mode.name(), variant(slowRows, true), "maxPagesAhead"));
      double buffered = Stats.median(results.values(ID, mode.name(), variant(slowRows, true),
          "streamMaxBufferedPages"));
      aheadSeries.get("pages received ahead of a slow consumer (max)").add(ahead);
      row.add(Markdown.number(ahead));
      row.add(Double.isNaN(buffered) ? "–" : Markdown.number(buffered));
      table.add(row);
    }
    List<String> headers = new ArrayList<>(List.of("mode"));
    sizes.forEach(rows -> headers.add(String.format(Locale.ROOT, "heap after GC, %,d rows: median / max", rows)));
    headers.add(String.format(Locale.ROOT, "pages ahead of a slow consumer (max, %,d rows)", slowRows));
    headers.add("our stream's own count of buffered pages (max)");
    String heapChart = Charts.lines(context.outputDirectory(), "memory-heap.png",
        "Client heap after GC while streaming (max of the samples)", "rows streamed", "MiB",
        sizes, heapSeries, false);
    String aheadChart = Charts.bars(context.outputDirectory(), "memory-pages-ahead.png",
        String.format(Locale.ROOT, "Pages received ahead of a slow consumer (%.0f ms of work per page)",
            work.nanosPerPage() / 1e6), "pages", modes.stream().map(ReadMode::name).toList(), aheadSeries);
    judge(results, modes.stream().filter(mode -> !mode.isDriver()).map(ReadMode::name).toList(), sizes);
    String markdown = String.format(Locale.ROOT,
        "Each mode streams the main table (%,d rows) and the big table (%,d rows), fetch size %,d. Every "
            + "1/%d of the read the consumer forces a full GC and samples the heap still used: what the "
            + "client holds while streaming (the bench's own baseline included, the same for every mode). "
            + "The table gives the median and the max of those samples per read; the goal holds both, at the "
            + "big result, to at most %.0f MiB over the small one's (a leak of %.1f bytes per row over the "
            + "%,d extra rows would break it). "
            + "Then a slow consumer (%.0f ms per page: twice one page fetch) reads %,d rows: a request "
            + "tracker counts the pages the driver has received beyond the page the consumer starts. The "
            + "driver's reactive mode reads ahead on its own, whatever the subscriber asks for; ours holds "
            + "what it is configured for (p0, p1, p2).%n%n",
        sizes.get(0), sizes.get(sizes.size() - 1), FETCH_SIZE, SAMPLES_PER_READ, FLAT_BOUND_MIB,
        FLAT_BOUND_MIB * 1024 * 1024 / Math.max(1, sizes.get(sizes.size() - 1) - sizes.get(0)),
        sizes.get(sizes.size() - 1) - sizes.get(0), work.nanosPerPage() / 1e6,
        slowRows)
        + Markdown.table(headers, table) + "\n" + Markdown.image("heap after GC", heapChart) + "\n"
        + Markdown.image("pages ahead", aheadChart);
    results.section(ID, "4. Memory", markdown);
  }
}
