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
 * Streams of the driver's object-mapper entities: {@link org.asynccassandra.mapper.EntityMappers} turns a
 * generated {@code EntityHelper} into a {@link org.asynccassandra.RowMapper}, and continues a result that a
 * DAO returned as a stream with read-ahead.
 *
 * <p>This package needs {@code org.apache.cassandra:java-driver-mapper-runtime} on the classpath, which
 * async-cassandra-core declares as an optional dependency: an application that uses the mapper has it
 * already, and one that does not gets nothing more. The rest of the API never refers to the mapper's
 * types, so it compiles and runs without it. Null-marked.
 */
@NullMarked
package org.asynccassandra.mapper;

import org.jspecify.annotations.NullMarked;
