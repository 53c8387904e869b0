/**
 * A bounded Apache Flink source over async-cassandra table scans: token-range splits whose positions in
 * Flink checkpoints are exact to the last row emitted.
 *
 * <p>Build one with {@link org.asynccassandra.flink.CassandraSource#builder}: a
 * {@link org.asynccassandra.flink.CassandraSessionFactory} (how every task connects), the table, and a
 * {@link org.asynccassandra.flink.CassandraRowMapper} that turns each driver row into a record. The guide is
 * {@code docs/flink.md}.
 *
 * <p>Null-marked: a type without {@link org.jspecify.annotations.Nullable @Nullable} never holds, takes or
 * returns {@code null}.
 */
@NullMarked
package org.asynccassandra.flink;

import org.jspecify.annotations.NullMarked;
