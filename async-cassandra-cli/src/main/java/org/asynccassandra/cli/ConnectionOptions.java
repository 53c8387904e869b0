package org.asynccassandra.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The connection options every command shares. */
final class ConnectionOptions {
  @Option(names = "--contact-point", paramLabel = "HOST:PORT",
      description = "A Cassandra node to connect to. Without it, commands that can start the embedded server do.")
  String contactPoint;

  @Option(names = "--datacenter", paramLabel = "DC",
      description = "The local datacenter (default: datacenter1 with --contact-point).")
  String datacenter;

  @Option(names = "--username", description = "User name for password authentication.")
  String username;

  @Option(names = "--password", description = "Password for password authentication.", interactive = false)
  String password;

  @Option(names = "--config", paramLabel = "FILE", description = "A driver application.conf to load.")
  Path config;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "PT10S",
      description = "The driver's request timeout, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration requestTimeout;

  boolean hasContactPoint() {
    return contactPoint != null;
  }

  /** The contact point as an address, or a usage error that names the bad value. */
  InetSocketAddress address(picocli.CommandLine commandLine) {
    String value = contactPoint.trim();
    int colon = value.lastIndexOf(':');
    try {
      if (colon < 0) {
        return new InetSocketAddress(value, 9042);
      }
      int port = Integer.parseInt(value.substring(colon + 1));
      return new InetSocketAddress(value.substring(0, colon), port);
    } catch (IllegalArgumentException bad) {
      throw new ParameterException(commandLine, "--contact-point must be HOST or HOST:PORT: " + contactPoint);
    }
  }

  /** A session builder for the given node (the embedded server's, or --contact-point). */
  CqlSessionBuilder sessionBuilder(InetSocketAddress node, String defaultDatacenter) {
    if (config != null) {
      if (!Files.isReadable(config)) {
        throw new IllegalArgumentException("--config file is not readable: " + config);
      }
      CqlSessionBuilder fromFile = CqlSession.builder().withConfigLoader(DriverConfigLoader.fromPath(config));
      return withCredentials(fromFile.addContactPoint(node)
          .withLocalDatacenter(datacenter != null ? datacenter : defaultDatacenter));
    }
    ProgrammaticDriverConfigLoaderBuilder loader = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(10))
        // A command closes the session once its work is done: nothing more will be submitted to the
        // driver's event loops, so they need not wait the default 2 s quiet period before stopping.
        .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
    CqlSessionBuilder builder = CqlSession.builder()
        .withConfigLoader(loader.build())
        .addContactPoint(node)
        .withLocalDatacenter(datacenter != null ? datacenter : defaultDatacenter);
    return withCredentials(builder);
  }

  private CqlSessionBuilder withCredentials(CqlSessionBuilder builder) {
    if (username != null) {
      return builder.withAuthCredentials(username, password == null ? "" : password);
    }
    return builder;
  }
}
