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
package org.asynccassandra.internal.scan;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.RelationMetadata;
import com.datastax.oss.driver.api.core.metadata.token.TokenRange;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.ScanRange;
import org.asynccassandra.internal.util.Queries;
import com.datastax.oss.driver.api.core.metadata.token.Token;
import org.jspecify.annotations.Nullable;

/** Turns a table and a {@link ScanConfig} into the range queries of a scan. */
final class ScanPlanner {
  final String keyspace;
  final String table;
  final String selectPrefix; // SELECT cols FROM ks.t
  final String tokenOf; // token(pk1, pk2)
  final String extraRestriction; // " AND (where)" or ""
  final String suffix; // " ALLOW FILTERING" or ""
  final String fingerprint;
  final @Nullable TokenMap tokens; // null only in unit tests, which never split
  /** The partitioner's ring; null when it has no token arithmetic (or there is no token map). */
  private final @Nullable Ring ring;
  /** The table's partition key columns, to find the token of a row. */
  final List<CqlIdentifier> partitionKey;
  /** The part of the ring to read, as non-wrapping ranges; null for the whole ring. */
  private @Nullable List<TokenRange> restriction;

  private ScanPlanner(String keyspace, String table, String selectPrefix, String tokenOf, String extra,
      String suffix, String fingerprint, @Nullable TokenMap tokens, List<CqlIdentifier> partitionKey) {
    this(keyspace, table, selectPrefix, tokenOf, extra, suffix, fingerprint, tokens, partitionKey,
        tokens == null ? null : Ring.of(tokens.getPartitionerName()));
  }

  private ScanPlanner(String keyspace, String table, String selectPrefix, String tokenOf, String extra,
      String suffix, String fingerprint, @Nullable TokenMap tokens, List<CqlIdentifier> partitionKey,
      @Nullable Ring ring) {
    this.keyspace = keyspace;
    this.table = table;
    this.selectPrefix = selectPrefix;
    this.tokenOf = tokenOf;
    this.extraRestriction = extra;
    this.suffix = suffix;
    this.fingerprint = fingerprint;
    this.tokens = tokens;
    this.ring = ring;
    this.partitionKey = List.copyOf(partitionKey);
  }

  /** A planner with no cluster behind it, for unit tests: it names queries but cannot split the ring. */
  static ScanPlanner forTests(String keyspace, String table) {
    return new ScanPlanner(keyspace, table, "SELECT * FROM " + keyspace + "." + table, "token(pk)", "", "",
        "test-fingerprint", null, List.of());
  }

  /** {@link #forTests(String, String)} with the token arithmetic of {@code partitioner} (its class name). */
  static ScanPlanner forTests(String keyspace, String table, String partitioner) {
    return new ScanPlanner(keyspace, table, "SELECT * FROM " + keyspace + "." + table, "token(pk)", "", "",
        "test-fingerprint", null, List.of(), Ring.of(partitioner));
  }

