/*
 * Copyright 2026 The async-cassandra authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.asynccassandra.flink.export;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.util.ParameterTool;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.flink.CassandraSessionFactory;
import org.asynccassandra.flink.CassandraSource;
import org.asynccassandra.values.RowWriter;
import org.jspecify.annotations.Nullable;

/**
 * Exports a whole table to CSV or NDJSON part files with Flink: a {@link CassandraSource} of record texts
 * ({@link RecordTextMapper}, the values module's {@link RowWriter}) into a {@link FileSink}. With
 * checkpointing on (the default), a failed task restarts from the last checkpoint: every row ends up in
 * exactly one committed file.
 *
 * <pre>
 * flink run -c org.asynccassandra.flink.export.ExportJob async-cassandra-flink-VERSION-job.jar \
 *     --contact-point db1:9042,db2:9042 --datacenter dc1 --keyspace ks --table events \
 *     --format csv --output s3://bucket/events/ [--columns id,payload] [--splits 256] [--fetch-size 2000] \
 *     [--target-split-bytes 268435456] [--splits-per-reader 2] [--parallelism 8] [--checkpoint-interval 10000]
 * </pre>
 *
 * <p>{@code --datacenter} is the driver's local datacenter, {@code datacenter1} when not given (Cassandra's
 * default name, a single-node or test cluster's): on a cluster whose datacenters have other names, give it, or
 * the driver finds no node to ask. The same holds for the local run below.
 *
 * <p>Files are named {@code part-<uuid>-<subtask>-<n>.csv} in the output folder; a CSV file starts with a
 * header of the column names. Files in progress are hidden ({@code .part-...inprogress...}) until a checkpoint
 * commits them (with {@code --checkpoint-interval 0}, until the input ends).
 */
public final class ExportJob {
  private ExportJob() {}

  /**
   * Runs the export ({@link #run}) and, once it finished (not under {@code flink run --detached}), prints its
   * runtime on the cluster as {@code Job Runtime: N ms}, the line {@code flink run} prints itself: the time from
   * the job's start to its end, without the client's start-up.
   *
   * @param args the job's options, {@code --name value} pairs
   * @throws Exception when an option is missing or invalid, or the job fails
   */
  public static void main(String[] args) throws Exception {
    JobExecutionResult result = run(ParameterTool.fromArgs(args));
    if (result.isJobExecutionResult()) {
      System.out.println("Job Runtime: " + result.getNetRuntime() + " ms");
    }
  }

  /**
   * Builds the job from its parameters, runs it on the environment in context (a cluster under
   * {@code flink run}, a local one in an IDE) and waits for it. Blocks the calling thread until the job
   * ends (under {@code flink run --detached}, only until it is submitted).
   *
   * @param parameters the job's options, as the class comment lists them; {@code keyspace}, {@code table},
   *     {@code contact-point} and {@code output} are required
   * @return the finished job's result (a detached one's, under {@code --detached}, holds only the job id)
   * @throws Exception when an option is missing or invalid, the header cannot be read from Cassandra, or
   *     the job fails or cannot be submitted
   */
  public static JobExecutionResult run(ParameterTool parameters) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, parameters);
    return env.execute("Export " + parameters.getRequired("keyspace") + "." + parameters.getRequired("table"));
  }

  /**
   * Adds the export to {@code env}: checkpointing, the source, the sink. For CSV it first connects to
   * Cassandra from the calling thread, and blocks, to read the header's column names; it starts no job.
   *
   * @param env the environment to add to; its checkpoint interval and, with {@code --parallelism}, its
   *     parallelism are set
   * @param parameters the job's options, as the class comment lists them; {@code keyspace}, {@code table},
   *     {@code contact-point} and {@code output} are required
   * @throws RuntimeException when a required option is missing
   * @throws IllegalArgumentException when an option is invalid (a number, a format, a contact point)
   * @throws com.datastax.oss.driver.api.core.DriverException when the CSV header cannot be read (no node
   *     reachable, no such table or column)
   */
  public static void build(StreamExecutionEnvironment env, ParameterTool parameters) {
    String keyspace = parameters.getRequired("keyspace");
    String table = parameters.getRequired("table");
    ExportFormat format = ExportFormat.parse(parameters.get("format", "csv"));
    List<String> columns = list(parameters.get("columns", ""));
    CassandraSessionFactory sessions = CassandraSessionFactory.contactPoints(
        parameters.get("datacenter", "datacenter1"), list(parameters.getRequired("contact-point")));
    long checkpointInterval = parameters.getLong("checkpoint-interval", 10_000);
    if (checkpointInterval > 0) {
      env.enableCheckpointing(checkpointInterval);
    }
    if (parameters.has("parallelism")) {
      env.setParallelism(parameters.getInt("parallelism"));
    }

    int fetchSize = parameters.getInt("fetch-size", 2_000);
    CassandraSource.Builder builder = CassandraSource.builder(sessions, keyspace, table)
        .columns(columns)
        .splitsPerReader(parameters.getInt("splits-per-reader", 2))
        .streamConfig(() -> StreamConfig.builder().fetchSize(fetchSize).build());
    if (parameters.has("splits")) {
      builder.splits(parameters.getInt("splits"));
    }
    if (parameters.has("target-split-bytes")) {
      builder.targetSplitSize(parameters.getLong("target-split-bytes"));
    }
    CassandraSource<String> source = builder.build(new RecordTextMapper(format), Types.STRING);

    FileSink<String> sink = FileSink.forBulkFormat(new Path(parameters.getRequired("output")),
            new TextFileWriterFactory(format.hasHeader() ? header(sessions, keyspace, table, columns, format) : null))
        .withBucketAssigner(new BasePathBucketAssigner<>())
        .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(format.suffix()).build())
        .build();
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "Cassandra " + source.table())
        .sinkTo(sink).name("Files " + format.name().toLowerCase(java.util.Locale.ROOT));
  }

  /** The header record, from the columns of the scan's query as Cassandra prepares it. */
  static String header(CassandraSessionFactory sessions, String keyspace, String table, List<String> columns,
      ExportFormat format) {
    try (CqlSession session = sessions.sessionBuilder().build()) {
      PreparedStatement select = session.prepare("SELECT " + (columns.isEmpty() ? "*" : String.join(", ", columns))
          + " FROM " + keyspace + "." + table);
      StringWriter text = new StringWriter();
      try (RowWriter writer = format.writer(text)) {
        writer.writeHeader(select.getResultSetDefinitions());
      }
      return text.toString();
    }
  }

  private static List<String> list(@Nullable String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return List.of();
    }
    return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(part -> !part.isEmpty()).toList();
  }
}
