/**
 * OpenTelemetry tracing for async-cassandra: {@link org.asynccassandra.opentelemetry.AsyncCassandraTelemetry}
 * makes a span per stream or scan, following the database semantic conventions, records
 * {@code db.client.operation.duration}, and carries the caller's context into the stream's callbacks. It
 * uses the OpenTelemetry API only. See {@code docs/observability.md} for the attributes.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}.
 */
@NullMarked
package org.asynccassandra.opentelemetry;

import org.jspecify.annotations.NullMarked;
