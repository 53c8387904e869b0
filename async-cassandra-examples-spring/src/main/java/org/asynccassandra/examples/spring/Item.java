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
 * One row of the example table {@code (pk int, ck int, payload text)}, read through
 * {@link org.asynccassandra.RowMapper#record}: its components are matched to the columns by name. Serialized as
 * {@code {"pk":1,"ck":2,"payload":"..."}}, the shape the Vert.x example serves.
 *
 * @param pk the partition key
 * @param ck the clustering key
 * @param payload the value
 */
public record Item(int pk, int ck, String payload) {}
