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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SecretPromptTest {
  @CommandLine.Command(name = "probe")
  static final class Probe {}

  private final CommandLine commandLine = new CommandLine(new Probe());
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private final java.util.List<String> consolePrompts = new java.util.ArrayList<>();
  /** A console that reads "typed" without echo, and records its prompts. */
  private final Secret.NoEcho console = label -> {
    consolePrompts.add(label);
    return "typed".toCharArray();
  };

  private String prompt(Secret.NoEcho noEcho, Terminal.Kind stdin, Terminal.Kind stdout, String piped) {
    return Secret.prompt(commandLine, "--password", "ASYNC_CASSANDRA_PASSWORD",
        new PrintStream(err, true, StandardCharsets.UTF_8), noEcho, stdin, stdout,
        new ByteArrayInputStream(piped.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void should_refuse_to_read_a_password_from_a_terminal_that_would_echo_it() {
    // No console (stdout redirected, as in export --output - > file, on Java 17 to 21): typing would show.
    assertThatThrownBy(() -> prompt(null, Terminal.Kind.TERMINAL, Terminal.Kind.UNKNOWN, "secret\n"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--password alone cannot read the value without echo")
        .hasMessageContaining("--password-file FILE or ASYNC_CASSANDRA_PASSWORD");
    assertThat(err.toString(StandardCharsets.UTF_8)).as("no prompt shown").isEmpty();
  }

  @Test
  void should_refuse_a_console_whose_prompt_would_go_into_redirected_stdout() {
    // A console all the same (Java 22 to 24 give one), but stdout is a file: its prompt would land in the data.
    assertThatThrownBy(() -> prompt(console, Terminal.Kind.TERMINAL, Terminal.Kind.NOT_A_TERMINAL, ""))
        .isInstanceOf(CommandLine.ParameterException.class);
    assertThat(consolePrompts).isEmpty();
  }

  @Test
  void should_read_one_line_of_a_piped_stdin_with_the_prompt_on_stderr_console_or_not() {
    assertThat(prompt(null, Terminal.Kind.NOT_A_TERMINAL, Terminal.Kind.UNKNOWN, "secret\r\nnext\n"))
        .isEqualTo("secret");
    assertThat(prompt(console, Terminal.Kind.NOT_A_TERMINAL, Terminal.Kind.NOT_A_TERMINAL, "other\n"))
        .isEqualTo("other");
    assertThat(prompt(null, Terminal.Kind.UNKNOWN, Terminal.Kind.UNKNOWN, "third\n")).isEqualTo("third");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Enter the value of --password: ".repeat(3));
    assertThat(consolePrompts).as("a piped stdin is read, not the console").isEmpty();
  }

  @Test
  void should_read_from_the_console_on_a_terminal() {
    assertThat(prompt(console, Terminal.Kind.TERMINAL, Terminal.Kind.TERMINAL, "")).isEqualTo("typed");
    assertThat(prompt(console, Terminal.Kind.UNKNOWN, Terminal.Kind.UNKNOWN, "")).isEqualTo("typed");
    assertThat(consolePrompts).containsExactly("Enter the value of --password: ", "Enter the value of --password: ");
  }

  @Test
  void should_know_terminal_devices_from_other_files() {
    assertThat(Terminal.isTerminalDevice("/dev/pts/3")).isTrue();
    assertThat(Terminal.isTerminalDevice("/dev/tty1")).isTrue();
    assertThat(Terminal.isTerminalDevice("pipe:[123456]")).isFalse();
    assertThat(Terminal.isTerminalDevice("/tmp/count.log")).isFalse();
    assertThat(Terminal.isTerminalDevice("/dev/null")).isFalse();
  }
}
