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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportOutputTest {
  /** Stdout after the reader of its pipe went away: every write fails, and the PrintStream only notes it. */
  private static PrintStream brokenStdout() {
    return new PrintStream(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("Broken pipe");
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        throw new IOException("Broken pipe");
      }
    }, false, StandardCharsets.UTF_8);
  }

  /**
   * A file the export could not open said only its path: "error: /ro/out.csv.part", an AccessDeniedException's
   * whole message, with no word of what was wrong.
   */
  @Test
  void should_say_what_a_file_system_refused_in_a_one_line_error() {
    assertThat(AsyncCassandraCli.Failures.describe(new AccessDeniedException("/ro/out.csv.part")))
        .isEqualTo("permission denied: /ro/out.csv.part");
    assertThat(AsyncCassandraCli.Failures.describe(new UncheckedIOException(new NoSuchFileException("/gone/cp"))))
        .isEqualTo("no such file or folder: /gone/cp");
    // A refusal with a reason says it already; other failures keep their message.
    assertThat(AsyncCassandraCli.Failures.describe(new FileSystemException("/x/out.csv", null, "Read-only file "
        + "system"))).isEqualTo("/x/out.csv: Read-only file system");
    assertThat(OutputFiles.describe(new IOException("No space left on device")))
        .isEqualTo("IOException (No space left on device)");
  }

  @Test
  void should_fail_a_flush_to_stdout_that_could_not_be_written() {
    ExportOutput out = ExportOutput.stdout(brokenStdout());
    out.write(new StringBuilder("a,b\r\n")); // buffered
    assertThatThrownBy(out::flush).isInstanceOf(UncheckedIOException.class).hasMessageContaining("stdout");
  }

  @Test
  void should_fail_at_the_page_that_could_not_be_written_to_stdout() {
    ExportOutput out = ExportOutput.stdout(brokenStdout());
    StringBuilder page = new StringBuilder("x".repeat(2 << 20)); // more than the buffer: written at once
    assertThatThrownBy(() -> out.write(page)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Cannot write the export to stdout");
    assertThatThrownBy(out::close).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void should_fail_every_later_write_flush_and_commit_once_one_failed() {
    // A retried flush or sync may succeed without the bytes the failed one lost: a checkpoint written then
    // would count them. The first failure stays.
    // A file whose first flush fails (an I/O error on write-back) and whose later ones succeed.
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    java.util.concurrent.atomic.AtomicBoolean failedOnce = new java.util.concurrent.atomic.AtomicBoolean();
    ExportOutput out = new ExportOutput(new java.io.FilterOutputStream(kept) {
      @Override
      public void flush() throws IOException {
        if (failedOnce.compareAndSet(false, true)) {
          throw new IOException("Input/output error");
        }
        super.flush();
      }
    }, null, 0);
    out.write(new StringBuilder("a,b\r\n"));
    assertThatThrownBy(out::flush).isInstanceOf(UncheckedIOException.class)
        .hasMessage("Cannot write the export to the output: Input/output error");
    assertThatThrownBy(out::sync).hasMessage("The export's output failed before: Cannot write the export "
        + "to the output: Input/output error");
    assertThatThrownBy(() -> out.write(new StringBuilder("c,d\r\n"))).hasMessageContaining("failed before");
    assertThatThrownBy(out::commit).hasMessageContaining("failed before");
  }

  @Test
  void should_count_the_bytes_written_to_stdout() throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (ExportOutput out = ExportOutput.stdout(new PrintStream(console, false, StandardCharsets.UTF_8))) {
      out.write(new StringBuilder("é,1\r\n"));
      assertThat(out.bytes).isEqualTo(6);
    }
    assertThat(console.toString(StandardCharsets.UTF_8)).isEqualTo("é,1\r\n");
  }

  @Test
  void should_note_the_tail_of_what_it_wrote_to_stdout_as_it_notes_a_files(@TempDir Path dir) throws IOException {
    // A checkpoint of an export to stdout had no tail: a resume into any file at least as long was accepted,
    // cut back and appended to. Pieces of every size, one longer than the whole tail kept, across the ring's end.
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    ExportOutput out = new ExportOutput(sink, null, 0);
    assertThat(out.tail()).as("before any byte").isNull();
    java.util.Random random = new java.util.Random(7);
    int[] sizes = {1, 100, 40_000, 30_000, ExportNotes.TAIL_BYTES + 123, 5, 65_535, 2, 70_000, 3};
    for (int size : sizes) {
      StringBuilder text = new StringBuilder(size);
      for (int i = 0; i < size; i++) {
        text.append((char) ('a' + random.nextInt(26)));
      }
      out.write(text);
      Path same = Files.write(dir.resolve("same"), sink.toByteArray());
      assertThat(out.tail()).as("after a piece of %d", size).isEqualTo(ExportNotes.tail(same, sink.size()));
    }
  }

  @Test
  void should_refuse_to_resume_at_a_negative_length_and_leave_the_file_whole(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("out.csv");
    Files.writeString(file, "id\r\n1\r\n2\r\n");
    assertThatThrownBy(() -> ExportOutput.resume(file, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keepBytes must be >= 0: -1");
    assertThatThrownBy(() -> ExportOutput.checkResumable(file, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.readString(file)).isEqualTo("id\r\n1\r\n2\r\n");
  }

  @Test
  void should_cut_the_file_back_to_the_checkpoint_and_append(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("out.csv");
    Files.writeString(file, "id\r\n1\r\n2\r\n");
    try (ExportOutput out = ExportOutput.resume(file, 7)) {
      out.write(new StringBuilder("3\r\n"));
      assertThat(out.bytes).isEqualTo(10);
    }
    assertThat(Files.readString(file)).isEqualTo("id\r\n1\r\n3\r\n");
  }

  @Test
  void should_append_to_the_file_a_descriptor_holds_and_never_empty_it(@TempDir Path dir) throws IOException {
    // --output /dev/stdout >> out.csv: the export emptied out.csv (a part file renamed over it, or an open that
    // cut it), and what it held was lost.
    Path file = Files.writeString(dir.resolve("out.csv"), "earlier\n");
    try (java.io.FileOutputStream redirected = new java.io.FileOutputStream(file.toFile(), true)) {
      Path descriptor = ScanSummaryTest.descriptorOf(file);
      assertThat(OutputFiles.isSpecial(OutputFiles.target(descriptor))).as("written as it is").isTrue();
      try (ExportOutput out = ExportOutput.special(OutputFiles.target(descriptor))) {
        out.write(new StringBuilder("id\r\n1\r\n"));
        out.commit();
      }
    }
    assertThat(Files.readString(file)).isEqualTo("earlier\nid\r\n1\r\n");
    try (var left = Files.list(dir)) {
      assertThat(left).containsExactly(file);
    }
  }

  @Test
  void should_replace_the_file_only_when_committed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("out.csv");
    Files.writeString(file, "old\n");
    try (ExportOutput out = ExportOutput.replacing(file)) {
      out.write(new StringBuilder("id\r\n1\r\n"));
      out.flush();
      assertThat(Files.readString(file)).as("not replaced before the commit").isEqualTo("old\n");
      out.commit();
    }
    assertThat(Files.readString(file)).isEqualTo("id\r\n1\r\n");
    try (var left = Files.list(dir)) {
      assertThat(left).containsExactly(file);
    }
  }

  @Test
  void should_leave_the_file_as_it_was_and_no_part_file_when_closed_without_commit(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("out.csv");
    Files.writeString(file, "old\n");
    try (ExportOutput out = ExportOutput.replacing(file)) {
      out.write(new StringBuilder("id\r\n1\r\n"));
    }
    assertThat(Files.readString(file)).isEqualTo("old\n");
    try (var left = Files.list(dir)) {
      assertThat(left).containsExactly(file);
    }
  }

  @Test
  void should_keep_a_second_export_off_a_file_another_one_writes(@TempDir Path dir) throws IOException {
    // Two runs on one output: the second emptied the first's part file under it (holes of zero bytes in an
    // export that exited 0), or its cleanup deleted it.
    Path file = dir.resolve("out.csv");
    try (ExportOutput first = ExportOutput.replacing(file)) {
      first.write(new StringBuilder("id\r\n1\r\n"));
      first.flush();
      assertThatThrownBy(() -> ExportOutput.replacing(file)).isInstanceOf(IllegalStateException.class)
          .hasMessage("another export is writing " + ExportOutput.partFile(file) + " (it holds the file's lock): "
              + "wait for it to end, or choose another --output");
      assertThatThrownBy(() -> ExportOutput.resume(ExportOutput.partFile(file), 0))
          .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("another export is writing");
      assertThat(Files.readString(ExportOutput.partFile(file))).as("the first one's bytes, whole")
          .isEqualTo("id\r\n1\r\n");
      first.commit();
    }
    assertThat(Files.readString(file)).isEqualTo("id\r\n1\r\n");
    try (ExportOutput again = ExportOutput.replacing(file)) {
      again.commit(); // free once the first one closed
    }
  }

  @Test
  void should_lock_an_output_without_emptying_it_until_created(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("out.csv"), "an earlier export\n");
    ExportOutput.Locked locked = ExportOutput.lock(file);
    assertThat(Files.readString(file)).as("not emptied by the lock").isEqualTo("an earlier export\n");
    assertThatThrownBy(() -> ExportOutput.lock(file)).isInstanceOf(IllegalStateException.class);
    try (ExportOutput out = ExportOutput.create(locked)) {
      out.write(new StringBuilder("new\n"));
    }
    assertThat(Files.readString(file)).isEqualTo("new\n");
    ExportOutput.lock(file).close(); // released with the output
  }

  /**
   * With --checkpoint the output was emptied as soon as it was opened, before the first row: an export that
   * failed at its first page (a bad --where, a node down) lost yesterday's complete file.
   */
  @Test
  void should_empty_an_output_written_in_place_only_at_its_first_write_or_a_commit(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("out.csv"), "yesterday's export\n");
    try (ExportOutput failedEarly = ExportOutput.create(ExportOutput.lock(file))) {
      failedEarly.sync(); // the checkpoint saved after no page: 0 bytes, which a resume cuts the file to
      assertThat(failedEarly.bytes).isZero();
    }
    assertThat(Files.readString(file)).as("closed before any row").isEqualTo("yesterday's export\n");

    try (ExportOutput empty = ExportOutput.create(ExportOutput.lock(file))) {
      empty.commit();
    }
    assertThat(Files.readString(file)).as("a whole export of no row").isEmpty();
  }

  @Test
  void should_delete_an_output_it_created_when_closed_before_any_write(@TempDir Path dir) throws IOException {
    // The lock creates the output: an export that failed before its first row left an empty file of its own.
    Path file = dir.resolve("new.csv");
    try (ExportOutput failedEarly = ExportOutput.create(ExportOutput.lock(file))) {
      assertThat(file).as("created by the lock").exists();
      failedEarly.sync();
    }
    assertThat(file).doesNotExist();

    try (ExportOutput empty = ExportOutput.create(ExportOutput.lock(file))) {
      empty.commit();
    }
    assertThat(file).as("a whole export of no row").exists().isEmptyFile();
    Files.delete(file);
    try (ExportOutput written = ExportOutput.create(ExportOutput.lock(file))) {
      written.write(new StringBuilder("a row\n"));
    }
    assertThat(file).as("written, even if not committed: a checkpoint may count it").hasContent("a row");
  }

  @Test
  void should_keep_an_export_without_checkpoint_off_an_output_another_one_writes_in_place(@TempDir Path dir)
      throws IOException {
    // An export with --checkpoint writes the output itself; one without writes OUTPUT.part and renames it over
    // the output: it locks the output too, when it exists.
    Path file = Files.writeString(dir.resolve("out.csv"), "in place\n");
    try (ExportOutput inPlace = ExportOutput.create(ExportOutput.lock(file))) {
      inPlace.write(new StringBuilder("rows\n"));
      assertThatThrownBy(() -> ExportOutput.replacing(file)).isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("another export is writing " + file.toAbsolutePath());
      inPlace.commit();
    }
    try (var left = Files.list(dir)) {
      assertThat(left).as("no part file").containsExactly(file);
    }
    assertThat(Files.readString(file)).isEqualTo("rows\n");
  }
}
