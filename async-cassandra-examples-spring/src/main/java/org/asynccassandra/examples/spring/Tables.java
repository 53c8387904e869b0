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

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import java.util.Optional;
import org.asynccassandra.AsyncSession;

/**
 * Finds the tables of a keyspace in the schema metadata that the driver keeps in memory: no query runs and
 * nothing blocks, so both stacks look a table up on the thread that maps the request (a Netty event loop for
 * WebFlux) before any stream starts. A table that is not there is a {@code 404} on both stacks, for the table
 * endpoint and for {@code async-cassandra.table} alike: the rows the URL names do not exist. (Before, the MVC
 * example answered 404 and the WebFlux one 500, from the query's {@code InvalidQueryException}.)
 *
 * <p>The driver refreshes its metadata on the server's schema events: a table created after the application
 * started is found about a second later; one dropped meanwhile is found, and its query then fails (a 500 that
 * names the query).
 */
public final class Tables {
  private Tables() {}

  /**
   * The table {@code name} of {@code keyspace}, if the schema has it.
   *
   * @param name a CQL name: case-insensitive unless quoted; one that is not a CQL name is not found
   */
  public static Optional<TableMetadata> find(AsyncSession session, String keyspace, String name) {
    CqlIdentifier table;
    try {
      table = CqlIdentifier.fromCql(name);
    } catch (IllegalArgumentException notAName) {
      return Optional.empty();
    }
    return session.cqlSession().getMetadata().getKeyspace(keyspace).flatMap(found -> found.getTable(table));
  }

  /**
   * The table {@code name} of {@code keyspace}.
   *
   * @throws TableNotFoundException naming both when the schema does not have it
   */
  public static TableMetadata require(AsyncSession session, String keyspace, String name) {
    return find(session, keyspace, name).orElseThrow(() -> new TableNotFoundException(keyspace, name));
  }
}
