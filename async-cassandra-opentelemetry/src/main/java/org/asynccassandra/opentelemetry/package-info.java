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
 * OpenTelemetry tracing for async-cassandra: {@link org.asynccassandra.opentelemetry.AsyncCassandraTelemetry}
 * makes a span per stream or scan, following the database semantic conventions, records
 * {@code db.client.operation.duration}, and carries the caller's context into the stream's callbacks. It
 * uses the OpenTelemetry API only. See {@code docs/observability.md} for the attributes.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}.
 */
@NullMarked
package org.asynccassandra.opentelemetry;

import org.jspecify.annotations.NullMarked;
