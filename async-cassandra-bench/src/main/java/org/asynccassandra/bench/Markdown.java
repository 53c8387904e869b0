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

import java.util.List;
import java.util.Locale;

/** Markdown pieces and number formats for the report. */
final class Markdown {
  private Markdown() {}

  static String table(List<String> headers, List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", headers)).append(" |\n|");
    for (int i = 0; i < headers.size(); i++) {
      out.append(i == 0 ? " --- |" : " ---: |");
    }
    out.append('\n');
    for (List<String> row : rows) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return out.toString();
  }

  static String image(String alt, String file) {
    return "![" + alt + "](" + file + ")\n";
  }

  /** A rate such as {@code 312,400}. */
  static String rate(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
  }

  /** Median with the spread of the rounds: {@code 312,400 (298,100–320,900)}. */
  static String rateSpread(double[] values) {
    if (values.length == 0) {
      return "n/a";
    }
    if (values.length == 1) {
      return rate(values[0]);
    }
    return rate(Stats.median(values)) + " (" + rate(Stats.min(values)) + "–" + rate(Stats.max(values)) + ")";
  }

  /** Bytes as a whole number with separators ("997 B", "1,234 B"), or n/a. */
  static String bytes(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f B", value);
  }

  /** Nanoseconds as a whole number with separators ("1,025 ns"), or n/a. */
  static String nanos(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f ns", value);
  }

  static String millis(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f ms", value);
  }

  /**
   * "{@code value} ms against {@code other} ms", each with one decimal, or with as many more (up to 3) as it
   * takes to show that they differ: a verdict that one is over the other never reads "14.6 ms against 14.6 ms".
   */
  static String millisAgainst(double value, double other) {
    String left = millis(value);
    String right = millis(other);
    for (int decimals = 2; left.equals(right) && Double.compare(value, other) != 0 && decimals <= 3; decimals++) {
      left = String.format(Locale.ROOT, "%." + decimals + "f ms", value);
      right = String.format(Locale.ROOT, "%." + decimals + "f ms", other);
    }
    return left + " against " + right;
  }

  static String millisSpread(double[] values) {
    if (values.length == 0) {
      return "n/a";
    }
    if (values.length == 1) {
      return millis(values[0]);
    }
    return String.format(Locale.ROOT, "%.1f ms (%.1f–%.1f)", Stats.median(values), Stats.min(values),
        Stats.max(values));
  }

  static String seconds(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f s", value);
  }

  static String ratio(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f×", value);
  }

  /**
   * A ratio judged against {@code bound}: two decimals, or three where two would show the bound itself for a
   * value on the other side of it (1.697× is not shown as a missed "1.70×" against 1.7×).
   */
  static String ratio(double value, double bound) {
    String shown = ratio(value);
    return value != bound && shown.equals(ratio(bound)) ? String.format(Locale.ROOT, "%.3f×", value) : shown;
  }

  static String mib(double bytes) {
    return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", bytes / (1024 * 1024));
  }

  /**
   * Bytes judged against {@code bound} bytes, in whole MiB, or with as many decimals (up to 3) as it takes to
   * tell a value on the other side of the bound from the bound (63.9 MiB is not shown as "64 MiB" against 64
   * MiB, nor 63.96 MiB as "64.0 MiB").
   */
  static String mib(double bytes, double bound) {
    String shown = mib(bytes);
    for (int decimals = 1; decimals <= 3 && bytes != bound && shown.equals(mibWith(bound, decimals - 1));
        decimals++) {
      shown = mibWith(bytes, decimals);
    }
    return shown;
  }

  private static String mibWith(double bytes, int decimals) {
    return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f MiB", bytes / (1024 * 1024));
  }

  static String number(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.0f", value);
  }

  static String yesNo(boolean met) {
    return met ? "**met**" : "**missed**";
  }
}
