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
package org.asynccassandra.examples.spring.mvc;

import org.asynccassandra.examples.spring.AsyncCassandraConfiguration;
import org.asynccassandra.examples.spring.BadRequestAdvice;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The Spring MVC example (Tomcat): an {@link org.asynccassandra.AsyncSession} bean from {@code async-cassandra.*}
 * properties, and endpoints that read through the blocking iterator on {@link ExportExecutorConfiguration}'s
 * executor (a virtual thread per request on Java 21+, a bounded pool on 17):
 * <ul>
 *   <li>{@code GET /api/items/export.ndjson}: the table {@code async-cassandra.table} as NDJSON;
 *   <li>{@code GET /api/tables/{table}/rows.ndjson}: any table of the keyspace as NDJSON;
 *   <li>{@code GET /api/items?limit=N&token=T}: a page and its signed next-page token (see
 *       {@link org.asynccassandra.examples.spring.ItemQueries}).
 * </ul>
 * A request the export executor refuses (the bounded pool full, on Java 17) is answered {@code 503} with
 * {@code Retry-After} ({@link BusyAdvice}); one that Cassandra fails {@code 503} with {@code Retry-After}, or
 * {@code 504}, with a JSON body that says why, and a table that is not there {@code 404}
 * ({@link CassandraErrorAdvice}, the same answers as the WebFlux example's).
 * Run it against a Cassandra of your own with {@code --async-cassandra.contact-points=HOST:PORT
 * --async-cassandra.keyspace=KS}, or with an embedded one and sample rows:
 * {@link org.asynccassandra.examples.spring.EmbeddedExample} ({@code ./async-cassandra serve --spring --mvc}).
 */
@SpringBootApplication
@Import({AsyncCassandraConfiguration.class, BadRequestAdvice.class})
public class MvcExampleApplication {
  public static void main(String[] args) {
    application().run(args);
  }

  /** The application, on Spring MVC whatever else is on the classpath (WebFlux is, for the other example). */
  public static SpringApplication application() {
    SpringApplication application = new SpringApplication(MvcExampleApplication.class);
    application.setWebApplicationType(WebApplicationType.SERVLET);
    return application;
  }
}
