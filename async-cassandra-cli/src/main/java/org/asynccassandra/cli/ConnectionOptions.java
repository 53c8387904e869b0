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

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.internal.core.auth.PlainTextAuthProvider;
import com.datastax.oss.driver.internal.core.config.typesafe.DefaultDriverConfigLoader;
import com.datastax.oss.driver.internal.core.config.typesafe.DefaultProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.internal.core.ssl.DefaultSslEngineFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The connection options every command shares: where to connect, how to log in, and TLS. Secrets come from
 * a prompt, a file or an environment variable (see {@link Secret}); none is ever printed.
 */
final class ConnectionOptions {
  static final String PASSWORD_VARIABLE = "ASYNC_CASSANDRA_PASSWORD";
  static final String TRUSTSTORE_PASSWORD_VARIABLE = "ASYNC_CASSANDRA_TRUSTSTORE_PASSWORD";
  static final String KEYSTORE_PASSWORD_VARIABLE = "ASYNC_CASSANDRA_KEYSTORE_PASSWORD";
  /** How long the driver's admin loop stays up after its last task when the session closes. */
  static final int ADMIN_QUIET_PERIOD_MILLIS = 250;
  /** The request timeout without --request-timeout or a --config file that sets one. */
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** The local datacenter unless --datacenter or the --config file names one; the embedded server's too. */
  static final String DEFAULT_DATACENTER = "datacenter1";
  private static final String ROOT = DefaultDriverConfigLoader.DEFAULT_ROOT_PATH;

  @Option(names = "--contact-point", paramLabel = "HOST:PORT",
      description = "A Cassandra node to connect to (port 9042 unless given).")
  String contactPoint;

  @Option(names = "--datacenter", paramLabel = "DC",
      description = "The local datacenter of the contact point (default: the --config file's, or datacenter1).")
  String datacenter;

  @Option(names = "--username", description = "The user to log in as (PasswordAuthenticator).")
  String username;

