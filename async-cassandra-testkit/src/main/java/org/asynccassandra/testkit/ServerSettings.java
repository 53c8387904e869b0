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
package org.asynccassandra.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one node needs to run, resolved and immutable: where it listens, which JDK and jars it runs on,
 * and how its cassandra.yaml, logback.xml and command line look. {@link CassandraServer} holds one per node;
 * rendering lives here so that unit tests can check it without starting anything.
 */
record ServerSettings(
    String clusterName,
    String address,
    int nativePort,
    int storagePort,
    String seeds,
    String heap,
    String commitlogSync,
    Map<String, String> yaml,
    List<String> jvmOptions,
    Duration startTimeout,
    Duration stopTimeout,
    boolean checkPorts,
    Path javaHome,
    ServerClasspath classpath,
    Security security) {

  ServerSettings {
    yaml = Map.copyOf(yaml);
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** The JVM options of Cassandra's conf/jvm-server.options and conf/jvm17-server.options that it needs. */
  private static final List<String> ADD_EXPORTS = List.of(
      "java.base/jdk.internal.misc", "java.management.rmi/com.sun.jmx.remote.internal.rmi",
      "java.rmi/sun.rmi.registry", "java.rmi/sun.rmi.server", "java.sql/java.sql", "java.base/java.lang.ref",
      "jdk.unsupported/sun.misc", "jdk.compiler/com.sun.tools.javac.file", "jdk.attach/sun.tools.attach");
  private static final List<String> ADD_OPENS = List.of(
      "java.base/java.lang.module", "java.base/jdk.internal.loader", "java.base/jdk.internal.ref",
      "java.base/jdk.internal.reflect", "java.base/jdk.internal.math", "java.base/jdk.internal.module",
      "java.base/jdk.internal.util.jar", "jdk.management/com.sun.management.internal", "java.base/sun.nio.ch",
      "java.base/java.io", "java.base/java.lang.reflect", "jdk.compiler/com.sun.tools.javac",
      "java.base/java.lang", "java.base/java.util");

  /** The command that runs this node with its files in {@code folder}, after {@code prefix} (setpriv). */
  List<String> command(Path folder, List<String> prefix) {
    List<String> command = new ArrayList<>(prefix);
    command.add(javaHome.resolve("bin/java").toString());
    command.addAll(List.of("-Xms" + heap, "-Xmx" + heap, "-Xss256k", "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError", "-XX:+PerfDisableSharedMem", "-Djava.net.preferIPv4Stack=true",
        "-Djdk.attach.allowAttachSelf=true", "-javaagent:" + classpath.jammAgent()));
    ADD_EXPORTS.forEach(module -> command.add("--add-exports=" + module + "=ALL-UNNAMED"));
    ADD_OPENS.forEach(module -> command.add("--add-opens=" + module + "=ALL-UNNAMED"));
    command.addAll(List.of(
        "-Dio.netty.tryReflectionSetAccessible=true",
        "-Dcassandra.config=file://" + folder.resolve("conf/cassandra.yaml"),
        "-Dcassandra.logdir=" + folder.resolve("logs"),
        "-Dcassandra.storagedir=" + folder.resolve("data"),
        "-Dlogback.configurationFile=" + folder.resolve("conf/logback.xml"),
        // Without it the daemon closes stdout and stderr, and late errors vanish.
        "-Dcassandra-foreground=yes",
        // snappy and lz4 unpack native libraries into java.io.tmpdir and only delete them on a clean
        // exit: keep them in the node's folder so that a killed node leaves nothing in /tmp.
        "-Djava.io.tmpdir=" + folder.resolve("tmp"),
        // Test-only fast start: no gossip settling, short ring delay, no superuser setup delay.
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.ring_delay_ms=1000",
        "-Dcassandra.superuser_setup_delay_ms=0",
        "-Dcassandra.gossip_settle_min_wait_ms=0",
        "-Dcassandra.shutdown_announce_in_ms=200"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath.asArgument());
    command.add("org.apache.cassandra.service.CassandraDaemon");
    return command;
  }

  /** The node's cassandra.yaml, with its directories under {@code folder}. */
  String cassandraYaml(Path folder) {
    Path data = folder.resolve("data");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("cluster_name", quoted(clusterName));
    settings.put("num_tokens", "16");
    settings.put("allocate_tokens_for_local_replication_factor", "3");
    settings.put("partitioner", "org.apache.cassandra.dht.Murmur3Partitioner");
    settings.put("auto_bootstrap", "false");
    settings.put("authenticator", "AllowAllAuthenticator");
    settings.put("authorizer", "AllowAllAuthorizer");
    settings.put("data_file_directories", "[" + quoted(data.resolve("data").toString()) + "]");
    settings.put("commitlog_directory", quoted(data.resolve("commitlog").toString()));
    settings.put("saved_caches_directory", quoted(data.resolve("saved_caches").toString()));
    settings.put("hints_directory", quoted(data.resolve("hints").toString()));
    settings.put("cdc_raw_directory", quoted(data.resolve("cdc_raw").toString()));
    settings.put("commitlog_sync", commitlogSync);
    if (commitlogSync.equals("periodic")) {
      settings.put("commitlog_sync_period", "10000ms"); // batch mode refuses a period
    }
    settings.put("commitlog_segment_size", "32MiB");
    settings.put("listen_address", address);
    settings.put("rpc_address", address);
    settings.put("storage_port", Integer.toString(storagePort));
    settings.put("native_transport_port", Integer.toString(nativePort));
    settings.put("start_native_transport", "true");
    settings.put("endpoint_snitch", "SimpleSnitch");
    settings.put("auto_snapshot", "false");
    security.yaml(settings);
    settings.putAll(yaml);
    StringBuilder text = new StringBuilder("# Written by async-cassandra-testkit for ")
        .append(address).append(':').append(nativePort).append('\n');
    settings.forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));
    text.append("seed_provider:\n")
        .append("  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n")
        .append("    parameters:\n")
        .append("      - seeds: \"").append(seeds).append("\"\n");
    return text.toString();
  }

  /**
   * The node's logback.xml: one plain file, {@code logs/system.log}, at INFO. The date pattern is
   * {@code HH:mm:ss.SSS}: logback 1.5 (Cassandra's) breaks on the comma in {@code HH:mm:ss,SSS}.
   */
  static String logbackXml(Path logs) {
    return String.join("\n",
        "<configuration scan=\"false\">",
        "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">",
        "    <file>" + logs.resolve("system.log") + "</file>",
        "    <encoder><pattern>%date{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n</pattern></encoder>",
        "  </appender>",
        "  <root level=\"INFO\"><appender-ref ref=\"FILE\"/></root>",
        "</configuration>",
        "");
  }

  /** A YAML single-quoted scalar: quotes inside are doubled. */
  static String quoted(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
