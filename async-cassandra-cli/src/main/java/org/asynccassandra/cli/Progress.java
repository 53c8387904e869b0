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
package org.asynccassandra.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * A live progress display for long commands: on a terminal, one line redrawn in place with a bar, rows,
 * rows/s, elapsed time and ETA; elsewhere, a plain line every few seconds. It refreshes from a scheduler
 * thread; {@link #add} is cheap and thread-safe. {@link #close()} prints the final line.
 */
final class Progress implements AutoCloseable {
  /** The longest line redrawn on a terminal: one column short of 80, so that the cursor never wraps. */
  static final int TERMINAL_WIDTH = 79;
  private static final int MAX_BAR_WIDTH = 20;
  private static final int MIN_BAR_WIDTH = 8;

  private final String label;
  private final PrintStream out;
  private final boolean terminal;
  private final long total; // 0 when unknown
  private final DoubleSupplier fraction; // null: rows / total
  private final AtomicLong rows = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private final ScheduledFuture<?> refresh;
  /** What was done when this display started (a resumed export's ranges done before): not this run's rate. */
  private final double startDone;
  private volatile boolean closed;

  private Progress(String label, long total, DoubleSupplier fraction, PrintStream out, boolean terminal,
      ScheduledExecutorService scheduler) {
    this.label = label;
    this.total = total;
    this.fraction = fraction;
    this.out = out;
    this.terminal = terminal;
    this.startDone = done();
    long period = terminal ? 200 : 5_000;
    this.refresh = scheduler.scheduleAtFixedRate(this::print, period, period, TimeUnit.MILLISECONDS);
  }

  /** Progress towards a known row count. */
  static Progress ofRows(String label, long total, PrintStream out, ScheduledExecutorService scheduler) {
    return new Progress(label, total, null, out, isTerminal(), scheduler);
  }

  /** Progress measured by a fraction (for example the token ranges done). */
  static Progress ofFraction(String label, DoubleSupplier fraction, PrintStream out,
      ScheduledExecutorService scheduler) {
    return new Progress(label, 0, fraction, out, isTerminal(), scheduler);
  }

  /** The daemon thread that redraws progress displays; shut it down when the command ends. */
  static ScheduledExecutorService newTicker() {
    return java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "progress");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Whether stderr, where progress goes, is a terminal that can redraw a line: known on Linux, and where the
   * launcher said so ({@link Terminal#STDERR_PROPERTY}: {@code count ... 2> count.log} on macOS got a redrawn
   * line every 200 ms, as Java 22+ has a console whatever stderr is); else guessed from {@link System#console()}
   * (stdin and stdout), which must be a terminal itself ({@link Secret#isTerminal}).
   */
  static boolean isTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    return isTerminal(Terminal.of(Terminal.STDERR), System.console());
  }

  /** {@link #isTerminal()} from what is known of stderr and the console ({@code null}: none). */
  static boolean isTerminal(Terminal.Kind stderr, java.io.@org.jspecify.annotations.Nullable Console console) {
    return stderr == Terminal.Kind.UNKNOWN ? console != null && Secret.isTerminal(console)
        : stderr == Terminal.Kind.TERMINAL;
  }

  void add(long count) {
    rows.addAndGet(count);
  }

  long rows() {
    return rows.get();
  }

  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private double done() {
    if (fraction != null) {
      return Math.min(1, Math.max(0, fraction.getAsDouble()));
    }
    return total <= 0 ? 0 : Math.min(1, (double) rows.get() / total);
  }

  private synchronized void print() {
    if (closed) {
      return;
    }
    String line = line(false);
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
      out.flush();
    } else {
      out.println(line);
    }
  }

  private String line(boolean last) {
    double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    long count = rows.get();
    double done = last ? 1 : done();
    double etaSeconds = last ? -1 : etaSeconds(done, startDone, seconds);
    if (terminal) {
      return terminalLine(label, done, count, seconds, etaSeconds);
    }
    StringBuilder line = new StringBuilder(label).append(' ');
    line.append(String.format(Locale.ROOT, "%3.0f%%  %,d rows  %,.0f rows/s  %s elapsed", done * 100, count,
        count / seconds, format(seconds)));
    if (etaSeconds >= 0) {
      line.append("  ETA ").append(format(etaSeconds));
    }
    return line.toString();
  }

  /**
   * The seconds left at this run's pace, or -1 while too little was done to tell (or all of it): a resume that
   * started at 90 % and did 1 % in 10 s has 90 s to go, not the 1 s that the fraction done alone would say.
   */
  static double etaSeconds(double done, double startDone, double seconds) {
    return done - startDone > 0.001 && done < 1 ? seconds * (1 - done) / (done - startDone) : -1;
  }

  /**
   * The line redrawn on a terminal, at most {@link #TERMINAL_WIDTH} characters whatever the label: a longer
   * line wraps on an 80-column terminal, and each {@code \r} redraw then adds a line. The figures come whole
   * (percent, rows, rows/s, elapsed, and the ETA when {@code etaSeconds >= 0}), then the label whole, then the
   * bar in what is left (up to {@link #MAX_BAR_WIDTH}; none below {@link #MIN_BAR_WIDTH}: the percent says as
   * much). A label too long even without the bar loses characters from its middle, so that the verb and the end
   * of the table's name stay.
   */
  static String terminalLine(String label, double done, long rows, double seconds, double etaSeconds) {
    String figures = String.format(Locale.ROOT, "%3.0f%% %,d rows %,.0f/s %s", done * 100, rows, rows / seconds,
        format(seconds)) + (etaSeconds >= 0 ? " ETA " + format(etaSeconds) : "");
    int room = TERMINAL_WIDTH - figures.length() - 1; // for the label, and the bar with its brackets and space
    int bar = Math.min(MAX_BAR_WIDTH, room - label.length() - 3);
    StringBuilder line = new StringBuilder();
    if (bar >= MIN_BAR_WIDTH) {
      int filled = (int) Math.round(Math.min(1, Math.max(0, done)) * bar);
      line.append(label).append(" [").append("#".repeat(filled)).append(" ".repeat(bar - filled)).append(']');
    } else {
      line.append(shorten(label, Math.max(0, room)));
    }
    line.append(' ').append(figures);
    return line.length() <= TERMINAL_WIDTH ? line.toString() : line.substring(0, TERMINAL_WIDTH);
  }

  /** {@code text} in at most {@code width} characters: its middle replaced with "..." when it is longer. */
  private static String shorten(String text, int width) {
    if (text.length() <= width) {
      return text;
    }
    if (width <= 3) {
      return text.substring(0, width);
    }
    int tail = (width - 3) / 2;
    return text.substring(0, width - 3 - tail) + "..." + text.substring(text.length() - tail);
  }

  private static String format(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    refresh.cancel(false);
    // The final line shows where it ended: 100% on success, the real fraction after a failure.
    boolean complete = fraction != null ? fraction.getAsDouble() >= 1 : rows.get() >= total;
    if (terminal) {
      out.print("\r" + line(complete) + "\u001b[K\n");
    } else {
      out.println(line(complete));
    }
    out.flush();
  }
}
