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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {
  private static final Path FOLDER = Path.of("/tmp/async-cassandra-1");
  private static final ServerClasspath CLASSPATH =
      new ServerClasspath(List.of(Path.of("/m2/cassandra-all.jar"), Path.of("/m2/jamm-0.4.0.jar")),
          Path.of("/m2/jamm-0.4.0.jar"));

  @Test
  void should_render_a_yaml_with_own_cluster_ports_seed_and_folders() {
    String yaml = settings("periodic", Map.of()).cassandraYaml(FOLDER);
    assertThat(yaml.lines()).contains(
        "cluster_name: 'it''s-mine'",
        "num_tokens: 16",
        "allocate_tokens_for_local_replication_factor: 3",
        "auto_bootstrap: false",
        "listen_address: 127.0.0.2",
        "rpc_address: 127.0.0.2",
        "storage_port: 7100",
        "native_transport_port: 9100",
        "data_file_directories: ['/tmp/async-cassandra-1/data/data']",
        "commitlog_directory: '/tmp/async-cassandra-1/data/commitlog'",
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "endpoint_snitch: SimpleSnitch",
        "      - seeds: \"127.0.0.1:7100\"");
  }

  @Test
  void should_leave_out_the_sync_period_in_batch_mode_which_refuses_it() {
    String yaml = settings("batch", Map.of()).cassandraYaml(FOLDER);
    assertThat(yaml).contains("commitlog_sync: batch\n").doesNotContain("commitlog_sync_period");
  }

  @Test
  void should_let_extra_settings_override_defaults_in_place() {
    String yaml = settings("periodic", Map.of("num_tokens", "4", "concurrent_reads", "8")).cassandraYaml(FOLDER);
    assertThat(yaml).contains("num_tokens: 4\n", "concurrent_reads: 8\n").doesNotContain("num_tokens: 16");
  }

  @Test
  void should_run_the_daemon_with_the_options_cassandra_needs_and_files_in_its_folder() {
    List<String> command = settings("periodic", Map.of()).command(FOLDER, List.of("/usr/bin/setpriv", "--"));
    assertThat(command).startsWith("/usr/bin/setpriv", "--", "/jdk17/bin/java");
    assertThat(command).endsWith("-cp", "/m2/cassandra-all.jar:/m2/jamm-0.4.0.jar",
        "org.apache.cassandra.service.CassandraDaemon");
    assertThat(command).contains("-Xms512M", "-Xmx512M", "-javaagent:/m2/jamm-0.4.0.jar",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "-Dcassandra-foreground=yes", "-Dcassandra.config=file:///tmp/async-cassandra-1/conf/cassandra.yaml",
        "-Djava.io.tmpdir=/tmp/async-cassandra-1/tmp", "-Dcassandra.ring_delay_ms=1000", "-XX:+Extra");
    assertThat(command.stream().filter(option -> option.startsWith("--add-exports"))).hasSize(9);
    assertThat(command.stream().filter(option -> option.startsWith("--add-opens"))).hasSize(14);
    assertThat(command.indexOf("-XX:+Extra")).isGreaterThan(command.indexOf("-Xmx512M"));
  }

  @Test
  void should_write_a_logback_pattern_that_logback_1_5_accepts() {
    String xml = ServerSettings.logbackXml(FOLDER.resolve("logs"));
    assertThat(xml).contains("<file>/tmp/async-cassandra-1/logs/system.log</file>", "%date{HH:mm:ss.SSS}")
        .doesNotContain("ss,SSS");
  }

  @Test
  void should_turn_on_password_authentication_and_tls_only_client_encryption() {
    ClientTls client = new ClientTls(Path.of("/t/client-truststore.p12"), Path.of("/t/client-keystore.p12"), "s3cret");
    Security security = new Security("admin", "pw", new TestCertificates.NodeTls(Path.of("/t/node-keystore.p12"),
        Path.of("/t/node-truststore.p12"), client));
    String yaml = settings("periodic", Map.of(), security).cassandraYaml(FOLDER);
    assertThat(yaml.lines()).contains("authenticator: PasswordAuthenticator",
        "client_encryption_options: {enabled: true, optional: false, require_client_auth: true, store_type: PKCS12,"
            + " keystore: '/t/node-keystore.p12', keystore_password: 's3cret', truststore: '/t/node-truststore.p12',"
            + " truststore_password: 's3cret'}");
    assertThat(security.builtInSuperuser().username()).isEqualTo("cassandra");
    assertThat(security.toString()).doesNotContain("pw").doesNotContain("s3cret");
    assertThat(client.toString()).doesNotContain("s3cret");
  }

  private static ServerSettings settings(String commitlogSync, Map<String, String> yaml) {
    return settings(commitlogSync, yaml, Security.NONE);
  }

  private static ServerSettings settings(String commitlogSync, Map<String, String> yaml, Security security) {
    return new ServerSettings("it's-mine", "127.0.0.2", 9100, 7100, "127.0.0.1:7100", "512M", commitlogSync, yaml,
        List.of("-XX:+Extra"), Duration.ofSeconds(120), Duration.ofSeconds(30), true, Path.of("/jdk17"), CLASSPATH,
        security);
  }
}