  static ScanPlanner of(CqlSession session, String keyspaceName, String tableName, ScanConfig config) {
    CqlIdentifier keyspaceId = CqlIdentifier.fromCql(keyspaceName);
    CqlIdentifier tableId = CqlIdentifier.fromCql(tableName);
    KeyspaceMetadata keyspace = session.getMetadata().getKeyspace(keyspaceId).orElseThrow(() ->
        new IllegalArgumentException("Unknown keyspace '" + keyspaceName + "'; keyspaces: "
            + session.getMetadata().getKeyspaces().keySet().stream().map(id -> id.asCql(true))
                .filter(name -> !name.startsWith("system")).sorted().collect(Collectors.joining(", "))));
    // A materialized view is read as a table: its partition key, token ranges and paging are a table's.
    RelationMetadata table = keyspace.getTable(tableId).<RelationMetadata>map(found -> found)
        .or(() -> keyspace.getView(tableId)).orElseThrow(() ->
        new IllegalArgumentException("Unknown table '" + keyspaceName + "." + tableName + "'; tables in "
            + keyspaceName + ": " + keyspace.getTables().keySet().stream().map(id -> id.asCql(true)).sorted()
                .collect(Collectors.joining(", "))
            + (keyspace.getViews().isEmpty() ? "" : "; materialized views: " + keyspace.getViews().keySet()
                .stream().map(id -> id.asCql(true)).sorted().collect(Collectors.joining(", ")))));
    TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow(() -> new IllegalStateException(
        "The driver has no token map (advanced.metadata.token-map.enabled is false?); a scan needs it"));
    String qualified = keyspaceId.asCql(true) + "." + tableId.asCql(true);
    String columns = config.columns().isEmpty() ? "*" : String.join(", ", config.columns());
    String tokenOf = "token(" + table.getPartitionKey().stream().map(ColumnMetadata::getName)
        .map(name -> name.asCql(true)).collect(Collectors.joining(", ")) + ")";
    // As it is: CQL allows a single relation in parentheses, so "(a = 1 AND b = 2)" would not parse.
    String extra = config.where().map(where -> " AND " + where).orElse("");
    String suffix = config.allowFiltering() ? " ALLOW FILTERING" : "";
    String restricted = config.tokenRange().map(range -> "|range (" + tokens.format(parse(tokens, range.start()))
            + ", " + tokens.format(parse(tokens, range.end())) + "]").orElse("") // as the partitioner writes it
        + config.shard().map(shard -> "|shard " + shard).orElse("");
    String fingerprint = fingerprint(qualified, columns, config.where().orElse(""), suffix, restricted,
        tokens.getPartitionerName());
    ScanPlanner planner = new ScanPlanner(keyspaceId.asInternal(), tableId.asInternal(), "SELECT " + columns
        + " FROM " + qualified, tokenOf, extra, suffix, fingerprint, tokens,
        table.getPartitionKey().stream().map(ColumnMetadata::getName).toList());
    planner.restriction = restriction(tokens, config);
    return planner;
  }

  /**
   * What a checkpoint is bound to: the table, the columns, the where clause, ALLOW FILTERING, the token range
   * and shard, and the partitioner, whose tokens the checkpoint's ranges are (a Murmur3 checkpoint parses as
   * Random tokens, and would read almost nothing of a Random cluster's ring).
   */
  static String fingerprint(String qualifiedTable, String columns, String where, String suffix, String restricted,
      String partitioner) {
    return hash(qualifiedTable + "|" + columns + "|" + where + "|" + suffix + restricted + "|" + partitioner);
  }

  /**
   * The part of the ring a scan may read, as non-wrapping ranges: the token range and the shard of the
   * config, intersected; null for the whole ring.
   */
  private static @Nullable List<TokenRange> restriction(TokenMap tokens, ScanConfig config) {
    List<TokenRange> restriction = null;
    if (config.tokenRange().isPresent()) {
      ScanRange range = config.tokenRange().get();
      Token start = parse(tokens, range.start());
      Token end = parse(tokens, range.end());
      if (start.equals(end)) { // an empty range, which would plan no range and read nothing without a word
        throw new IllegalArgumentException("The token range " + range + " is empty: its start and end are one "
            + "token (" + tokens.format(start) + ")");
      }
      restriction = tokens.newTokenRange(start, end).unwrap();
    }
    if (config.shard().isPresent()) {
      List<TokenRange> slice = shardRange(tokens, config.shard().get()).unwrap();
      if (restriction != null) {
        restriction = intersect(restriction, slice);
        if (restriction.isEmpty()) { // as an empty token range: a scan that would read nothing without a word
          throw new IllegalArgumentException("The token range " + config.tokenRange().get() + " and shard "
              + config.shard().get() + " share no token: together they leave nothing to read");
        }
      } else {
        restriction = slice;
      }
    }
    return restriction;
  }

