package org.asynccassandra.examples.spring;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import java.net.InetSocketAddress;
import org.asynccassandra.AsyncSession;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link AsyncSession} bean: a driver session connected at startup from {@link AsyncCassandraProperties}
 * (a node that cannot be reached fails the startup), owned by the async session and closed with it when the
 * application context closes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AsyncCassandraProperties.class)
public class AsyncCassandraConfiguration {

  @Bean(destroyMethod = "close")
  public AsyncSession asyncSession(AsyncCassandraProperties properties) {
    CqlSessionBuilder builder = CqlSession.builder()
        .withLocalDatacenter(properties.localDatacenter())
        .withKeyspace(properties.keyspace());
    for (String contactPoint : properties.contactPoints()) {
      builder.addContactPoint(address(contactPoint));
    }
    // Startup runs on the main thread: waiting for the connection here is what a blocking bean does.
    return AsyncSession.connect(builder).toCompletableFuture().join();
  }

  /** {@code host:port}, or {@code host} for port 9042. */
  static InetSocketAddress address(String contactPoint) {
    int colon = contactPoint.lastIndexOf(':');
    if (colon < 0) {
      return new InetSocketAddress(contactPoint, 9042);
    }
    try {
      return new InetSocketAddress(contactPoint.substring(0, colon), Integer.parseInt(contactPoint.substring(colon + 1)));
    } catch (NumberFormatException badPort) {
      throw new IllegalArgumentException("async-cassandra.contact-points: not host:port: " + contactPoint, badPort);
    }
  }
}
