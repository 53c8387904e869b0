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
 * Vert.x 5 support: {@link org.asynccassandra.vertx.CassandraReadStream} turns any
 * {@link org.asynccassandra.ResultStream} into a Vert.x {@code ReadStream} on one context, with
 * {@code pause}/{@code resume}/{@code fetch} mapped onto page pulls and bounded read-ahead;
 * {@link org.asynccassandra.vertx.NdjsonResponse} sends rows as an NDJSON HTTP response with backpressure
 * and closes the stream when the client goes away.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}. NullAway checks this in the build.
 */
@NullMarked
package org.asynccassandra.vertx;

import org.jspecify.annotations.NullMarked;