  /** The K-th of N equal slices of the whole ring, by token arithmetic: {@code (b(K-1), b(K)]}. */
  static TokenRange shardRange(TokenMap tokens, ScanConfig.Shard shard) {
    String partitioner = tokens.getPartitionerName();
    Ring ring = Ring.of(partitioner);
    if (ring == null) {
      throw new IllegalArgumentException("A shard of the ring needs the Murmur3 or the Random partitioner; this "
          + "cluster uses " + partitioner + ": scan chosen token ranges instead");
    }
    BigInteger min = ring.min();
    BigInteger max = ring.max();
    BigInteger span = ring.span();
    BigInteger start = min.add(span.multiply(BigInteger.valueOf(shard.number() - 1L))
        .divide(BigInteger.valueOf(shard.count())));
    BigInteger end = shard.number() == shard.count() ? max
        : min.add(span.multiply(BigInteger.valueOf(shard.number())).divide(BigInteger.valueOf(shard.count())));
    return tokens.newTokenRange(tokens.parse(start.toString()), tokens.parse(end.toString()));
  }

  private static List<TokenRange> intersect(List<TokenRange> left, List<TokenRange> right) {
    List<TokenRange> common = new ArrayList<>();
    for (TokenRange a : left) {
      for (TokenRange b : right) {
        if (a.intersects(b)) {
          for (TokenRange piece : a.intersectWith(b)) {
            if (!piece.isEmpty()) {
              common.add(piece);
            }
          }
        }
      }
    }
    return common;
  }

  private static Token parse(TokenMap tokens, String token) {
    try {
      return tokens.parse(token);
    } catch (RuntimeException notAToken) {
      throw new IllegalArgumentException("Not a token of this cluster's partitioner (" + tokens.getPartitionerName()
          + "): " + token, notAToken);
    }
  }

  /**
   * What the scan's messages and logs call it: {@code scan of ks.t}, with its where clause and ALLOW
   * FILTERING when it has them (a bad restriction is the usual cause of a failed range), shortened as a
   * stream's query is; the token range is named apart, per range.
   */
  String description() {
    String restriction = extraRestriction.isEmpty() ? "" : " where " + extraRestriction.substring(5);
    return Queries.shorten("scan of " + keyspace + "." + table + restriction + suffix);
  }

  /** The CQL query of a range. */
  String query(PlannedRange range) {
    if (range.fullRing()) {
      return selectPrefix + (extraRestriction.isEmpty() ? "" : " WHERE " + extraRestriction.substring(5)) + suffix;
    }
    return selectPrefix + " WHERE " + range.restriction(tokenOf) + extraRestriction + suffix;
  }

  /** The ranges a scan with {@code config} reads: the chosen ones, a checkpoint's, or a fresh split. */
  List<PlannedRange> plan(ScanConfig config, int nodes) {
    if (config.resumeFrom().isPresent()) {
      return resume(config.resumeFrom().get());
    }
    if (!config.ranges().isEmpty()) {
      List<PlannedRange> chosen = new ArrayList<>();
      for (ScanRange range : config.ranges()) {
        chosen.add(planned(chosen.size(), range, ScanCheckpoint.State.PENDING, null, 0, 0));
      }
      checkDisjoint(config.ranges(), "The chosen ranges");
      return chosen;
    }
    return split(config.splits().orElse(4 * Math.max(1, nodes)));
  }

