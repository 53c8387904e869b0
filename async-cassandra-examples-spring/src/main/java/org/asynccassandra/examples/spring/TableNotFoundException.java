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

/**
 * A request for a table that the keyspace's schema does not have: answered {@code 404} with
 * {@code "reason": "TABLE_NOT_FOUND"} on both stacks ({@link CassandraErrorResponse}). Thrown by
 * {@link Tables#require} on the thread that maps the request, before any query starts.
 */
public final class TableNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param keyspace the keyspace that was searched
   * @param table the table name as the request or the configuration gave it
   */
  public TableNotFoundException(String keyspace, String table) {
    super("no table '" + table + "' in keyspace " + keyspace);
  }
}
