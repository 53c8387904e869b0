/**
 * async-cassandra: true async streaming of large Cassandra results on the Apache Cassandra Java driver 4.x.
 *
 * <p>Start with {@link org.asynccassandra.AsyncSession}: wrap a driver session, call
 * {@link org.asynccassandra.AsyncSession#executeStream executeStream}, and consume the
 * {@link org.asynccassandra.RowStream} in the style that suits the caller. Everything in this package is
 * public API; {@code org.asynccassandra.internal} may change at any time.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}. NullAway checks this in the build.
 */
@NullMarked
package org.asynccassandra;

import org.jspecify.annotations.NullMarked;
