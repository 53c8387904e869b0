package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CassandraExtension.class)
class CassandraExtensionIT {
  @Test
  void should_give_a_session_and_a_keyspace_on_a_real_cassandra(CqlSession session, TestKeyspace keyspace,
      CassandraServer server) {
    assertThat(keyspace.name()).startsWith("it_cassandraextensionit_");
    assertThat(session.getMetadata().getKeyspace(keyspace.name())).isPresent();
    assertThat(session.execute("SELECT release_version FROM system.local").one().getString(0)).startsWith("5.0.");
    assertThat(server.isRunning()).isTrue();
  }

  @Test
  void should_load_rows_and_read_them_back(CqlSession session, TestKeyspace keyspace) {
    String table = keyspace.table("sample");
    TestData.createSampleTable(session, table);
    long loaded = TestData.loadSampleRows(session, table, 20_000, 3_000);
    assertThat(loaded).isEqualTo(20_000);
    long count = 0;
    for (Row row : session.execute(SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + table).setPageSize(1000))) {
      assertThat(row.getString("payload")).isEqualTo(TestData.payload(row.getInt("pk"), row.getInt("ck")));
      count++;
    }
    assertThat(count).isEqualTo(20_000);
    assertThat(session.execute("SELECT count(*) FROM " + table + " WHERE pk = 6").one().getLong(0)).isEqualTo(2_000);
  }
}
