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

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code help serve} and {@code serve --help}: serve runs from the clone's script, in another module, yet its
 * usage is the command line's like any other command's. It showed only a sentence and -h, -V.
 */
class ServeHelpTest {
  private static final Path WEB_SERVER = Path.of("..", "async-cassandra-examples-web", "src", "main", "java", "org",
      "asynccassandra", "examples", "web", "WebServer.java");
  private static final Path SPRING_EXAMPLE = Path.of("..", "async-cassandra-examples-spring", "src", "main", "java",
      "org", "asynccassandra", "examples", "spring", "EmbeddedExample.java");

  private record Printed(int exitCode, String out) {}

  private static Printed run(boolean clone, String... args) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = AsyncCassandraCli.commandLine(false, clone);
    commandLine.setOut(new PrintWriter(out, true));
    int exitCode = commandLine.execute(args);
    return new Printed(exitCode, out.toString());
  }

  @Test
  void should_print_the_usage_and_options_of_serve_for_help_serve() {
    Printed help = run(true, "help", "serve");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: async-cassandra serve ")
        .contains("--port=PORT", "--rows=N", "--contact-point=HOST:PORT", "--datacenter=DC", "--spring", "--mvc",
            "--webflux")
        .contains("--server.port=8081", "./async-cassandra serve [OPTIONS]");
    assertThat(help.out().replaceAll("\\s+", " "))
        .contains("loads sample items and serves them on http://localhost:8080/")
        .contains("With --spring, the other arguments go to Spring Boot as properties, such as --server.port=8081");
    // The same from serve's own --help, and in the archive, where serve is hidden.
    assertThat(run(true, "serve", "--help").out()).isEqualTo(help.out());
    assertThat(run(false, "help", "serve").out()).isEqualTo(help.out());
    // The list of commands keeps its one sentence.
    assertThat(run(true, "--help").out().replaceAll("\\s+", " ")).contains("serve Serves the example web "
        + "application on Vert.x (--spring: the Spring Boot one), over an embedded Cassandra. bench");
  }

  @Test
  void should_describe_every_option_that_the_examples_take() throws IOException {
    // The examples' own sources: an option added there and not here fails this test.
    List<String> options = new ArrayList<>();
    Matcher annotated = Pattern.compile("@Option\\(names = \"(--[a-z-]+)\"").matcher(Files.readString(WEB_SERVER));
    while (annotated.find()) {
      options.add(annotated.group(1));
    }
    Matcher parsed = Pattern.compile("arg\\.equals\\(\"(--[a-z-]+)\"\\)").matcher(Files.readString(SPRING_EXAMPLE));
    while (parsed.find()) {
      options.add(parsed.group(1));
    }
    assertThat(options).contains("--port", "--rows", "--contact-point", "--datacenter", "--mvc", "--webflux");
    String help = run(true, "help", "serve").out();
    assertThat(options).allSatisfy(option -> assertThat(help).contains(option));
  }

  @Test
  void should_still_say_where_serve_runs_whatever_its_arguments() {
    DemoCommandIT.Captured archive = DemoCommandIT.capture("serve", "--spring", "--port", "9090", "--server.port=1");
    assertThat(archive.exitCode()).isEqualTo(1);
    assertThat(archive.err()).isEqualTo("error: serve is not in this installation; run ./async-cassandra serve in a "
        + "clone of the repository" + System.lineSeparator());
  }
}
