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
package org.asynccassandra.examples.spring;

import com.codahale.metrics.Gauge;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metrics.DefaultNodeMetric;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ResumeTokenSigner;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The beans both applications share: the {@link AsyncSession}, a driver session connected at startup from
 * {@link AsyncCassandraProperties} and the {@link DriverOptionsCustomizer} beans, if any (a node that cannot be
 * reached fails the startup), owned by the async session and closed with it when the application context
 * closes; the {@link ResumeTokenSigner} of next-page tokens; and {@link ItemQueries}. The driver counts the
 * requests in flight per node ({@link #inFlightRequests}), so that a status page or a test can see that a closed
 * stream left none behind.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AsyncCassandraProperties.class)
public class AsyncCassandraConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncCassandraConfiguration.class);

  @Bean(destroyMethod = "close")
  public AsyncSession asyncSession(AsyncCassandraProperties properties,
      ObjectProvider<DriverOptionsCustomizer> customizers) {
    ProgrammaticDriverConfigLoaderBuilder options = DriverConfigLoader.programmaticBuilder()
        .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, List.of("pool.in-flight"));
    customizers.orderedStream().forEach(customizer -> customizer.customize(options));
    CqlSessionBuilder builder = CqlSession.builder()
        .withLocalDatacenter(properties.localDatacenter())
        .withKeyspace(properties.keyspace())
        .withConfigLoader(options.build());
    for (String contactPoint : properties.contactPoints()) {
      builder.addContactPoint(address(contactPoint));
    }
    // Startup runs on the main thread: waiting for the connection here is what a blocking bean does.
    return AsyncSession.connect(builder).toCompletableFuture().join();
  }

  /**
   * Signs next-page tokens with {@code async-cassandra.token-key}, else ASYNC_CASSANDRA_TOKEN_KEY (the Vert.x
   * example's variable; base64, at least 16 bytes), else a random key for this process (tokens then do not
   * survive a restart or work on another instance).
   */
  @Bean
  public ResumeTokenSigner resumeTokenSigner(AsyncCassandraProperties properties) {
    @Nullable String key = properties.tokenKey();
    if (key == null || key.isBlank()) {
      key = System.getenv("ASYNC_CASSANDRA_TOKEN_KEY");
    }
    if (key == null || key.isBlank()) {
      LOG.info("No async-cassandra.token-key or ASYNC_CASSANDRA_TOKEN_KEY set: signing next-page tokens with a "
          + "random key for this process");
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      return ResumeTokenSigner.hmacSha256(random);
    }
    return ResumeTokenSigner.hmacSha256(Base64.getDecoder().decode(key.trim()));
  }

  @Bean
  public ItemQueries itemQueries(AsyncCassandraProperties properties, ResumeTokenSigner signer) {
    return new ItemQueries(properties, signer);
  }

  /** The driver's count of requests in flight over every node of {@code session}. */
  @SuppressWarnings("unchecked")
  public static int inFlightRequests(AsyncSession session) {
    CqlSession cql = session.cqlSession();
    int total = 0;
    if (cql.getMetrics().isPresent()) {
      for (Node node : cql.getMetadata().getNodes().values()) {
        total += cql.getMetrics().get().getNodeMetric(node, DefaultNodeMetric.IN_FLIGHT)
            .map(metric -> ((Gauge<Integer>) metric).getValue()).orElse(0);
      }
    }
    return total;
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
