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

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot example: an {@link org.asynccassandra.AsyncSession} bean from {@code async-cassandra.*}
 * properties and {@code GET /api/tables/{table}/rows.ndjson}, which streams a table as NDJSON. Run it against
 * a Cassandra of your own with {@code --async-cassandra.contact-points=HOST:PORT
 * --async-cassandra.keyspace=KS}, or with an embedded one and sample rows: {@link EmbeddedExample}
 * ({@code ./async-cassandra spring}).
 */
@SpringBootApplication
public class SpringExampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(SpringExampleApplication.class, args);
  }
}
