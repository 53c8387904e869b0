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

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConnectionOptionsTest {

  @Command(name = "probe")
  static final class Probe {
    @Mixin
    ConnectionOptions connection = new ConnectionOptions();
  }

  private static DriverExecutionProfile options(String... args) {
    return options(Map.of(), args);
  }

  /** The driver's options for {@code args}, with {@code environment} as the process's. */
  private static DriverExecutionProfile options(Map<String, String> environment, String... args) {
    Probe probe = new Probe();
    CommandLine commandLine = new CommandLine(probe);
    commandLine.parseArgs(args);
    return probe.connection.driverConfig(commandLine, "datacenter1", null, environment,
        new PrintStream(OutputStream.nullOutputStream())).getInitialConfig().getDefaultProfile();
  }

  /** Fails unless {@code args} are refused as usage (exit code 2) with exactly {@code message}. */
  private static void assertRefused(String message, String... args) {
    assertThatThrownBy(() -> options(args)).as(String.join(" ", args))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessage(message);
  }

  @Test
  void should_refuse_a_password_file_whose_first_line_is_empty_and_drop_a_byte_order_mark(@TempDir Path dir)
      throws IOException {
    // An empty first line sent an empty password, which the server answered only with "incorrect credentials".
    Path empty = Files.writeString(dir.resolve("empty.txt"), "\nsecret\n");
    assertRefused("--password-file " + empty + ": its first line is empty; the secret is the file's first line",
        "--contact-point", "127.0.0.1", "--username", "u", "--password-file", empty.toString());
    Path marked = Files.writeString(dir.resolve("bom.txt"), "\uFEFFsecret\n");
    assertThat(options("--contact-point", "127.0.0.1", "--username", "u", "--password-file", marked.toString())
        .getString(DefaultDriverOption.AUTH_PROVIDER_PASSWORD)).isEqualTo("secret");
  }

  @Test
  void should_stop_the_io_loops_and_the_admin_loop_at_once() {
    DriverExecutionProfile profile = options("--contact-point", "127.0.0.1:9042");
    assertThat(profile.getInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD)).isZero();
    // Safe only because DriverSession.close() holds the admin loop until the driver's close() returns.
    TimeUnit unit = TimeUnit.valueOf(profile.getString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT));
    long quiet = unit.toMillis(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD));
    long timeout = unit.toMillis(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT));
    assertThat(quiet).isEqualTo(ConnectionOptions.ADMIN_QUIET_PERIOD_MILLIS).isZero();
    // Netty refuses a timeout shorter than the quiet period; the unit is shared, so 15 s must stay 15 s.
    assertThat(timeout).isEqualTo(Duration.ofSeconds(15).toMillis());
  }

  @Test
  void should_take_client_timestamps_from_javas_clock_unless_the_config_file_chooses(@TempDir Path dir)
      throws IOException {
    assertThat(options("--contact-point", "127.0.0.1")
        .getBoolean(DefaultDriverOption.TIMESTAMP_GENERATOR_FORCE_JAVA_CLOCK))
        .as("the native clock loads jnr-ffi, half a second of each run's start-up").isTrue();
    Path file = configFile(dir, "advanced.timestamp-generator.force-java-clock = false");
    assertThat(options("--contact-point", "127.0.0.1", "--config", file.toString())
        .getBoolean(DefaultDriverOption.TIMESTAMP_GENERATOR_FORCE_JAVA_CLOCK)).isFalse();
  }

  private static InetSocketAddress address(String contactPoint) {
    Probe probe = new Probe();
    CommandLine commandLine = new CommandLine(probe);
    commandLine.parseArgs("--contact-point", contactPoint);
    return probe.connection.address(commandLine);
  }

  @Test
  void should_read_ipv6_contact_points_alone_or_in_brackets() {
    assertThat(address("::1")).satisfies(a -> {
      assertThat(a.getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
      assertThat(a.getPort()).isEqualTo(9042);
    });
    assertThat(address("[::1]").getPort()).isEqualTo(9042);
    assertThat(address("[::1]:9043")).satisfies(a -> {
      assertThat(a.getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
      assertThat(a.getPort()).isEqualTo(9043);
    });
    assertThat(address("2001:db8::10").getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:10");
    assertThat(address("127.0.0.1:9044").getPort()).isEqualTo(9044);
    assertThat(address("127.0.0.1").getPort()).isEqualTo(9042);
  }

  @Test
  void should_refuse_a_contact_point_that_is_no_address_naming_it() {
    for (String bad : new String[] {"[::1", "[::1]9042", ":9042", "host:port", "[]:9042"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> address(bad)).as(bad)
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessage("--contact-point must be HOST, HOST:PORT or [IPV6]:PORT: " + bad);
    }
  }

  @Test
  void should_keep_the_request_timeout_given() {
    DriverExecutionProfile profile = options("--contact-point", "127.0.0.1:9042", "--request-timeout", "PT7S");
    assertThat(profile.getDuration(DefaultDriverOption.REQUEST_TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
  }

  /** A session builder whose local datacenters given in code (withLocalDatacenter) can be read. */
  static final class InspectedBuilder extends CqlSessionBuilder {
    Map<String, String> programmaticLocalDatacenters() {
      return programmaticArgumentsBuilder.build().getLocalDatacenters();
    }
  }

  private static Path configFile(Path dir, String text) throws IOException {
    return configFile(dir, "application.conf", text);
  }

  /** The file {@code name} in {@code dir}, with {@code text} inside the driver's root. */
  private static Path configFile(Path dir, String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "datastax-java-driver {\n" + text + "\n}\n");
    return file;
  }

  @Test
  void should_apply_the_options_given_over_the_config_file(@TempDir Path dir) throws IOException {
    Path file = configFile(dir, """
        basic.request.timeout = 3 seconds
        basic.load-balancing-policy.local-datacenter = dc-file
        advanced.connection.init-query-timeout = 7 seconds
        """);
    DriverExecutionProfile profile = options("--contact-point", "127.0.0.1", "--config", file.toString(),
        "--request-timeout", "PT20S", "--datacenter", "dc-option");
    assertThat(profile.getDuration(DefaultDriverOption.REQUEST_TIMEOUT)).isEqualTo(Duration.ofSeconds(20));
    assertThat(profile.getString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER)).isEqualTo("dc-option");
    assertThat(profile.getDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
    // Neither sets these: the command line's defaults.
    assertThat(profile.getInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD)).isZero();
    assertThat(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD))
        .isEqualTo(ConnectionOptions.ADMIN_QUIET_PERIOD_MILLIS);
    assertThat(profile.getDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void should_read_the_schema_of_the_commands_keyspace_only_unless_the_config_file_says_which() {
    String refreshed = ConfigFile.path(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES);
    // As the driver names keyspaces in that setting: CQL's internal form, case-sensitive, unquoted.
    assertThat(ConnectionOptions.defaults(ConfigFactory.empty(), "dc", "Shop").getStringList(refreshed))
        .containsExactly("shop");
    assertThat(ConnectionOptions.defaults(ConfigFactory.empty(), "dc", "\"Shop\"").getStringList(refreshed))
        .containsExactly("Shop");
    // Not CQL: every keyspace, and the scan names the bad keyspace in its error.
    assertThat(ConnectionOptions.defaults(ConfigFactory.empty(), "dc", "\"Shop").hasPath(refreshed)).isFalse();
    assertThat(ConnectionOptions.defaults(ConfigFactory.empty(), "dc", null).hasPath(refreshed)).isFalse();
    // The driver reads "/.../" as a pattern and "!" as an exclusion, and skips other names that are not \w+.
    assertThat(ConnectionOptions.defaults(ConfigFactory.empty(), "dc", "\"my-ks\"").hasPath(refreshed)).isFalse();
    assertThat(ConnectionOptions.defaults(ConfigFactory.empty(), "dc", "\"!ks\"").hasPath(refreshed)).isFalse();
    Config file = ConfigFactory.parseString(refreshed + " = [ks1, ks2]");
    assertThat(ConnectionOptions.defaults(file, "dc", "shop").hasPath(refreshed)).as("the file's own").isFalse();
  }

  @Test
  void should_keep_the_config_file_settings_that_the_command_line_does_not_give(@TempDir Path dir)
      throws IOException {
    Path file = configFile(dir, """
        basic.request.timeout = 3 seconds
        basic.load-balancing-policy.local-datacenter = dc-file
        advanced.netty.admin-group.shutdown.quiet-period = 1
        """);
    DriverExecutionProfile profile = options("--contact-point", "127.0.0.1", "--config", file.toString());
    assertThat(profile.getDuration(DefaultDriverOption.REQUEST_TIMEOUT)).isEqualTo(Duration.ofSeconds(3));
    assertThat(profile.getString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER)).isEqualTo("dc-file");
    // The file sets the admin loop's shutdown: all three of its settings stay the file's (and the driver's).
    assertThat(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD)).isEqualTo(1);
    assertThat(profile.getString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT)).isEqualTo("SECONDS");
    assertThat(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT)).isEqualTo(15);
  }

  @Test
  void should_default_what_neither_the_config_file_nor_the_command_line_sets(@TempDir Path dir) throws IOException {
    Path file = configFile(dir, "basic.request.page-size = 1000");
    DriverExecutionProfile profile = options("--contact-point", "127.0.0.1", "--config", file.toString());
    assertThat(profile.getInt(DefaultDriverOption.REQUEST_PAGE_SIZE)).isEqualTo(1000);
    assertThat(profile.getDuration(DefaultDriverOption.REQUEST_TIMEOUT))
        .isEqualTo(ConnectionOptions.DEFAULT_REQUEST_TIMEOUT);
    assertThat(profile.getString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER)).isEqualTo("datacenter1");
    assertThat(profile.getInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD)).isZero();
  }

  @Test
  void should_keep_the_config_file_hostname_validation_unless_the_command_line_turns_it_off(@TempDir Path dir)
      throws IOException {
    Path file = configFile(dir, "advanced.ssl-engine-factory.hostname-validation = false");
    assertThat(options("--contact-point", "127.0.0.1", "--config", file.toString(), "--ssl")
        .getBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION)).isFalse();
    assertThat(options("--contact-point", "127.0.0.1", "--ssl", "--no-hostname-validation")
        .getBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION)).isFalse();
    assertThat(options("--contact-point", "127.0.0.1", "--ssl")
        .getBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION, true)).isTrue(); // the driver's default
  }

  @Test
  void should_leave_the_config_file_local_datacenter_to_the_session(@TempDir Path dir) throws IOException {
    Path file = configFile(dir, "basic.load-balancing-policy.local-datacenter = dc-file");
    Probe probe = new Probe();
    CommandLine commandLine = new CommandLine(probe);
    commandLine.parseArgs("--contact-point", "127.0.0.1", "--config", file.toString());
    InspectedBuilder builder = new InspectedBuilder();
    probe.connection.sessionBuilder(builder, commandLine, new InetSocketAddress("127.0.0.1", 9042), "datacenter1", null,
        Map.of(), new PrintStream(OutputStream.nullOutputStream()));
    // A local datacenter given in code would beat the file's.
    assertThat(builder.programmaticLocalDatacenters()).isEmpty();
  }

  /** A --config file that turns TLS on with its own stores, and gives {@code more} of its settings. */
  private static Path tlsConfigFile(Path dir, String name, String more) throws IOException {
    Files.writeString(dir.resolve("trust.p12"), "not read here");
    Files.writeString(dir.resolve("keys.p12"), "not read here");
    return configFile(dir, name, "advanced.ssl-engine-factory {\n"
        + "  class = DefaultSslEngineFactory\n"
        + "  truststore-path = \"" + dir.resolve("trust.p12") + "\"\n"
        + "  keystore-path = \"" + dir.resolve("keys.p12") + "\"\n"
        + more + "\n}");
  }

  @Test
  void should_apply_the_store_passwords_given_to_the_stores_of_a_config_file_that_turns_tls_on(@TempDir Path dir)
      throws IOException {
    // The file names the stores but (rightly) not their passwords: the options given were ignored without --ssl.
    Path file = tlsConfigFile(dir, "tls.conf", "");
    Path truststorePassword = Files.writeString(dir.resolve("trust.txt"), "trust-secret\n");
    DriverExecutionProfile profile = options("--contact-point", "127.0.0.1", "--config", file.toString(),
        "--truststore-password-file", truststorePassword.toString(), "--keystore-password", "key-secret",
        "--no-hostname-validation");
    assertThat(profile.getString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD)).isEqualTo("trust-secret");
    assertThat(profile.getString(DefaultDriverOption.SSL_KEYSTORE_PASSWORD)).isEqualTo("key-secret");
    assertThat(profile.getBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION)).isFalse();
    // The stores and the factory stay the file's.
    assertThat(profile.getString(DefaultDriverOption.SSL_TRUSTSTORE_PATH))
        .isEqualTo(dir.resolve("trust.p12").toString());
    assertThat(profile.getString(DefaultDriverOption.SSL_KEYSTORE_PATH)).isEqualTo(dir.resolve("keys.p12").toString());
    assertThat(profile.getString(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS)).isEqualTo("DefaultSslEngineFactory");
  }

  @Test
  void should_read_the_store_password_variables_for_the_config_files_stores_unless_it_sets_their_passwords(
      @TempDir Path dir) throws IOException {
    Map<String, String> environment = Map.of(ConnectionOptions.TRUSTSTORE_PASSWORD_VARIABLE, "trust-variable",
        ConnectionOptions.KEYSTORE_PASSWORD_VARIABLE, "key-variable");
    DriverExecutionProfile noPasswords = options(environment, "--contact-point", "127.0.0.1", "--config",
        tlsConfigFile(dir, "tls.conf", "").toString());
    assertThat(noPasswords.getString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD)).isEqualTo("trust-variable");
    assertThat(noPasswords.getString(DefaultDriverOption.SSL_KEYSTORE_PASSWORD)).isEqualTo("key-variable");

    // A variable left set for another cluster does not override the passwords the file gives for its stores.
    DriverExecutionProfile filePasswords = options(environment, "--contact-point", "127.0.0.1", "--config",
        tlsConfigFile(dir, "tls-passwords.conf", "truststore-password = trust-file\nkeystore-password = key-file")
            .toString());
    assertThat(filePasswords.getString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD)).isEqualTo("trust-file");
    assertThat(filePasswords.getString(DefaultDriverOption.SSL_KEYSTORE_PASSWORD)).isEqualTo("key-file");
  }

  @Test
  void should_refuse_tls_options_that_have_nothing_to_apply_to_naming_them(@TempDir Path dir) throws IOException {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "secret\n");
    assertRefused("--truststore-password needs --truststore FILE, or TLS on with a --config file that sets "
        + "advanced.ssl-engine-factory.truststore-path: without a store, the password would be ignored",
        "--contact-point", "127.0.0.1", "--truststore-password", "secret");
    assertRefused("--keystore-password-file needs --keystore FILE, or TLS on with a --config file that sets "
        + "advanced.ssl-engine-factory.keystore-path: without a store, the password would be ignored",
        "--contact-point", "127.0.0.1", "--ssl", "--keystore-password-file", secret.toString());
    // A file that names a truststore but does not turn TLS on: the driver would not read it.
    Path notOn = configFile(dir, "not-on.conf", "advanced.ssl-engine-factory.truststore-path = /etc/trust.p12");
    assertRefused("--truststore-password-file needs --truststore FILE, or TLS on with a --config file that sets "
        + "advanced.ssl-engine-factory.truststore-path: without a store, the password would be ignored",
        "--contact-point", "127.0.0.1", "--config", notOn.toString(), "--truststore-password-file", secret.toString());
    assertRefused("--no-hostname-validation needs TLS: --ssl, --truststore, --keystore, or a --config file that "
        + "sets advanced.ssl-engine-factory.class", "--contact-point", "127.0.0.1", "--no-hostname-validation");
  }

  @Test
  void should_refuse_a_config_file_that_cannot_be_parsed_naming_the_file_and_the_problem(@TempDir Path dir)
      throws IOException {
    Path broken = Files.writeString(dir.resolve("broken.conf"),
        "datastax-java-driver {\n  basic.request.timeout = 5 seconds\n");
    assertThatThrownBy(() -> options("--contact-point", "127.0.0.1", "--config", broken.toString()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--config file " + broken + " cannot be parsed: line 3: ")
        .hasMessageEndingWith("end of file");
    Path unresolved = configFile(dir, "unresolved.conf", "basic.request.page-size = ${no-such-setting}");
    assertThatThrownBy(() -> options("--contact-point", "127.0.0.1", "--config", unresolved.toString()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--config file " + unresolved + " cannot be read: line 2: ")
        .hasMessageContaining("${no-such-setting}");
    Path folder = Files.createDirectory(dir.resolve("folder.conf"));
    // It was read as a missing file: no settings at all, and no word said.
    assertRefused("--config must name a file, not a folder: " + folder, "--contact-point", "127.0.0.1", "--config",
        folder.toString());
    // Settings outside the driver's root are read by nobody.
    Path rootless = Files.writeString(dir.resolve("rootless.conf"), "basic.request.timeout = 5 seconds\n");
    assertRefused("--config file sets nothing under datastax-java-driver, where the driver reads its settings "
        + "(datastax-java-driver { ... }): " + rootless, "--contact-point", "127.0.0.1", "--config",
        rootless.toString());
  }

  @Test
  void should_refuse_a_request_timeout_in_the_config_file_that_is_not_positive_naming_the_file_and_key(
      @TempDir Path dir) throws IOException {
    // The driver takes a timeout of zero or less as none, as for --request-timeout PT0S.
    Path zero = configFile(dir, "zero.conf", "basic.request.timeout = 0 seconds");
    assertRefused("datastax-java-driver.basic.request.timeout in --config file " + zero + " must be > 0: 0 seconds",
        "--contact-point", "127.0.0.1", "--config", zero.toString());
    Path negative = configFile(dir, "negative.conf", "basic.request { timeout = -1 }");
    assertRefused("datastax-java-driver.basic.request.timeout in --config file " + negative + " must be > 0: -1",
        "--contact-point", "127.0.0.1", "--config", negative.toString());
    Path notADuration = configFile(dir, "soon.conf", "basic.request.timeout = soon");
    assertThatThrownBy(() -> options("--contact-point", "127.0.0.1", "--config", notADuration.toString()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("datastax-java-driver.basic.request.timeout in --config file " + notADuration
            + " must be a duration: line 2: ")
        .hasMessageContaining("soon");
    // --request-timeout replaces the file's.
    assertThat(options("--contact-point", "127.0.0.1", "--config", zero.toString(), "--request-timeout", "PT4S")
        .getDuration(DefaultDriverOption.REQUEST_TIMEOUT)).isEqualTo(Duration.ofSeconds(4));
    assertThat(options("--contact-point", "127.0.0.1", "--config", notADuration.toString(), "--request-timeout",
        "PT4S").getDuration(DefaultDriverOption.REQUEST_TIMEOUT)).as("the file's, replaced, is not read")
        .isEqualTo(Duration.ofSeconds(4));
  }
}
