package org.asynccassandra.testkit;

import com.datastax.oss.driver.api.core.CqlIdentifier;

/**
 * The keyspace that {@link CassandraExtension} created for one test class: SimpleStrategy, replication
 * factor 1, named after the class ({@code it_<class name>_<n>}, lower case, at most 48 characters, unique
 * in the run). It is dropped after the class. Immutable.
 *
 * @param name the keyspace name, lower case, safe to use unquoted in CQL
 */
public record TestKeyspace(String name) {
  /** A qualified table name in this keyspace: {@code name.table}. */
  public String table(String table) {
    return name + "." + table;
  }

  /** The name as a driver identifier, for {@code withKeyspace} or the query builder. */
  public CqlIdentifier identifier() {
    return CqlIdentifier.fromInternal(name);
  }
}
