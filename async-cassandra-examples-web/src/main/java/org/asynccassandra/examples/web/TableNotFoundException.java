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
package org.asynccassandra.examples.web;

/**
 * The service's table is not in its keyspace's schema: answered {@code 404} with
 * {@code "reason": "TABLE_NOT_FOUND"} ({@link CassandraErrorResponse}), as the Spring examples answer a
 * configured table that is not there. Thrown by {@link ItemService}'s handlers before any query starts.
 */
public final class TableNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param keyspace the keyspace that was searched
   * @param table the table name as the service was given it
   */
  public TableNotFoundException(String keyspace, String table) {
    super("no table '" + table + "' in keyspace " + keyspace);
  }
}
