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
package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLogsTest {
  @TempDir
  Path folder;

  @Test
  void should_take_the_first_error_with_its_exception_and_causes() {
    List<String> log = List.of(
        "07:46:28.100 INFO  [main] StorageService - fine",
        "07:46:28.680 ERROR [main] CassandraDaemon - Exception encountered during startup",
        "java.lang.IllegalStateException: Failed to bind port 39443 on 127.0.0.1.",
        "\tat org.apache.cassandra.transport.Server.start(Server.java:132)",
        "Caused by: io.netty.channel.unix.Errors$NativeIoException: bind(..) failed: Address already in use",
        "\t... 5 common frames omitted",
        "07:46:28.811 ERROR [main] Other - a later error",
        "Caused by: not.Mine: unrelated");
    assertThat(ServerLogs.causeInSystemLog(log)).contains("Exception encountered during startup "
        + "(java.lang.IllegalStateException: Failed to bind port 39443 on 127.0.0.1.; caused by "
        + "io.netty.channel.unix.Errors$NativeIoException: bind(..) failed: Address already in use)");
  }

  @Test
  void should_name_first_and_root_causes_of_a_deep_chain() {
    List<String> log = List.of(
        "07:46:28.680 ERROR [main] CassandraDaemon - Exception encountered during startup",
        "org.apache.cassandra.exceptions.ConfigurationException: Invalid yaml",
        "Caused by: org.yaml.snakeyaml.constructor.ConstructorException: Cannot create property=num_tokens",
        "Caused by: java.lang.NumberFormatException: Illegal embedded sign character");
    assertThat(ServerLogs.causeInSystemLog(log).orElseThrow())
        .contains("caused by org.yaml.snakeyaml.constructor.ConstructorException: Cannot create property=num_tokens")
        .endsWith("root cause java.lang.NumberFormatException: Illegal embedded sign character)");
  }

  @Test
  void should_keep_a_self_explaining_error_line_as_it_is() {
    assertThat(ServerLogs.causeInSystemLog(List.of(
        "07:46:07.146 ERROR [main] CassandraDaemon - Exception encountered during startup: Invalid yaml. Please "
            + "remove properties [no_such_setting] from your cassandra.yaml")))
        .contains("Exception encountered during startup: Invalid yaml. Please remove properties [no_such_setting] "
            + "from your cassandra.yaml");
  }

  @Test
  void should_find_the_jvm_complaint_when_cassandra_never_logged() throws IOException {
    write("logs/stdout.log",
        "Unrecognized VM option 'NoSuchOption'\nError: Could not create the Java Virtual Machine.\n");
    assertThat(ServerLogs.cause(folder)).contains("Unrecognized VM option 'NoSuchOption'");
    assertThat(ServerLogs.tail(folder)).contains("--- last 2 lines of " + folder.resolve("logs/stdout.log"));
  }

  @Test
  void should_tail_40_lines_of_system_log_and_a_few_of_stdout_without_jvm_warnings() throws IOException {
    write("logs/system.log",
        IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));
    write("logs/stdout.log", "WARNING: A terminally deprecated method in java.lang.System has been called\n"
        + IntStream.rangeClosed(1, 30).mapToObj(i -> "out " + i).collect(Collectors.joining("\n")));
    String tail = ServerLogs.tail(folder);
    assertThat(tail).contains("--- last 40 lines of " + folder.resolve("logs/system.log"), "line 61\n", "line 100",
        "--- last 10 lines of " + folder.resolve("logs/stdout.log"), "out 21\n", "out 30")
        .doesNotContain("line 60\n", "out 20\n", "WARNING");
  }

  @Test
  void should_read_only_what_a_restart_wrote_after_the_earlier_runs() throws IOException {
    // After restart(), a failed start named the first ERROR of the whole log: an earlier run's.
    write("logs/system.log", "07:00:00.000 ERROR [main] CassandraDaemon - an error of the first run\n");
    write("logs/stdout.log", "Unrecognized VM option 'OfTheFirstRun'\n");
    ServerLogs.Mark restart = ServerLogs.mark(folder);
    append("logs/system.log", """
        08:00:00.000 INFO  [main] CassandraDaemon - the restart logs
        08:00:01.000 ERROR [main] CassandraDaemon - an error of the restart
        """);
    assertThat(ServerLogs.cause(folder, restart)).contains("an error of the restart");
    assertThat(ServerLogs.tail(folder, restart)).contains("--- last 2 lines of " + folder.resolve("logs/system.log"))
        .doesNotContain("first run", "OfTheFirstRun");
  }

  @Test
  void should_take_the_jvm_complaint_of_a_restart_over_an_earlier_runs_error() throws IOException {
    write("logs/system.log", "07:00:00.000 ERROR [main] CassandraDaemon - an error of the first run\n");
    ServerLogs.Mark restart = ServerLogs.mark(folder); // stdout.log not there yet
    write("logs/stdout.log", "Error: Could not create the Java Virtual Machine.\n");
    assertThat(ServerLogs.cause(folder, restart)).contains("Error: Could not create the Java Virtual Machine.");
    assertThat(ServerLogs.tail(folder, restart)).contains("--- last 1 lines of " + folder.resolve("logs/stdout.log"))
        .doesNotContain("first run");
  }

  @Test
  void should_say_when_there_is_no_log_at_all() {
    assertThat(ServerLogs.tail(folder)).contains("(the server wrote no log)");
    assertThat(ServerLogs.cause(folder)).isEmpty();
  }

  private void write(String path, String text) throws IOException {
    Files.createDirectories(folder.resolve(path).getParent());
    Files.writeString(folder.resolve(path), text);
  }

  private void append(String path, String text) throws IOException {
    Files.writeString(folder.resolve(path), text, StandardOpenOption.APPEND);
  }
}
