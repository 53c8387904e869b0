package org.asynccassandra.internal.stream;

import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.asynccassandra.ResumeToken;

/**
 * Where the consumer of a stream is: the page it holds and how many of its rows it has received. The
 * consumption styles report to it as they hand rows to user code; {@link #current()} turns it into a
 * {@link ResumeToken} for the next row not yet received, exact under read-ahead (buffered pages never move
 * it).
 *
 * <p>One writer (the thread delivering rows), any number of readers. The page and the count are published
 * as one volatile {@code long} (page number and count) next to a volatile page reference; a reader retries
 * until both agree, so it never pairs one page with another page's count.
 */
final class Position {
  private final Supplier<byte[]> fingerprint;
  private final ByteBuffer startPagingState; // the stream's start: null, or a resume token's state
  private final int startOffset;
  private final boolean startAtEnd;
  private byte[] fingerprintBytes; // computed once, on first use; racy but idempotent

  private volatile DefaultPage page;
  /** (page number << 32) | rows received of that page; 0 before the first page. */
  private volatile long state;

  Position(Supplier<byte[]> fingerprint, ByteBuffer startPagingState, int startOffset, boolean startAtEnd) {
    this.fingerprint = fingerprint;
    this.startPagingState = startPagingState;
    this.startOffset = startOffset;
    this.startAtEnd = startAtEnd;
  }

  /** Told of each page handed to user code (a table scan tracks its ranges with it); may be null. */
  private volatile java.util.function.Consumer<DefaultPage> enterListener;

  void onEnter(java.util.function.Consumer<DefaultPage> listener) {
    this.enterListener = listener;
  }

  /** A page was handed to user code; none of its rows received yet. */
  void enter(DefaultPage entered) {
    java.util.function.Consumer<DefaultPage> listener = enterListener;
    if (listener != null) {
      listener.accept(entered); // before publishing, so a reader never sees the page before its listener did
    }
    page = entered;
    state = (long) entered.number() << 32;
  }

  /** The page the consumer holds (or null) and how many of its rows it received, consistently. */
  Object[] held() {
    while (true) {
      long snapshot = state;
      DefaultPage held = page;
      if (snapshot == 0 || held == null) {
        return new Object[] {null, 0};
      }
      if (held.number() == (int) (snapshot >>> 32)) {
        return new Object[] {held, (int) snapshot};
      }
      Thread.onSpinWait();
    }
  }

  /** The consumer has received {@code rows} rows of the page it holds. */
  void received(DefaultPage current, int rows) {
    state = ((long) current.number() << 32) | rows;
  }

  /** The token of the next row that the consumer has not received. */
  ResumeToken current() {
    while (true) {
      long snapshot = state;
      DefaultPage held = page;
      if (snapshot == 0 || held == null) {
        return ResumeToken.of(fingerprint(), startPagingState, startOffset, startAtEnd);
      }
      if (held.number() == (int) (snapshot >>> 32)) {
        return tokenAt(held, (int) snapshot);
      }
      Thread.onSpinWait(); // a page change is being published
    }
  }

  /** The token of row {@code received} of {@code page} (its size: right after the page). */
  ResumeToken tokenAt(DefaultPage held, int received) {
    if (received >= held.size() && held.complete()) {
      if (!held.sourceHasMore()) {
        return ResumeToken.of(fingerprint(), null, 0, true);
      }
      return ResumeToken.of(fingerprint(), held.nextPagingState(), 0, false);
    }
    return ResumeToken.of(fingerprint(), held.requestPagingState(), held.offset() + received, false);
  }

  private byte[] fingerprint() {
    byte[] bytes = fingerprintBytes;
    if (bytes == null) {
      bytes = fingerprint.get();
      fingerprintBytes = bytes;
    }
    return bytes;
  }
}