  /**
   * Splits the ring into about {@code splits} ranges that follow the token map's own boundaries. Neighbouring
   * vnodes are merged only when the keyspace has the same replicas on both, so that a range is read from a
   * replica of all of it (its requests are routed by its end): a cluster whose neighbouring vnodes belong to
   * other replicas gets more ranges than asked, at most one a vnode.
   */
  List<PlannedRange> split(int splits) {
    TokenMap tokenMap = Objects.requireNonNull(tokens, "splitting the ring needs the cluster's token map");
    List<TokenRange> ring = new ArrayList<>(tokenMap.getTokenRanges());
    ring.sort(null);
    List<TokenRange> ranges = new ArrayList<>();
    if (splits == 1 || ring.isEmpty()) {
      return restriction == null
          ? List.of(planned(0, ScanRange.fullRing(), ScanCheckpoint.State.PENDING, null, 0, 0))
          : pieces(tokenMap, restriction);
    }
    if (splits <= ring.size()) {
      // Merge neighbours of the same replicas into `splits` groups of consecutive ranges, or one a run of them.
      List<List<TokenRange>> runs = replicaRuns(tokenMap, ring);
      int[] groups = groupsPerRun(runs, splits);
      for (int r = 0; r < runs.size(); r++) {
        List<TokenRange> run = runs.get(r);
        int index = 0;
        for (int group = 0; group < groups[r]; group++) {
          int size = run.size() / groups[r] + (group < run.size() % groups[r] ? 1 : 0);
          TokenRange merged = run.get(index);
          for (int i = 1; i < size; i++) {
            merged = merged.mergeWith(run.get(index + i));
          }
          index += size;
          ranges.add(merged);
        }
      }
    } else {
      for (int i = 0; i < ring.size(); i++) {
        int pieces = splits / ring.size() + (i < splits % ring.size() ? 1 : 0);
        ranges.addAll(ring.get(i).splitEvenly(pieces));
      }
    }
    List<TokenRange> unwrapped = new ArrayList<>();
    for (TokenRange range : ranges) {
      if (range.isFullRing()) {
        return restriction == null
            ? List.of(planned(0, ScanRange.fullRing(), ScanCheckpoint.State.PENDING, null, 0, 0))
            : pieces(tokenMap, restriction);
      }
      unwrapped.addAll(range.unwrap());
    }
    return pieces(tokenMap, restriction == null ? unwrapped : intersect(unwrapped, restriction));
  }

  /**
   * The ring's vnode ranges (sorted) in runs of neighbours that have the same replicas for this keyspace; one
   * run when the token map knows no replicas (its keyspace replication not read).
   */
  private List<List<TokenRange>> replicaRuns(TokenMap tokenMap, List<TokenRange> ring) {
    CqlIdentifier keyspaceId = CqlIdentifier.fromInternal(keyspace);
    List<List<TokenRange>> runs = new ArrayList<>();
    Set<Node> previous = null;
    for (TokenRange range : ring) {
      Set<Node> replicas = tokenMap.getReplicas(keyspaceId, range);
      if (!replicas.equals(previous)) {
        runs.add(new ArrayList<>());
        previous = replicas;
      }
      runs.get(runs.size() - 1).add(range);
    }
    return runs;
  }

  /**
   * How many groups each run is cut into: one each, then the rest of {@code splits} one at a time to the run
   * with the most vnodes a group, so groups come out about as wide as an even split of the ring makes them.
   * With {@code splits} at most the vnodes, no run gets more groups than it has vnodes.
   */
  static int[] groupsPerRun(List<? extends List<?>> runs, int splits) {
    int[] groups = new int[runs.size()];
    java.util.PriorityQueue<Integer> widest = new java.util.PriorityQueue<>(Math.max(1, runs.size()),
        (a, b) -> Long.compare((long) runs.get(b).size() * groups[a], (long) runs.get(a).size() * groups[b]));
    for (int r = 0; r < runs.size(); r++) {
      groups[r] = 1;
      widest.add(r);
    }
    for (int extra = splits - runs.size(); extra > 0; extra--) {
      int r = widest.remove();
      groups[r]++;
      widest.add(r);
    }
    return groups;
  }

  /** Plans non-wrapping ranges, in order, skipping empty ones. */
  private List<PlannedRange> pieces(TokenMap tokenMap, List<TokenRange> ranges) {
    List<PlannedRange> planned = new ArrayList<>();
    for (TokenRange piece : ranges) {
      if (!piece.isEmpty()) {
        ScanRange range = ScanRange.of(tokenMap.format(piece.getStart()), tokenMap.format(piece.getEnd()));
        planned.add(new PlannedRange(planned.size(), range, piece.getEnd(), ScanCheckpoint.State.PENDING, null, 0,
            0, share(range)));
      }
    }
    return planned;
  }

