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

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class ExportCommandIT {
  private String contactPoint;
  private String keyspace;
  private CqlSession session;

  @BeforeAll
  void schema(CqlSession session, TestKeyspace testKeyspace, CassandraServer server) {
    contactPoint = server.contactPoint().getHostString() + ":" + server.contactPoint().getPort();
    keyspace = testKeyspace.name();
    this.session = session;
    session.execute("CREATE TYPE " + keyspace + ".addr (street text, zip int)");
    session.execute("CREATE TABLE " + keyspace + ".all_types (id int, ck int, t text, a ascii, bi bigint, b blob,"
        + " bo boolean, d date, dec decimal, db double, dur duration, f float, ip inet, i int, si smallint,"
        + " tm time, ts timestamp, tu timeuuid, ti tinyint, u uuid, vi varint, l list<text>, s set<int>,"
        + " m map<text, int>, tup tuple<int, text>, ad frozen<addr>, v vector<float, 3>, PRIMARY KEY (id, ck))");
    session.execute("INSERT INTO " + keyspace + ".all_types (id, ck, t, a, bi, b, bo, d, dec, db, dur, f, ip, i, si,"
        + " tm, ts, tu, ti, u, vi, l, s, m, tup, ad) VALUES (1, 1, 'comma, \"quote\"\nand a newline', 'plain',"
        + " -9223372036854775808, 0xcafebabe00ff, true, '2026-11-25', 12345678901234567890.000000000000000001,"
        + " 3.141592653589793, 1y2mo3d4h5m6s7ms, 1.5, '192.168.0.1', 2147483647, -32768, '13:45:30.123456789',"
        + " '2026-11-25T06:29:25.123Z', 5f7cc1a0-c9c4-11f0-9c7b-0242ac120002, -128,"
        + " 123e4567-e89b-12d3-a456-426614174000, 123456789012345678901234567890, ['x', 'y,z', 'q\"q'],"
        + " {3, 1, 2}, {'k1': 1, 'k\"2': 2}, (7, 'seven'), {street: 'Main St, 1', zip: 12345})");
    session.execute("INSERT INTO " + keyspace + ".all_types (id, ck) VALUES (1, 2)");
    session.execute("INSERT INTO " + keyspace + ".all_types (id, ck, t, l, m) VALUES (1, 3, 'héllo ✓ \t tab', [], {})");
    // An empty string and blob (not null), a zero duration (never an empty cell), a vector (a JSON array).
    session.execute("INSERT INTO " + keyspace + ".all_types (id, ck, t, b, dur, v) VALUES (1, 4, '', 0x, 0s,"
        + " [1.5, -2.0, 0.0])");
    TestData.createSampleTable(session, keyspace + ".altered"); // altered by a test
    TestData.loadSampleRows(session, keyspace + ".altered", 60_000, 5_000);
    TestData.createSampleTable(session, keyspace + ".big");
    TestData.loadSampleRows(session, keyspace + ".big", 150_000, 5_000);
    TestData.createSampleTable(session, keyspace + ".other");
  }

  private DemoCommandIT.Captured export(String... options) {
    List<String> args = new ArrayList<>(List.of("export", "--contact-point", contactPoint, "--keyspace", keyspace));
    args.addAll(List.of(options));
    return DemoCommandIT.capture(args.toArray(String[]::new));
  }

  private static String expected(String name) throws IOException {
    return new String(Objects.requireNonNull(ExportCommandIT.class.getResourceAsStream("/expected/" + name),
        name).readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void should_export_every_cql_type_faithfully_as_csv(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("all_types.csv");
    Path summary = dir.resolve("summary.json");
    Instant before = Instant.now();
    DemoCommandIT.Captured run = export("--table", "all_types", "--splits", "1", "--output", file.toString(),
        "--summary", summary.toString());
    Instant after = Instant.now();
    assertThat(run.exitCode()).as(run.err()).isZero();
    SummaryTimings.assertEveryStageInOrder(Files.readString(summary), before, after);
    Files.copy(file, Path.of("target/all_types.actual.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.readString(file)).isEqualTo(expected("all_types.csv"));
  }

  @Test
  void should_export_every_cql_type_faithfully_as_ndjson(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("all_types.ndjson");
    DemoCommandIT.Captured run = export("--table", "all_types", "--splits", "1", "--format", "ndjson",
        "--output", file.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    Files.copy(file, Path.of("target/all_types.actual.ndjson"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.readString(file)).isEqualTo(expected("all_types.ndjson"));
  }

  @Test
  void should_resume_an_export_whose_process_was_killed_into_an_identical_file(@TempDir Path dir) throws Exception {
    Path partial = dir.resolve("partial.csv");
    Path checkpoint = dir.resolve("partial.checkpoint");
    try (CliChild child = startExport(dir, partial, checkpoint, "PT0.1S")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !child.isAlive()
          || Files.exists(checkpoint) && Files.readString(checkpoint).contains(" at "));
      child.assertAlive("before it was to be killed after a periodic checkpoint");
    }
    DemoCommandIT.Captured resumed = export("--table", "big", "--fetch-size", "700", "--output", partial.toString(),
        "--checkpoint", checkpoint.toString(), "--resume");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();

    assertThat(sortedLines(partial)).hasSize(150_001).isEqualTo(fullExportLines(dir));
    assertThat(Files.readAllLines(partial).get(0)).isEqualTo("pk,ck,payload");
  }

  /** Ctrl-C: the JVM exited with 130 and said nothing of the checkpoint it could be resumed from. */
  @Test
  void should_say_how_to_resume_an_export_interrupted_with_ctrl_c_and_resume_it(@TempDir Path dir) throws Exception {
    Path partial = dir.resolve("interrupted.csv");
    Path checkpoint = dir.resolve("interrupted.checkpoint");
    try (CliChild child = startExport(dir, partial, checkpoint, "PT0.1S")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !child.isAlive()
          || Files.exists(checkpoint) && Files.readString(checkpoint).contains(" at "));
      child.assertAlive("before it was to be interrupted after a periodic checkpoint");
      child.interrupt();
      assertThat(child.awaitExit(Duration.ofSeconds(60))).as(child.output()).isEqualTo(130);
      assertThat(child.output()).contains("Interrupted: the export of " + keyspace + ".big stopped before the end; "
          + "run the same command with --resume to go on from the checkpoint " + checkpoint);
    }
    DemoCommandIT.Captured resumed = export("--table", "big", "--fetch-size", "700", "--output", partial.toString(),
        "--checkpoint", checkpoint.toString(), "--resume");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();

    assertThat(sortedLines(partial)).hasSize(150_001).isEqualTo(fullExportLines(dir));
  }

  @Test
  void should_resume_an_export_killed_before_its_first_periodic_checkpoint(@TempDir Path dir) throws Exception {
    Path partial = dir.resolve("early.csv");
    Path checkpoint = dir.resolve("early.checkpoint");
    // No periodic checkpoint before the kill.
    try (CliChild child = startExport(dir, partial, checkpoint, "PT1H")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !child.isAlive()
          || Files.exists(partial) && Files.size(partial) > 0);
      child.assertAlive("before it was to be killed ahead of its first periodic checkpoint");
    }
    assertThat(Files.readString(checkpoint)).as("the checkpoint written before the first row")
        .contains("# output-bytes 0\n", "# output-rows 0\n");
    assertThat(Files.size(partial)).isPositive();

    DemoCommandIT.Captured resumed = export("--table", "big", "--output", partial.toString(),
        "--checkpoint", checkpoint.toString(), "--resume");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();

    assertThat(sortedLines(partial)).hasSize(150_001).isEqualTo(fullExportLines(dir));
    assertThat(Files.readAllLines(partial).get(0)).isEqualTo("pk,ck,payload");
  }

  @Test
  void should_checkpoint_an_export_to_stdout(@TempDir Path dir) throws IOException {
    // The output's lock took a file to lock: with stdout there is none, and it failed after connecting.
    Path checkpoint = dir.resolve("stdout.checkpoint");
    DemoCommandIT.Captured run = export("--table", "all_types", "--splits", "1", "--checkpoint",
        checkpoint.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo(expected("all_types.csv"));
    assertThat(Files.readString(checkpoint)).contains("# output-rows 4\n", "# output-tail ");
    // Its stdout went to a file: a resume into that file is accepted, into another one of the same length is not.
    Path wrong = Files.writeString(dir.resolve("wrong.csv"), "x".repeat(run.out().getBytes(UTF_8).length + 10));
    DemoCommandIT.Captured refused = export("--table", "all_types", "--splits", "1", "--checkpoint",
        checkpoint.toString(), "--resume", "--output", wrong.toString());
    assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
    assertThat(refused.err()).contains("is not the file the export of " + checkpoint);
    assertThat(Files.readString(wrong)).as("left as it was").startsWith("xxx")
        .hasSize(run.out().getBytes(UTF_8).length + 10);
    Path right = Files.writeString(dir.resolve("right.csv"), run.out());
    DemoCommandIT.Captured resumed = export("--table", "all_types", "--splits", "1", "--checkpoint",
        checkpoint.toString(), "--resume", "--output", right.toString());
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(Files.readString(right)).isEqualTo(expected("all_types.csv"));
  }

  @Test
  void should_mark_the_summary_failed_when_stdout_fails_at_the_last_flush(@TempDir Path dir) throws IOException {
    // Four rows stay in the output's buffer until the commit flushes them: a stdout that fails then (a closed
    // pipe) threw past the handler that marks the summary failed, and an earlier run's summary said complete.
    Path summary = dir.resolve("summary.json");
    DemoCommandIT.Captured earlier = export("--table", "all_types", "--splits", "1", "--output",
        dir.resolve("earlier.csv").toString(), "--summary", summary.toString());
    assertThat(earlier.exitCode()).as(earlier.err()).isZero();
    assertThat(Files.readString(summary)).contains("\"complete\":true");
    DemoCommandIT.ClosedPipe closedPipe = new DemoCommandIT.ClosedPipe();
    DemoCommandIT.Captured run = DemoCommandIT.capture(closedPipe, () -> "", "export", "--contact-point",
        contactPoint, "--keyspace", keyspace, "--table", "all_types", "--splits", "1", "--summary",
        summary.toString());
    assertThat(closedPipe.writes()).as("stdout was written only at the end").isPositive();
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("stdout");
    assertThat(Files.readString(summary)).contains("\"complete\":false");
  }

  @Test
  void should_write_the_summary_when_the_last_checkpoints_sync_fails(@TempDir Path dir) throws IOException {
    // With --checkpoint, the last rows are synced (stdout: flushed) by the final checkpoint after the scan: a
    // failure there went past the handler that prints and writes the summary, which still said "started".
    Path summary = dir.resolve("summary.json");
    DemoCommandIT.ClosedPipe closedPipe = new DemoCommandIT.ClosedPipe();
    DemoCommandIT.Captured run = DemoCommandIT.capture(closedPipe, () -> "", "export", "--contact-point",
        contactPoint, "--keyspace", keyspace, "--table", "all_types", "--splits", "1", "--summary",
        summary.toString(), "--checkpoint", dir.resolve("cp").toString());
    assertThat(closedPipe.writes()).as("stdout was written only at the end").isPositive();
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("stdout", "Summary of " + keyspace + ".all_types");
    assertThat(Files.readString(summary)).contains("\"complete\":false");
  }

  @Test
  void should_keep_a_second_export_off_the_output_another_one_writes(@TempDir Path dir) throws Exception {
    // Nothing stopped two runs on one output: the second emptied the first's file under it and both wrote
    // into it; the first exited 0 with holes of zero bytes.
    Path output = dir.resolve("shared.csv");
    Path checkpoint = dir.resolve("shared.checkpoint");
    Path second = dir.resolve("second.checkpoint");
    try (CliChild child = startExport(dir, output, checkpoint, "PT0.1S")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !child.isAlive()
          || Files.exists(checkpoint) && Files.readString(checkpoint).contains(" at "));
      child.assertAlive("while a second export tries its output");

      DemoCommandIT.Captured run = export("--table", "big", "--output", output.toString(), "--checkpoint",
          second.toString());

      assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
      assertThat(run.err()).contains("another export is writing " + output);
      assertThat(second).as("refused before it wrote its checkpoint").doesNotExist();
      DemoCommandIT.Captured replacing = export("--table", "big", "--output", output.toString());
      assertThat(replacing.exitCode()).as("without --checkpoint: " + replacing.err()).isEqualTo(1);
      assertThat(replacing.err()).contains("another export is writing " + output);
      assertThat(ExportOutput.partFile(output)).as("no part file of its own").doesNotExist();
      child.assertAlive("after the second export was refused");
    }
    DemoCommandIT.Captured resumed = export("--table", "big", "--output", output.toString(), "--checkpoint",
        checkpoint.toString(), "--resume");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(sortedLines(output)).as("the first export, whole").hasSize(150_001).isEqualTo(fullExportLines(dir));
  }

  @Test
  void should_refuse_to_resume_rows_whose_columns_changed_since_the_checkpoint(@TempDir Path dir) throws Exception {
    // With no --columns the fingerprint covers "*": a column added (or dropped) between the kill and the resume
    // gave rows of 4 fields under a header of 3, with exit code 0.
    Path partial = dir.resolve("altered.csv");
    Path checkpoint = dir.resolve("altered.checkpoint");
    try (CliChild child = startExport(dir, "altered", partial, checkpoint, "PT0.1S")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !child.isAlive()
          || Files.exists(checkpoint) && Files.readString(checkpoint).contains(" at "));
      child.assertAlive("before it was to be killed after a periodic checkpoint");
    }
    assertThat(Files.readString(checkpoint)).contains("# output-columns 3 ");
    byte[] saved = Files.readAllBytes(checkpoint);
    session.execute("ALTER TABLE " + keyspace + ".altered ADD extra text");

    DemoCommandIT.Captured resumed = export("--table", "altered", "--output", partial.toString(),
        "--checkpoint", checkpoint.toString(), "--resume");

    assertThat(resumed.exitCode()).as(resumed.err()).isEqualTo(1);
    assertThat(resumed.err()).contains("have other columns than those the checkpoint").doesNotContain("\tat ");
    assertThat(Files.readAllLines(partial)).as("the rows written before the checkpoint, nothing appended")
        .allSatisfy(line -> assertThat(line.split(",", -1)).hasSize(3));
    assertThat(Files.readAllBytes(checkpoint)).as("the checkpoint as it was: it must not count the page refused")
        .isEqualTo(saved);
  }

  @Test
  void should_stop_an_export_whose_table_is_altered_while_it_runs(@TempDir Path dir) throws Exception {
    // Each range's SELECT * is its own query: the ranges read after an ALTER TABLE ADD had 4 columns, and were
    // written under the header of 3, with exit code 0.
    String table = "altered_live";
    TestData.createSampleTable(session, keyspace + "." + table);
    TestData.loadSampleRows(session, keyspace + "." + table, 30_000, 1_000);
    Path output = dir.resolve("live.csv");
    Path checkpoint = dir.resolve("live.checkpoint");
    // 3,000 rows a second: the export lasts 10 s, and the ALTER comes right after its first checkpoint.
    try (CliChild child = CliChild.start(dir.resolve("live.log"), "export", "--contact-point", contactPoint,
        "--keyspace", keyspace, "--table", table, "--fetch-size", "200", "--parallelism", "1", "--splits", "32",
        "--output", output.toString(), "--checkpoint", checkpoint.toString(), "--checkpoint-interval", "PT0.1S",
        "--max-rate", "3000")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !child.isAlive()
          || Files.exists(checkpoint) && Files.readString(checkpoint).contains(" at "));
      child.assertAlive("before the table was to be altered");
      session.execute("ALTER TABLE " + keyspace + "." + table + " ADD extra text");

      assertThat(child.awaitExit(Duration.ofSeconds(120))).as(child.output()).isEqualTo(1);
      assertThat(child.output()).contains("The columns of " + keyspace + "." + table + " changed during the export",
          "a page has (pk, ck, extra, payload) where the rows before have (pk, ck, payload)").doesNotContain("\tat ");
    }
    assertThat(Files.readAllLines(output)).as("every line written has the header's 3 fields").isNotEmpty()
        .allSatisfy(line -> assertThat(line.split(",", -1)).hasSize(3));
  }

  /** An export of the big table in a child JVM, slowed down so that it can be killed in the middle. */
  private CliChild startExport(Path dir, Path output, Path checkpoint, String checkpointInterval)
      throws IOException {
    return startExport(dir, "big", output, checkpoint, checkpointInterval);
  }

  private CliChild startExport(Path dir, String table, Path output, Path checkpoint, String checkpointInterval)
      throws IOException {
    return CliChild.start(dir.resolve(output.getFileName() + ".log"), "export", "--contact-point", contactPoint,
        "--keyspace", keyspace, "--table", table, "--fetch-size", "500", "--parallelism", "2", "--output",
        output.toString(), "--checkpoint", checkpoint.toString(), "--checkpoint-interval", checkpointInterval,
        "--max-rate", "25000");
  }

  /** The sorted lines of an uninterrupted export of the big table. */
  private List<String> fullExportLines(Path dir) throws IOException {
    Path full = dir.resolve("full.csv");
    DemoCommandIT.Captured run = export("--table", "big", "--output", full.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    return sortedLines(full);
  }

  private static List<String> sortedLines(Path file) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    Collections.sort(lines);
    return lines;
  }

  @Test
  void should_fail_with_one_line_for_an_unknown_table() {
    DemoCommandIT.Captured run = export("--table", "nope", "--output", "-");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: Unknown table '" + keyspace + ".nope'").doesNotContain("\tat ");
  }

  @Test
  void should_fail_with_one_line_for_an_unknown_keyspace_naming_the_others() {
    // The session reads the schema of --keyspace only: the others come from the cluster.
    DemoCommandIT.Captured run = DemoCommandIT.capture("export", "--contact-point", contactPoint, "--keyspace",
        "nope", "--table", "big", "--output", "-");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: Unknown keyspace 'nope'; keyspaces: ").contains(keyspace)
        .doesNotContain("system").doesNotContain("\tat ");
  }

  @Test
  void should_fail_with_one_line_for_an_unreachable_host() {
    DemoCommandIT.Captured run = DemoCommandIT.capture("export", "--contact-point", "127.0.0.1:1",
        "--keyspace", keyspace, "--table", "big");
    assertOneLineRunTimeError(run, "error: cannot connect to 127.0.0.1:1: connection refused; check"
        + " --contact-point (is a node listening there?) and --datacenter");
    assertThat(run.err()).doesNotContain("getAllErrors");
  }

  @Test
  void should_fail_with_one_line_for_a_bad_where() {
    DemoCommandIT.Captured run = export("--table", "big", "--where", "payload === 3", "--output", "-");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).containsPattern("(?m)^error: Failed to fetch page 1 of 'scan of " + keyspace
        + ".big where payload === 3' in token range \\(-?\\d+, -?\\d+\\] .*SyntaxError").doesNotContain("\tat ");
    assertThat(run.err()).contains("NOT every range was read in full");
    // The progress's last line came after the summary, on a terminal at the end of its live line.
    assertThat(run.err().lastIndexOf("Exporting ")).as(run.err()).isGreaterThanOrEqualTo(0)
        .isLessThan(run.err().indexOf("NOT every range was read in full"));
  }

  @Test
  void should_refuse_to_resume_into_another_file_and_leave_it_as_it_was(@TempDir Path dir) throws IOException {
    // The checkpoint noted only the output's length: a resume into another, longer file cut it back to that
    // length and appended the rest of the table to it, with exit code 0.
    Path checkpoint = dir.resolve("export.checkpoint");
    DemoCommandIT.Captured first = export("--table", "all_types", "--splits", "1", "--output",
        dir.resolve("a.csv").toString(), "--checkpoint", checkpoint.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    String someoneElses = "x".repeat(10_000) + "\n";
    Path other = Files.writeString(dir.resolve("b.csv"), someoneElses);

    DemoCommandIT.Captured resumed = export("--table", "all_types", "--splits", "1", "--output", other.toString(),
        "--checkpoint", checkpoint.toString(), "--resume");

    assertThat(resumed.exitCode()).as(resumed.err()).isEqualTo(1);
    assertThat(resumed.err()).contains(other + " is not the file the export of " + checkpoint + " wrote");
    assertThat(Files.readString(other)).isEqualTo(someoneElses);
  }

  @Test
  void should_write_into_a_named_pipe_as_it_is_and_leave_it_a_pipe(@TempDir Path dir) throws Exception {
    // It wrote a part file beside the pipe and renamed it over the pipe: the reader of the pipe waited for ever,
    // and the pipe became a file (as root, --output /dev/null replaced the device with a file).
    Path pipe = dir.resolve("rows.pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    java.util.concurrent.CompletableFuture<byte[]> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try (java.io.InputStream in = Files.newInputStream(pipe)) {
        return in.readAllBytes();
      } catch (IOException failed) {
        throw new java.io.UncheckedIOException(failed);
      }
    });

    DemoCommandIT.Captured run;
    try {
      run = export("--table", "all_types", "--splits", "1", "--output", pipe.toString());
    } finally {
      if (!read.isDone()) { // the export never opened the pipe: open it, so that the reader's open returns
        Files.newOutputStream(pipe).close();
      }
    }

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(new String(read.get(60, java.util.concurrent.TimeUnit.SECONDS), StandardCharsets.UTF_8))
        .isEqualTo(expected("all_types.csv"));
    assertThat(Files.isRegularFile(pipe)).as("still a pipe").isFalse();
    assertThat(Files.exists(pipe)).isTrue();
    try (java.util.stream.Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("no part file").containsExactly(pipe);
    }
  }

  @Test
  void should_write_through_a_symbolic_link_and_keep_the_link(@TempDir Path dir) throws IOException {
    Path real = Files.writeString(dir.resolve("real.csv"), "older content\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.csv"), real);

    DemoCommandIT.Captured run = export("--table", "all_types", "--splits", "1", "--output", link.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.isSymbolicLink(link)).as("the link is still a link").isTrue();
    assertThat(Files.readString(real)).as("the file it names holds the export").isEqualTo(expected("all_types.csv"));
  }

  @Test
  void should_leave_an_older_output_file_as_it_was_when_an_export_without_checkpoint_fails(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("out.csv");
    Files.writeString(file, "an earlier export\n");
    DemoCommandIT.Captured run = export("--table", "big", "--where", "payload === 3", "--output", file.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("The export did not finish: " + file + " is left as it was");
    assertThat(Files.readString(file)).isEqualTo("an earlier export\n");
    try (var left = Files.list(dir)) {
      assertThat(left).as("no part file left").containsExactly(file);
    }
  }

  @Test
  void should_reject_a_bad_format_as_usage() {
    DemoCommandIT.Captured run = export("--table", "big", "--format", "xml");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--format must be csv or ndjson: xml");
  }

  @Test
  void should_do_nothing_but_remove_a_left_temporary_file_when_resuming_a_complete_export(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("all.csv");
    Path checkpoint = dir.resolve("all.checkpoint");
    exportWithCheckpoint("all_types", file, checkpoint);
    String exported = Files.readString(file);
    // What a run killed while saving its last checkpoint leaves: no later save would replace it.
    Files.writeString(dir.resolve("all.checkpoint.tmp"), "version 3\nkeyspace");

    Path summary = dir.resolve("summary.json");
    DemoCommandIT.Captured run = export("--table", "all_types", "--output", file.toString(), "--checkpoint",
        checkpoint.toString(), "--resume", "--summary", summary.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("The checkpoint says the export is complete: nothing to do.");
    assertThat(Files.readString(file)).isEqualTo(exported);
    // Not the "started" summary written before connecting: the checkpoint's, every range done.
    assertThat(Files.readString(summary)).contains("\"complete\":true").doesNotContain("\"state\":\"started\"");
    try (var left = Files.list(dir)) {
      assertThat(left).containsExactlyInAnyOrder(file, checkpoint, summary);
    }
  }

  @Test
  void should_refuse_a_checkpoint_of_another_table_in_one_line(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("other.csv");
    Path checkpoint = dir.resolve("other.checkpoint");
    exportWithCheckpoint("other", file, checkpoint);
    DemoCommandIT.Captured run = resume("big", file, checkpoint);
    // The scan's refusal cannot name the file: the command does.
    assertOneLineRunTimeError(run, "error: --resume: the checkpoint " + checkpoint + " cannot be resumed: The "
        + "checkpoint belongs to table " + keyspace + ".other");
  }

  @Test
  void should_refuse_a_checkpoint_of_other_columns_naming_the_file(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("columns.csv");
    Path checkpoint = dir.resolve("columns.checkpoint");
    assertThat(export("--table", "all_types", "--columns", "id,ck", "--output", file.toString(), "--checkpoint",
        checkpoint.toString()).exitCode()).isZero();
    String exported = Files.readString(file);
    DemoCommandIT.Captured run = resume("all_types", file, checkpoint);
    assertOneLineRunTimeError(run, "error: --resume: the checkpoint " + checkpoint + " cannot be resumed: The "
        + "checkpoint was made by another scan of " + keyspace + ".all_types");
    assertThat(Files.readString(file)).isEqualTo(exported);
  }

  @Test
  void should_refuse_to_resume_from_a_table_dropped_and_created_again(@TempDir Path dir) throws IOException {
    // The same name, schema and rows: only the table's id tells the new table from the one the checkpoint read
    // (as it tells a table of another cluster), whose rows the resume would have appended to the output.
    String table = keyspace + ".recreated";
    TestData.createSampleTable(session, table);
    TestData.loadSampleRows(session, table, 100, 10);
    Path file = dir.resolve("recreated.csv");
    Path checkpoint = dir.resolve("recreated.checkpoint");
    exportWithCheckpoint("recreated", file, checkpoint);
    String exported = Files.readString(file);
    assertThat(Files.readString(checkpoint)).contains("# table-id ");
    session.execute("DROP TABLE " + table);
    TestData.createSampleTable(session, table);
    TestData.loadSampleRows(session, table, 100, 10);

    DemoCommandIT.Captured run = resume("recreated", file, checkpoint);

    assertOneLineRunTimeError(run, "error: --resume: the checkpoint " + checkpoint + " is of another table named "
        + keyspace + ".recreated");
    assertThat(Files.readString(file)).isEqualTo(exported);
  }

  @Test
  void should_leave_no_output_file_of_its_own_when_an_export_with_checkpoint_fails_before_its_first_row(
      @TempDir Path dir) throws IOException {
    // The output is locked (created) before the checkpoint is written: a run that failed before its first row
    // left an empty file under the output's name. A file that was there stays as it was.
    Path file = dir.resolve("never.csv");
    Path checkpoint = dir.resolve("never.checkpoint");
    DemoCommandIT.Captured run = export("--table", "big", "--where", "payload === 3", "--output", file.toString(),
        "--checkpoint", checkpoint.toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(file).doesNotExist();
    Path older = Files.writeString(dir.resolve("older.csv"), "an earlier export\n");
    DemoCommandIT.Captured again = export("--table", "big", "--where", "payload === 3", "--output",
        older.toString(), "--checkpoint", checkpoint.toString());
    assertThat(again.exitCode()).as(again.err()).isEqualTo(1);
    assertThat(Files.readString(older)).isEqualTo("an earlier export\n");
  }

  @Test
  void should_summarize_what_the_checkpoint_holds_when_the_output_fails(@TempDir Path dir) throws IOException {
    // The scan counts a page as delivered once handed over: after a failed write, the summary counted the pages
    // handed over since the last checkpoint, which the output never got and a resume reads again.
    Path summary = dir.resolve("summary.json");
    Path checkpoint = dir.resolve("cp");
    DemoCommandIT.ClosedPipe closedPipe = new DemoCommandIT.ClosedPipe();
    DemoCommandIT.Captured run = DemoCommandIT.capture(closedPipe, () -> "", "export", "--contact-point",
        contactPoint, "--keyspace", keyspace, "--table", "big", "--summary", summary.toString(), "--checkpoint",
        checkpoint.toString(), "--checkpoint-interval", "PT1H");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(closedPipe.writes()).isPositive();
    long saved = org.asynccassandra.ScanCheckpoint.read(checkpoint).rowsDelivered();
    assertThat(Files.readString(summary)).contains("\"complete\":false", "\"rows\":" + saved + ",");
    assertThat(run.err()).contains(String.format(java.util.Locale.ROOT, "not started), %,d rows,", saved));
  }

  @Test
  void should_fail_a_resume_without_checkpoint_file_in_one_line(@TempDir Path dir) {
    Path checkpoint = dir.resolve("never-written.checkpoint");
    DemoCommandIT.Captured run = export("--table", "big", "--output", dir.resolve("out.csv").toString(),
        "--checkpoint", checkpoint.toString(), "--resume");
    assertOneLineRunTimeError(run, "error: --resume: no checkpoint file at " + checkpoint);
  }

  @Test
  void should_fail_a_resume_into_a_file_shorter_than_its_checkpoint_in_one_line(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("other.csv");
    Path checkpoint = dir.resolve("other.checkpoint");
    exportWithCheckpoint("all_types", file, checkpoint);
    Files.writeString(file, "id");
    DemoCommandIT.Captured run = resume("all_types", file, checkpoint);
    assertOneLineRunTimeError(run, "error: --resume: " + file + " is shorter than the checkpoint says");
  }

  @Test
  void should_fail_a_resume_from_a_file_that_is_no_checkpoint_in_one_line(@TempDir Path dir) throws IOException {
    Path checkpoint = dir.resolve("garbage.checkpoint");
    Files.writeString(checkpoint, "not a checkpoint\n");
    DemoCommandIT.Captured run = export("--table", "big", "--output", dir.resolve("out.csv").toString(),
        "--checkpoint", checkpoint.toString(), "--resume");
    assertOneLineRunTimeError(run, "error: --resume: the checkpoint " + checkpoint + " cannot be resumed: Not a "
        + "valid scan checkpoint");
  }

  @Test
  void should_fail_a_resume_from_a_checkpoint_cut_short_in_one_line(@TempDir Path dir) throws IOException {
    // A checkpoint cut at a line's end read as a scan of fewer ranges: the resume skipped the lost ones.
    Path file = dir.resolve("cut.csv");
    Path checkpoint = dir.resolve("cut.checkpoint");
    exportWithCheckpoint("all_types", file, checkpoint);
    List<String> lines = Files.readAllLines(checkpoint);
    int lastRange = lines.stream().filter(line -> line.startsWith("range ")).mapToInt(lines::indexOf).max()
        .orElseThrow();
    Files.write(checkpoint, lines.subList(0, lastRange));
    DemoCommandIT.Captured run = resume("all_types", file, checkpoint);
    assertOneLineRunTimeError(run, "error: --resume: the checkpoint " + checkpoint + " cannot be resumed: Not a "
        + "valid scan checkpoint");
    assertThat(run.err()).contains("the file was cut short or edited");
  }

  @Test
  void should_fail_a_resume_from_a_checkpoint_edited_by_hand_in_one_line(@TempDir Path dir) throws IOException {
    // Before checkpoints had a checksum, an edited note (where the output ends) was believed: the resume cut
    // the output there and wrote the rest after it, losing rows.
    Path file = dir.resolve("edited.csv");
    Path checkpoint = dir.resolve("edited.checkpoint");
    exportWithCheckpoint("all_types", file, checkpoint);
    String exported = Files.readString(file);
    String text = Files.readString(checkpoint);
    String edited = text.replaceFirst("# output-bytes \\d+", "# output-bytes 1");
    assertThat(edited).isNotEqualTo(text);
    Files.writeString(checkpoint, edited);
    DemoCommandIT.Captured run = resume("all_types", file, checkpoint);
    assertOneLineRunTimeError(run, "error: --resume: the checkpoint " + checkpoint + " cannot be resumed: Not a "
        + "valid scan checkpoint");
    assertThat(run.err()).contains("do not match the checksum").contains("edited or damaged");
    assertThat(Files.readString(file)).isEqualTo(exported);
  }

  /** Exports {@code table} into {@code file} with a checkpoint, which must succeed. */
  private void exportWithCheckpoint(String table, Path file, Path checkpoint) {
    assertThat(export("--table", table, "--output", file.toString(), "--checkpoint", checkpoint.toString())
        .exitCode()).isZero();
  }

  /** Resumes an export of {@code table} into {@code file} from {@code checkpoint}. */
  private DemoCommandIT.Captured resume(String table, Path file, Path checkpoint) {
    return export("--table", table, "--output", file.toString(), "--checkpoint", checkpoint.toString(), "--resume");
  }

  /** Exit code 1, one error line that starts with {@code start}, the hint to use --verbose, no usage text. */
  private static void assertOneLineRunTimeError(DemoCommandIT.Captured run, String start) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err().lines().toList()).as(run.err()).hasSize(2)
        .satisfies(lines -> assertThat(lines.get(0)).startsWith(start))
        .satisfies(lines -> assertThat(lines.get(1)).isEqualTo("(run again with --verbose for the stack trace)"));
  }

  @Test
  void should_count_rows_in_parallel() {
    DemoCommandIT.Captured run = DemoCommandIT.capture("count", "--contact-point", contactPoint, "--keyspace",
        keyspace, "--table", "big", "--splits", "9");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo("150000");
  }
}
