package org.asynccassandra.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an integration test class that runs against the run's shared real Cassandra: the same as
 * {@code @ExtendWith(CassandraExtension.class)}. See {@link CassandraExtension} for what the class gets
 * (a session, a keyspace of its own, the server) and when they are created and released.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(CassandraExtension.class)
public @interface CassandraTest {}
