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
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanOptionsTest {
  @Test
  void should_throw_the_scan_failure_with_a_summary_that_cannot_be_written_as_suppressed(@TempDir Path dir) {
    ScanOptions options = new ScanOptions();
    options.keyspace = "ks";
    options.table = "t";
    options.summary = dir; // a directory: the summary cannot be written there
    ScanSummary account = new ScanSummary("ks.t", new ScanCheckpoint("ks", "t", "f", List.of(
        new ScanCheckpoint.Range("0", "10", ScanCheckpoint.State.IN_PROGRESS, "AAAAAQ", 3, 5))), 0, 0,
        ScanConfig.defaults(), true, new RunTimings());
    IllegalStateException failure = new IllegalStateException("range (0, 10] failed after 5 retries");

    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RuntimeException thrown;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      thrown = options.summarizeFailure(account, failure);
    } finally {
      System.setErr(originalErr);
    }

    assertThat(thrown).isSameAs(failure).hasMessage("range (0, 10] failed after 5 retries");
    assertThat(failure.getSuppressed()).singleElement().isInstanceOf(UncheckedIOException.class)
        .extracting(Throwable::getMessage).asString().contains("Cannot write the summary " + dir);
    // Said without --verbose too: the error line names the scan's failure only.
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .contains("warning: " + failure.getSuppressed()[0].getMessage());
  }
}
