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

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line ends cleanly in its own JVM: after its work, whether it succeeded or failed, it closes
 * the scan, then the session, then the driver (its event loops with no quiet period), and nothing it closes logs a
 * warning or an error on the way out. How long that takes is measured by the benchmark, not here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CassandraExtension.class)
class CliExitIT {
  private String contactPoint;
  private String keyspace;

  @BeforeAll
  void load(CqlSession session, TestKeyspace testKeyspace, CassandraServer server) {
    contactPoint = server.contactPoint().getHostString() + ":" + server.contactPoint().getPort();
    keyspace = testKeyspace.name();
    TestData.createSampleTable(session, keyspace, "rows");
    TestData.loadSampleRows(session, keyspace, "rows", 5_000, 50);
  }

  private record Run(int exitCode, List<String> output) {}

  private Run run(Path dir, String... args) throws IOException, InterruptedException {
    long start = System.nanoTime();
    try (CliChild child = CliChild.start(Files.createTempFile(dir, "cli", ".log"), args)) {
      int exitCode = child.awaitExit(Duration.ofMinutes(3));
      // Printed for the reader, not asserted: the benchmark measures start-up and exit.
      System.out.printf("%s took %d ms in its own JVM%n", args[0],
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      return new Run(exitCode, child.outputLines());
    }
  }

  /** No warning, error or stack trace from the libraries: only the command's own lines. */
  private static void assertQuietExit(Run run) {
    assertThat(run.output()).as(String.join("\n", run.output()))
        .noneMatch(line -> line.contains("[WARN]") || line.contains("[ERROR]"))
        .noneMatch(line -> line.contains("Exception") && !line.startsWith("error: "))
        .noneMatch(line -> line.startsWith("\tat "));
  }

  @Test
  void should_exit_without_a_log_line_after_a_successful_count_and_export(@TempDir Path dir) throws Exception {
    Run count = run(dir, "count", "--contact-point", contactPoint, "--keyspace", keyspace, "--table", "rows",
        "--splits", "16");
    assertThat(count.exitCode()).as(String.join("\n", count.output())).isZero();
    assertThat(count.output()).contains("5000");
    assertQuietExit(count);

    Path csv = dir.resolve("rows.csv");
    Run export = run(dir, "export", "--contact-point", contactPoint, "--keyspace", keyspace, "--table", "rows",
        "--output", csv.toString());
    assertThat(export.exitCode()).as(String.join("\n", export.output())).isZero();
    assertThat(Files.readAllLines(csv)).hasSize(5_001);
    assertQuietExit(export);
  }

  @Test
  void should_exit_without_a_log_line_after_a_failed_scan(@TempDir Path dir) throws Exception {
    // The scan fails on the server while other ranges are in flight: they are cancelled as the CLI closes.
    Run failed = run(dir, "export", "--contact-point", contactPoint, "--keyspace", keyspace, "--table", "rows",
        "--where", "payload === 3", "--parallelism", "8", "--splits", "32", "--output", "-");
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.output()).anyMatch(line -> line.startsWith("error: Failed to fetch page 1"));
    assertQuietExit(failed);
  }
}
