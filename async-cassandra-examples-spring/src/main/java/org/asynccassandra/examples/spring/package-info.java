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
 * Two small Spring Boot 4 applications over async-cassandra, and what they share: the
 * {@link org.asynccassandra.AsyncSession} as a bean built from {@code async-cassandra.*} properties, signed
 * next-page tokens, the queries of the example table, and the answers to Cassandra's failures
 * ({@link org.asynccassandra.examples.spring.CassandraErrorResponse}). The WebFlux one ({@code webflux}) streams
 * a typed {@code Flux} with backpressure; the Spring MVC one ({@code mvc}) reads through the blocking iterator on
 * virtual threads.
 */
@NullMarked
package org.asynccassandra.examples.spring;

import org.jspecify.annotations.NullMarked;