  @Option(names = "--password", arity = "0..1", fallbackValue = Secret.PROMPT, paramLabel = "PASSWORD",
      description = "Alone, prompts for the password; a value given here is visible in the process list (a warning "
          + "says so): prefer --password-file or " + PASSWORD_VARIABLE + ".")
  String password;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "Reads the password from the first line of FILE.")
  Path passwordFile;

  @ArgGroup(exclusive = false, heading = "%nTLS (client encryption):%n")
  Tls tls = new Tls();

  @Option(names = "--config", paramLabel = "FILE",
      description = "A driver application.conf; the options given here apply on top of it.")
  Path config;

  @Option(names = "--request-timeout", paramLabel = "DURATION",
      description = "The driver's request timeout, ISO-8601, > 0 (default: the --config file's, or PT10S).")
  Duration requestTimeout; // null unless given: a --config file's timeout then applies

  /** The TLS options; any of them turns TLS on. */
  static final class Tls {
    @Option(names = "--ssl", description = "Connect with TLS, trusting the JDK's certificate authorities unless "
        + "--truststore is given.")
    boolean ssl;

    @Option(names = "--truststore", paramLabel = "FILE",
        description = "A truststore (PKCS12 or JKS) that holds the nodes' certificates or their authority.")
    Path truststore;

    @Option(names = "--truststore-password", arity = "0..1", fallbackValue = Secret.PROMPT, paramLabel = "PASSWORD",
        description = "Alone, prompts for the truststore's password (or " + TRUSTSTORE_PASSWORD_VARIABLE + ").")
    String truststorePassword;

    @Option(names = "--truststore-password-file", paramLabel = "FILE",
        description = "Reads the truststore's password from the first line of FILE.")
    Path truststorePasswordFile;

    @Option(names = "--keystore", paramLabel = "FILE",
        description = "A keystore with this client's key and certificate, for nodes that require client "
            + "certificates.")
    Path keystore;

    @Option(names = "--keystore-password", arity = "0..1", fallbackValue = Secret.PROMPT, paramLabel = "PASSWORD",
        description = "Alone, prompts for the keystore's password (or " + KEYSTORE_PASSWORD_VARIABLE + ").")
    String keystorePassword;

    @Option(names = "--keystore-password-file", paramLabel = "FILE",
        description = "Reads the keystore's password from the first line of FILE.")
    Path keystorePasswordFile;

    @Option(names = "--no-hostname-validation", negatable = false,
        description = "Accept a node certificate that does not name the node's address (not recommended).")
    boolean noHostnameValidation;

    boolean enabled() {
      return ssl || truststore != null || keystore != null;
    }
  }

  boolean hasContactPoint() {
    return contactPoint != null;
  }

  /** Whether TLS is on: {@code --ssl}, or a truststore or keystore given. */
  boolean tlsEnabled() {
    return tls != null && tls.enabled();
  }

  /**
   * The contact point as an address, or a usage error that names the bad value: {@code HOST}, {@code HOST:PORT},
   * an IPv6 address alone ({@code ::1}) or in brackets, with or without a port ({@code [::1]:9042}).
   */
  InetSocketAddress address(CommandLine commandLine) {
    String value = contactPoint.trim();
    try {
      String host;
      String port = null;
      if (value.startsWith("[")) {
        int close = value.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("no closing bracket");
        }
        host = value.substring(1, close);
        String rest = value.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            throw new IllegalArgumentException("text after the bracket");
          }
          port = rest.substring(1);
        }
      } else if (value.indexOf(':') != value.lastIndexOf(':')) {
        host = value; // an IPv6 address without brackets: its colons are its own, so no port
      } else {
        int colon = value.indexOf(':');
        host = colon < 0 ? value : value.substring(0, colon);
        port = colon < 0 ? null : value.substring(colon + 1);
      }
      if (host.isEmpty()) {
        throw new IllegalArgumentException("no host");
      }
      return new InetSocketAddress(host, port == null ? 9042 : Integer.parseInt(port));
    } catch (IllegalArgumentException bad) {
      throw new ParameterException(commandLine, "--contact-point must be HOST, HOST:PORT or [IPV6]:PORT: "
          + contactPoint);
    }
  }

  /** A session builder for the given node, with the process's environment and stderr for secrets and warnings. */
  CqlSessionBuilder sessionBuilder(CommandLine commandLine, InetSocketAddress node, String defaultDatacenter) {
    return sessionBuilder(CqlSession.builder(), commandLine, node, defaultDatacenter, System.getenv(), System.err);
  }

  /**
   * Sets up {@code builder} for the given node (the embedded server's, or --contact-point) and returns it.
   *
   * @throws ParameterException for a bad combination or an unreadable file (exit code 2)
   */
  CqlSessionBuilder sessionBuilder(CqlSessionBuilder builder, CommandLine commandLine, InetSocketAddress node,
      String defaultDatacenter, Map<String, String> environment, PrintStream err) {
    return builder
        .withConfigLoader(driverConfig(commandLine, defaultDatacenter, environment, err))
        .addContactPoint(node); // the local datacenter is in the options (never withLocalDatacenter: it beats them)
  }

  /**
   * The driver's options, in layers: the options given on the command line, over the --config file (or the
   * application.conf the driver would read), over the command line's defaults, over the driver's reference.
   *
   * @param defaultDatacenter the local datacenter unless --datacenter or the file names one
   * @throws ParameterException for a bad combination or an unreadable file (exit code 2)
   */
  DriverConfigLoader driverConfig(CommandLine commandLine, String defaultDatacenter, Map<String, String> environment,
      PrintStream err) {
    if (config != null && !Files.isReadable(config)) {
      throw new ParameterException(commandLine, "--config file is not readable: " + config);
    }
    if (requestTimeout != null && (requestTimeout.isZero() || requestTimeout.isNegative())) {
      // The driver takes a timeout of zero or less as none: a request to a stuck node would wait for ever.
      throw new ParameterException(commandLine, "--request-timeout must be > 0: " + requestTimeout);
    }
    Path file = config;
    Supplier<Config> fileThenDefaults = () -> { // called again when the driver reloads its options
      ConfigFactory.invalidateCaches();
      Config settings = file != null ? ConfigFactory.parseFile(file.toFile()) : ConfigFactory.defaultApplication();
      return settings.withFallback(defaults(settings, defaultDatacenter)).withFallback(ConfigFactory.defaultReference());
    };
    ProgrammaticDriverConfigLoaderBuilder options = new DefaultProgrammaticDriverConfigLoaderBuilder(fileThenDefaults,
        ROOT);
    if (requestTimeout != null) {
      options.withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout);
    }
    if (datacenter != null) {
      options.withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, datacenter);
    }
    credentials(commandLine, options, environment, err);
    tls(commandLine, options, environment, err);
    return options.build();
  }

  /**
   * The command line's defaults for what {@code settings} (the file) leaves out: a 10 s request timeout, 10 s to
   * connect (the driver's 5 s is short for a cluster under load), the local datacenter, a quick shutdown, and
   * Java's clock for client-side timestamps (a quicker start).
   *
   * <p>A command closes the session once its work is done, so the driver's event loops need not wait their
   * default 2 s quiet period before stopping: the I/O loops stop at once. The admin loop keeps a short quiet
   * period: {@code close()} hands the close to that loop and then adds a listener to the task's future; with no
   * quiet period the loop can close everything and stop in between, and Netty then logs a
   * {@code RejectedExecutionException} to stderr (seen once in CI, under an export's one-line error). The
   * calling thread would have to stall for the whole quiet period at that one point for it to happen again. The
   * admin loop's three settings share their unit, so a file that sets any of them keeps all of its own.
   *
   * <p>Client-side timestamps come from Java's clock. The driver's default, a native clock, loads jnr-ffi while
   * the session starts: it unpacks and links jffi's native library and compiles call stubs, which took 0.45 to
   * 0.58 s of a fresh JVM here, every run, before the first request. The commands read, and a
   * client-side timestamp only orders writes (the demo's loading among them, which the driver's timestamp
   * generator keeps increasing within the session whatever the clock's resolution).
   */
  static Config defaults(Config settings, String datacenter) {
    Map<String, Object> values = new HashMap<>();
    values.put(path(DefaultDriverOption.REQUEST_TIMEOUT), DEFAULT_REQUEST_TIMEOUT.toMillis() + " milliseconds");
    values.put(path(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT), "10 seconds");
    values.put(path(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT), "10 seconds");
    values.put(path(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT), "10 seconds");
    values.put(path(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER), datacenter);
    values.put(path(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD), 0);
    values.put(path(DefaultDriverOption.TIMESTAMP_GENERATOR_FORCE_JAVA_CLOCK), true);
    if (!sets(settings, path(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT))
        && !sets(settings, path(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD))
        && !sets(settings, path(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT))) {
      values.put(path(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT), "MILLISECONDS");
      values.put(path(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD), ADMIN_QUIET_PERIOD_MILLIS);
      values.put(path(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT), 15_000); // the driver's 15 s, in ms
    }
    return ConfigFactory.parseMap(values, "async-cassandra command line defaults");
  }

  private static String path(DefaultDriverOption option) {
    return ROOT + "." + option.getPath();
  }

  /** Whether the (unresolved) settings set {@code path}; a substitution there counts as set. */
  private static boolean sets(Config settings, String path) {
    try {
      return settings.hasPathOrNull(path);
    } catch (ConfigException.NotResolved substitution) {
      return true;
    }
  }

  private void credentials(CommandLine commandLine, ProgrammaticDriverConfigLoaderBuilder options,
      Map<String, String> environment, PrintStream err) {
    String secret = Secret.resolve(commandLine, "--password", password, passwordFile, PASSWORD_VARIABLE,
        environment, err);
    if (username == null) {
      if (password != null || passwordFile != null) {
        throw new ParameterException(commandLine, "--password and --password-file need --username");
      }
      return;
    }
    if (secret == null) {
      throw new ParameterException(commandLine, "--username " + username + " needs a password: --password (to be"
          + " prompted), --password-file FILE, or the environment variable " + PASSWORD_VARIABLE);
    }
    options.withClass(DefaultDriverOption.AUTH_PROVIDER_CLASS, PlainTextAuthProvider.class)
        .withString(DefaultDriverOption.AUTH_PROVIDER_USER_NAME, username)
        .withString(DefaultDriverOption.AUTH_PROVIDER_PASSWORD, secret);
  }

  private void tls(CommandLine commandLine, ProgrammaticDriverConfigLoaderBuilder options,
      Map<String, String> environment, PrintStream err) {
    if (!tlsEnabled()) {
      return;
    }
    options.withClass(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, DefaultSslEngineFactory.class);
    if (tls.noHostnameValidation) { // otherwise the file's, or the driver's default (on)
      options.withBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION, false);
    }
    if (tls.truststore != null) {
      readable(commandLine, "--truststore", tls.truststore);
      options.withString(DefaultDriverOption.SSL_TRUSTSTORE_PATH, tls.truststore.toAbsolutePath().toString());
      String secret = Secret.resolve(commandLine, "--truststore-password", tls.truststorePassword,
          tls.truststorePasswordFile, TRUSTSTORE_PASSWORD_VARIABLE, environment, err);
      if (secret != null) {
        options.withString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD, secret);
      }
    }
    if (tls.keystore != null) {
      readable(commandLine, "--keystore", tls.keystore);
      options.withString(DefaultDriverOption.SSL_KEYSTORE_PATH, tls.keystore.toAbsolutePath().toString());
      String secret = Secret.resolve(commandLine, "--keystore-password", tls.keystorePassword,
          tls.keystorePasswordFile, KEYSTORE_PASSWORD_VARIABLE, environment, err);
      if (secret != null) {
        options.withString(DefaultDriverOption.SSL_KEYSTORE_PASSWORD, secret);
      }
    }
  }

  private static void readable(CommandLine commandLine, String option, Path file) {
    if (!Files.isReadable(file)) {
      throw new ParameterException(commandLine, option + " file is not readable: " + file);
    }
  }
}
