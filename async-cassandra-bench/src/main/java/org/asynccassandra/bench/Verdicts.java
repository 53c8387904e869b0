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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The arithmetic of the report's goals, apart from any measurement: ratios, met or missed against a bound,
 * the best of a set of candidates, and the note a missed goal carries. Pure functions; thread-safe.
 */
final class Verdicts {
  private Verdicts() {}

  /** One candidate of a comparison: a mode and its figure (a median). */
  record Candidate(String name, double value) {
    String text() {
      return name + " " + Markdown.rate(value);
    }
  }

  /** Ours against theirs: the two figures and ours / theirs. */
  record Comparison(Candidate ours, Candidate theirs, double ratio) {
    /** {@code ours p1 rows() 534,064 vs driver sync 543,961 = 0.98×}. */
    String text() {
      return ours.text() + " vs " + theirs.text() + " = " + Markdown.ratio(ratio);
    }
  }

  /**
   * Ratios of figures measured in the same round, one per round: {@code ours / theirs} of each pair. Each round
   * measures both sides seconds apart, so a slow spell of the machine (a compaction, the JIT, another process)
   * moves both sides of a ratio, where it would move only one side's median of the rounds.
   */
  record Paired(double[] ratios) {
    /** From pairs {@code {ours, theirs}}, one per round (see {@link Results#paired}). */
    static Paired of(List<double[]> pairs) {
      // A round whose figure is missing on either side (a failed read) gives no ratio, so it is not a round.
      return new Paired(pairs.stream().mapToDouble(pair -> ratio(pair[0], pair[1])).filter(r -> !Double.isNaN(r))
          .toArray());
    }

    /** The median of the per-round ratios; NaN for no rounds. */
    double median() {
      return Stats.median(ratios);
    }

    /** In how many rounds the ratio reached {@code bound}. */
    int roundsAtLeast(double bound) {
      return (int) Arrays.stream(ratios).filter(ratio -> atLeast(ratio, bound)).count();
    }

    /** In how many rounds the ratio stayed within {@code bound}. */
    int roundsAtMost(double bound) {
      return (int) Arrays.stream(ratios).filter(ratio -> atMost(ratio, bound)).count();
    }

    int rounds() {
      return ratios.length;
    }

    /** {@code 0.97×–1.04× in the rounds}, or {@code no rounds}. */
    String spread() {
      if (ratios.length == 0) {
        return "no rounds";
      }
      return Markdown.ratio(Stats.min(ratios)) + "–" + Markdown.ratio(Stats.max(ratios)) + " in the rounds";
    }
  }

  /** {@code ours / theirs}; NaN when either is NaN or theirs is not positive (nothing to compare with). */
  static double ratio(double ours, double theirs) {
    if (Double.isNaN(ours) || Double.isNaN(theirs) || theirs <= 0) {
      return Double.NaN;
    }
    return ours / theirs;
  }

  /** Whether a figure reaches a lower bound: met on the bound itself; never met by NaN. */
  static boolean atLeast(double value, double bound) {
    return !Double.isNaN(value) && value >= bound;
  }

  /** Whether a figure stays within an upper bound: met on the bound itself; never met by NaN. */
  static boolean atMost(double value, double bound) {
    return !Double.isNaN(value) && value <= bound;
  }

  /**
   * The candidate with the highest figure (the first of equal ones; NaN figures never win).
   *
   * @throws IllegalArgumentException for no candidates
   */
  static Candidate best(Map<String, Double> candidates) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidates to choose the best from");
    }
    Candidate best = new Candidate("none", Double.NaN);
    boolean first = true;
    for (Map.Entry<String, Double> candidate : candidates.entrySet()) {
      double value = candidate.getValue();
      if (first || (!Double.isNaN(value) && (Double.isNaN(best.value) || value > best.value))) {
        best = new Candidate(candidate.getKey(), value);
      }
      first = false;
    }
    return best;
  }

  /**
   * The candidate with the lowest figure, for times (the first of equal ones; NaN figures never win).
   *
   * @throws IllegalArgumentException for no candidates
   */
  static Candidate lowest(Map<String, Double> candidates) {
    Map<String, Double> negated = new LinkedHashMap<>();
    candidates.forEach((name, value) -> negated.put(name, -value));
    Candidate lowest = best(negated);
    return new Candidate(lowest.name(), -lowest.value());
  }

  /**
   * The best of ours against the best of theirs, over the same number of candidates on each side, so that
   * neither side gets more draws of the rounds' noise.
   *
   * @throws IllegalArgumentException when the two sides hold different numbers of candidates, or none
   */
  static Comparison bestAgainstBest(Map<String, Double> ours, Map<String, Double> theirs) {
    if (ours.size() != theirs.size()) {
      throw new IllegalArgumentException("best against best needs as many candidates on each side: "
          + ours.size() + " of ours against " + theirs.size() + " of theirs");
    }
    Candidate best = best(ours);
    Candidate theirBest = best(theirs);
    return new Comparison(best, theirBest, ratio(best.value, theirBest.value));
  }

  /** One figure against another, by name. */
  static Comparison compare(String ours, double oursValue, String theirs, double theirsValue) {
    return new Comparison(new Candidate(ours, oursValue), new Candidate(theirs, theirsValue),
        ratio(oursValue, theirsValue));
  }

  /**
   * The note of a goal: empty when it was met, otherwise "Missed for A and B in this run." followed by
   * {@code why} when there is one.
   *
   * @param misses what missed, such as {@code CSV (1.81× of dsbulk's rows/s)}; empty when the goal was met
   */
  static String note(List<String> misses, String why) {
    if (misses.isEmpty()) {
      return "";
    }
    String note = "Missed for " + String.join(" and ", misses) + " in this run.";
    return why.isEmpty() ? note : note + " " + why;
  }

  /** {@code 1.09× ≥ 1.00×} or {@code 0.98× < 1.00×}: a ratio against its bound, for the measured column. */
  static String againstLowerBound(double ratio, double bound) {
    return String.format(Locale.ROOT, "%s %s %s", Markdown.ratio(ratio), atLeast(ratio, bound) ? "≥" : "<",
        Markdown.ratio(bound));
  }
}
