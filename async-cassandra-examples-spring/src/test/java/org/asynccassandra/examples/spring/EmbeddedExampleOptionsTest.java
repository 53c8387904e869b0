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
package org.asynccassandra.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code serve --spring}'s own options, read before anything starts. No Cassandra needed. */
class EmbeddedExampleOptionsTest {
  @Test
  void should_read_rows_written_as_serve_takes_them_and_leave_the_rest_to_spring() {
    // "--rows 500" (serve's form) went to Spring Boot, which ignored it: 10,000 rows were loaded.
    EmbeddedExample.Options spaced = EmbeddedExample.Options.parse(List.of("--rows", "500", "--mvc",
        "--server.port=8081"));
    assertThat(spaced.rows()).isEqualTo(500);
    assertThat(spaced.mvc()).isTrue();
    assertThat(spaced.springArgs()).containsExactly("--server.port=8081");
    assertThat(EmbeddedExample.Options.parse(List.of("--rows=0", "--webflux")))
        .isEqualTo(new EmbeddedExample.Options(0, false, List.of(), false));
    assertThat(EmbeddedExample.Options.parse(List.of()).rows()).isEqualTo(10_000);
  }

  @Test
  void should_refuse_a_bad_row_count_and_the_options_it_does_not_take() {
    for (List<String> bad : List.of(List.of("--rows=abc"), List.of("--rows", "-1"), List.of("--rows"))) {
      assertThatThrownBy(() -> EmbeddedExample.Options.parse(bad)).as(bad.toString())
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--rows must be a count of rows");
    }
    for (List<String> ignoredBefore : List.of(List.of("--contact-point", "h:9042"), List.of("--port", "8081"),
        List.of("--datacenter", "dc2"), List.of("--datacenter=dc2"))) {
      assertThatThrownBy(() -> EmbeddedExample.Options.parse(ignoredBefore)).as(ignoredBefore.toString())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is an option of serve without --spring");
    }
  }

  /** --help went to Spring Boot as a property: Cassandra started, rows were loaded and WebFlux served. */
  @Test
  void should_take_help_as_its_own_and_pass_nothing_of_it_to_spring() {
    for (String help : List.of("--help", "-h")) {
      EmbeddedExample.Options options = EmbeddedExample.Options.parse(List.of("--mvc", help, "--server.port=1"));
      assertThat(options.help()).as(help).isTrue();
      assertThat(options.springArgs()).as(help).containsExactly("--server.port=1");
    }
    assertThat(EmbeddedExample.Options.parse(List.of("--mvc")).help()).isFalse();
  }

  /** A busy or bad port failed only once Cassandra had started and loaded its rows, with Spring's failure. */
  @Test
  void should_refuse_a_port_that_is_taken_or_no_port_before_anything_starts() throws IOException {
    try (ServerSocket taken = new ServerSocket(0)) {
      EmbeddedExample.Options options = EmbeddedExample.Options.parse(List.of("--server.port=" + taken.getLocalPort()));
      assertThatThrownBy(options::checkPort).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("port " + taken.getLocalPort() + " cannot be listened on");
    }
    assertThatThrownBy(() -> EmbeddedExample.Options.parse(List.of("--server.port=abc")).checkPort())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--server.port must be a port number, 0 to 65535: 'abc'");
    // Spring Boot's rule: the last one counts; 0 is any free port, never taken.
    assertThat(EmbeddedExample.Options.parse(List.of("--server.port=1", "--server.port=0")).port()).isZero();
    EmbeddedExample.Options.parse(List.of("--server.port=0")).checkPort();
    assertThat(EmbeddedExample.Options.parse(List.of()).port()).isEqualTo(8080);
  }
}
