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

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.Page;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.TableScan;
import org.asynccassandra.values.RowWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Exports a table as CSV or NDJSON with a parallel token-range scan, a checkpoint file, and exact resume.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Exports a table as CSV or NDJSON, reading its token ranges in parallel.",
        "CSV is RFC 4180 with a header. With --checkpoint, the place of the export is saved every few seconds and "
            + "at the end; --resume continues an interrupted export into the same file with no duplicated and no "
            + "missing row."})
final class ExportCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection = new ConnectionOptions();

  @Mixin
  ScanOptions scan = new ScanOptions();

  @Option(names = "--columns", split = ",", paramLabel = "COLUMN", description = "Columns to export (default: all).")
  List<String> columns = List.of();

  @Option(names = "--format", defaultValue = "csv", description = "csv or ndjson (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--output", defaultValue = "-", paramLabel = "FILE", description = "Output file, or - for stdout.")
  String output;

  @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint file, written every few seconds and at the end.")
  Path checkpoint;

  @Option(names = "--checkpoint-interval", defaultValue = "PT5S", paramLabel = "DURATION",
      description = "How often the checkpoint is written, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(names = "--resume", description = "Continue the export that --checkpoint describes, into the same --output.")
  boolean resume;

  /** {@link #output} as written to: the file a link points to; null for stdout. Set by {@link #call}. */
  private Path target;
  /** The notes of the checkpoint a resume continues; null otherwise. */
  private @Nullable ExportNotes resumeNotes;
  /** What a Ctrl-C during this run says; set once the run is past its usage checks. */
  private @Nullable Interruption interruption;
  /** The id of the table read ({@link ExportNotes#tableId}), noted in every checkpoint; null if not known. */
  private @Nullable String tableId;
  /** What the checkpoint file holds: the last one this run wrote, or the one it resumed from; null before. */
  private @Nullable ScanCheckpoint savedCheckpoint;
  /** This run wrote its checkpoint file (read by {@link Interruption}'s hook, on another thread). */
  private volatile boolean checkpointWritten;

  @Option(names = "--verbose", description = "Print stack traces of failures.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private RowFormat rowFormat() {
    try {
      return RowFormat.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--format must be csv or ndjson: " + format);
    }
  }

  @Override
  @SuppressWarnings("try") // the metrics summary is only closed: it prints then
  public Integer call() throws Exception {
    scan.timings.started();
    RowFormat rowFormat = rowFormat();
    boolean toStdout = "-".equals(output);
    if (resume && (checkpoint == null || toStdout)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--resume needs --checkpoint FILE and --output FILE");
    }
    if (!connection.hasContactPoint()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "export needs --contact-point HOST:PORT "
          + "(for a local try: ./async-cassandra demo --keep, then use the contact point it prints)");
    }
    target = toStdout ? null : OutputFiles.target(Path.of(output));
    checkFiles(toStdout);
    ScanCheckpoint resumeFrom = null;
    long resumeBytes = 0;
    long resumeRows = 0;
    if (resume) {
      // Resume failures are run-time errors (exit 1, one line): the options were right, the files are not.
      if (!Files.isReadable(checkpoint)) {
        throw new IllegalStateException("--resume: no checkpoint file at " + checkpoint + " (an export with"
            + " --checkpoint writes it before its first row; run the export again without --resume)");
      }
      try {
        resumeFrom = ScanCheckpoint.read(checkpoint);
      } catch (IllegalArgumentException damaged) {
        // The file is named here: not twice (a text that is no checkpoint names it after the reason).
        String reason = damaged.getCause() instanceof IllegalArgumentException invalid ? invalid.getMessage()
            : damaged.getMessage();
        throw new IllegalStateException("--resume: the checkpoint " + checkpoint + " cannot be resumed: "
            + reason, damaged);
      }
      savedCheckpoint = resumeFrom;
      ExportNotes notes = ExportNotes.read(checkpoint); // refuses a note that would lose rows
      notes.checkFormat(rowFormat, checkpoint);
      resumeBytes = notes.outputBytes();
      resumeRows = notes.outputRows();
      resumeNotes = notes;
      ExportOutput.checkResumable(target, resumeBytes); // before anything, even a complete checkpoint
      if (resumeBytes > 0) {
        notes.checkTail(target, checkpoint);
      }
    }
    ScanConfig scanConfig = scan.scanConfig(columns, spec).resumeFrom(resumeFrom).build();
    // The connection options' usage errors too, before the summary file is touched.
    CqlSessionBuilder sessionBuilder = connection.sessionBuilder(spec.commandLine(),
        connection.address(spec.commandLine()), ConnectionOptions.DEFAULT_DATACENTER, scan.keyspace);
    scan.startSummary(); // a run that fails from here on leaves its own summary, never an earlier run's
    Interruption interrupted = Interruption.during("the export of " + scan.keyspace + "." + scan.table,
        () -> leftAtInterruption(toStdout),
        checkpoint == null ? null : () -> OutputFiles.deleteAtExit(checkpointTemporary(checkpoint))); // a save cut short
    interruption = interrupted;
    ScheduledExecutorService ticker = Progress.newTicker();
    try (interrupted;
         DriverSession driver = DriverSession.connect(sessionBuilder);
         AsyncSession async = AsyncSession.wrap(driver.session());
         MetricsSummary metrics = scan.metricsSummary(async); // null without --metrics-summary; prints after the scan
         TableScan tableScan = scanTable(async, scan.knownKeyspace(driver.session()), scanConfig)) {
      scan.timings.ready();
      tableId = tableIdOf(driver.session());
      if (resumeNotes != null) {
        resumeNotes.checkTableId(tableId, scan.keyspace + "." + scan.table, checkpoint); // before the output is cut
      }
      if (resumeFrom != null && resumeFrom.isComplete()) {
        // A run killed while it saved its last checkpoint left the temporary file: no later save replaces it.
        Files.deleteIfExists(checkpointTemporary(checkpoint));
        System.err.println("The checkpoint says the export is complete: nothing to do.");
        scan.writeSummary(scan.summary(tableScan, scanConfig, false)); // the checkpoint's: every range done
        return 0;
      }
      ExportOutput.Locked locked = null;
      if (!resume && checkpoint != null) {
        // Locked first: another export may be writing it (and its checkpoint). Then the checkpoint, before
        // the output is even emptied: an export killed at any moment from here on resumes exactly.
        locked = toStdout ? null : ExportOutput.lock(target);
        try {
          writeCheckpoint(tableScan, new ExportNotes(0, 0, rowFormat).withTableId(tableId));
        } catch (RuntimeException failure) {
          if (locked != null) {
            try {
              locked.deleteIfCreatedEmpty(); // created for this export, it goes again
            } catch (IOException notDeleted) {
              failure.addSuppressed(notDeleted); // the checkpoint's failure is the one to tell
            } finally {
              locked.close();
            }
          }
          throw failure;
        }
      }
      try (ExportOutput out = toStdout ? ExportOutput.stdout()
          : OutputFiles.isSpecial(target) ? ExportOutput.special(target) // a device or a pipe, as it is
          : resume ? ExportOutput.resume(target, resumeBytes, resumeNotes, checkpoint)
          : locked != null ? ExportOutput.create(locked) // a resume appends to it: its own name
          : ExportOutput.replacing(target)) { // no resume: the file is replaced only by a whole export
        return export(tableScan, scanConfig, rowFormat, out, toStdout, resumeBytes, resumeRows, ticker);
      }
    } finally {
      ticker.shutdownNow();
    }
  }

  /**
   * The scan of the table; a resume's checkpoint that belongs to another scan (another table, other columns or
   * restrictions, another partitioner) is refused naming the checkpoint file, which the scan's message cannot.
   */
  private TableScan scanTable(AsyncSession async, String keyspace, ScanConfig scanConfig) {
    try {
      return async.scanTable(keyspace, scan.table, scanConfig);
    } catch (IllegalArgumentException refused) {
      // Only the refusals of the checkpoint (the scan's messages about it start so): an unknown table or a bad
      // token range on a resume is not the checkpoint's fault.
      if (scanConfig.resumeFrom().isEmpty() || refused.getMessage() == null
          || !refused.getMessage().startsWith("The checkpoint")) {
        throw refused;
      }
      throw new IllegalStateException("--resume: the checkpoint " + checkpoint + " cannot be resumed: "
          + refused.getMessage(), refused);
    }
  }

  /** The id Cassandra gave the table (or materialized view) when it was created, as the driver knows it; or null. */
  private @Nullable String tableIdOf(com.datastax.oss.driver.api.core.CqlSession session) {
    try {
      return session.getMetadata().getKeyspace(com.datastax.oss.driver.api.core.CqlIdentifier.fromCql(scan.keyspace))
          .flatMap(keyspace -> keyspace.getTable(scan.table)
              .<com.datastax.oss.driver.api.core.metadata.schema.RelationMetadata>map(table -> table)
              .or(() -> keyspace.getView(scan.table)))
          .flatMap(com.datastax.oss.driver.api.core.metadata.schema.RelationMetadata::getId)
          .map(java.util.UUID::toString).orElse(null);
    } catch (IllegalArgumentException notCql) {
      return null; // the scan refused the name already
    }
  }

  /**
   * Refuses, before connecting, files that the export could not write or that would overwrite each other: a
   * wrong path found at the end would cost the whole export.
   */
  private void checkFiles(boolean toStdout) {
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--checkpoint-interval must be > 0: "
          + checkpointInterval);
    }
    if (!toStdout) {
      OutputFiles.checkWritableFile(spec, "--output", target);
      if (checkpoint != null && OutputFiles.isSpecial(target)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--output " + output + " is not a regular "
            + "file (a device or a named pipe): it is written as it is, and --checkpoint and --resume need a file "
            + "they can cut back");
      }
    }
    if (checkpoint != null) {
      OutputFiles.checkWritableFile(spec, "--checkpoint", checkpoint);
    }
    scan.checkSummaryFile(spec);
    Map<String, Path> files = new LinkedHashMap<>();
    files.put("--output", target);
    files.put("--checkpoint", checkpoint);
    files.put("--summary", scan.summary);
    // The files the export writes beside them: a checkpoint's temporary file would be truncated and renamed
    // at every save, and a replaced output's part file is deleted at the end.
    files.put("the temporary file of --checkpoint", checkpoint == null ? null : checkpointTemporary(checkpoint));
    files.put("the partial file of --output", toStdout || checkpoint != null || OutputFiles.isSpecial(target)
        ? null : ExportOutput.partFile(target));
    OutputFiles.checkDistinct(spec, files);
  }

  /** What an export stopped by Ctrl-C leaves, for {@link Interruption}. */
  private String leftAtInterruption(boolean toStdout) {
    if (toStdout) {
      return "stdout got a part of the rows";
    }
    if (checkpoint != null) {
      if (resume || checkpointWritten) { // this run's checkpoint, or the one it resumed from
        return "run the same command with --resume to go on from the checkpoint " + checkpoint;
      }
      // Interrupted before this run wrote its first checkpoint: one there is an earlier run's, which --resume
      // would go on with (or find complete), not this run's.
      return output + " was not touched" + (Files.exists(checkpoint) ? " (the checkpoint " + checkpoint
          + " is an earlier run's)" : "");
    }
    return OutputFiles.isSpecial(target) ? output + " got a part of the rows" : output + " was left as it was";
  }

  /** The temporary file {@link ScanCheckpoint#write} writes before its rename, as its javadoc names it. */
  private static Path checkpointTemporary(Path checkpoint) {
    Path absolute = checkpoint.toAbsolutePath();
    return absolute.resolveSibling(absolute.getFileName() + ".tmp");
  }

  /** Writes the scan's rows to {@code out}, with checkpoints; returns the exit code. */
  private int export(TableScan tableScan, ScanConfig scanConfig, RowFormat rowFormat, ExportOutput out,
      boolean toStdout, long resumeBytes, long resumeRows, ScheduledExecutorService ticker) {
    long start = System.nanoTime();
    long exported;
    // The header is written unless the output already has it: a resume from a checkpoint taken before
    // any byte was written (a kill in the first moments) writes it too.
    try (Exporter exporter = new Exporter(tableScan, rowFormat, out, resumeRows, resumeBytes == 0);
         Progress progress = Progress.ofFraction("Exporting " + scan.keyspace + "." + scan.table,
             tableScan::progress, System.err, ticker)) {
      exporter.progress = progress;
      Interruption interrupted = interruption;
      if (interrupted != null) {
        interrupted.progress(progress);
      }
      boolean scanned = false;
      try {
        scan.timings.firstRequest();
        tableScan.forEachPage(exporter::write).toCompletableFuture().join();
        scanned = true;
        exporter.finish(); // the last pages written and synced, the last checkpoint: may fail too (a full disk)
      } catch (RuntimeException failure) {
        if (!scanned) {
          try {
            exporter.finish(); // what was written is safe to resume from, even after a failure
          } catch (RuntimeException alsoFailed) {
            failure.addSuppressed(alsoFailed);
          }
        }
        progress.close(); // its last line first: what follows must not land on a live progress line
        tellNotReplaced(out);
        // With a checkpoint, the account of what the output holds is the checkpoint's: after a failed write, the
        // scan counts pages handed over that the output never got (the summary said more rows than a resume
        // finds).
        ScanCheckpoint saved = savedCheckpoint;
        throw scan.summarizeFailure(saved != null ? scan.summary(saved, tableScan, scanConfig, true)
            : scan.summary(tableScan, scanConfig, true), failure);
      }
      scan.timings.lastRow();
      exported = exporter.rows - resumeRows;
    }
    ScanSummary account = scan.summary(tableScan, scanConfig, false);
    account.print(System.err);
    boolean complete = account.complete();
    if (complete) {
      try {
        out.commit();
      } catch (IOException | UncheckedIOException failure) {
        // Also the last flush of stdout (a closed pipe), which fails unchecked: the summary must not stay.
        IOException cause = failure instanceof UncheckedIOException unchecked ? unchecked.getCause()
            : (IOException) failure;
        UncheckedIOException notMoved = new UncheckedIOException((out.replacesOnCommit() ? "Cannot move the "
            + "export to " + output : "Cannot write the end of the export to " + ("-".equals(output) ? "stdout"
            : output)) + ": " + failure, cause);
        try {
          scan.writeSummary(account.failed()); // the run failed: a summary of an earlier run must not stay
        } catch (RuntimeException summaryFailed) {
          notMoved.addSuppressed(summaryFailed);
        }
        throw notMoved;
      }
    } else {
      tellNotReplaced(out);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.err.printf(Locale.ROOT, "Exported %,d rows of %s.%s in %.1f s (%,.0f rows/s)%s%n", exported,
        scan.keyspace, scan.table, seconds, exported / Math.max(seconds, 1e-9),
        toStdout || !complete && out.replacesOnCommit() ? "" : " to " + output + " (" + out.bytes + " bytes)");
    // Last: a summary that cannot be written (exit code 1) never costs the export, which is in place and said so.
    scan.writeSummary(account);
    Interruption done = interruption;
    if (done != null) {
      done.close(); // the export is in place: a Ctrl-C while the session closes must not say it stopped short
    }
    return complete ? 0 : 1;
  }

  /** Says that an export with no checkpoint, which did not read every range, left its output file as it was. */
  private void tellNotReplaced(ExportOutput out) {
    if (out.replacesOnCommit()) {
      System.err.println("The export did not finish: " + output + " is left as it was, and the rows read are"
          + " dropped (with --checkpoint FILE, an export can be resumed instead)");
    }
  }

  /** Saves the scan's place with the output's length, rows and format as notes, atomically. */
  private void writeCheckpoint(TableScan tableScan, ExportNotes notes) {
    ScanCheckpoint taken = tableScan.checkpoint();
    try {
      taken.write(checkpoint, notes.lines());
    } catch (IOException failure) {
      throw new UncheckedIOException("Cannot write the checkpoint " + checkpoint + ": " + failure, failure);
    }
    savedCheckpoint = taken;
    checkpointWritten = true;
  }

  /**
   * Hands pages to the formatter and keeps the checkpoint; its methods run on the scan's executor, one
   * page at a time.
   */
  private final class Exporter implements AutoCloseable {
    private final TableScan tableScan;
    private final RowFormat rowFormat;
    private final ExportOutput out;
    private final PageFormatter formatter;
    private boolean headerPending;
    /** {@link ExportNotes#columnsOf} the rows written: the checkpoint's on a resume, else the first page's. */
    private @Nullable String columns;
    /** The column definitions of the last page checked against {@link #columns}; null before the first page. */
    private @Nullable ColumnDefinitions lastDefinitions;
    /** A page handed over failed before it reached the formatter: no checkpoint may be saved after it. */
    private boolean pageNotWritten;
    /** The page {@link #write} handles reached the formatter. */
    private boolean submitted;
    private long lastCheckpointNanos = System.nanoTime();
    long rows;
    Progress progress;

    Exporter(TableScan tableScan, RowFormat rowFormat, ExportOutput out, long rows, boolean header) {
      this.tableScan = tableScan;
      this.rowFormat = rowFormat;
      this.out = out;
      this.rows = rows;
      this.headerPending = header;
      // The columns a resumed export's rows must have; with nothing written yet, the header is new.
      this.columns = header || resumeNotes == null ? null : resumeNotes.columns();
      this.formatter = new PageFormatter(rowFormat, out::write,
          Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    void write(Page<Row> page) {
      submitted = false;
      try {
        writePage(page);
      } catch (RuntimeException failure) {
        // The scan counts a page as delivered once handed over: a checkpoint saved now would count its rows,
        // which the output never got (a resume would skip them).
        pageNotWritten |= !submitted;
        throw failure;
      }
    }

    private void writePage(Page<Row> page) {
      scan.timings.page();
      ColumnDefinitions definitions = page.columnDefinitions();
      if (definitions != null && definitions != lastDefinitions) { // the same object: the same columns
        String these = ExportNotes.columnsOf(definitions);
        ColumnDefinitions before = lastDefinitions;
        if (columns != null && !columns.equals(these)) {
          if (before == null) {
            throw new IllegalStateException("--resume: the rows of " + scan.keyspace + "." + scan.table + " have "
                + "other columns than those the checkpoint " + checkpoint + " noted (the table was altered since?): "
                + "appended, they would not match the header and the rows before; export again without --resume");
          }
          // Each range's query is its own: a SELECT * started after an ALTER TABLE reads the new columns.
          throw new IllegalStateException("The columns of " + scan.keyspace + "." + scan.table + " changed during "
              + "the export (the table was altered?): a page has (" + names(definitions) + ") where the rows before "
              + "have (" + names(before) + "); written, its rows would "
              + "not match the header; export again");
        }
        columns = these;
        lastDefinitions = definitions;
      }
      if (headerPending && page.columnDefinitions() != null) {
        StringBuilder header = new StringBuilder();
        try (RowWriter writer = rowFormat.newWriter(new TextWriter(header))) {
          writer.writeHeader(page.columnDefinitions());
        }
        formatter.writeNow(header);
        headerPending = false;
      }
      formatter.submit(page);
      submitted = true; // from here on, a checkpoint may count it
      rows += page.size();
      progress.add(page.size());
      if (checkpoint != null && System.nanoTime() - lastCheckpointNanos >= checkpointInterval.toNanos()) {
        saveCheckpoint();
        lastCheckpointNanos = System.nanoTime();
      }
    }

    private static String names(ColumnDefinitions definitions) {
      StringBuilder names = new StringBuilder();
      for (int i = 0; i < definitions.size(); i++) {
        names.append(i == 0 ? "" : ", ").append(definitions.get(i).getName().asCql(true));
      }
      return names.toString();
    }

    /**
     * Waits for the pages handed over so far to be written, then saves the checkpoint (unless a page
     * failed to be written: the last checkpoint then stays, so that a resume writes that page again).
     */
    void finish() {
      try {
        formatter.awaitWritten();
      } finally {
        if (!formatter.failed() && !pageNotWritten) {
          saveCheckpoint();
        }
      }
    }

    @Override
    public void close() {
      formatter.close();
    }

    /** Saves what was written: every page handed over so far, once the formatter wrote it. */
    void saveCheckpoint() {
      if (checkpoint == null) {
        return;
      }
      formatter.awaitWritten();
      out.sync(); // on the disk before the checkpoint that counts its bytes
      String tail;
      try {
        tail = out.tail();
      } catch (IOException failure) {
        throw new UncheckedIOException("Cannot read back the end of " + output + " for the checkpoint: " + failure,
            failure);
      }
      writeCheckpoint(tableScan, new ExportNotes(out.bytes, rows, rowFormat, tail, columns, tableId));
    }
  }
}
