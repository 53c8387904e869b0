package org.asynccassandra.internal.stream;

import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.token.Token;
import java.nio.ByteBuffer;
import java.util.Base64;
import org.asynccassandra.ScanCheckpoint;

/**
 * One token range of a table scan, {@code (start, end]}, or the whole ring; with where its reading
 * starts (a paging state and rows to skip, when resumed from a checkpoint).
 */
final class ScanRange {
  final int index;
  final Token start; // null: the whole ring
  final Token end;
  final String startText;
  final String endText;
  final ScanCheckpoint.State initialState;
  final ByteBuffer initialPagingState;
  final int initialSkip;

  ScanRange(int index, Token start, Token end, TokenMap tokens, ScanCheckpoint.State initialState,
      ByteBuffer initialPagingState, int initialSkip) {
    this.index = index;
    this.start = start;
    this.end = end;
    this.startText = start == null ? "*" : tokens.format(start);
    this.endText = end == null ? "*" : tokens.format(end);
    this.initialState = initialState;
    this.initialPagingState = initialPagingState;
    this.initialSkip = initialSkip;
  }

  boolean fullRing() {
    return start == null;
  }

  /** The CQL restriction of this range on {@code tokenOf}, e.g. {@code token(pk) > -12 AND token(pk) <= 40}. */
  String restriction(String tokenOf) {
    return tokenOf + " > " + startText + " AND " + tokenOf + " <= " + endText;
  }

  ScanCheckpoint.Range at(ScanCheckpoint.State state, ByteBuffer pagingState, int skip) {
    String encoded = pagingState == null ? null
        : Base64.getUrlEncoder().withoutPadding().encodeToString(copy(pagingState));
    return new ScanCheckpoint.Range(startText, endText, state, encoded, skip);
  }

  ScanCheckpoint.Range initial() {
    return at(initialState, initialPagingState, initialSkip);
  }

  private static byte[] copy(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  @Override
  public String toString() {
    return fullRing() ? "(whole ring)" : "(" + startText + ", " + endText + "]";
  }
}
