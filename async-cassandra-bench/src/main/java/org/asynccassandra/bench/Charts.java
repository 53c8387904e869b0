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

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts for the report, drawn with XChart (headless). */
final class Charts {
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 560;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /**
   * A grouped bar chart: one group per category, one bar per series.
   *
   * @return the file name, for a Markdown link next to it
   */
  static String bars(Path directory, String fileName, String title, String yTitle, List<String> categories,
      Map<String, List<Double>> series) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setXAxisLabelRotation(categories.size() > 6 ? 30 : 0);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setYAxisDecimalPattern("#,###.##");
    series.forEach((name, values) -> chart.addSeries(name, categories, values.stream()
        .map(v -> v == null || v.isNaN() ? 0.0 : v).toList()));
    BitmapEncoder.saveBitmap(chart, directory.resolve(fileName).toString(), BitmapEncoder.BitmapFormat.PNG);
    return fileName;
  }

  /** A line chart: one line per series over shared numeric x values. */
  static String lines(Path directory, String fileName, String title, String xTitle, String yTitle,
      List<? extends Number> x, Map<String, List<Double>> series, boolean logX) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setXAxisLogarithmic(logX);
    chart.getStyler().setYAxisDecimalPattern("#,###.##");
    series.forEach((name, values) -> chart.addSeries(name, x, values.stream()
        .map(v -> v == null || v.isNaN() ? 0.0 : v).toList()).setMarker(SeriesMarkers.CIRCLE));
    BitmapEncoder.saveBitmap(chart, directory.resolve(fileName).toString(), BitmapEncoder.BitmapFormat.PNG);
    return fileName;
  }
}
