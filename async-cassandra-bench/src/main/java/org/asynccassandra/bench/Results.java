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

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything one bench run measured: every sample, the goals checked against them, and the report
 * section each scenario wrote. Filled by the bench's main thread only; not thread-safe.
 */
final class Results {
  /** One measurement of one mode in one round. Metrics are plain numbers with the unit in the name. */
  record Sample(String scenario, String mode, String variant, int round, Map<String, Double> metrics) {
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("scenario", scenario);
      json.put("mode", mode);
      json.put("variant", variant);
      json.put("round", round);
      json.put("metrics", metrics);
      return json;
    }
  }

  /** A goal from the issue, checked against ratios measured in this run. */
  record Goal(String name, String target, String measured, boolean met, String note) {
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("goal", name);
      json.put("target", target);
      json.put("measured", measured);
      json.put("met", met);
      json.put("note", note);
      return json;
    }
  }

  /** A scenario's part of the report: Markdown that may link charts written next to it. */
  record Section(String scenario, String title, String markdown) {}

  private final List<Sample> samples = new ArrayList<>();
  private final List<Goal> goals = new ArrayList<>();
  private final List<Section> sections = new ArrayList<>();

  void add(String scenario, String mode, String variant, int round, Map<String, Double> metrics) {
    samples.add(new Sample(scenario, mode, variant, round, Map.copyOf(new LinkedHashMap<>(metrics))));
  }

  /** Adds a goal checked in this run and returns it. */
  Goal goal(String name, String target, String measured, boolean met, String note) {
    Goal goal = new Goal(name, target, measured, met, note);
    goals.add(goal);
    return goal;
  }

  void section(String scenario, String title, String markdown) {
    sections.add(new Section(scenario, title, markdown));
  }

  List<Sample> samples() {
    return samples;
  }

  List<Goal> goals() {
    return goals;
  }

  List<Section> sections() {
    return sections;
  }

  /** Every value of a metric for one scenario, mode and variant, in round order. */
  double[] values(String scenario, String mode, String variant, String metric) {
    return samples.stream()
        .filter(s -> s.scenario.equals(scenario) && s.mode.equals(mode) && s.variant.equals(variant))
        .filter(s -> s.metrics.containsKey(metric))
        .mapToDouble(s -> s.metrics.get(metric))
        .toArray();
  }

  /**
   * A metric of two modes paired by round: {@code {mode's value, base's value}} for every round where both
   * have it, in round order. Pairs compare measurements taken close in time, so a slow drift of the machine
   * (a server warming up, a compaction) moves both sides of a pair rather than one mode's median.
   */
  List<double[]> paired(String scenario, String mode, String base, String variant, String metric) {
    Map<Integer, Double> ours = byRound(scenario, mode, variant, metric);
    Map<Integer, Double> theirs = byRound(scenario, base, variant, metric);
    List<double[]> pairs = new ArrayList<>();
    ours.forEach((round, value) -> {
      Double other = theirs.get(round);
      if (other != null) {
        pairs.add(new double[] {value, other});
      }
    });
    return pairs;
  }

  /** A metric of one mode by round number, in round order; a round without the metric is absent. */
  SortedMap<Integer, Double> byRound(String scenario, String mode, String variant, String metric) {
    SortedMap<Integer, Double> values = new TreeMap<>();
    for (Sample s : samples) {
      if (s.scenario.equals(scenario) && s.mode.equals(mode) && s.variant.equals(variant)
          && s.metrics.containsKey(metric)) {
        values.put(s.round, s.metrics.get(metric));
      }
    }
    return values;
  }

  /**
   * The best (highest) figure of each side in every round where all of both sides' modes have it:
   * {@code {best of ours, best of theirs}} per round, in round order.
   */
  List<double[]> pairedBest(String scenario, Collection<String> ours, Collection<String> theirs, String variant,
      String metric) {
    List<SortedMap<Integer, Double>> oursByRound = ours.stream()
        .map(mode -> byRound(scenario, mode, variant, metric)).toList();
    List<SortedMap<Integer, Double>> theirsByRound = theirs.stream()
        .map(mode -> byRound(scenario, mode, variant, metric)).toList();
    SortedSet<Integer> rounds = new TreeSet<>();
    oursByRound.forEach(values -> rounds.addAll(values.keySet()));
    theirsByRound.forEach(values -> rounds.addAll(values.keySet()));
    List<double[]> pairs = new ArrayList<>();
    for (int round : rounds) {
      double bestOurs = bestIn(oursByRound, round);
      double bestTheirs = bestIn(theirsByRound, round);
      if (!Double.isNaN(bestOurs) && !Double.isNaN(bestTheirs)) {
        pairs.add(new double[] {bestOurs, bestTheirs});
      }
    }
    return pairs;
  }

  /** The highest value of a round over every mode, NaN unless every mode has one. */
  private static double bestIn(List<SortedMap<Integer, Double>> modes, int round) {
    double best = Double.NaN;
    for (SortedMap<Integer, Double> mode : modes) {
      Double value = mode.get(round);
      if (value == null || Double.isNaN(value)) {
        return Double.NaN;
      }
      best = Double.isNaN(best) ? value : Math.max(best, value);
    }
    return best;
  }

  double median(String scenario, String mode, String variant, String metric) {
    return Stats.median(values(scenario, mode, variant, metric));
  }

  /** The modes of a scenario in the order they were first measured. */
  List<String> modes(String scenario) {
    Set<String> modes = new LinkedHashSet<>();
    samples.stream().filter(s -> s.scenario.equals(scenario)).forEach(s -> modes.add(s.mode));
    return new ArrayList<>(modes);
  }

  /** The variants of a scenario in the order they were first measured. */
  List<String> variants(String scenario) {
    Set<String> variants = new LinkedHashSet<>();
    samples.stream().filter(s -> s.scenario.equals(scenario)).forEach(s -> variants.add(s.variant));
    return new ArrayList<>(variants);
  }
}
