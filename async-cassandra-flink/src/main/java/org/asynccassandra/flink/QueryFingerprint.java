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
package org.asynccassandra.flink;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a checkpoint of a {@link CassandraSource} is bound to: the table, the columns, the where clause and
 * ALLOW FILTERING. The planner stamps this fingerprint of its source's query on every split, and a split
 * restored into a source that reads something else is refused (by the enumerator and by the reader), with a
 * position or without one: a position's own {@link org.asynccassandra.ScanCheckpoint#queryFingerprint()} is
 * checked only when its scan opens, and a split not started yet has no position. Each part is hashed apart,
 * so that a refusal says which one changed. Stateless.
 */
final class QueryFingerprint {
  /** The parts, in the order the fingerprint lists them, each as {@code name hash}. */
  private static final List<String> PARTS = List.of("table", "columns", "where", "allowFiltering");

  private QueryFingerprint() {}

  /**
   * The fingerprint of a source's query: {@code "table H columns H where H allowFiltering B"}, each H the
   * first 8 bytes of a SHA-256 in hex. The keyspace and the table count by their internal names (as CQL reads
   * them: {@code Events} is {@code events}), the columns and the where clause as written.
   */
  static String of(SourceSettings settings) {
    String where = settings.where();
    return "table " + hash(List.of(CqlIdentifier.fromCql(settings.keyspace()).asInternal(),
        CqlIdentifier.fromCql(settings.table()).asInternal()))
        + " columns " + hash(settings.columns())
        + " where " + hash(where == null ? List.of() : List.of(where))
        + " allowFiltering " + settings.allowFiltering();
  }

  /**
   * Refuses a split planned by a source of another query. A split without a fingerprint (restored from a
   * checkpoint of version 1 of the split format) is accepted as it always was: if it has a position, its
   * scan still refuses that position when it opens.
   *
   * @param split the split restored or assigned
   * @param current the fingerprint of this source's query, {@link #of}
   * @param table {@code keyspace.table}, for the message
   * @throws IllegalArgumentException when the split carries another fingerprint; the message names the split
   *     and what changed
   */
  static void check(CassandraSplit split, String current, String table) {
    String planned = split.queryFingerprint();
    if (planned == null || planned.equals(current)) {
      return;
    }
    throw new IllegalArgumentException("Split " + split.splitId() + " of " + table + " (token range "
        + split.range() + ") was planned by a source of another query: " + changes(planned, current)
        + " changed since the checkpoint. A checkpoint is bound to the table, the columns, the where clause and "
        + "ALLOW FILTERING: restore it into a source that reads the same ones, or start the job without it");
  }

  /** What differs between two fingerprints, in words: {@code "the columns and the where clause"}. */
  static String changes(String planned, String current) {
    Map<String, String> before = parts(planned);
    Map<String, String> now = parts(current);
    List<String> changed = new ArrayList<>();
    for (String part : PARTS) {
      if (!Objects.equals(before.get(part), now.get(part))) {
        changed.add(switch (part) {
          case "table" -> "the table";
          case "columns" -> "the columns";
          case "where" -> "the where clause";
          default -> "ALLOW FILTERING";
        });
      }
    }
    if (changed.isEmpty() || before.isEmpty()) {
      return "the query"; // a fingerprint of another form: say no more than that it differs
    }
    if (changed.size() == 1) {
      return changed.get(0);
    }
    return String.join(", ", changed.subList(0, changed.size() - 1)) + " and " + changed.get(changed.size() - 1);
  }

  /** The parts of a fingerprint by name; empty when it is not of the form {@link #of} writes. */
  private static Map<String, String> parts(String fingerprint) {
    String[] words = fingerprint.split(" ", -1);
    Map<String, String> parts = new HashMap<>();
    for (int i = 0; i + 1 < words.length; i += 2) {
      parts.put(words[i], words[i + 1]);
    }
    return words.length == 2 * PARTS.size() && parts.keySet().containsAll(PARTS) ? parts : Map.of();
  }

  /** The first 8 bytes of the SHA-256 of the texts, each after its length, in hex. */
  private static String hash(List<String> texts) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) { // every JVM has it
      throw new IllegalStateException(impossible);
    }
    for (String text : texts) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      digest.update((utf8.length + ":").getBytes(StandardCharsets.US_ASCII));
      digest.update(utf8);
    }
    return HexFormat.of().formatHex(Arrays.copyOf(digest.digest(), 8));
  }
}
