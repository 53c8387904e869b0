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
 * A real Apache Cassandra for tests, demos and benchmarks: {@link org.asynccassandra.testkit.CassandraServer}
 * starts one node (a {@link org.asynccassandra.testkit.CassandraCluster}, several) in a child JVM, from
 * Cassandra's own jars on Maven Central, with no Docker and nothing installed by hand;
 * {@link org.asynccassandra.testkit.CassandraExtension} shares one server across a JUnit 5 run and gives each
 * test class a session and a keyspace of its own; {@link org.asynccassandra.testkit.TestData} creates and
 * loads sample tables; {@link org.asynccassandra.testkit.FaultProxy} and
 * {@link org.asynccassandra.testkit.RequestCounter} inject faults and count what the driver really sent;
 * {@link org.asynccassandra.testkit.ModulePathProgram} runs a small module against a library's jars on the
 * module path.
 */
package org.asynccassandra.testkit;
