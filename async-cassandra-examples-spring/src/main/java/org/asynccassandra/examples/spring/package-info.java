/**
 * A small Spring Boot 4 application over async-cassandra: the {@link org.asynccassandra.AsyncSession} as a bean
 * built from {@code async-cassandra.*} properties, and a Spring MVC endpoint that streams a table as NDJSON
 * through the values module's {@link org.asynccassandra.values.RowWriter}.
 */
@NullMarked
package org.asynccassandra.examples.spring;

import org.jspecify.annotations.NullMarked;
