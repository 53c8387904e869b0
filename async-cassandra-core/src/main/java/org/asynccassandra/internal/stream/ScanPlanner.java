package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.datastax.oss.driver.api.core.metadata.token.TokenRange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.ScanRange;
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

  private ScanPlanner(String keyspace, String table, String selectPrefix, String tokenOf, String extra,
      String suffix, String fingerprint, @Nullable TokenMap tokens) {
    this.keyspace = keyspace;
    this.table = table;
    this.selectPrefix = selectPrefix;
    this.tokenOf = tokenOf;
    this.extraRestriction = extra;
    this.suffix = suffix;
    this.fingerprint = fingerprint;
    this.tokens = tokens;
  }

  /** A planner with no cluster behind it, for unit tests: it names queries but cannot split the ring. */
  static ScanPlanner forTests(String keyspace, String table) {
    return new ScanPlanner(keyspace, table, "SELECT * FROM " + keyspace + "." + table, "token(pk)", "", "",
        "test-fingerprint", null);
  }

  static ScanPlanner of(CqlSession session, String keyspaceName, String tableName, ScanConfig config) {
    CqlIdentifier keyspaceId = CqlIdentifier.fromCql(keyspaceName);
    CqlIdentifier tableId = CqlIdentifier.fromCql(tableName);
    KeyspaceMetadata keyspace = session.getMetadata().getKeyspace(keyspaceId).orElseThrow(() ->
        new IllegalArgumentException("Unknown keyspace '" + keyspaceName + "'; keyspaces: "
            + session.getMetadata().getKeyspaces().keySet().stream().map(id -> id.asCql(true))
                .filter(name -> !name.startsWith("system")).sorted().collect(Collectors.joining(", "))));
    TableMetadata table = keyspace.getTable(tableId).orElseThrow(() ->
        new IllegalArgumentException("Unknown table '" + keyspaceName + "." + tableName + "'; tables in "
            + keyspaceName + ": " + keyspace.getTables().keySet().stream().map(id -> id.asCql(true)).sorted()
                .collect(Collectors.joining(", "))));
    TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow(() -> new IllegalStateException(
        "The driver has no token map (advanced.metadata.token-map.enabled is false?); a scan needs it"));
    String qualified = keyspaceId.asCql(true) + "." + tableId.asCql(true);
    String columns = config.columns().isEmpty() ? "*" : String.join(", ", config.columns());
    String tokenOf = "token(" + table.getPartitionKey().stream().map(ColumnMetadata::getName)
        .map(name -> name.asCql(true)).collect(Collectors.joining(", ")) + ")";
    String extra = config.where().map(where -> " AND (" + where + ")").orElse("");
    String suffix = config.allowFiltering() ? " ALLOW FILTERING" : "";
    String fingerprint = hash(qualified + "|" + columns + "|" + config.where().orElse("") + "|" + suffix);
    return new ScanPlanner(keyspaceId.asInternal(), tableId.asInternal(), "SELECT " + columns + " FROM "
        + qualified, tokenOf, extra, suffix, fingerprint, tokens);
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
        chosen.add(planned(chosen.size(), range, ScanCheckpoint.State.PENDING, null, 0));
      }
      return chosen;
    }
    return split(config.splits().orElse(4 * Math.max(1, nodes)));
  }

  /** Splits the ring into about {@code splits} ranges that follow the token map's own boundaries. */
  List<PlannedRange> split(int splits) {
    TokenMap tokenMap = Objects.requireNonNull(tokens, "splitting the ring needs the cluster's token map");
    List<TokenRange> ring = new ArrayList<>(tokenMap.getTokenRanges());
    ring.sort(null);
    List<TokenRange> ranges = new ArrayList<>();
    if (splits == 1 || ring.isEmpty()) {
      return List.of(planned(0, ScanRange.fullRing(), ScanCheckpoint.State.PENDING, null, 0));
    }
    if (splits <= ring.size()) {
      // Merge neighbours into `splits` groups of consecutive ranges.
      int index = 0;
      for (int group = 0; group < splits; group++) {
        int size = ring.size() / splits + (group < ring.size() % splits ? 1 : 0);
        TokenRange merged = ring.get(index);
        for (int i = 1; i < size; i++) {
          merged = merged.mergeWith(ring.get(index + i));
        }
        index += size;
        ranges.add(merged);
      }
    } else {
      for (int i = 0; i < ring.size(); i++) {
        int pieces = splits / ring.size() + (i < splits % ring.size() ? 1 : 0);
        ranges.addAll(ring.get(i).splitEvenly(pieces));
      }
    }
    List<PlannedRange> planned = new ArrayList<>();
    for (TokenRange range : ranges) {
      if (range.isFullRing()) {
        return List.of(planned(0, ScanRange.fullRing(), ScanCheckpoint.State.PENDING, null, 0));
      }
      for (TokenRange piece : range.unwrap()) {
        if (!piece.isEmpty()) {
          planned.add(new PlannedRange(planned.size(),
              ScanRange.of(tokenMap.format(piece.getStart()), tokenMap.format(piece.getEnd())), piece.getEnd(),
              ScanCheckpoint.State.PENDING, null, 0));
        }
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
      throw new IllegalArgumentException("The checkpoint was made by a scan of other columns or another "
          + "restriction of " + keyspace + "." + table + "; resume with the same columns and where clause");
    }
    List<PlannedRange> ranges = new ArrayList<>();
    for (ScanCheckpoint.Range range : checkpoint.ranges()) {
      ByteBuffer state = range.pagingState() == null ? null
          : ByteBuffer.wrap(Base64.getUrlDecoder().decode(range.pagingState()));
      ranges.add(planned(ranges.size(), range.range(), range.state(), state, range.rowsToSkip()));
    }
    return ranges;
  }

  /** A planned range, its end token parsed (and checked) with the cluster's partitioner. */
  private PlannedRange planned(int index, ScanRange range, ScanCheckpoint.State state,
      @Nullable ByteBuffer pagingState, int skip) {
    if (range.isFullRing() || tokens == null) {
      return new PlannedRange(index, range, null, state, pagingState, skip);
    }
    Token end;
    try {
      tokens.parse(range.start());
      end = tokens.parse(range.end());
    } catch (RuntimeException notAToken) {
      throw new IllegalArgumentException("Not a token range of this cluster's partitioner ("
          + tokens.getPartitionerName() + "): " + range, notAToken);
    }
    return new PlannedRange(index, range, end, state, pagingState, skip);
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
