/**
 * Vert.x 5 support: {@link org.asynccassandra.vertx.CassandraReadStream} turns any
 * {@link org.asynccassandra.ResultStream} into a Vert.x {@code ReadStream} on one context, with
 * {@code pause}/{@code resume}/{@code fetch} mapped onto page pulls and bounded read-ahead;
 * {@link org.asynccassandra.vertx.NdjsonResponse} sends rows as an NDJSON HTTP response with backpressure
 * and closes the stream when the client goes away.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}. NullAway checks this in the build.
 */
@NullMarked
package org.asynccassandra.vertx;

import org.jspecify.annotations.NullMarked;
