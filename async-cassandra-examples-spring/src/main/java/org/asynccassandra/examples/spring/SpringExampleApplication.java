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
