package org.asynccassandra.testkit;

/**
 * The keyspace {@link CassandraExtension} created for one test class (SimpleStrategy, replication factor
 * 1). It is dropped after the class.
 *
 * @param name the keyspace name, lower case
 */
public record TestKeyspace(String name) {
  /** A qualified table name in this keyspace: {@code name.table}. */
  public String table(String table) {
    return name + "." + table;
  }
}
