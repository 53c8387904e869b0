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

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage errors found before connecting: every run here names a contact point where nothing listens, so a
 * check made only after connecting would fail with exit code 1 (cannot connect) instead of 2.
 */
class CommandUsageTest {
  private static final String NOWHERE = "127.0.0.1:1";

  private static DemoCommandIT.Captured export(String... more) {
    String[] args = new String[more.length + 7];
    System.arraycopy(new String[] {"export", "--contact-point", NOWHERE, "--keyspace", "ks", "--table", "t"}, 0,
        args, 0, 7);
    System.arraycopy(more, 0, args, 7, more.length);
    return DemoCommandIT.capture(args);
  }

  private static void assertUsageError(DemoCommandIT.Captured run, String message) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message).doesNotContain("cannot connect").doesNotContain("\tat ");
  }

  @Test
  void should_name_a_mistyped_option_but_never_print_the_value_given_with_it() {
    // picocli names every argument it cannot match: a mistyped --password printed the password.
    for (String[] mistyped : List.of(new String[] {"--pasword", "hunter2"}, new String[] {"--pasword=hunter2"},
        new String[] {"--username", "u", "--pasword", "hunter2", "--secret=hunter2"},
        new String[] {"--pasword", "-Qhunter2"}, new String[] {"--pasword", "x", "-phunter2"})) {
      DemoCommandIT.Captured run = DemoCommandIT.capture(Stream.concat(Stream.of("count",
          "--contact-point", NOWHERE, "--keyspace", "ks", "--table", "t"), Stream.of(mistyped))
          .toArray(String[]::new));
      assertUsageError(run, "--pasword");
      assertThat(run.err()).as(String.join(" ", mistyped)).doesNotContain("hunter2").contains("not shown")
          .contains("--password"); // the suggestion
    }
    // A stray word that follows no unknown option is still named.
    DemoCommandIT.Captured stray = DemoCommandIT.capture("count", "--contact-point", NOWHERE, "--keyspace", "ks",
        "--table", "t", "stray");
    assertThat(stray.exitCode()).isEqualTo(2);
    assertThat(stray.err()).contains("'stray'");
  }

  @Test
  void should_refuse_a_checkpoint_with_an_output_that_is_not_a_regular_file(@TempDir Path dir) {
    // A device is written as it is: no part file, nothing to cut back on a resume.
    assertUsageError(export("--output", "/dev/null", "--checkpoint", dir.resolve("c").toString()),
        "--output /dev/null is not a regular file (a device or a named pipe)");
    assertThat(dir.resolve("c")).doesNotExist();
  }

  @Test
  void should_refuse_an_output_that_is_also_the_checkpoint(@TempDir Path dir) {
    Path file = dir.resolve("data.csv");
    assertUsageError(export("--output", file.toString(), "--checkpoint", dir.resolve(".").resolve("data.csv")
        .toString()), "--output and --checkpoint name the same file: ");
  }

  @Test
  void should_refuse_an_output_that_is_the_checkpoints_temporary_file(@TempDir Path dir) {
    // Every save truncates the checkpoint's temporary file and renames it over the checkpoint.
    Path checkpoint = dir.resolve("export.checkpoint");
    assertUsageError(export("--output", dir.resolve("export.checkpoint.tmp").toString(), "--checkpoint",
        checkpoint.toString()), "--output and the temporary file of --checkpoint name the same file: "
        + checkpoint.toAbsolutePath() + ".tmp");
  }

  @Test
  void should_refuse_a_summary_that_is_the_partial_file_of_the_output(@TempDir Path dir) {
    // Without a checkpoint the output is written to its partial file, which is moved or deleted at the end.
    Path output = dir.resolve("data.csv");
    assertUsageError(export("--output", output.toString(), "--summary", dir.resolve("data.csv.part").toString()),
        "--summary and the partial file of --output name the same file: " + output.toAbsolutePath() + ".part");
  }

  @Test
  void should_refuse_a_summary_that_is_also_the_output(@TempDir Path dir) {
    Path file = dir.resolve("data.csv");
    assertUsageError(export("--output", file.toString(), "--summary", file.toString()),
        "--output and --summary name the same file: " + file);
  }

  @Test
  void should_refuse_a_summary_in_a_folder_that_does_not_exist(@TempDir Path dir) {
    Path summary = dir.resolve("no-such-folder").resolve("s.json");
    assertUsageError(export("--output", dir.resolve("data.csv").toString(), "--summary", summary.toString()),
        "--summary: the folder " + summary.getParent() + " does not exist: " + summary);
    assertUsageError(DemoCommandIT.capture("count", "--contact-point", NOWHERE, "--keyspace", "ks", "--table", "t",
        "--summary", summary.toString()), "--summary: the folder " + summary.getParent() + " does not exist");
  }

  @Test
  void should_refuse_an_output_that_is_a_folder(@TempDir Path dir) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("out"));
    assertUsageError(export("--output", folder.toString()), "--output must name a file, not a folder: " + folder);
  }

  @Test
  void should_refuse_a_checkpoint_interval_that_is_not_positive(@TempDir Path dir) {
    assertUsageError(export("--output", dir.resolve("data.csv").toString(), "--checkpoint",
        dir.resolve("c").toString(), "--checkpoint-interval", "PT0S"), "--checkpoint-interval must be > 0: PT0S");
  }

  @Test
  void should_refuse_bad_scan_options_of_count_before_connecting() {
    assertUsageError(DemoCommandIT.capture("count", "--contact-point", NOWHERE, "--keyspace", "ks", "--table", "t",
        "--shard", "5/4"), "--shard: ");
    // Both said what was wrong without naming the option.
    assertUsageError(DemoCommandIT.capture("count", "--contact-point", NOWHERE, "--keyspace", "ks", "--table", "t",
        "--token-range", "5:5"), "--token-range: ");
    assertUsageError(DemoCommandIT.capture("count", "--contact-point", NOWHERE, "--keyspace", "ks", "--table", "t",
        "--max-rate", "0"), "--max-rate must be > 0: 0");
  }

  private static DemoCommandIT.Captured count(String... more) {
    String[] args = new String[more.length + 7];
    System.arraycopy(new String[] {"count", "--contact-point", NOWHERE, "--keyspace", "ks", "--table", "t"}, 0,
        args, 0, 7);
    System.arraycopy(more, 0, args, 7, more.length);
    return DemoCommandIT.capture(args);
  }

  @Test
  void should_refuse_a_request_timeout_that_is_not_positive(@TempDir Path dir) {
    // The driver takes a timeout of zero or less as none: a count against a stuck node waited for ever.
    assertUsageError(count("--request-timeout", "PT0S"), "--request-timeout must be > 0: PT0S");
    assertUsageError(count("--request-timeout=-PT1S"), "--request-timeout must be > 0: PT-1S");
    assertUsageError(export("--output", dir.resolve("data.csv").toString(), "--request-timeout", "PT0S"),
        "--request-timeout must be > 0: PT0S");
  }

  @Test
  void should_name_the_option_of_a_bad_scan_value() {
    // The builder's own names came through: "fetchSize must be > 0: 0".
    assertUsageError(count("--fetch-size", "0"), "--fetch-size must be > 0: 0");
    assertUsageError(count("--parallelism", "0"), "--parallelism must be between 1 and 256: 0");
    assertUsageError(count("--splits", "0"), "--splits must be between 1 and 100000: 0");
    assertUsageError(export("--output", "-", "--parallelism", "257"), "--parallelism must be between 1 and 256: 257");
    // A column named twice: the NDJSON writer refused every row, once connected and with the summary begun.
    assertUsageError(export("--output", "-", "--format", "ndjson", "--columns", "id,ID"),
        "--columns must not name a column twice: ID in [id, ID]");
  }

  /** Runs {@code command} with {@code stdin} as the standard input. */
  private static DemoCommandIT.Captured withStdin(String stdin, Supplier<DemoCommandIT.Captured> command) {
    InputStream original = System.in;
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      return command.get();
    } finally {
      System.setIn(original);
    }
  }

  @Test
  void should_refuse_a_password_without_a_username_before_asking_for_it(@TempDir Path dir) throws IOException {
    // The prompt came first, read a line of stdin, and only then came the usage error.
    DemoCommandIT.Captured prompted = withStdin("typed\n", () -> count("--password"));
    assertThat(prompted.err()).doesNotContain("Enter the value of");
    assertUsageError(prompted, "--password needs --username: the password alone logs nobody in");
    // Its file was read first: a missing one hid the usage error.
    assertUsageError(count("--password-file", dir.resolve("missing.txt").toString()),
        "--password-file needs --username: the password alone logs nobody in");
    // A store's password with no store to open was asked for, then ignored.
    DemoCommandIT.Captured store = withStdin("typed\n", () -> count("--ssl", "--truststore-password"));
    assertThat(store.err()).doesNotContain("Enter the value of");
    assertUsageError(store, "--truststore-password needs --truststore FILE");
    // A store's password file that cannot be read failed only after the login's password was asked for.
    Path truststore = Files.writeString(dir.resolve("trust.p12"), "not read: the usage error comes first");
    DemoCommandIT.Captured unreadable = withStdin("typed\n", () -> count("--username", "u", "--password",
        "--truststore", truststore.toString(), "--truststore-password-file", dir.resolve("missing.txt").toString()));
    assertThat(unreadable.err()).doesNotContain("Enter the value of");
    assertUsageError(unreadable, "cannot read --truststore-password-file " + dir.resolve("missing.txt"));
  }

  @Test
  void should_refuse_a_config_file_that_cannot_be_parsed_before_connecting(@TempDir Path dir) throws IOException {
    // It failed once the session started, as a run-time error (exit code 1).
    Path broken = Files.writeString(dir.resolve("broken.conf"), "datastax-java-driver { basic.request.timeout = \n");
    assertUsageError(count("--config", broken.toString()), "--config file " + broken + " cannot be parsed: line ");
    assertUsageError(export("--output", dir.resolve("data.csv").toString(), "--config", broken.toString()),
        "--config file " + broken + " cannot be parsed: line ");
    assertThat(dir.resolve("data.csv")).doesNotExist();
  }

  @Test
  void should_refuse_a_request_timeout_in_the_config_file_that_is_not_positive(@TempDir Path dir) throws IOException {
    // The driver took it as no timeout at all; --request-timeout PT0S was refused, the file's 0 was not.
    Path file = Files.writeString(dir.resolve("zero.conf"), "datastax-java-driver.basic.request.timeout = 0\n");
    assertUsageError(count("--config", file.toString()), "datastax-java-driver.basic.request.timeout in --config "
        + "file " + file + " must be > 0: 0");
  }

  @Test
  void should_refuse_a_driver_option_of_the_wrong_type_in_the_config_file_before_connecting(@TempDir Path dir)
      throws IOException {
    // They failed only once the session started (or at the first request), as run-time errors.
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("basic.request.page-size = abc", "basic.request.page-size in --config file %s must be a whole number");
    cases.put("basic.request.default-idempotence = maybe", "basic.request.default-idempotence in --config file %s "
        + "must be true or false");
    cases.put("advanced.connection.connect-timeout = soon", "advanced.connection.connect-timeout in --config file %s "
        + "must be a duration");
    cases.put("advanced.protocol.max-frame-length = big", "advanced.protocol.max-frame-length in --config file %s "
        + "must be a whole number (or a size");
    cases.put("advanced.metadata.schema.refreshed-keyspaces = { a = b }", "advanced.metadata.schema.refreshed-keyspaces"
        + " in --config file %s must be a list of strings");
    int n = 0;
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      Path file = Files.writeString(dir.resolve("bad" + n++ + ".conf"), "datastax-java-driver." + bad.getKey() + "\n");
      assertUsageError(count("--config", file.toString()),
          "datastax-java-driver." + String.format(bad.getValue(), file));
    }
  }

  /** In an execution profile, a value of the wrong type failed only at the first request that used it. */
  @Test
  void should_refuse_a_driver_option_of_the_wrong_type_in_an_execution_profile(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("profiles.conf"), String.join("\n",
        "datastax-java-driver.profiles {",
        "  fine { basic.request.page-size = 100 }",
        "  \"slow.scans\" { basic.request.timeout = whenever }",
        "}", ""));
    assertUsageError(count("--config", file.toString()), "datastax-java-driver.profiles.\"slow.scans\".basic.request"
        + ".timeout in --config file " + file + " must be a duration: line 3: ");
  }

  /**
   * Without --config, the driver's application.conf (here named by -Dconfig.file, as on a class path) is checked
   * the same way: a value of the wrong type there failed only once the session started.
   */
  @Test
  void should_refuse_an_application_conf_with_a_driver_option_of_the_wrong_type(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("application.conf"),
        "datastax-java-driver.basic.request.page-size = abc\n");
    assertUsageError(withApplicationConf(file, () -> count()), "datastax-java-driver.basic.request.page-size in the "
        + "driver's application.conf (" + file);
    Path broken = Files.writeString(dir.resolve("broken.conf"), "datastax-java-driver { basic.request.timeout = \n");
    assertUsageError(withApplicationConf(broken, () -> count()), "The driver's application.conf cannot be parsed: ");
    Path zero = Files.writeString(dir.resolve("zero.conf"), "datastax-java-driver.basic.request.timeout = 0\n");
    assertUsageError(withApplicationConf(zero, () -> count()), "datastax-java-driver.basic.request.timeout in the "
        + "driver's application.conf (" + zero);
    Path good = Files.writeString(dir.resolve("good.conf"), "datastax-java-driver.basic.request.page-size = 100\n");
    DemoCommandIT.Captured run = withApplicationConf(good, () -> count());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("cannot connect");
  }

  /** Runs {@code command} with {@code -Dconfig.file} set to {@code file}, as the driver's application.conf. */
  private static DemoCommandIT.Captured withApplicationConf(Path file,
      java.util.function.Supplier<DemoCommandIT.Captured> command) {
    String previous = System.setProperty("config.file", file.toString());
    try {
      return command.get();
    } finally {
      if (previous == null) {
        System.clearProperty("config.file");
      } else {
        System.setProperty("config.file", previous);
      }
      com.typesafe.config.ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void should_take_a_config_file_whose_driver_options_have_their_types(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("good.conf"), String.join("\n",
        "datastax-java-driver {",
        "  basic.request.page-size = 2000",
        "  basic.request.default-idempotence = true",
        "  advanced.connection.connect-timeout = 3 seconds",
        "  advanced.protocol.max-frame-length = 128 MiB",
        "  advanced.metadata.schema.refreshed-keyspaces = [ks]",
        "  basic.request.consistency = LOCAL_QUORUM",
        "  advanced.request-tracker.classes = null",
        "  profiles.slow { basic.request.timeout = 30 seconds, basic.request.page-size = 100 }",
        "}", ""));
    DemoCommandIT.Captured run = count("--config", file.toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("cannot connect");
  }
}
