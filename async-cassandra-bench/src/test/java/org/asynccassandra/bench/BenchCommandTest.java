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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.asynccassandra.bench.jmh.MicroResult;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  @Test
  void should_name_the_unknown_scenario_and_list_the_known_ones() {
    Usage usage = run("--scenarios", "throughput,speed", "--skip-jmh");

    assertThat(usage.exit).isEqualTo(2);
    assertThat(usage.err).contains("--scenarios: unknown scenario 'speed'; known: throughput, overlap, event-loop,"
        + " memory, scan, export, flink-export, first-row");
  }

  @Test
  void should_name_the_command_as_it_is_typed_and_list_every_scenario_in_its_usage() {
    String usage = new CommandLine(new BenchCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);

    assertThat(usage).startsWith("Usage: async-cassandra bench ");
    assertThat(usage.replaceAll("\\s+", " ")).contains(Scenarios.all().stream().map(Scenario::id)
        .collect(java.util.stream.Collectors.joining(", ")));
    // Each paragraph is wrapped by picocli: no line of the description ends in the middle of a sentence early.
    assertThat(usage).contains("side by side in the same run, on a real Cassandra");
  }

  @Test
  void should_refuse_an_unknown_size() {
    Usage usage = run("--size", "huge");

    assertThat(usage.exit).isEqualTo(2);
    assertThat(usage.err).contains("--size must be full, quick or tiny: huge");
  }

  @Test
  void should_refuse_a_bad_contact_point() {
    Usage usage = run("--size", "tiny", "--contact-point", "localhost:port");

    assertThat(usage.exit).isEqualTo(2);
    assertThat(usage.err).contains("--contact-point must be HOST, HOST:PORT or [IPv6]:PORT: localhost:port");
  }

  @Test
  void should_refuse_a_bad_heap_as_usage_before_anything_is_made(@org.junit.jupiter.api.io.TempDir Path dir) {
    // It failed after the output folder was made, with picocli's stack trace and exit code 1.
    Path output = dir.resolve("report");
    Usage usage = run("--size", "tiny", "--heap", "2X", "--output", output.toString());

    assertThat(usage.exit).isEqualTo(2);
    assertThat(usage.err).contains("--heap must look like 512M or 1G: 2X").doesNotContain("\tat ");
    assertThat(output).doesNotExist();
  }

  @Test
  void should_print_one_error_line_for_a_run_time_failure(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    // An output that cannot be a folder: picocli's default handler printed the whole stack trace.
    Path file = Files.writeString(dir.resolve("a-file"), "");
    Usage usage = run("--size", "tiny", "--skip-jmh", "--contact-point", "127.0.0.1:1", "--output",
        file.resolve("report").toString());

    assertThat(usage.exit).isEqualTo(1);
    assertThat(usage.err.lines().toList()).as(usage.err).hasSize(2)
        .satisfies(lines -> assertThat(lines.get(0)).startsWith("error: java.nio.file.").contains(file.toString()))
        .satisfies(lines -> assertThat(lines.get(1)).isEqualTo("(run again with --verbose for the stack trace)"));
  }

  @Test
  void should_measure_the_footprint_in_a_child_jvm_and_delete_its_log() throws Exception {
    List<Path> logsBefore = footprintLogs();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    List<MicroResult> results = BenchCommand.footprint(new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(results).extracting(MicroResult::benchmark).containsExactly("footprint.chain", "footprint.ours");
    assertThat(results).allSatisfy(result -> assertThat(result.score()).isPositive());
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("footprint chain ", "footprint ours ");
    assertThat(footprintLogs()).isEqualTo(logsBefore);
  }

  private static List<Path> footprintLogs() throws Exception {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(file -> file.getFileName().toString().startsWith("async-cassandra-footprint")).sorted()
          .toList();
    }
  }

  private record Usage(int exit, String err) {}

  private static Usage run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine commandLine = BenchCommand.commandLine();
    commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    int exit = commandLine.execute(args);
    return new Usage(exit, err.toString(StandardCharsets.UTF_8));
  }
}
