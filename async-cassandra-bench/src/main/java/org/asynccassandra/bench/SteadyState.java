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

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tells when warm-up rounds have reached a steady state: the last {@link #WINDOW} rounds' times within
 * {@link #TOLERANCE} of each other (the slowest at most that much above the fastest). A fixed single warm-up
 * round is not always enough: after another scenario's different load (the Flink export's token-range reads),
 * the same full read took 1.8 to 2.3 s for four or five rounds and then 1.4 s for the rest of the scenario,
 * so that a third of the measured rounds came from a state the others did not share.
 */
final class SteadyState {
  /** Rounds that must agree. */
  static final int WINDOW = 3;
  /** How far apart they may be: the slowest at most 5 % above the fastest. */
  static final double TOLERANCE = 0.05;

  private final int maxRounds;
  private final List<Double> seconds = new ArrayList<>();

  /** @param maxRounds the most warm-up rounds, steady or not (at least {@link #WINDOW}) */
  SteadyState(int maxRounds) {
    if (maxRounds < WINDOW) {
      throw new IllegalArgumentException("maxRounds must be at least " + WINDOW + ": " + maxRounds);
    }
    this.maxRounds = maxRounds;
  }

  /** Records a warm-up round's time; returns true when warming up is over (steady, or the most rounds ran). */
  boolean add(double roundSeconds) {
    if (!(roundSeconds > 0)) {
      throw new IllegalArgumentException("a round's time must be positive: " + roundSeconds);
    }
    seconds.add(roundSeconds);
    return steady() || seconds.size() >= maxRounds;
  }

  /** Whether the last {@link #WINDOW} rounds agree within {@link #TOLERANCE}. */
  boolean steady() {
    if (seconds.size() < WINDOW) {
      return false;
    }
    List<Double> last = seconds.subList(seconds.size() - WINDOW, seconds.size());
    double fastest = last.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double slowest = last.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return slowest <= fastest * (1 + TOLERANCE);
  }

  /** A warm-up round: number {@code round} (0, -1, -2...: rotated like the measured ones), its time returned. */
  @FunctionalInterface
  interface Round {
    double run(int round) throws Exception;
  }

  /** The most warm-up rounds of a scenario: twice its measured rounds, and never fewer than the window. */
  static int maxRounds(BenchSettings settings) {
    return Math.max(WINDOW, 2 * settings.rounds());
  }

  /**
   * Runs warm-up rounds until steady or the most rounds ran, prints how many it took after {@code what}, and
   * returns that number.
   */
  static int warmUp(BenchSettings settings, PrintStream out, String what, Round round) throws Exception {
    SteadyState state = new SteadyState(maxRounds(settings));
    boolean warm;
    do {
      warm = state.add(round.run(-state.rounds()));
    } while (!warm);
    out.printf(Locale.ROOT, "  %swarmed up in %d round(s)%s%n", what, state.rounds(),
        state.steady() ? "" : " (not steady: the most rounds ran)");
    return state.rounds();
  }

  /** The warm-up rounds run so far. */
  int rounds() {
    return seconds.size();
  }
}
