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
package org.asynccassandra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportOutputTest {
  @TempDir
  Path folder;

  @Test
  void should_count_lines_whatever_the_line_end() throws IOException {
    assertThat(ExportOutput.lines(file("crlf.csv", "a,b\r\n1,2\r\n3,4\r\n"))).isEqualTo(3);
    assertThat(ExportOutput.lines(file("lf.ndjson", "{}\n{}\n"))).isEqualTo(2);
    assertThat(ExportOutput.lines(file("open.ndjson", "{}\n{}"))).isEqualTo(2);
    assertThat(ExportOutput.lines(file("empty.csv", ""))).isZero();
  }

  @Test
  void should_count_lines_across_buffer_boundaries() throws IOException {
    String text = "x".repeat(100_000) + "\n" + "y".repeat(70_000) + "\n";
    assertThat(ExportOutput.lines(file("long.csv", text))).isEqualTo(2);
  }

  @Test
  void should_take_one_csv_header_per_non_empty_file() throws IOException {
    file("output-000001.csv", "pk,ck\n1,1\n1,2\n");
    file("output-000002.csv", "pk,ck\n2,1\n");
    file("output-000003.csv", "");

    ExportOutput output = ExportOutput.count(folder, true);

    assertThat(output).isEqualTo(new ExportOutput(3, 14 + 10, 5, 3));
  }

  @Test
  void should_count_every_line_as_a_row_without_headers() throws IOException {
    file("export.ndjson", "{\"pk\":1}\n{\"pk\":2}\n");

    ExportOutput output = ExportOutput.count(folder, false);

    assertThat(output.rows()).isEqualTo(2);
    assertThat(output.files()).isEqualTo(1);
    assertThat(output.bytes()).isEqualTo(18);
  }

  @Test
  void should_find_nothing_in_an_empty_folder() throws IOException {
    assertThat(ExportOutput.count(folder, true)).isEqualTo(new ExportOutput(0, 0, 0, 0));
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(folder.resolve(name), content, StandardCharsets.UTF_8);
  }
}
