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
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.ClientTls;
import org.asynccassandra.testkit.TestData;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * export and count against one node with password authentication and TLS-only client encryption that
 * requires client certificates (certificates made at start by the testkit with keytool). The node is shared
 * by every test of this class: it costs one start (printed), about 15 s here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredClusterIT {
  private static final String USER = "exporter";
  private static final String PASSWORD = "Pa55-word-not-in-any-list";
  private static final String KEYSPACE = "secured";
  private static final int ROWS = 3_000;

  private CassandraServer server;
  private ClientTls tls;
  private String contactPoint;
  @TempDir
  Path dir;
  private Path passwordFile;
  private Path storePasswordFile;

  @BeforeAll
  void start() throws IOException {
    long start = System.nanoTime();
    server = CassandraServer.builder().heap("512M").authentication(USER, PASSWORD).clientEncryption().start();
    System.out.printf("The secured node started in %d ms (Cassandra's own start: %d ms)%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), server.startupTime().toMillis());
    tls = server.clientTls();
    contactPoint = server.contactPoint().getHostString() + ":" + server.contactPoint().getPort();
    try (CqlSession session = server.newSession()) {
      TestData.createKeyspace(session, KEYSPACE, 1);
      TestData.createSampleTable(session, KEYSPACE, "rows");
      TestData.loadSampleRows(session, KEYSPACE, "rows", ROWS, 50);
    }
    passwordFile = Files.writeString(Files.createTempFile("password", ".txt"), PASSWORD + "\n");
    storePasswordFile = Files.writeString(Files.createTempFile("stores", ".txt"), tls.password() + "\n");
  }

  @AfterAll
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    for (Path file : new Path[] {passwordFile, storePasswordFile}) {
      if (file != null) { // null when the start failed before it was written
        Files.deleteIfExists(file);
      }
    }
  }

  /** The options that reach the node: TLS with a client certificate, the user; the password is left to each test. */
  private List<String> secured(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command, "--contact-point", contactPoint, "--keyspace", KEYSPACE,
        "--table", "rows", "--truststore", tls.truststore().toString(), "--truststore-password-file",
        storePasswordFile.toString(), "--keystore", tls.keystore().toString(), "--keystore-password-file",
        storePasswordFile.toString(), "--username", USER));
    args.addAll(List.of(more));
    return args;
  }

  private static DemoCommandIT.Captured run(List<String> args) {
    return DemoCommandIT.capture(args.toArray(String[]::new));
  }

  private static void assertOneLineError(DemoCommandIT.Captured run, String... parts) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(run.err()).hasSize(2);
    assertThat(lines.get(0)).startsWith("error: ").contains(parts);
    assertThat(lines.get(1)).isEqualTo("(run again with --verbose for the stack trace)");
    assertThat(run.err()).doesNotContain(PASSWORD);
  }

  @Test
  void should_count_and_export_with_the_right_password_from_a_file() throws IOException {
    DemoCommandIT.Captured count = run(secured("count", "--password-file", passwordFile.toString()));
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.out().strip()).isEqualTo(String.valueOf(ROWS));

    Path csv = dir.resolve("rows.csv");
    DemoCommandIT.Captured export = run(secured("export", "--password-file", passwordFile.toString(),
        "--output", csv.toString()));
    assertThat(export.exitCode()).as(export.err()).isZero();
    assertThat(Files.readAllLines(csv)).hasSize(ROWS + 1);
    assertThat(export.err() + export.out()).doesNotContain(PASSWORD).doesNotContain("warning");
  }

  @Test
  void should_read_the_password_from_the_prompt() {
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
      DemoCommandIT.Captured count = run(secured("count", "--password"));
      assertThat(count.exitCode()).as(count.err()).isZero();
      assertThat(count.out()).as("stdout holds the result only, no prompt").isEqualTo(ROWS + System.lineSeparator());
      assertThat(count.err()).startsWith("Enter the value of --password: ").doesNotContain("warning", PASSWORD);
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void should_warn_when_the_password_is_given_on_the_command_line() {
    DemoCommandIT.Captured count = run(secured("count", "--password", PASSWORD));
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.err()).contains("warning: --password VALUE is visible to other users in the process list")
        .doesNotContain(PASSWORD);
  }

  @Test
  void should_count_with_the_tls_of_a_config_file_and_the_store_passwords_given_as_options() throws IOException {
    // The file names the stores, the passwords stay out of it: the password options were ignored without --ssl,
    // --truststore or --keystore, and the driver could not open the stores.
    Path config = Files.writeString(dir.resolve("tls.conf"), "datastax-java-driver.advanced.ssl-engine-factory {\n"
        + "  class = DefaultSslEngineFactory\n"
        + "  truststore-path = \"" + tls.truststore() + "\"\n"
        + "  keystore-path = \"" + tls.keystore() + "\"\n"
        + "}\n");
    DemoCommandIT.Captured count = run(List.of("count", "--contact-point", contactPoint, "--keyspace", KEYSPACE,
        "--table", "rows", "--config", config.toString(), "--truststore-password-file", storePasswordFile.toString(),
        "--keystore-password-file", storePasswordFile.toString(), "--username", USER, "--password-file",
        passwordFile.toString()));
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.out().strip()).isEqualTo(String.valueOf(ROWS));
  }

  @Test
  void should_fail_with_one_line_for_a_wrong_password() throws IOException {
    Path wrong = Files.writeString(dir.resolve("wrong.txt"), "not-the-password\n");
    DemoCommandIT.Captured count = run(secured("count", "--password-file", wrong.toString()));
    assertOneLineError(count, "cannot log in to " + contactPoint, "check --username and the password");
    assertThat(count.err()).doesNotContain("not-the-password");
    DemoCommandIT.Captured export = run(secured("export", "--password-file", wrong.toString(), "--output",
        dir.resolve("never.csv").toString()));
    assertOneLineError(export, "cannot log in to " + contactPoint);
  }

  @Test
  void should_refuse_a_user_without_password_as_usage() {
    DemoCommandIT.Captured count = run(secured("count"));
    assertThat(count.exitCode()).isEqualTo(2);
    assertThat(count.err()).contains("--username " + USER + " needs a password: --password (to be prompted), "
        + "--password-file FILE, or the environment variable ASYNC_CASSANDRA_PASSWORD");
  }

  @Test
  void should_fail_with_one_line_for_plain_text_against_a_tls_only_node() {
    DemoCommandIT.Captured count = run(List.of("count", "--contact-point", contactPoint, "--keyspace", KEYSPACE,
        "--table", "rows", "--username", USER, "--password-file", passwordFile.toString()));
    assertOneLineError(count, "cannot connect to " + contactPoint, "--ssl");
  }

  @Test
  void should_fail_with_one_line_without_the_client_certificate_the_node_requires() {
    DemoCommandIT.Captured count = run(List.of("count", "--contact-point", contactPoint, "--keyspace", KEYSPACE,
        "--table", "rows", "--truststore", tls.truststore().toString(), "--truststore-password-file",
        storePasswordFile.toString(), "--username", USER, "--password-file", passwordFile.toString()));
    assertOneLineError(count, "cannot connect to " + contactPoint, "--keystore");
  }

  @Test
  void should_fail_with_one_line_when_the_truststore_does_not_trust_the_node() throws Exception {
    // The client's keystore as truststore: it holds the client's certificate, not the node's.
    DemoCommandIT.Captured count = run(List.of("count", "--contact-point", contactPoint, "--keyspace", KEYSPACE,
        "--table", "rows", "--truststore", tls.keystore().toString(), "--truststore-password-file",
        storePasswordFile.toString(), "--username", USER, "--password-file", passwordFile.toString()));
    assertOneLineError(count, "cannot connect to " + contactPoint, "TLS handshake failed", "--truststore");
  }

  /**
   * A CLI in its own JVM with the password in its environment: while it runs, its command line (as any user
   * sees it in /proc) holds no password, and neither does anything it prints or the node's log.
   */
  @Test
  void should_keep_the_password_out_of_the_process_list_and_the_logs() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>()); // added to by Awaitility's thread
    int exitCode;
    String output;
    try (CliChild child = CliChild.start(dir.resolve("child.log"), Map.of(ConnectionOptions.PASSWORD_VARIABLE,
        PASSWORD), secured("export", "--max-rate", "1000", "--fetch-size", "200", "--output",
        dir.resolve("slow.csv").toString()))) {
      Path cmdline = Path.of("/proc", Long.toString(child.pid()), "cmdline");
      // A reading every 100 ms while the export runs; the last one fails once it exited.
      try {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
          try {
            seen.add(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' '));
            return !child.isAlive();
          } catch (IOException gone) {
            return true;
          }
        });
      } catch (ConditionTimeoutException stillRunning) {
        // enough readings: the wait below fails, with a thread dump, if the export does not end
      }
      exitCode = child.awaitExit(Duration.ofMinutes(2));
      output = child.output();
    }
    assertThat(exitCode).as(output).isZero();
    // Right after the fork, before the exec, /proc shows the parent's command line: those readings are left out.
    List<String> cli = seen.stream().filter(line -> line.contains(AsyncCassandraCli.class.getName())).toList();
    assertThat(cli).as("the CLI's command line, read while the export ran").hasSizeGreaterThan(5)
        .allMatch(line -> line.contains("--username " + USER));
    assertThat(seen).noneMatch(line -> line.contains(PASSWORD));
    assertThat(output).contains("every range was read in full").doesNotContain(PASSWORD);
    assertThat(Files.readAllLines(dir.resolve("slow.csv"))).hasSize(ROWS + 1);
    assertThat(Files.readString(server.logFile())).doesNotContain(PASSWORD);
  }
}
