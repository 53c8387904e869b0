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

import com.datastax.oss.driver.api.core.CqlIdentifier;

/**
 * The keyspace that {@link CassandraExtension} created for one test class: SimpleStrategy, replication
 * factor 1, named after the class ({@code it_<class name>_<n>}, lower case, at most 48 characters, unique
 * in the run). It is dropped after the class. Immutable.
 *
 * @param name the keyspace name, lower case, safe to use unquoted in CQL
 */
public record TestKeyspace(String name) {
  /**
   * A qualified table name in this keyspace: {@code name.table}.
   *
   * @param table a table's unquoted CQL name
   * @return {@code name + "." + table}, for CQL text and {@link TestData}
   */
  public String table(String table) {
    return name + "." + table;
  }

  /** {@return the name as a driver identifier, for {@code withKeyspace} or the query builder} */
  public CqlIdentifier identifier() {
    return CqlIdentifier.fromInternal(name);
  }
}
