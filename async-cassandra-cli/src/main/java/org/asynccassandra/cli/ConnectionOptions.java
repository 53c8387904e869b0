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

import static org.asynccassandra.cli.ConfigFile.path;
import static org.asynccassandra.cli.ConfigFile.sets;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.internal.core.auth.PlainTextAuthProvider;
import com.datastax.oss.driver.internal.core.config.typesafe.DefaultProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.internal.core.ssl.DefaultSslEngineFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
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
  /**
   * How long the driver's admin loop stays up after its last task when the session closes: not at all, which
   * {@link DriverSession#close()} makes safe.
   */
  static final int ADMIN_QUIET_PERIOD_MILLIS = 0;
  /** The request timeout without --request-timeout or a --config file that sets one. */
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** The local datacenter unless --datacenter or the --config file names one; the embedded server's too. */
  static final String DEFAULT_DATACENTER = "datacenter1";
  private static final String ROOT = ConfigFile.ROOT;

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
   * Refuses the options that only a cluster of one's own can use, for a command that connects to the embedded
   * server it starts ({@code demo} without --contact-point): that server has no login and no TLS, and its
   * datacenter is {@value #DEFAULT_DATACENTER}. The --config file and --request-timeout still apply, but not a
   * --config file that turns TLS on, logs in, or names another local datacenter.
   *
   * @throws ParameterException naming the first such option given, or the file and its setting
   */
  void refuseForEmbeddedServer(CommandLine commandLine) {
    String login = username != null ? "--username" : password != null ? "--password"
        : passwordFile != null ? "--password-file" : null;
    if (login != null) {
      throw new ParameterException(commandLine, login + " needs --contact-point: the embedded server has no login");
    }
    if (datacenter != null) {
      throw new ParameterException(commandLine, "--datacenter needs --contact-point: the embedded server's "
          + "datacenter is " + DEFAULT_DATACENTER);
    }
    String tlsOption = tls.ssl ? "--ssl" : tls.truststore != null ? "--truststore"
        : tls.truststorePassword != null ? "--truststore-password"
        : tls.truststorePasswordFile != null ? "--truststore-password-file"
        : tls.keystore != null ? "--keystore"
        : tls.keystorePassword != null ? "--keystore-password"
        : tls.keystorePasswordFile != null ? "--keystore-password-file"
        : tls.noHostnameValidation ? "--no-hostname-validation" : null;
    if (tlsOption != null) {
      throw new ParameterException(commandLine, tlsOption + " needs --contact-point: the embedded server has no TLS");
    }
    if (config != null) { // the same of a --config file, which would fail only once the server has started
      ConfigFile file = ConfigFile.read(commandLine, config);
      String unusable = file.sets(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS) ? "turns TLS on ("
          + DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS.getPath() + "): the embedded server has no TLS"
          : file.sets(DefaultDriverOption.AUTH_PROVIDER_CLASS) ? "logs in ("
              + DefaultDriverOption.AUTH_PROVIDER_CLASS.getPath() + "): the embedded server has no login"
          : !DEFAULT_DATACENTER.equals(file.string(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, DEFAULT_DATACENTER))
              ? "names another local datacenter (" + DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER.getPath()
                  + "): the embedded server's is " + DEFAULT_DATACENTER
          : null;
      if (unusable != null) {
        throw new ParameterException(commandLine, "--config file " + config + " " + unusable
            + "; give --contact-point for a cluster of your own");
      }
    }
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

  /**
   * A session builder for the given node, with the process's environment and stderr for secrets and warnings.
   *
   * @param keyspace the keyspace the command reads, as CQL names it: the session reads its schema only, unless
   *     the --config file says which keyspaces; null for every keyspace
   */
  CqlSessionBuilder sessionBuilder(CommandLine commandLine, InetSocketAddress node, String defaultDatacenter,
      @Nullable String keyspace) {
    return sessionBuilder(CqlSession.builder(), commandLine, node, defaultDatacenter, keyspace, System.getenv(),
        System.err);
  }

  /**
   * Sets up {@code builder} for the given node (the embedded server's, or --contact-point) and returns it.
   *
   * @throws ParameterException for a bad combination or an unreadable file (exit code 2)
   */
  CqlSessionBuilder sessionBuilder(CqlSessionBuilder builder, CommandLine commandLine, InetSocketAddress node,
      String defaultDatacenter, @Nullable String keyspace, Map<String, String> environment, PrintStream err) {
    return builder
        .withConfigLoader(driverConfig(commandLine, defaultDatacenter, keyspace, environment, err))
        .addContactPoint(node); // the local datacenter is in the options (never withLocalDatacenter: it beats them)
  }

  /**
   * The driver's options, in layers: the options given on the command line, over the --config file (or the
   * application.conf the driver would read), over the command line's defaults, over the driver's reference.
   *
   * <p>Every usage error comes first, the --config file's too (it is read here, before any work), and only then
   * are secrets read: nobody is asked for a password that a bad option makes useless.
   *
   * @param defaultDatacenter the local datacenter unless --datacenter or the file names one
   * @param keyspace the only keyspace whose schema the session reads unless the file says which (as CQL names
   *     it); null for every keyspace
   * @throws ParameterException for a bad combination, a bad --config file or an unreadable file (exit code 2)
   */
  DriverConfigLoader driverConfig(CommandLine commandLine, String defaultDatacenter, @Nullable String keyspace,
      Map<String, String> environment, PrintStream err) {
    if (requestTimeout != null && (requestTimeout.isZero() || requestTimeout.isNegative())) {
      // The driver takes a timeout of zero or less as none: a request to a stuck node would wait for ever.
      throw new ParameterException(commandLine, "--request-timeout must be > 0: " + requestTimeout);
    }
    checkCredentials(commandLine);
    ConfigFile file = ConfigFile.read(commandLine, config);
    Config reference = ConfigFactory.defaultReference();
    file.check(commandLine, defaults(file.settings(), defaultDatacenter, keyspace).withFallback(reference),
        requestTimeout != null);
    TlsPlan tlsPlan = checkTls(commandLine, file);
    Path path = config;
    // The session's first load takes the file and the driver's reference as checked above: each parse of the
    // reference (about 100 KB of HOCON) costs a fresh JVM tens of milliseconds. A reload reads both again.
    AtomicReference<@Nullable ConfigFile> checked = new AtomicReference<>(file);
    Supplier<Config> fileThenDefaults = () -> { // called again when the driver reloads its options
      ConfigFile first = checked.getAndSet(null);
      Config settings = first != null ? first.settings() : ConfigFile.load(path);
      return settings.withFallback(defaults(settings, defaultDatacenter, keyspace))
          .withFallback(first != null ? reference : ConfigFactory.defaultReference());
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
    tls(commandLine, options, tlsPlan, environment, err);
    return options.build();
  }

  /**
   * The command line's defaults for what {@code settings} (the file) leaves out: a 10 s request timeout, 10 s to
   * connect (the driver's 5 s is short for a cluster under load), the local datacenter, a quick shutdown, and
   * Java's clock for client-side timestamps (a quicker start).
   *
   * <p>A command closes the session once its work is done, so the driver's event loops need not wait their
   * default 2 s quiet period before stopping: the I/O loops and the admin loop stop at once. With no quiet
   * period the admin loop could terminate while the driver's {@code close()} still adds a listener to the task
   * it handed that loop (Netty then logs a {@code RejectedExecutionException}); the commands close their session
   * with {@link DriverSession#close()}, which holds the admin loop until then. The admin loop's three settings
   * share their unit, so a file that sets any of them keeps all of its own.
   *
   * <p>With {@code keyspace}, the session reads the schema of that keyspace only (the driver's
   * {@code advanced.metadata.schema.refreshed-keyspaces}, unless the file sets it): the schema of every other
   * keyspace, Cassandra's virtual keyspaces among them, took a tenth of a second of a command's start here, and
   * a command reads one table.
   *
   * <p>Client-side timestamps come from Java's clock. The driver's default, a native clock, loads jnr-ffi while
   * the session starts: it unpacks and links jffi's native library and compiles call stubs, which took 0.45 to
   * 0.58 s of a fresh JVM here, every run, before the first request. The commands read, and a
   * client-side timestamp only orders writes (the demo's loading among them, which the driver's timestamp
   * generator keeps increasing within the session whatever the clock's resolution).
   */
  static Config defaults(Config settings, String datacenter, @Nullable String keyspace) {
    Map<String, Object> values = new HashMap<>();
    String refreshed = path(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES);
    if (keyspace != null && !sets(settings, refreshed)) {
      try {
        String internal = CqlIdentifier.fromCql(keyspace).asInternal();
        // The driver takes only \w+ as a name there ("/.../" is a pattern, "!" an exclusion, and it skips
        // anything else with a warning); Cassandra's keyspace names are \w+ too.
        if (internal.matches("\\w+")) {
          values.put(refreshed, List.of(internal));
        }
      } catch (IllegalArgumentException notCql) {
        // every keyspace's schema: the scan names the bad keyspace in its error
      }
    }
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

  /**
   * Refuses, before any prompt, a password with no user to go with it, a secret given two ways (the option's
   * value and its file), and a secret's file that cannot be read.
   */
  private void checkCredentials(CommandLine commandLine) {
    if (username == null && (password != null || passwordFile != null)) {
      throw new ParameterException(commandLine, (password != null ? "--password" : "--password-file")
          + " needs --username: the password alone logs nobody in");
    }
    Secret.checkOneSource(commandLine, "--password", password, passwordFile);
    Secret.checkOneSource(commandLine, "--truststore-password", tls.truststorePassword, tls.truststorePasswordFile);
    Secret.checkOneSource(commandLine, "--keystore-password", tls.keystorePassword, tls.keystorePasswordFile);
    Secret.checkReadable(commandLine, "--password", passwordFile);
    Secret.checkReadable(commandLine, "--truststore-password", tls.truststorePasswordFile);
    Secret.checkReadable(commandLine, "--keystore-password", tls.keystorePasswordFile);
  }

  private void credentials(CommandLine commandLine, ProgrammaticDriverConfigLoaderBuilder options,
      Map<String, String> environment, PrintStream err) {
    if (username == null) {
      return;
    }
    String secret = Secret.resolve(commandLine, "--password", password, passwordFile, PASSWORD_VARIABLE,
        environment, err);
    if (secret == null) {
      throw new ParameterException(commandLine, "--username " + username + " needs a password: --password (to be"
          + " prompted), --password-file FILE, or the environment variable " + PASSWORD_VARIABLE);
    }
    options.withClass(DefaultDriverOption.AUTH_PROVIDER_CLASS, PlainTextAuthProvider.class)
        .withString(DefaultDriverOption.AUTH_PROVIDER_USER_NAME, username)
        .withString(DefaultDriverOption.AUTH_PROVIDER_PASSWORD, secret);
  }

  /**
   * What TLS the options and the --config file ask for.
   *
   * @param on whether the session uses TLS: an option turns it on, or the file names an SSL engine factory
   * @param fileTruststore whether the truststore is the file's (no --truststore); its password options apply to it
   * @param fileKeystore whether the keystore is the file's (no --keystore); its password options apply to it
   * @param truststoreVariable whether the truststore's environment variable applies: not to the file's store when
   *     the file sets its password too (a variable set for another cluster must not override the file)
   * @param keystoreVariable the same for the keystore
   */
  private record TlsPlan(boolean on, boolean fileTruststore, boolean fileKeystore, boolean truststoreVariable,
      boolean keystoreVariable) {}

  /**
   * Refuses, before any prompt, the TLS options that would have nothing to apply to: a store's password with no
   * store (neither its option nor the file's {@code advanced.ssl-engine-factory}), and
   * {@code --no-hostname-validation} without TLS; and a store file that cannot be read.
   */
  private TlsPlan checkTls(CommandLine commandLine, ConfigFile file) {
    boolean on = tlsEnabled() || file.sets(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS);
    boolean fileTruststore = on && tls.truststore == null && file.sets(DefaultDriverOption.SSL_TRUSTSTORE_PATH);
    boolean fileKeystore = on && tls.keystore == null && file.sets(DefaultDriverOption.SSL_KEYSTORE_PATH);
    if (tls.truststore == null && !fileTruststore) {
      refuseWithoutStore(commandLine, "--truststore", tls.truststorePassword, tls.truststorePasswordFile,
          DefaultDriverOption.SSL_TRUSTSTORE_PATH);
    }
    if (tls.keystore == null && !fileKeystore) {
      refuseWithoutStore(commandLine, "--keystore", tls.keystorePassword, tls.keystorePasswordFile,
          DefaultDriverOption.SSL_KEYSTORE_PATH);
    }
    if (tls.noHostnameValidation && !on) {
      throw new ParameterException(commandLine, "--no-hostname-validation needs TLS: --ssl, --truststore, "
          + "--keystore, or a --config file that sets " + DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS.getPath());
    }
    if (tls.truststore != null) {
      readable(commandLine, "--truststore", tls.truststore);
    }
    if (tls.keystore != null) {
      readable(commandLine, "--keystore", tls.keystore);
    }
    return new TlsPlan(on, fileTruststore, fileKeystore,
        !(fileTruststore && file.sets(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD)),
        !(fileKeystore && file.sets(DefaultDriverOption.SSL_KEYSTORE_PASSWORD)));
  }

  private static void refuseWithoutStore(CommandLine commandLine, String store, String password, Path passwordFile,
      DefaultDriverOption filePath) {
    if (password != null || passwordFile != null) {
      throw new ParameterException(commandLine, (password != null ? store + "-password" : store + "-password-file")
          + " needs " + store + " FILE, or TLS on with a --config file that sets " + filePath.getPath()
          + ": without a store, the password would be ignored");
    }
  }

  private void tls(CommandLine commandLine, ProgrammaticDriverConfigLoaderBuilder options, TlsPlan plan,
      Map<String, String> environment, PrintStream err) {
    if (!plan.on()) {
      return;
    }
    if (tlsEnabled()) { // otherwise the file's factory, whatever it is
      options.withClass(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, DefaultSslEngineFactory.class);
    }
    if (tls.noHostnameValidation) { // otherwise the file's, or the driver's default (on)
      options.withBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION, false);
    }
    if (tls.truststore != null) {
      options.withString(DefaultDriverOption.SSL_TRUSTSTORE_PATH, tls.truststore.toAbsolutePath().toString());
    }
    if (tls.truststore != null || plan.fileTruststore()) {
      String secret = Secret.resolve(commandLine, "--truststore-password", tls.truststorePassword,
          tls.truststorePasswordFile, TRUSTSTORE_PASSWORD_VARIABLE,
          plan.truststoreVariable() ? environment : Map.of(), err);
      if (secret != null) {
        options.withString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD, secret);
      }
    }
    if (tls.keystore != null) {
      options.withString(DefaultDriverOption.SSL_KEYSTORE_PATH, tls.keystore.toAbsolutePath().toString());
    }
    if (tls.keystore != null || plan.fileKeystore()) {
      String secret = Secret.resolve(commandLine, "--keystore-password", tls.keystorePassword,
          tls.keystorePasswordFile, KEYSTORE_PASSWORD_VARIABLE,
          plan.keystoreVariable() ? environment : Map.of(), err);
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
