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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option checks that fail before anything is launched. */
class CassandraServerBuilderTest {
  @Test
  void should_name_an_address_that_is_not_of_this_machine_before_looking_at_ports() {
    // It was reported as "Port 19042 on 192.0.2.1 is already in use" (or as no free port found).
    assertThatThrownBy(() -> CassandraServer.builder().address("192.0.2.1").nativePort(19042).storagePort(17000)
        .start())
        .isInstanceOf(CassandraStartException.class)
        .hasMessageStartingWith("Cannot listen on 192.0.2.1")
        .hasMessageContaining("not an address of this machine")
        .hasMessageNotContaining("already in use");
  }

  @Test
  void should_put_the_bad_value_in_every_option_error() {
    CassandraServerBuilder builder = CassandraServer.builder();
    assertThatThrownBy(() -> builder.heap("lots")).hasMessage("heap must look like 512M or 1G: lots");
    assertThatThrownBy(() -> builder.nativePort(70000)).hasMessage("nativePort must be between 1 and 65535: 70000");
    assertThatThrownBy(() -> builder.storagePort(0)).hasMessage("storagePort must be between 1 and 65535: 0");
    assertThatThrownBy(() -> builder.commitlogSync("group"))
        .hasMessage("commitlogSync must be periodic or batch: group");
    assertThatThrownBy(() -> builder.startTimeout(Duration.ZERO)).hasMessage("startTimeout must be positive: PT0S");
    assertThatThrownBy(() -> builder.nodes(10)).hasMessage("nodes must be between 1 and 9: 10");
    assertThatThrownBy(() -> builder.yaml("Bad Key", "1"))
        .hasMessage("yaml key must be a lower-case cassandra.yaml name: Bad Key");
  }

  @Test
  void should_point_managed_yaml_keys_to_their_option() {
    assertThatThrownBy(() -> CassandraServer.builder().yaml("native_transport_port", "9042"))
        .hasMessage("yaml key native_transport_port is set by the testkit; use nativePort(...)");
    assertThatThrownBy(() -> CassandraServer.builder().yaml("commitlog_sync", "batch"))
        .hasMessageContaining("use commitlogSync(...)");
  }

  @Test
  void should_refuse_yaml_keys_that_would_fail_the_start_check_until_the_timeout() {
    // Each of these made the testkit's CQL check fail at every try, so a start hung for startTimeout (120 s).
    assertThatThrownBy(() -> CassandraServer.builder().yaml("authenticator", "PasswordAuthenticator"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("yaml key authenticator is set by the testkit; use authentication(...)");
    assertThatThrownBy(() -> CassandraServer.builder().yaml("client_encryption_options", "{enabled: true}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("yaml key client_encryption_options is set by the testkit; use clientEncryption()");
    assertThatThrownBy(() -> CassandraServer.builder().yaml("start_native_transport", "false"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("yaml key start_native_transport is set by the testkit; use nothing: the testkit checks the "
            + "start with a CQL query");
    assertThat(CassandraServer.builder().yaml("authorizer", "AllowAllAuthorizer").yaml).containsKey("authorizer");
  }

  @Test
  void should_send_clusters_to_start_cluster() {
    assertThatThrownBy(() -> CassandraServer.builder().nodes(3).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("use startCluster()");
  }

  @Test
  void should_refuse_an_unsupported_jdk_before_launching(@TempDir Path home) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    Files.setPosixFilePermissions(Files.createFile(home.resolve("bin/java")),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"21.0.2\"\n");
    assertThatThrownBy(() -> CassandraServer.builder().javaHome(home).start())
        .isInstanceOf(CassandraStartException.class)
        .hasMessageContaining("Cassandra 5.0 needs JDK 11 or 17, found 21 at " + home);
  }

  @Test
  void should_derive_short_unique_lower_case_keyspace_names_from_test_classes() {
    String first = CassandraExtension.keyspaceName(CassandraServerBuilderTest.class);
    String second = CassandraExtension.keyspaceName(CassandraServerBuilderTest.class);
    assertThat(first).startsWith("it_cassandraserverbuildertest_").matches("[a-z0-9_]{1,48}").isNotEqualTo(second);
    class AVeryLongNameForALocalTestClassThatGoesOnAndOnBeyondAnyLimit {}
    assertThat(CassandraExtension.keyspaceName(AVeryLongNameForALocalTestClassThatGoesOnAndOnBeyondAnyLimit.class))
        .hasSizeLessThanOrEqualTo(48).startsWith("it_averylongname").matches("[a-z0-9_]+_\\d+");
  }
}