  /** The ranges of a checkpoint, after checking that it belongs to this scan. */
  List<PlannedRange> resume(ScanCheckpoint checkpoint) {
    if (!checkpoint.keyspace().equals(keyspace) || !checkpoint.table().equals(table)) {
      throw new IllegalArgumentException("The checkpoint belongs to table " + checkpoint.keyspace() + "."
          + checkpoint.table() + ", not " + keyspace + "." + table);
    }
    if (!checkpoint.queryFingerprint().equals(fingerprint)) {
      throw new IllegalArgumentException("The checkpoint was made by another scan of " + keyspace + "." + table
          + ": of other columns, another restriction (where clause, ALLOW FILTERING, token range, shard), or on a"
          + " cluster of another partitioner; resume with the same ones");
    }
    List<PlannedRange> ranges = new ArrayList<>();
    for (ScanCheckpoint.Range range : checkpoint.ranges()) {
      ByteBuffer state = range.pagingState() == null ? null
          : ByteBuffer.wrap(Base64.getUrlDecoder().decode(range.pagingState()));
      ranges.add(planned(ranges.size(), range.range(), range.state(), state, range.rowsToSkip(),
          range.rowsDelivered()));
    }
    checkDisjoint(checkpoint.ranges().stream().map(ScanCheckpoint.Range::range).toList(), "The checkpoint's ranges");
    return ranges;
  }

  /**
   * Refuses ranges that share tokens, whose rows would be read twice: the same range twice (also written
   * another way, {@code 05} and {@code 5}), overlapping ranges, or the whole ring with others. Gaps are fine (a
   * scan of part of the ring). Sorted by start, non-wrapping ranges overlap only if two neighbours do.
   */
  private void checkDisjoint(List<ScanRange> ranges, String what) {
    if (ranges.size() < 2) {
      return;
    }
    if (ranges.stream().anyMatch(ScanRange::isFullRing)) {
      throw new IllegalArgumentException(what + " hold the whole ring and other ranges too: their rows would be "
          + "read twice");
    }
    if (tokens == null) {
      return; // no partitioner to compare tokens with (unit tests); planned() checks each range with it
    }
    TokenMap tokenMap = tokens;
    List<TokenRange> sorted = new ArrayList<>();
    for (ScanRange range : ranges) {
      TokenRange parsed = tokenMap.newTokenRange(tokenMap.parse(range.start()), tokenMap.parse(range.end()));
      if (!parsed.isEmpty()) {
        sorted.add(parsed);
      }
    }
    sorted.sort(java.util.Comparator.comparing(TokenRange::getStart));
    for (int i = 1; i < sorted.size(); i++) {
      TokenRange before = sorted.get(i - 1);
      TokenRange after = sorted.get(i);
      if (before.intersects(after)) {
        throw new IllegalArgumentException(what + " overlap: (" + tokenMap.format(before.getStart()) + ", "
            + tokenMap.format(before.getEnd()) + "] and (" + tokenMap.format(after.getStart()) + ", "
            + tokenMap.format(after.getEnd()) + "] share tokens, whose rows would be read twice");
      }
    }
  }

