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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.asynccassandra.ScanCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExportNotesTest {
  private static final ScanCheckpoint CHECKPOINT = new ScanCheckpoint("ks", "t", "f", List.of(
      new ScanCheckpoint.Range("0", "10", ScanCheckpoint.State.DONE, null, 0, 7),
      new ScanCheckpoint.Range("10", "20", ScanCheckpoint.State.PENDING, null, 0, 0)));

  private static Path checkpoint(Path dir, String... notes) throws IOException {
    Path file = dir.resolve("export.checkpoint");
    CHECKPOINT.write(file, List.of(notes));
    return file;
  }

  @Test
  void should_read_back_what_export_notes(@TempDir Path dir) throws IOException {
    Path file = checkpoint(dir, new ExportNotes(120, 7, RowFormat.NDJSON).lines().toArray(String[]::new));
    assertThat(ExportNotes.read(file)).isEqualTo(new ExportNotes(120, 7, RowFormat.NDJSON));
  }

  @ParameterizedTest
  @CsvSource({"output-bytes -1, output-bytes", "output-bytes 12x, output-bytes", "output-rows -5, output-rows",
      "output-format xml, output-format"})
  void should_refuse_a_changed_note_naming_the_checkpoint(String changed, String name, @TempDir Path dir)
      throws IOException {
    List<String> notes = new ArrayList<>(List.of("output-bytes 120", "output-rows 7", "output-format csv"));
    notes.removeIf(note -> note.startsWith(name + " "));
    notes.add(changed);
    Path file = checkpoint(dir, notes.toArray(String[]::new));
    assertThatThrownBy(() -> ExportNotes.read(file)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("bad '" + name + "' note");
  }

  @Test
  void should_note_the_tables_id_and_refuse_another_table_of_the_same_name(@TempDir Path dir) throws IOException {
    String id = "5a1d3c00-0b6f-11f1-8d3e-1b2a3c4d5e6f";
    Path file = checkpoint(dir, new ExportNotes(0, 0, RowFormat.CSV).withTableId(id).lines().toArray(String[]::new));
    ExportNotes notes = ExportNotes.read(file);
    assertThat(notes.tableId()).as("read back").isEqualTo(id);

    notes.checkTableId(id, "ks.t", file);
    notes.checkTableId(null, "ks.t", file); // the driver did not know it: nothing to compare
    assertThatThrownBy(() -> notes.checkTableId("6b2e4d11-0b6f-11f1-8d3e-1b2a3c4d5e6f", "ks.t", file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the checkpoint " + file + " is of another table named ks.t (its id was " + id);
    // A checkpoint written before the id was noted is accepted.
    new ExportNotes(0, 0, RowFormat.CSV).checkTableId("6b2e4d11-0b6f-11f1-8d3e-1b2a3c4d5e6f", "ks.t", file);
  }

  @Test
  void should_note_the_outputs_last_bytes_and_refuse_another_file_or_a_changed_one(@TempDir Path dir)
      throws IOException {
    Path output = Files.writeString(dir.resolve("out.csv"), "id,v\n1,a\n2,b\n3,c\n");
    String tail = ExportNotes.tail(output, 14); // "id,v\n1,a\n2,b\n": the bytes the checkpoint counts
    Path file = checkpoint(dir, new ExportNotes(14, 2, RowFormat.CSV, tail, "2 5e1f0a2c", null)
        .lines().toArray(String[]::new));
    ExportNotes notes = ExportNotes.read(file);
    assertThat(notes.tail()).isEqualTo(tail).startsWith("14 ");
    assertThat(notes.columns()).as("read back").isEqualTo("2 5e1f0a2c");

    notes.checkTail(output, file); // the rows after the checkpoint ("3,c") do not matter: a resume cuts them

    Path other = Files.writeString(dir.resolve("other.csv"), "a file of someone else, longer than 14 bytes\n");
    assertThatThrownBy(() -> notes.checkTail(other, file)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(other + " is not the file the export of " + file + " wrote");
    Files.writeString(output, "id,v\n1,a\n2,X\n3,c\n");
    assertThatThrownBy(() -> notes.checkTail(output, file)).as("changed before the checkpoint's length")
        .isInstanceOf(IllegalStateException.class);
    assertThat(ExportNotes.tail(output, 0)).isNull();
  }

  @Test
  void should_checksum_only_the_last_64_kib_before_the_length(@TempDir Path dir) throws IOException {
    byte[] bytes = new byte[3 * ExportNotes.TAIL_BYTES];
    Path output = Files.write(dir.resolve("big.csv"), bytes);
    String tail = ExportNotes.tail(output, bytes.length);
    assertThat(tail).startsWith(ExportNotes.TAIL_BYTES + " ");
    bytes[0] = 1; // before the tail
    Files.write(output, bytes);
    assertThat(ExportNotes.tail(output, bytes.length)).isEqualTo(tail);
    bytes[bytes.length - 1] = 1;
    Files.write(output, bytes);
    assertThat(ExportNotes.tail(output, bytes.length)).isNotEqualTo(tail);
  }

  @Test
  void should_refuse_a_checkpoint_without_the_output_length(@TempDir Path dir) throws IOException {
    Path file = checkpoint(dir, "output-rows 7");
    assertThatThrownBy(() -> ExportNotes.read(file)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("no 'output-bytes' note");
  }

  @Test
  void should_refuse_to_resume_in_another_format(@TempDir Path dir) throws IOException {
    Path file = checkpoint(dir, new ExportNotes(120, 7, RowFormat.CSV).lines().toArray(String[]::new));
    ExportNotes notes = ExportNotes.read(file);
    notes.checkFormat(RowFormat.CSV, file);
    assertThatThrownBy(() -> notes.checkFormat(RowFormat.NDJSON, file)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("csv export, not ndjson")
        .hasMessageContaining("--format csv");
  }

  @Test
  void should_accept_any_format_for_a_checkpoint_that_does_not_note_it(@TempDir Path dir) throws IOException {
    Path file = checkpoint(dir, "output-bytes 120", "output-rows 7"); // written before the format was noted
    ExportNotes notes = ExportNotes.read(file);
    assertThat(notes.format()).isNull();
    notes.checkFormat(RowFormat.NDJSON, file);
  }
}
