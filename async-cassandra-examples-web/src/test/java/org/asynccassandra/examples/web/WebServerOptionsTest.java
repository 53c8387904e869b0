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
package org.asynccassandra.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code serve}'s options are checked before anything starts: a bad value exits 2 naming it, instead of a stack
 * trace, or an error after the embedded Cassandra started and the rows loaded. No Cassandra here: the cases
 * that pass the check they test point at a port where nothing listens, so that were the check gone, the
 * command would fail connecting (exit 1) rather than start a server.
 */
class WebServerOptionsTest {
  private static final String NOTHING_THERE = "127.0.0.1:1";

  private record Run(int exitCode, String err) {}

  private static Run serve(String... args) {
    CommandLine commandLine = WebServer.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, err.toString());
  }

  @Test
  void should_refuse_a_contact_point_that_is_not_host_and_port() {
    for (String bad : List.of("h:abc", "h:70000", "::1", "h:9042/x", "me@h:9042", "[::1", "")) {
      Run run = serve("--contact-point", bad, "--port", "0");
      assertThat(run.exitCode()).as("%s: %s", bad, run.err()).isEqualTo(2);
      assertThat(run.err()).as(bad).startsWith("--contact-point must be HOST, HOST:PORT or [IPV6]:PORT: " + bad);
    }
  }

  @Test
  void should_read_a_contact_point_as_the_cli_does() {
    CommandLine commandLine = WebServer.commandLine();
    assertThat(WebServer.contactAddress("localhost", commandLine)).isEqualTo(new InetSocketAddress("localhost", 9042));
    assertThat(WebServer.contactAddress(" 10.0.0.7:9043 ", commandLine))
        .isEqualTo(new InetSocketAddress("10.0.0.7", 9043));
    assertThat(WebServer.contactAddress("[::1]:9044", commandLine)).isEqualTo(new InetSocketAddress("::1", 9044));
  }

  @Test
  void should_refuse_bad_rows_and_ports_before_connecting() {
    Run rows = serve("--contact-point", NOTHING_THERE, "--port", "0", "--rows", "-1");
    assertThat(rows.exitCode()).as(rows.err()).isEqualTo(2);
    assertThat(rows.err()).startsWith("--rows must be 0 or more: -1");
    Run port = serve("--contact-point", NOTHING_THERE, "--port", "70000");
    assertThat(port.exitCode()).as(port.err()).isEqualTo(2);
    assertThat(port.err()).startsWith("--port must be between 0 and 65535: 70000");
  }

  @Test
  void should_refuse_a_port_in_use_before_connecting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Run run = serve("--contact-point", NOTHING_THERE, "--port", String.valueOf(taken.getLocalPort()));
      assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
      assertThat(run.err()).startsWith("--port " + taken.getLocalPort() + " cannot be listened on");
    }
  }

  @Test
  void should_name_the_variable_of_a_bad_token_key() {
    assertThatThrownBy(() -> WebServer.signer("not base64!")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ASYNC_CASSANDRA_TOKEN_KEY must be base64 of a key of at least 16 bytes: ");
    String shortKey = Base64.getEncoder().encodeToString(new byte[8]);
    assertThatThrownBy(() -> WebServer.signer(shortKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ASYNC_CASSANDRA_TOKEN_KEY must be base64 of a key of at least 16 bytes: ");
    assertThat(WebServer.signer(Base64.getEncoder().encodeToString(new byte[16]))).isNotNull();
    assertThat(WebServer.signer(null)).isNotNull(); // a random key
  }

  @Test
  void should_report_a_dead_node_in_one_line() {
    Run run = serve("--contact-point", NOTHING_THERE, "--port", "0");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err().lines().toList()).as(run.err()).hasSize(1)
        .allSatisfy(line -> assertThat(line).startsWith("error: ").contains("127.0.0.1:1"));
  }
}
