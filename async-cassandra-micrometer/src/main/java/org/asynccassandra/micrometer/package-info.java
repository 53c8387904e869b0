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
 * Micrometer meters for async-cassandra: bind {@link org.asynccassandra.micrometer.AsyncCassandraMetrics} to a
 * registry and every stream and scan of the session is measured. See {@code docs/observability.md} for the
 * meters and the questions they answer.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}.
 */
@NullMarked
package org.asynccassandra.micrometer;

import org.jspecify.annotations.NullMarked;
