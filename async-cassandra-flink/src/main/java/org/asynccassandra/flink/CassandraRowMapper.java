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
package org.asynccassandra.flink;

import com.datastax.oss.driver.api.core.cql.Row;
import java.io.Serializable;

/**
 * Turns one driver {@link Row} into the record that the source emits. Shipped with the job, so it must be
 * serializable: a lambda, a method reference or a class whose fields are serializable (make caches
 * {@code transient} and create them lazily).
 *
 * <p>It runs on the task's own thread (Flink's mailbox thread), once per row, in the order the rows are
 * emitted, never on a driver thread and never concurrently with itself. It may keep nothing of the row
 * beyond the call except the values it copies out. An exception fails the task: Flink restarts it from the
 * last checkpoint, where the row that failed was not emitted yet.
 *
 * @param <T> the record type
 */
@FunctionalInterface
public interface CassandraRowMapper<T> extends Serializable {
  /**
   * The record of {@code row}.
   *
   * @param row the row, valid only during the call
   * @return the record; never {@code null}
   * @throws Exception to fail the task (Flink restarts it from the last checkpoint)
   */
  T map(Row row) throws Exception;
}
