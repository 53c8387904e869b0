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

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When a scan command ({@code export}, {@code count}) reached each stage of its run, on the wall clock, for
 * the {@code timings} of {@code --summary FILE}: where the time of a short run goes (start-up, connecting,
 * the first page, the rows, the end), as the command sees it. The JVM's own start-up comes before
 * {@code started} and the process's exit after the summary is written: a caller that timed the process from
 * outside, on the same clock, finds both.
 *
 * <p>The command's thread marks every stage but {@link #page()}, which the scan's page callback marks, one
 * page at a time; the fields are volatile, and the command reads them after the scan's stage completed.
 */
final class RunTimings {
  private volatile Instant started;
  private volatile Instant ready;
  private volatile Instant firstRequest;
  private volatile Instant firstRow;
  private volatile Instant lastRow;

  /** The command began: its options were read, before it connects. */
  void started() {
    started = Instant.now();
  }

  /** The session is connected and the scan planned: nothing was requested yet. */
  void ready() {
    ready = Instant.now();
  }

  /** The scan is being started: its first requests are handed to the driver now. */
  void firstRequest() {
    firstRequest = Instant.now();
  }

  /** A page of rows reached the command; the first one marks {@code firstRow}. */
  void page() {
    if (firstRow == null) {
      firstRow = Instant.now();
    }
  }

  /** Every row was read, and for an export written to its output and flushed. */
  void lastRow() {
    lastRow = Instant.now();
  }

  /** The stages reached, in order, as ISO-8601 instants (UTC, to the microsecond or better); none: empty. */
  Map<String, String> reached() {
    Map<String, String> stages = new LinkedHashMap<>();
    put(stages, "started", started);
    put(stages, "ready", ready);
    put(stages, "firstRequest", firstRequest);
    put(stages, "firstRow", firstRow);
    put(stages, "lastRow", lastRow);
    return stages;
  }

  private static void put(Map<String, String> stages, String name, Instant at) {
    if (at != null) {
      stages.put(name, at.toString());
    }
  }
}
