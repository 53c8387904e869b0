package org.asynccassandra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the real demo end to end, small: embedded server, load, three reads, table, stop. */
class DemoCommandIT {
  @Test
  void should_start_a_server_load_read_three_ways_print_the_table_and_stop() {
    long processesBefore = cassandraProcesses();
    Captured run = capture("demo", "--rows", "30000", "--fetch-size", "1000", "--rounds", "1", "--heap", "512M");

    assertThat(run.exitCode).as(run.out + run.err).isZero();
    assertThat(run.out)
        .contains("Cassandra is up at 127.0.0.1:")
        .contains("Loading async_cassandra_demo.events 100%  30,000 rows")
        .contains("driver: ResultSet iteration")
        .contains("driver: fetchNextPage() chain")
        .contains("async-cassandra: executeStream")
        .contains("longest loop stall")
        .contains("Stopping the embedded server");
    assertThat(run.out.lines().filter(line -> line.matches("^(driver|async-cassandra): .*\\s30,000\\s.*")))
        .hasSize(3);
    assertThat(cassandraProcesses()).isEqualTo(processesBefore);
  }

  @Test
  void should_reject_bad_options_with_one_line_and_exit_code_2() {
    Captured run = capture("demo", "--rows", "0");
    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).contains("--rows must be > 0: 0").doesNotContain("\tat ");
  }

  private static long cassandraProcesses() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("CassandraDaemon"))
        .count();
  }

  record Captured(int exitCode, String out, String err) {}

  static synchronized Captured capture(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = AsyncCassandraCli.execute(args);
      return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }
}
