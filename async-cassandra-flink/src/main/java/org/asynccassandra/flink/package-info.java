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
/**
 * A bounded Apache Flink source over async-cassandra table scans: token-range splits whose positions in
 * Flink checkpoints are exact to the last row emitted.
 *
 * <p>Build one with {@link org.asynccassandra.flink.CassandraSource#builder}: a
 * {@link org.asynccassandra.flink.CassandraSessionFactory} (how every task connects), the table, and a
 * {@link org.asynccassandra.flink.CassandraRowMapper} that turns each driver row into a record. The guide is
 * {@code docs/flink.md}.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}.
 */
@NullMarked
package org.asynccassandra.flink;

import org.jspecify.annotations.NullMarked;
