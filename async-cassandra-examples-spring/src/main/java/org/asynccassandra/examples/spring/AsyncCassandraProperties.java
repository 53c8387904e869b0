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

import java.util.List;
import org.asynccassandra.StreamConfig;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code async-cassandra.*} properties: where Cassandra is, and how exports page.
 *
 * <pre>
 * async-cassandra.contact-points=127.0.0.1:9042
 * async-cassandra.local-datacenter=datacenter1
 * async-cassandra.keyspace=shop
 * async-cassandra.fetch-size=1000
 * async-cassandra.prefetch-pages=1
 * async-cassandra.table=items
 * async-cassandra.token-key=BASE64 (or ASYNC_CASSANDRA_TOKEN_KEY; a random key per process when neither is set)
 * async-cassandra.retries=5 (unset: the library's default, 5)
 * </pre>
 *
 * @param contactPoints {@code host:port} of one or more nodes
 * @param localDatacenter the driver's local datacenter
 * @param keyspace the keyspace whose tables are served
 * @param fetchSize rows per page of an export
 * @param prefetchPages pages an export reads ahead of the one being written (0 to 64)
 * @param table the table of {@code (pk int, ck int, payload text)} that {@code /api/items} serves
 * @param tokenKey the base64 key (16 bytes or more) that signs next-page tokens, or null
 * @param retries how many times a page that failed for a passing reason (a timeout, no node, an unavailable or
 *     overloaded replica) is asked again before the request fails with 503 or 504 (0 to 100; see
 *     {@link StreamConfig.Builder#retry(int, java.time.Duration)}), or null for the library's default
 */
@ConfigurationProperties("async-cassandra")
public record AsyncCassandraProperties(
    @DefaultValue("127.0.0.1:9042") List<String> contactPoints,
    @DefaultValue("datacenter1") String localDatacenter,
    String keyspace,
    @DefaultValue("1000") int fetchSize,
    @DefaultValue("1") int prefetchPages,
    @DefaultValue("items") String table,
    @Nullable String tokenKey,
    @Nullable Integer retries) {

  public AsyncCassandraProperties {
    if (keyspace == null || keyspace.isBlank()) {
      throw new IllegalArgumentException("async-cassandra.keyspace must be set: " + keyspace);
    }
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("async-cassandra.contact-points must name at least one node");
    }
    // At start-up, not at the first export (which answered 500): the stream's own checks, by property name.
    try {
      StreamConfig.builder().fetchSize(fetchSize).prefetchPages(prefetchPages).build();
    } catch (IllegalArgumentException invalid) {
      throw new IllegalArgumentException("async-cassandra.fetch-size (" + fetchSize + ") or "
          + "async-cassandra.prefetch-pages (" + prefetchPages + ") is not valid: " + invalid.getMessage(), invalid);
    }
    if (retries != null) {
      try {
        StreamConfig.builder().retry(retries, StreamConfig.defaults().retryBackoff());
      } catch (IllegalArgumentException invalid) {
        throw new IllegalArgumentException("async-cassandra.retries (" + retries + ") is not valid: "
            + invalid.getMessage(), invalid);
      }
    }
  }

  /**
   * A stream configuration with the configured retries, if any (the library's default otherwise): the start of
   * every stream the applications open.
   */
  public StreamConfig.Builder streamConfig() {
    StreamConfig.Builder config = StreamConfig.builder();
    if (retries != null) {
      config.retry(retries, StreamConfig.defaults().retryBackoff());
    }
    return config;
  }
}
