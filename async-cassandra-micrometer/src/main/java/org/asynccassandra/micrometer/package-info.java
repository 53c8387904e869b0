/**
 * Micrometer meters for async-cassandra: bind {@link org.asynccassandra.micrometer.AsyncCassandraMetrics} to a
 * registry and every stream and scan of the session is measured. See {@code docs/observability.md} for the
 * meters and the questions they answer.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}.
 */
@NullMarked
package org.asynccassandra.micrometer;

import org.jspecify.annotations.NullMarked;
