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
