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
 * async-cassandra: true async streaming of large Cassandra results on the Apache Cassandra Java driver 4.x.
 *
 * <p>Start with {@link org.asynccassandra.AsyncSession}: wrap a driver session, call
 * {@link org.asynccassandra.AsyncSession#executeStream executeStream}, and consume the
 * {@link org.asynccassandra.RowStream} in the style that suits the caller. Everything in this package is
 * public API; {@code org.asynccassandra.internal} may change at any time.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}. NullAway checks this in the build.
 */
@NullMarked
package org.asynccassandra;

import org.jspecify.annotations.NullMarked;
