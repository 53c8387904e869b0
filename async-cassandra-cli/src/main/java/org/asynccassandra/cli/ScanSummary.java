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
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
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
   * Writes the summary as JSON to {@code file} ({@link #writeTo}).
   */
  void write(Path file) throws IOException {
    writeTo(file, this::writeFields);
  }

  /**
   * Writes, before a run connects, the summary of a run that started and has not ended: not complete, with
   * {@code "state":"started"} and the {@code timings} reached so far. A run that fails before its scan (it
   * cannot connect, the table is unknown) leaves that, never an earlier run's summary, which may say complete.
   * A device, a named pipe or a descriptor of this process ({@code /dev/stdout}) is not written: it holds no
   * earlier run's summary to replace, a pipe would have to be read twice, and a descriptor's file would hold
   * the started summary before the rest of the run's output.
   */
  static void writeStarted(Path file, String table, RunTimings timings) throws IOException {
    if (OutputFiles.isSpecial(OutputFiles.target(file))) {
      return;
    }
    writeTo(file, json -> {
      json.writeStringProperty("table", table);
      json.writeBooleanProperty("complete", false);
      json.writeStringProperty("state", "started");
      writeTimings(json, timings);
    });
  }

  /**
   * Writes a JSON object to {@code file}, whole or not at all: into a file beside it, then moved over it, so
   * that a run killed meanwhile leaves no half-written summary under its name. A symbolic link is written
   * through to its file (the link stays), and a device, a named pipe or a descriptor of this process ({@link
   * OutputFiles#isSpecial}) is written as it is, appending: a file renamed over it would take its place
   * ({@code /dev/null} as root, the file a shell redirected {@code /dev/stdout} to).
   */
  private static void writeTo(Path file, Consumer<JsonGenerator> fields) throws IOException {
    Path target = OutputFiles.target(file);
    if (OutputFiles.isSpecial(target)) {
      writeJson(target, fields);
      return;
    }
    // Beside it, under a name of its own, created new (two runs writing one summary never share it, and a file
    // planted under that name is not written through), with the usual permissions: a temporary file's
    // owner-only mode would not keep a summary readable to those who read it now.
    Path part = Files.createFile(target.resolveSibling(target.getFileName() + "."
        + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".part"));
    // An interrupted run (Ctrl-C) runs the shutdown hooks but not this method's finally: the hook deletes it.
    Thread cleanup = new Thread(() -> OutputFiles.deleteAtExit(part), "async-cassandra-summary-cleanup");
    boolean hooked = false;
    try {
      Runtime.getRuntime().addShutdownHook(cleanup);
      hooked = true;
    } catch (IllegalStateException exiting) {
      // the JVM is exiting already (a Ctrl-C during the scan): the finally below deletes it
    }
    try {
      writeJson(part, fields);
      OutputFiles.moveOver(part, target);
    } finally {
      Files.deleteIfExists(part);
      if (hooked) {
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException exiting) {
          // the JVM is exiting: the hook runs and finds the part file gone
        }
      }
    }
  }

  /**
   * Writes the object into {@code file}, which exists: opened for writing only, appending (a new part file is
   * empty; a descriptor's file keeps what it held), neither created nor cut.
   */
  private static void writeJson(Path file, Consumer<JsonGenerator> fields) throws IOException {
    try (Writer writer = new java.io.BufferedWriter(new java.io.OutputStreamWriter(
        Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND), StandardCharsets.UTF_8));
         JsonGenerator json = new JsonFactory().createGenerator(writer)) {
      json.writeStartObject();
      fields.accept(json);
      json.writeEndObject();
    } catch (tools.jackson.core.exc.JacksonIOException failure) {
      Throwable cause = failure.getCause(); // the writer's: a full disk, a pipe closed by its reader
      throw cause instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
    }
  }

  private static void writeTimings(JsonGenerator json, RunTimings timings) {
    Map<String, String> stages = timings.reached();
    if (!stages.isEmpty()) {
      json.writeObjectPropertyStart("timings");
      for (Map.Entry<String, String> stage : stages.entrySet()) {
        json.writeStringProperty(stage.getKey(), stage.getValue());
      }
      json.writeEndObject();
    }
  }

  private void writeFields(JsonGenerator json) {
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
    writeTimings(json, timings);
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
  }
}
