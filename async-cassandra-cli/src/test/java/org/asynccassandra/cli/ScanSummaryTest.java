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

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanSummaryTest {
  private static final ScanCheckpoint PARTIAL = new ScanCheckpoint("ks", "t", "f", List.of(
      new ScanCheckpoint.Range("0", "10", ScanCheckpoint.State.DONE, null, 0, 7),
      new ScanCheckpoint.Range("10", "20", ScanCheckpoint.State.IN_PROGRESS, "AAAAAQ", 3, 5),
      new ScanCheckpoint.Range("20", "30", ScanCheckpoint.State.PENDING, null, 0, 0)));

  static final String PARTIAL_JSON = "{\"table\":\"ks.t\",\"complete\":false,\"ranges\":3,"
      + "\"rangesDone\":1,\"rows\":12,\"retries\":2,\"splits\":1,\"rangeStates\":["
      + "{\"start\":\"0\",\"end\":\"10\",\"state\":\"done\",\"rows\":7},"
      + "{\"start\":\"10\",\"end\":\"20\",\"state\":\"in_progress\",\"rows\":5},"
      + "{\"start\":\"20\",\"end\":\"30\",\"state\":\"pending\",\"rows\":0}]}";

  static ScanSummary partial() {
    return new ScanSummary("ks.t", PARTIAL, 2, 1, ScanConfig.defaults(), false, new RunTimings());
  }

  private static String printed(ScanSummary summary) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    summary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void should_name_every_range_not_read_in_full() {
    ScanSummary summary = new ScanSummary("ks.t", PARTIAL, 2, 1, ScanConfig.builder().shard(new ScanConfig.Shard(2, 4))
        .build(), true, new RunTimings());
    assertThat(summary.complete()).isFalse();
    assertThat(printed(summary))
        .contains("ks.t, shard 2/4: 3 ranges (1 done, 1 in progress, 1 not started), 12 rows, 2 retries, 1 splits")
        .contains("NOT every range was read in full")
        .contains("(10, 20] in progress, 5 rows read")
        .contains("(20, 30] not started");
  }

  @Test
  void should_write_every_range_as_json(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("summary.json");
    partial().write(file);
    assertThat(Files.readString(file)).isEqualTo(PARTIAL_JSON);
  }

  @Test
  void should_be_complete_only_when_every_range_is_done_and_nothing_failed() {
    ScanCheckpoint done = new ScanCheckpoint("ks", "t", "f", List.of(
        new ScanCheckpoint.Range("0", "10", ScanCheckpoint.State.DONE, null, 0, 7)));
    assertThat(new ScanSummary("ks.t", done, 0, 0, ScanConfig.defaults(), false, new RunTimings()).complete()).isTrue();
    assertThat(new ScanSummary("ks.t", done, 0, 0, ScanConfig.defaults(), true, new RunTimings()).complete()).isFalse();
    assertThat(printed(new ScanSummary("ks.t", done, 0, 0, ScanConfig.defaults(), false, new RunTimings())))
        .contains("every range was read in full");
  }

  @Test
  void should_write_a_summary_through_a_symbolic_link_and_keep_the_link(@TempDir Path dir) throws IOException {
    // The part file was renamed over the link: the link became a file, and the file it named stayed stale.
    Path real = Files.writeString(dir.resolve("real.json"), "an earlier run's");
    Path link = Files.createSymbolicLink(dir.resolve("summary.json"), Path.of("real.json"));

    partial().write(link);

    assertThat(Files.isSymbolicLink(link)).as("still a link").isTrue();
    assertThat(Files.readString(real)).isEqualTo(PARTIAL_JSON);
    try (var files = Files.list(dir)) {
      assertThat(files).as("no part file left").containsExactlyInAnyOrder(real, link);
    }
  }

  @Test
  void should_append_a_summary_to_the_file_a_descriptor_holds_and_never_replace_that_file(@TempDir Path dir)
      throws IOException {
    // --summary /dev/stdout >> log: the part file was renamed over log, and what log held was lost.
    Path log = Files.writeString(dir.resolve("log"), "earlier lines\n");
    Object inode = Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    try (java.io.FileOutputStream redirected = new java.io.FileOutputStream(log.toFile(), true)) {
      Path descriptor = descriptorOf(log);

      ScanSummary.writeStarted(descriptor, "ks.t", new RunTimings());
      partial().write(descriptor);
    }

    assertThat(Files.readString(log)).as("what it held, then the summary, once").isEqualTo("earlier lines\n"
        + PARTIAL_JSON);
    assertThat(Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
        .as("the same file, not one renamed over it").isEqualTo(inode);
    try (var files = Files.list(dir)) {
      assertThat(files).as("no part file").containsExactly(log);
    }
  }

  @Test
  void should_write_a_summary_to_dev_stdout_into_the_file_the_output_goes_to(@TempDir Path dir) throws Exception {
    // count --summary /dev/stdout > log, which cannot connect: the "started" summary was renamed over log, so log
    // held that only, and the error printed after it went into the file it replaced. A run that cannot connect
    // writes no other summary.
    Path log = dir.resolve("log");
    try (CliChild count = CliChild.start(log, "count", "--contact-point", "127.0.0.1:1", "--keyspace", "ks",
        "--table", "t", "--summary", "/dev/stdout")) {
      assertThat(count.awaitExit(java.time.Duration.ofSeconds(60))).as(count.output()).isEqualTo(1);
      assertThat(count.output()).contains("cannot connect to 127.0.0.1:1")
          .as("no started summary before the rest of the output").doesNotContain("\"state\":\"started\"");
    }
    try (var files = Files.list(dir)) {
      assertThat(files).as("no part file").containsExactly(log);
    }
  }

  @Test
  void should_tell_the_paths_that_reach_a_descriptor_of_this_process(@TempDir Path dir) throws IOException {
    Path regular = Files.writeString(dir.resolve("regular"), "");
    Path linkToRegular = Files.createSymbolicLink(dir.resolve("to-regular"), regular);
    Path linkToStdout = Files.createSymbolicLink(dir.resolve("to-stdout"), Path.of("/dev/stdout"));

    assertThat(OutputFiles.throughDescriptor(Path.of("/dev/stdout"))).isTrue();
    assertThat(OutputFiles.throughDescriptor(Path.of("/dev/stderr"))).isTrue();
    assertThat(OutputFiles.throughDescriptor(Path.of("/dev/fd/1"))).isTrue();
    assertThat(OutputFiles.throughDescriptor(Path.of("/proc/self/fd/2"))).isTrue();
    assertThat(OutputFiles.throughDescriptor(linkToStdout)).isTrue();
    assertThat(OutputFiles.target(linkToStdout)).as("written through the link, as it is").isEqualTo(linkToStdout);
    assertThat(OutputFiles.throughDescriptor(regular)).isFalse();
    assertThat(OutputFiles.throughDescriptor(linkToRegular)).isFalse();
    assertThat(OutputFiles.throughDescriptor(dir.resolve("missing"))).isFalse();
    assertThat(OutputFiles.throughDescriptor(Path.of("/dev/null"))).isFalse();
  }

  /** {@code /proc/self/fd/N} of a descriptor this process holds open on {@code file}, as a shell's redirect is. */
  static Path descriptorOf(Path file) throws IOException {
    Path real = file.toRealPath();
    try (var descriptors = Files.list(Path.of("/proc/self/fd"))) {
      for (Path descriptor : (Iterable<Path>) descriptors::iterator) {
        try {
          if (Files.readSymbolicLink(descriptor).equals(real)) {
            return descriptor;
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor of the listing itself, or one closed since
        }
      }
    }
    throw new IllegalStateException("no descriptor of this process holds " + real);
  }

  @Test
  void should_not_leave_an_earlier_complete_summary_when_the_next_run_cannot_connect(@TempDir Path dir)
      throws IOException {
    // The summary of an earlier, complete run stayed, and said complete, after a run that failed to connect.
    String earlier = "{\"table\":\"ks.t\",\"complete\":true,\"ranges\":1,\"rangesDone\":1}";
    for (String command : List.of("count", "export")) {
      Path summary = Files.writeString(dir.resolve(command + ".json"), earlier);
      List<String> args = new java.util.ArrayList<>(List.of(command, "--contact-point", "127.0.0.1:1", "--keyspace",
          "ks", "--table", "t", "--summary", summary.toString()));
      if (command.equals("export")) {
        args.addAll(List.of("--output", dir.resolve("t.csv").toString()));
      }
      DemoCommandIT.Captured run = DemoCommandIT.capture(args.toArray(String[]::new));
      assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(1);
      assertThat(run.err()).as(command).contains("cannot connect to 127.0.0.1:1");
      assertThat(Files.readString(summary)).as(command)
          .doesNotContain("\"complete\":true")
          .startsWith("{\"table\":\"ks.t\",\"complete\":false,\"state\":\"started\",\"timings\":{\"started\":");
    }
  }
}
