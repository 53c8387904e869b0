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
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.asynccassandra.RowStream;
import org.asynccassandra.StreamConfig;

/**
 * Scenario 3, event loop: one single-threaded loop serves K concurrent paged requests (each reads one
 * partition in 10 pages) while a 1 ms heartbeat on the same loop measures how late it ran. Naive blocking
 * iteration on the loop against the driver's fetchNextPage chain and our stream, both run on the loop.
 */
final class EventLoopScenario implements Scenario {
  static final String ID = "event-loop";
  static final String NAIVE = "driver sync on the loop";
  static final String CHAIN = "driver fetchNextPage on the loop";
  /** Ours at the chain's read-ahead (no page ahead): the goal's mode. */
  static final String OURS = "ours p0 forEach on the loop";
  /** Ours with one page read ahead, shown beside it. */
  static final String OURS_AHEAD = "ours p1 forEach on the loop";
  private static final List<String> MODES = List.of(NAIVE, CHAIN, OURS, OURS_AHEAD);
  /** The K of the goal (the largest K of a run without it). */
  static final int GOAL_CONCURRENCY = 50;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void run(BenchContext context) throws Exception {
    BenchSettings settings = context.settings();
    int pageSize = Math.max(1, settings.rowsPerPartition() / 10);
    int partitions = (int) (settings.rows() / settings.rowsPerPartition());
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bench-event-loop");
      thread.setDaemon(true);
      return thread;
    });
    CorePinning pinning = CorePinning.separate(context.serverPid(), Runtime.getRuntime().availableProcessors());
    context.out().println("  cores: " + pinning.description());
    try (pinning; GcPauses gcPauses = new GcPauses()) {
      Heartbeat heartbeat = new Heartbeat(loop);
      Round rounds = new Round(context, loop, heartbeat, gcPauses, partitions, pageSize);
      // The JIT, the server: after one warm-up round, the first measured one still ran a fifth slower.
      warmUpRounds = SteadyState.warmUp(settings, context.out(), "", rounds::run);
      for (int round = 1; round <= settings.rounds(); round++) {
        rounds.run(round);
      }
    } finally {
      loop.shutdownNow();
    }
    report(context, pageSize, pinning.description());
  }

  /** Warm-up rounds run before the measured ones (set by {@link #run}). */
  private int warmUpRounds;

  /** One round: every K, every mode once (rotated); measured when its number is positive. */
  private static final class Round {
    private final BenchContext context;
    private final ScheduledExecutorService loop;
    private final Heartbeat heartbeat;
    private final GcPauses gcPauses;
    private final int partitions;
    private final int pageSize;

    Round(BenchContext context, ScheduledExecutorService loop, Heartbeat heartbeat, GcPauses gcPauses,
        int partitions, int pageSize) {
      this.context = context;
      this.loop = loop;
      this.heartbeat = heartbeat;
      this.gcPauses = gcPauses;
      this.partitions = partitions;
      this.pageSize = pageSize;
    }

    /** Runs round {@code round} (a warm-up one when not positive); returns its time, every read together. */
    double run(int round) throws Exception {
      BenchSettings settings = context.settings();
      double total = 0;
      for (int concurrency : settings.concurrencies()) {
        int requests = concurrency * settings.requestsPerConcurrency();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %s K=%d, %d requests:",
            round <= 0 ? "warm-up " + (1 - round) : "round " + round, concurrency, requests));
        for (String mode : Scenario.rotated(MODES, round)) {
          // Every mode starts on an empty young generation, so that the same garbage makes the same number
          // of collections whichever mode ran before; this collection is outside the window.
          System.gc();
          heartbeat.start();
          long gcBefore = gcMillis();
          long allocatedBefore = Allocation.totalBytes();
          long start = System.nanoTime();
          long rows = serve(context, loop, mode, concurrency, requests, partitions, pageSize).get();
          long end = System.nanoTime();
          double seconds = (end - start) / 1e9;
          total += seconds;
          heartbeat.stop();
          if (!gcPauses.awaitNotified(Duration.ofSeconds(10))) {
            context.out().println("  (the JVM did not tell every GC pause of " + mode + " within 10 s: the "
                + "figures outside GC pauses and of young collections may miss some)");
          }
          Heartbeat.Delays delays = heartbeat.delays(gcPauses);
          long gc = gcMillis() - gcBefore;
          List<GcPauses.Young> young = gcPauses.youngCollections(start, end);
          double allocatedPerRow = Allocation.perRow(allocatedBefore, Allocation.totalBytes(), rows);
          long expected = (long) requests * settings.rowsPerPartition();
          if (rows != expected) {
            throw new IllegalStateException(mode + " read " + rows + " rows where " + expected + " were expected");
          }
          if (round > 0) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("requests", (double) requests);
            metrics.put("seconds", seconds);
            metrics.put("requestsPerSecond", requests / seconds);
            metrics.put("heartbeatP50Millis", delays.p50());
            metrics.put("heartbeatP99Millis", delays.p99());
            metrics.put("heartbeatMaxMillis", delays.max());
            metrics.put("heartbeatMaxOutsideGcMillis", delays.maxOutsideGc());
            metrics.put("gcMillis", (double) gc);
            metrics.put("youngCollections", (double) young.size());
            if (!young.isEmpty()) { // none at K=1: its few MiB of garbage fit in the young generation
              metrics.put("survivorKiBAfterYoung",
                  Stats.median(young.stream().mapToDouble(y -> y.survivorBytes() / 1024.0).toArray()));
              metrics.put("longestYoungPauseMillis",
                  (double) young.stream().mapToLong(GcPauses.Young::pauseMillis).max().getAsLong());
            }
            metrics.put("allocatedBytesPerRow", allocatedPerRow);
            context.results().add(ID, mode, variant(concurrency), round, metrics);
          }
          line.append(String.format(Locale.ROOT, " %s %.0f req/s max %.1f ms (%.1f outside GC), %d young GCs;",
              mode, requests / seconds, delays.max(), delays.maxOutsideGc(), young.size()));
        }
        context.out().println(line);
      }
      return total;
    }
  }

  /**
   * The time this JVM spent in stop-the-world GC so far (concurrent collectors' time left out): a late tick
   * may be a GC pause, not the loop.
   */
  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(collector -> !collector.getName().contains("Concurrent") && !collector.getName().contains("Cycles"))
        .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
  }

  /**
   * A mode's medians of the rounds at one K: GC pause time and heartbeat max (the goal's), and what explains
   * the pause time: the survivor space after each young collection (median in a round) and the longest one.
   */
  record Figures(double gcMillis, double maxMillis, double survivorKiB, double longestPauseMillis) {
    Figures(double gcMillis, double maxMillis) {
      this(gcMillis, maxMillis, Double.NaN, Double.NaN);
    }

    static Figures of(Results results, String mode, String variant) {
      return new Figures(Stats.median(results.values(ID, mode, variant, "gcMillis")),
          Stats.median(results.values(ID, mode, variant, "heartbeatMaxMillis")),
          Stats.median(results.values(ID, mode, variant, "survivorKiBAfterYoung")),
          Stats.median(results.values(ID, mode, variant, "longestYoungPauseMillis")));
    }
  }

  /**
   * Why the GC pause times differ, from what the collections had to copy and their longest pause: empty
   * without those figures.
   */
  static String gcExplanation(Figures ours, Figures chain) {
    if (Double.isNaN(ours.survivorKiB()) || Double.isNaN(chain.survivorKiB())) {
      return "";
    }
    return String.format(Locale.ROOT, " After each young collection ours p0 left %,.0f KiB in the survivor space, "
        + "the chain %,.0f KiB (what was live then, the requests' pages and state, which each collection "
        + "copies); the longest pause in a window was %s against %s (medians of the rounds).",
        ours.survivorKiB(), chain.survivorKiB(),
        Markdown.millis(ours.longestPauseMillis()), Markdown.millis(chain.longestPauseMillis()));
  }

  /** Where {@code ours} is above {@code chain} (or has no figure); empty when the goal is met. */
  static List<String> misses(Figures ours, Figures chain) {
    List<String> misses = new ArrayList<>();
    if (!Verdicts.atMost(ours.gcMillis(), chain.gcMillis())) {
      misses.add("GC pauses (" + Markdown.millisAgainst(ours.gcMillis(), chain.gcMillis()) + ")");
    }
    if (!Verdicts.atMost(ours.maxMillis(), chain.maxMillis())) {
      misses.add("the heartbeat max (" + Markdown.millisAgainst(ours.maxMillis(), chain.maxMillis()) + ")");
    }
    return misses;
  }

  private static String variant(int concurrency) {
    return "K=" + concurrency;
  }

  /** Runs {@code requests} requests, {@code concurrency} at a time, on the loop; completes with the rows read. */
  private static CompletableFuture<Long> serve(BenchContext context, ScheduledExecutorService loop, String mode,
      int concurrency, int requests, int partitions, int pageSize) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    AtomicLong rows = new AtomicLong();
    class Dispatcher {
      private int started; // loop thread only
      private int finished; // loop thread only

      void startNext() {
        int id = started++;
        SimpleStatement statement = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + context.mainTable()
            + " WHERE pk = ?", id % partitions).setPageSize(pageSize);
        CompletableFuture<Long> request = switch (mode) {
          case NAIVE -> naive(context.session(), statement, loop);
          case CHAIN -> chain(context.session(), statement, loop);
          case OURS -> ours(context, statement, loop, 0);
          default -> ours(context, statement, loop, 1);
        };
        request.whenCompleteAsync((count, error) -> {
          if (error != null) {
            done.completeExceptionally(error);
            return;
          }
          rows.addAndGet(count);
          finished++;
          if (started < requests) {
            startNext();
          } else if (finished == requests) {
            done.complete(rows.get());
          }
        }, loop);
      }
    }
    loop.execute(() -> {
      Dispatcher dispatcher = new Dispatcher();
      for (int i = 0; i < Math.min(concurrency, requests); i++) {
        dispatcher.startNext();
      }
    });
    return done;
  }

  /** Blocking iteration on the loop: one page per loop task; each page boundary blocks the loop. */
  private static CompletableFuture<Long> naive(CqlSession session, SimpleStatement statement,
      ScheduledExecutorService loop) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    loop.execute(new Runnable() {
      private ResultSet resultSet;
      private long count;

      @Override
      public void run() {
        try {
          if (resultSet == null) {
            resultSet = session.execute(statement); // blocks the loop for the first page
          }
          Iterator<Row> rows = resultSet.iterator();
          if (!rows.hasNext()) { // blocks the loop while the next page is fetched
            done.complete(count);
            return;
          }
          for (int i = resultSet.getAvailableWithoutFetching(); i > 0; i--) {
            Row row = rows.next();
            count += row.getString(2).isEmpty() ? 0 : 1;
          }
          loop.execute(this); // other requests and the heartbeat run between pages
        } catch (RuntimeException failure) {
          done.completeExceptionally(failure);
        }
      }
    });
    return done;
  }

  /** The hand-written chain, its callbacks on the loop. */
  private static CompletableFuture<Long> chain(CqlSession session, SimpleStatement statement,
      ScheduledExecutorService loop) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    long[] count = {0};
    class Chain {
      void onPage(AsyncResultSet page, Throwable error) {
        if (error != null) {
          done.completeExceptionally(error);
          return;
        }
        for (Row row : page.currentPage()) {
          count[0] += row.getString(2).isEmpty() ? 0 : 1;
        }
        if (page.hasMorePages()) {
          page.fetchNextPage().whenCompleteAsync(this::onPage, loop);
        } else {
          done.complete(count[0]);
        }
      }
    }
    session.executeAsync(statement).whenCompleteAsync(new Chain()::onPage, loop);
    return done;
  }

  /** Our stream, its consumer on the loop, {@code prefetch} pages read ahead. */
  private static CompletableFuture<Long> ours(BenchContext context, SimpleStatement statement,
      ScheduledExecutorService loop, int prefetch) {
    long[] count = {0};
    RowStream stream = context.async().executeStream(statement,
        StreamConfig.builder().prefetchPages(prefetch).executor(loop).build());
    return stream.forEach(row -> count[0] += row.getString(2).isEmpty() ? 0 : 1).toCompletableFuture()
        .thenApply(ignored -> count[0]);
  }

  /** The young collections of a mode at one K, medians of the rounds: how many, survivors after, longest. */
  private static String youngCell(Results results, String mode, String variant) {
    double count = Stats.median(results.values(ID, mode, variant, "youngCollections"));
    double[] survivors = results.values(ID, mode, variant, "survivorKiBAfterYoung");
    if (survivors.length == 0) {
      return Markdown.number(count);
    }
    return String.format(Locale.ROOT, "%s, %,.0f KiB, %s", Markdown.number(count), Stats.median(survivors),
        Markdown.millis(Stats.median(results.values(ID, mode, variant, "longestYoungPauseMillis"))));
  }

  /** The K the goal is judged at: {@value #GOAL_CONCURRENCY}, or the largest measured. */
  static int goalConcurrency(List<Integer> concurrencies) {
    return concurrencies.contains(GOAL_CONCURRENCY) ? GOAL_CONCURRENCY : concurrencies.get(concurrencies.size() - 1);
  }

  /**
   * Checks the event-loop goal against the samples of {@code results} and adds it to them: at the goal's K, our
   * stream at the chain's read-ahead (p0) has GC pause time and heartbeat max, medians of the rounds, at most the
   * chain's; a miss says which and why.
   */
  static Results.Goal judge(Results results, List<Integer> concurrencies) {
    int goalK = goalConcurrency(concurrencies);
    String goalVariant = variant(goalK);
    Figures ours = Figures.of(results, OURS, goalVariant);
    Figures ahead = Figures.of(results, OURS_AHEAD, goalVariant);
    Figures chain = Figures.of(results, CHAIN, goalVariant);
    double naiveMax = Stats.median(results.values(ID, NAIVE, goalVariant, "heartbeatMaxMillis"));
    List<String> misses = misses(ours, chain);
    boolean met = misses.isEmpty();
    List<String> aheadMisses = misses(ahead, chain);
    String measured = String.format(Locale.ROOT, "K=%d: GC pauses %s vs %s; heartbeat max %s vs %s (naive %s); "
        + "with a page ahead (p1): GC pauses %s, heartbeat max %s", goalK, Markdown.millis(ours.gcMillis()),
        Markdown.millis(chain.gcMillis()), Markdown.millis(ours.maxMillis()), Markdown.millis(chain.maxMillis()),
        Markdown.millis(naiveMax), Markdown.millis(ahead.gcMillis()), Markdown.millis(ahead.maxMillis()));
    return results.goal("Event loop: our stream no worse than the fetchNextPage chain",
        "ours p0 (the chain's read-ahead) ≤ the chain, medians of the rounds at K=" + goalK
            + ": GC pause time and heartbeat max",
        measured, met, Verdicts.note(misses, "The chain never blocks the loop and holds no page ahead: it is the "
            + "floor here.") + (aheadMisses.isEmpty() ? " With a page ahead (p1), ours met it too."
                : " With a page ahead (p1), ours missed for " + String.join(" and ", aheadMisses) + ".")
            + gcExplanation(ours, chain));
  }

  private void report(BenchContext context, int pageSize, String cores) throws Exception {
    Results results = context.results();
    List<Integer> concurrencies = context.settings().concurrencies();
    List<List<String>> table = new ArrayList<>();
    Map<String, List<Double>> maxDelay = new LinkedHashMap<>();
    Map<String, List<Double>> throughput = new LinkedHashMap<>();
    for (String mode : MODES) {
      maxDelay.put(mode, new ArrayList<>());
      throughput.put(mode, new ArrayList<>());
    }
    for (int concurrency : concurrencies) {
      for (String mode : MODES) {
        String variant = variant(concurrency);
        double[] rate = results.values(ID, mode, variant, "requestsPerSecond");
        double[] max = results.values(ID, mode, variant, "heartbeatMaxMillis");
        table.add(List.of(String.valueOf(concurrency), mode, Markdown.rateSpread(rate),
            Markdown.millis(Stats.median(results.values(ID, mode, variant, "heartbeatP50Millis"))),
            Markdown.millis(Stats.median(results.values(ID, mode, variant, "heartbeatP99Millis"))),
            Markdown.millisSpread(max),
            Markdown.millis(Stats.median(results.values(ID, mode, variant, "heartbeatMaxOutsideGcMillis"))),
            Markdown.millis(Stats.median(results.values(ID, mode, variant, "gcMillis"))),
            youngCell(results, mode, variant),
            Markdown.bytes(Stats.median(results.values(ID, mode, variant, "allocatedBytesPerRow")))));
        maxDelay.get(mode).add(Stats.median(max));
        throughput.get(mode).add(Stats.median(rate));
      }
    }
    int goalK = goalConcurrency(concurrencies);
    judge(results, concurrencies);
    String delayChart = Charts.lines(context.outputDirectory(), "event-loop-heartbeat.png",
        "Event loop: heartbeat max delay (median of rounds)", "concurrent requests K", "ms", concurrencies,
        maxDelay, false);
    String rateChart = Charts.lines(context.outputDirectory(), "event-loop-requests.png",
        "Event loop: requests per second (10 pages each)", "concurrent requests K", "requests/s", concurrencies,
        throughput, false);
    String markdown = String.format(Locale.ROOT,
        "One single-threaded event loop serves K concurrent requests; each reads one partition of %,d rows in "
            + "10 pages of %,d, and when one ends the next starts, until %d×K requests are done. A heartbeat "
            + "scheduled every 1 ms on the same loop records how late each tick ran: the delay any other work "
            + "on that loop (another request, a timer, a health check) would have suffered. The naive way "
            + "iterates the driver's ResultSet on the loop (yielding between pages, so that requests "
            + "interleave); every page boundary blocks the loop for a network round trip. The "
            + "fetchNextPage chain and our stream run their callbacks on the loop and never block it; ours runs "
            + "twice, without read-ahead (p0, as the chain) and with one page ahead (p1). Warm-up "
            + "rounds until " + SteadyState.WINDOW + " in a row took times within "
            + Math.round(100 * SteadyState.TOLERANCE) + " %% of each other (" + warmUpRounds + " here), then "
            + "%d rounds, modes rotated. Figures are medians of the rounds, the "
            + "max with its range. Cores: %s. Unpinned, the client and the server share the machine's cores and "
            + "most of a late tick is the loop thread waiting for a core the server holds; pinned, what is "
            + "left is the client's own work, its other threads on the same core included. A late tick can "
            + "also be a stop-the-world GC pause of the client: the "
            + "\"max outside GC pauses\" leaves out the ticks whose wait overlapped one (as JMX reported "
            + "them); then the GC pause time in the window (each mode starts right after a full collection, so "
            + "that no mode inherits another's garbage); the young collections in the window, the bytes left "
            + "in the survivor space after each (median; what was live then, which the collection copied) and "
            + "the longest one (JMX's whole milliseconds); and the bytes every thread of the client allocated "
            + "per row read (driver included), which unlike pause times do not depend on when the collector "
            + "ran. The chain, which never blocks the "
            + "loop, shows the floor this machine allows, so the goal compares our stream with it in the same "
            + "run (at K=%d: our GC pause time and our heartbeat max at the chain's read-ahead, medians of the "
            + "rounds, at most the chain's; p1's figures are given beside) rather than with a fixed 5 ms, "
            + "which the chain itself does not always hold on a machine it shares with the server.%n%n",
        context.settings().rowsPerPartition(), pageSize, context.settings().requestsPerConcurrency(),
        context.settings().rounds(), cores, goalK)
        + Markdown.table(List.of("K", "mode", "requests/s (range)", "heartbeat p50", "heartbeat p99",
            "heartbeat max (range)", "max outside GC pauses", "GC pauses in the window",
            "young GCs: count, survivors after, longest", "allocated per row (all threads)"), table)
        + "\n" + Markdown.image("heartbeat max delay", delayChart) + "\n" + Markdown.image("requests/s", rateChart);
    results.section(ID, "3. Event loop: requests and heartbeat", markdown);
  }
}
