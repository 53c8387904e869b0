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

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.internal.stream.DefaultRowStream;
import org.asynccassandra.internal.stream.PageSource;
import org.asynccassandra.internal.stream.SourcePage;
import org.asynccassandra.internal.util.TimeoutScheduler;
import org.jspecify.annotations.Nullable;

/**
 * What one open stream keeps on the heap while it waits for its next page: ours at prefetch 0, and the
 * hand-written {@code fetchNextPage}-style chain of {@link ManyStreamsBenchmark}, over the same prebuilt
 * pages. {@value #STREAMS} streams each read their first page and ask for the second, which never comes
 * while the heap is measured: the heap used after full collections (the least of {@value #SAMPLES}), over
 * the same before the streams were opened, divided by their number. What the pending requests keep
 * reachable is what a service with that many requests in flight keeps, apart from the pages and the
 * driver's own state, which are the same for both. The second page then arrives and every stream reads to
 * its end; a stream that does not end fails the measurement.
 *
 * <p>Everything runs on the calling thread: the consumers on a direct executor, so that when a stream's
 * {@code forEach} returns it waits for the page it asked for. {@link #command} measures in a fresh JVM with the
 * serial collector, whose heap figures after a full collection are exact.
 */
public final class StreamFootprint {
  /** Streams open at once. */
  static final int STREAMS = 10_000;
  /** Full collections per heap figure; the least used is kept. */
  static final int SAMPLES = 5;
  /** The modes, in the order measured. */
  static final List<String> MODES = List.of("chain", "ours");
  private static final String PREFIX = "footprint.";
  private static final Pattern LINE = Pattern.compile("^footprint (\\w+) (\\d+)$");
  private static final TimeoutScheduler NO_TIMEOUTS = (task, delay) -> {
    throw new IllegalStateException("The measurement configures no timeout, yet one was scheduled: " + delay);
  };

  private StreamFootprint() {}

  /** Measures each mode and prints {@code footprint MODE BYTES} lines, one per mode. */
  public static void main(String[] args) {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : STREAMS;
    for (String mode : MODES) {
      measure(mode, 100); // loads and links the mode's classes, whose static state would count otherwise
    }
    for (String mode : MODES) {
      System.out.printf(Locale.ROOT, "footprint %s %d%n", mode, measure(mode, streams));
    }
  }

  /**
   * The command that measures in a fresh JVM on this JVM's class path, with the serial collector and a
   * fixed heap; its output is for {@link #parse}.
   */
  public static List<String> command() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return List.of(java.toString(), "-XX:+UseSerialGC", "-Xms512m", "-Xmx512m", "-cp",
        System.getProperty("java.class.path"), StreamFootprint.class.getName());
  }

  /**
   * The results in the measurement's output, one per mode.
   *
   * @return one result per mode: {@code footprint.MODE}, in bytes per waiting stream
   * @throws IllegalStateException when the output has no figure for a mode
   */
  public static List<MicroResult> parse(String output) {
    List<MicroResult> results = new ArrayList<>();
    for (String mode : MODES) {
      MicroResult found = null;
      for (String line : output.split("\\R")) {
        Matcher matcher = LINE.matcher(line.strip());
        if (matcher.matches() && matcher.group(1).equals(mode)) {
          found = new MicroResult(PREFIX + mode, Map.of("streams", String.valueOf(STREAMS)),
              Long.parseLong(matcher.group(2)), Double.NaN, "B/stream");
        }
      }
      if (found == null) {
        throw new IllegalStateException("The footprint measurement printed no figure for " + mode + ": "
            + output.strip());
      }
      results.add(found);
    }
    return results;
  }

  /**
   * Opens {@code streams} streams of {@code mode}, each waiting for its second page, and returns the heap
   * they keep per stream; then lets them all read to their end.
   *
   * @throws IllegalStateException when a stream did not end once its pages came
   */
  static long measure(String mode, int streams) {
    List<SourcePage> pages = new PrebuiltPageSource(2, ManyStreamsBenchmark.FETCH_SIZE).pages();
    List<CompletableFuture<@Nullable SourcePage>> waiting = new ArrayList<>(streams);
    List<CompletionStage<?>> ends = new ArrayList<>(streams);
    StreamConfig config = StreamConfig.builder().prefetchPages(0).build();
    Object[] sink = new Object[1];
    long before = heapUsed();
    for (int i = 0; i < streams; i++) {
      PageSource source = new WaitingSource(pages, waiting);
      if (mode.equals("ours")) {
        DefaultRowStream stream = new DefaultRowStream(source, config, Runnable::run, NO_TIMEOUTS, handle -> {});
        ends.add(stream.forEach(row -> sink[0] = row));
      } else {
        ends.add(chainPage(source, pages.get(0), sink));
      }
    }
    if (waiting.size() != streams) {
      throw new IllegalStateException(mode + ": " + waiting.size() + " of " + streams
          + " streams asked for their second page");
    }
    long after = heapUsed();
    for (CompletableFuture<@Nullable SourcePage> page : waiting) {
      page.complete(pages.get(1));
    }
    long ended = ends.stream().filter(end -> end.toCompletableFuture().isDone()
        && !end.toCompletableFuture().isCompletedExceptionally()).count();
    if (ended != streams) {
      throw new IllegalStateException(mode + ": " + (streams - ended) + " of " + streams
          + " streams did not end once their last page came");
    }
    return Math.round((after - before) / (double) streams);
  }

  /** The chain: a page's rows read, then the next page requested and chained on, as the driver's chain does. */
  private static CompletionStage<@Nullable Void> chainPage(PageSource source, @Nullable SourcePage page,
      Object[] sink) {
    if (page == null) {
      return CompletableFuture.completedFuture(null);
    }
    for (Object row : page.rows()) {
      sink[0] = row;
    }
    if (!page.hasMorePages()) {
      return CompletableFuture.completedFuture(null);
    }
    return source.fetch(page.pagingState()).thenCompose(next -> chainPage(source, next, sink));
  }

  private static long heapUsed() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < SAMPLES; i++) {
      System.gc();
      Runtime runtime = Runtime.getRuntime();
      least = Math.min(least, runtime.totalMemory() - runtime.freeMemory());
    }
    return least;
  }

  /** Serves the first page at once and leaves the second pending in {@code waiting}. */
  private static final class WaitingSource implements PageSource {
    private final List<SourcePage> pages;
    private final List<CompletableFuture<@Nullable SourcePage>> waiting;

    WaitingSource(List<SourcePage> pages, List<CompletableFuture<@Nullable SourcePage>> waiting) {
      this.pages = pages;
      this.waiting = waiting;
    }

    @Override
    public CompletableFuture<@Nullable SourcePage> fetch(@Nullable ByteBuffer pagingState) {
      if (pagingState == null) {
        return CompletableFuture.completedFuture(pages.get(0));
      }
      CompletableFuture<@Nullable SourcePage> page = new CompletableFuture<>();
      waiting.add(page);
      return page;
    }

    @Override
    public String description() {
      return "SELECT v FROM bench.rows (waiting)";
    }

    @Override
    public byte[] fingerprint() {
      return new byte[16];
    }
  }
}
