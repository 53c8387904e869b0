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

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the whole bench at its smallest size against the real server, end to end, so that the harness
 * cannot rot. It checks that every scenario measured every mode and wrote its part of the report; it
 * asserts nothing about speed.
 */
@ExtendWith(CassandraExtension.class)
class BenchIT {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  @Test
  void should_run_every_scenario_and_write_the_report(CassandraServer server, @TempDir Path output)
      throws IOException {
    String contactPoint = server.contactPoint().getHostString() + ":" + server.contactPoint().getPort();

    StringWriter errors = new StringWriter();
    CommandLine command = new CommandLine(new BenchCommand()).setErr(new PrintWriter(errors, true));
    int exit = command.execute("--size", "tiny", "--skip-jmh", "--output", output.toString(),
        "--contact-point", contactPoint, "--datacenter", server.localDatacenter());

    // On a failure, say what failed and how, not only the exit code: the report's line naming the failed
    // scenarios, or what the command printed when it wrote no report.
    assertThat(exit).as(() -> whatFailed(output, errors)).isZero();
    String json = Files.readString(output.resolve("results.json"), StandardCharsets.UTF_8);
    String readme = Files.readString(output.resolve("README.md"), StandardCharsets.UTF_8);
    for (Scenario scenario : Scenarios.all()) {
      assertThat(json).contains("\"scenario\": \"" + scenario.id() + "\"");
    }
    for (ReadMode mode : ReadModes.all()) {
      assertThat(json).contains("\"mode\": \"" + mode.name() + "\"");
    }
    for (String mode : ConcurrencyScenario.modes()) {
      assertThat(json).contains("\"mode\": \"" + mode + "\"");
    }
    assertThat(json).contains("\"variant\": \"" + ConcurrencyScenario.heldVariant(1) + "\"", "\"heapHeldBytes\"");
    assertThat(json).contains("\"failures\": []").contains("\"goal\": ");
    assertThat(readme).contains("## 7. Concurrent streams on one session");
    assertThat(readme).contains("## Goals", "## 1. Raw scan throughput", "## 2. Overlap", "## 3. Event loop",
        "## 4. Memory", "## 5a. Full-table scan", "## 5b. Export", "## 6. Time to first row")
        .doesNotContain("(failed)");
    assertThat(readme).contains("## 5c. Flink export");
    // The export's own stages, read from the summary file each of its runs wrote.
    assertThat(readme).contains("Our export's own stages",
        "| launch to the command's start | connecting, scan planned | start-up to the first request |")
        .containsPattern("\\| async-cassandra export \\| CSV( \\| \\d+\\.\\d\\d s[^|]*){5} \\|");
    List<Path> charts;
    try (Stream<Path> files = Files.list(output)) {
      charts = files.filter(file -> file.toString().endsWith(".png")).toList();
    }
    assertThat(charts).hasSizeGreaterThanOrEqualTo(8);
    for (Path chart : charts) {
      assertThat(Files.readAllBytes(chart)).startsWith(PNG_MAGIC);
      assertThat(readme).contains("](" + chart.getFileName() + ")");
    }
  }

  private static String whatFailed(Path output, StringWriter errors) {
    try {
      Path report = output.resolve("README.md");
      if (Files.isRegularFile(report)) {
        String failures = Files.readString(report, StandardCharsets.UTF_8).lines()
            .filter(line -> line.startsWith(Report.FAILURES)).findFirst().orElse(null);
        if (failures != null) {
          return failures;
        }
      }
    } catch (IOException unreadable) {
      return "the report cannot be read (" + unreadable + "); the command's errors: " + errors;
    }
    return "the report names no failed scenario; the command's errors: " + errors;
  }
}