  /** A planned range, its end token parsed (and checked) with the cluster's partitioner. */
  private PlannedRange planned(int index, ScanRange range, ScanCheckpoint.State state,
      @Nullable ByteBuffer pagingState, int skip, long rows) {
    if (range.isFullRing() || tokens == null) {
      return new PlannedRange(index, range, null, state, pagingState, skip, rows);
    }
    Token start;
    Token end;
    try {
      start = tokens.parse(range.start());
      end = tokens.parse(range.end());
    } catch (RuntimeException notAToken) {
      throw new IllegalArgumentException("Not a token range of this cluster's partitioner ("
          + tokens.getPartitionerName() + "): " + range, notAToken);
    }
    // As the partitioner writes them: the text goes into the query, and CQL reads neither "+5" nor "٥".
    if (start.equals(end)) {
      throw new IllegalArgumentException("The token range " + range + " is empty: its start and end are one token ("
          + tokens.format(start) + ")");
    }
    ScanRange canonical = ScanRange.of(tokens.format(start), tokens.format(end));
    if (tokens.newTokenRange(start, end).isWrappedAround()) {
      // Cassandra reads (start, end] with start > end as empty: its rows would be lost without a word.
      throw new IllegalArgumentException("The token range " + range + " wraps around the end of the ring; "
          + "give it as two ranges, split at the ring's end (the driver's TokenRange.unwrap() does that), or "
          + "use the ranges of AsyncSession.planScan");
    }
    return new PlannedRange(index, canonical, end, state, pagingState, skip, rows, share(canonical));
  }

  /**
   * What a non-wrapping range is worth in the scan's progress: its width in tokens, scaled so that the widths
   * of disjoint ranges add up within a {@code long} (the Murmur3 ring has 2^64 tokens, the random one 2^127),
   * at least 1; {@link PlannedRange#WHOLE} for a partitioner without token arithmetic. The rows of a table
   * spread evenly over the tokens of these two partitioners, so the share of the width done is the share of
   * the rows done, however unequal the ranges (a range of one vnode and one of several, a resumed scan's
   * pieces of a split range).
   */
  private long share(ScanRange range) {
    if (ring == null) {
      return PlannedRange.WHOLE;
    }
    BigInteger span = ring.span();
    // Modulo the ring: a range that ends at the ring's minimum token, as unwrap() makes, runs to its end.
    BigInteger width = new BigInteger(range.end()).subtract(new BigInteger(range.start())).mod(span);
    return Math.max(1, width.shiftRight(Math.max(0, span.bitLength() - 62)).longValueExact());
  }

  /**
   * How far into {@code range} the token {@code token} lies, from 0 (its start) to 1 (its end), for a scan's
   * progress, with the token arithmetic of the Murmur3 and random partitioners (a range that ends at the ring's
   * minimum runs to the ring's end); 0 with another partitioner, or without a token map, or for a token outside
   * the range.
   */
  double fractionUpTo(ScanRange range, String token) {
    Ring tokensRing = ring;
    if (tokensRing == null) {
      return 0;
    }
    BigInteger start;
    BigInteger end;
    BigInteger at;
    try {
      start = new BigInteger(range.start());
      end = new BigInteger(range.end());
      at = new BigInteger(token);
    } catch (NumberFormatException notANumber) {
      return 0;
    }
    BigInteger span = tokensRing.span();
    BigInteger width = end.subtract(start).mod(span);
    BigInteger done = at.subtract(start).mod(span);
    if (width.signum() <= 0 || done.signum() < 0 || done.compareTo(width) > 0) {
      return 0;
    }
    return new java.math.BigDecimal(done).divide(new java.math.BigDecimal(width), java.math.MathContext.DECIMAL64)
        .doubleValue();
  }

  /** The tokens of a partitioner with token arithmetic, from {@code min} (excluded) to {@code max}. */
  private record Ring(BigInteger min, BigInteger max) {
    /** The Murmur3 or the random partitioner's ring; null for another partitioner. */
    static @Nullable Ring of(String partitioner) {
      if (partitioner.endsWith("Murmur3Partitioner")) {
        return new Ring(BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE));
      }
      if (partitioner.endsWith("RandomPartitioner")) {
        return new Ring(BigInteger.ONE.negate(), BigInteger.TWO.pow(127));
      }
      return null;
    }

    /** How many tokens it has, its minimum counted as shardRange always counted it. */
    BigInteger span() {
      return max.subtract(min).add(BigInteger.ONE);
    }
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException unavailable) {
      throw new IllegalStateException(unavailable);
    }
  }
}
