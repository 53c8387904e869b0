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

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * The account of a scan at its end: every range with its bounds, its state and the rows delivered, the
 * retries, the ranges split around trouble, and whether every range was read in full. Printed on stderr, and written as JSON with
 * {@code --summary FILE}, with the run's {@link RunTimings}. A run whose summary is not complete exits with 1.
 */
final class ScanSummary {
  private final String table;
  private final ScanCheckpoint checkpoint;
  private final long retries;
  private final long splits;
  private final ScanConfig config;
  private final boolean failed;
  private final RunTimings timings;

  ScanSummary(String table, ScanCheckpoint checkpoint, long retries, long splits, ScanConfig config,
      boolean failed, RunTimings timings) {
    this.table = table;
    this.checkpoint = checkpoint;
    this.retries = retries;
    this.splits = splits;
    this.config = config;
    this.failed = failed;
    this.timings = timings;
  }

  /** This account of a run that failed after its scan (its output could not be put in place). */
  ScanSummary failed() {
    return new ScanSummary(table, checkpoint, retries, splits, config, true, timings);
  }

  /** Whether every range was read in full. */
  boolean complete() {
    return checkpoint.isComplete() && !failed;
  }

  private List<ScanCheckpoint.Range> unfinished() {
    return checkpoint.ranges().stream().filter(range -> range.state() != ScanCheckpoint.State.DONE)
        .collect(Collectors.toList());
  }

  /** Prints the summary: one line when complete, plus the unfinished ranges (the first 10) otherwise. */
  void print(PrintStream err) {
    long done = checkpoint.rangesDone();
    long inProgress = checkpoint.ranges().stream().filter(r -> r.state() == ScanCheckpoint.State.IN_PROGRESS).count();
    long pending = checkpoint.ranges().size() - done - inProgress;
    err.printf(Locale.ROOT, "Summary of %s%s: %d ranges (%d done, %d in progress, %d not started), %,d rows, %d "
        + "retries, %d splits: %s%n", table, restriction(), checkpoint.ranges().size(), done, inProgress, pending,
        checkpoint.rowsDelivered(), retries, splits, complete() ? "every range was read in full"
            : "NOT every range was read in full");
    List<ScanCheckpoint.Range> unfinished = unfinished();
    for (ScanCheckpoint.Range range : unfinished.subList(0, Math.min(10, unfinished.size()))) {
      err.printf(Locale.ROOT, "  %s %s, %,d rows read%n", range.range(),
          range.state() == ScanCheckpoint.State.PENDING ? "not started" : "in progress", range.rowsDelivered());
    }
    if (unfinished.size() > 10) {
      err.printf(Locale.ROOT, "  ... and %d more (see --summary FILE)%n", unfinished.size() - 10);
    }
  }

  private String restriction() {
    return config.tokenRange().map(range -> " in token range " + range).orElse("")
        + config.shard().map(shard -> ", shard " + shard).orElse("");
  }

  /**
   * Writes the summary as JSON, whole or not at all: into a file beside {@code file}, then moved over it, so
   * that a run killed meanwhile leaves no half-written summary under its name.
   */
  void write(Path file) throws IOException {
    // Beside it, under a name of its own, created new (two runs writing one summary never share it, and a file
    // planted under that name is not written through), with the usual permissions: a temporary file's
    // owner-only mode would not keep a summary readable to those who read it now.
    Path part = Files.createFile(file.resolveSibling(file.getFileName() + "."
        + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".part"));
    try {
      writeJson(part);
      OutputFiles.moveOver(part, file);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private void writeJson(Path file) throws IOException {
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
         JsonGenerator json = new JsonFactory().createGenerator(writer)) {
      json.writeStartObject();
      json.writeStringProperty("table", table);
      json.writeBooleanProperty("complete", complete());
      json.writeNumberProperty("ranges", checkpoint.ranges().size());
      json.writeNumberProperty("rangesDone", checkpoint.rangesDone());
      json.writeNumberProperty("rows", checkpoint.rowsDelivered());
      json.writeNumberProperty("retries", retries);
      json.writeNumberProperty("splits", splits);
      if (config.tokenRange().isPresent()) {
        json.writeStringProperty("tokenRange", config.tokenRange().get().toString());
      }
      if (config.shard().isPresent()) {
        json.writeStringProperty("shard", config.shard().get().toString());
      }
      Map<String, String> stages = timings.reached();
      if (!stages.isEmpty()) {
        json.writeObjectPropertyStart("timings");
        for (Map.Entry<String, String> stage : stages.entrySet()) {
          json.writeStringProperty(stage.getKey(), stage.getValue());
        }
        json.writeEndObject();
      }
      json.writeArrayPropertyStart("rangeStates");
      for (ScanCheckpoint.Range range : checkpoint.ranges()) {
        json.writeStartObject();
        json.writeStringProperty("start", range.start());
        json.writeStringProperty("end", range.end());
        json.writeStringProperty("state", range.state().name().toLowerCase(Locale.ROOT));
        json.writeNumberProperty("rows", range.rowsDelivered());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }
}
