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
package org.asynccassandra.internal.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Supplier;
import org.asynccassandra.ResumeToken;
import org.jspecify.annotations.Nullable;

/**
 * Where the consumer of a stream is: the page it holds and how many of its rows it has received. The
 * consumption styles report to it as they hand rows to user code, and hand a row over only when the
 * report was taken; {@link #current()} turns it into a {@link ResumeToken} for the next row not yet
 * received, exact under read-ahead (buffered pages never move it).
 *
 * <p>Concurrency: one writer (the thread delivering rows) calls {@link #enter} and {@link #received}; any
 * thread may read, and any thread may {@link #freeze} it (close, end, failure). The page and the count
 * are published as one {@code long} ({@code page number << 32 | rows received}) next to a volatile page
 * reference; a reader retries until both agree, so it never pairs one page with another page's count.
 * {@link #received} moves the count with a compare-and-set, so once {@link #freeze} has won no further
 * row is counted, and a style that finds its report refused does not hand the row over: a row reaches
 * user code exactly when it is counted. {@link #enter} and {@link #freeze} take this object's monitor
 * (once per page), so that a {@link Tracker} sees every page change atomically with its publication.
 *
 * <p>Memory: it keeps a {@link Mark} of the page entered (its number, size and paging states), never the
 * page, so that a page the consumer is done with is garbage once its sink lets go of it, even while the
 * next one is being fetched: with many streams at once, each holds one page, not two.
 */
public final class Position {
  /** Told of each page as it is entered, under the position's monitor; a table scan tracks its ranges so. */
  public interface Tracker {
    void entered(DefaultPage page);
  }

  /**
   * The consumer's place at one moment.
   *
   * @param pageNumber the page it holds, 0 before the first page
   * @param received the rows of that page handed to it
   */
  public record Snapshot(int pageNumber, int received) {}

  private static final long FROZEN = -1L;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Position.class, "state", long.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

  private final @Nullable Supplier<byte[]> fingerprint; // null: not resumable by token (a table scan)
  private final @Nullable ByteBuffer startPagingState; // the stream's start: null, or a resume token's state
  private final int startOffset;
  private final boolean startAtEnd;
  private final @Nullable Tracker tracker;
  // Computed once, on first use, by whichever thread asks first (racy but idempotent); volatile, so that a
  // thread that finds it set also sees its bytes (position() may be called from any thread).
  private volatile byte @Nullable [] fingerprintBytes;

  /** The page the consumer holds, as a mark; null before the first page and once frozen. */
  private volatile @Nullable Mark page;
  /** (page number << 32) | rows received of that page; 0 before the first page; FROZEN once frozen. */
  @SuppressWarnings("unused") // accessed through STATE
  private volatile long state;
  /** The place at the moment of freezing; written before state becomes FROZEN. */
  private volatile @Nullable Snapshot frozenAt;
  /** The page held at the moment of freezing (null: none, or none of its rows received); written with frozenAt. */
  private volatile @Nullable Mark frozenPage;
  /** The token of the frozen place, made on the first demand: most streams end without anyone asking. */
  private volatile @Nullable ResumeToken frozenToken;

  Position(@Nullable Supplier<byte[]> fingerprint, @Nullable ByteBuffer startPagingState, int startOffset,
      boolean startAtEnd, @Nullable Tracker tracker) {
    this.fingerprint = fingerprint;
    this.startPagingState = startPagingState;
    this.startOffset = startOffset;
    this.startAtEnd = startAtEnd;
    this.tracker = tracker;
  }

  /** Whether tokens can be made: false for a table scan, which resumes from its checkpoint. */
  boolean resumable() {
    return fingerprint != null;
  }

  /**
   * A page is handed to user code; none of its rows received yet.
   *
   * @return false when the position is frozen: the page must not be handed over
   */
  synchronized boolean enter(DefaultPage entered) {
    if ((long) STATE.getVolatile(this) == FROZEN) {
      return false;
    }
    if (tracker != null) {
      tracker.entered(entered);
    }
    page = new Mark(entered);
    STATE.setVolatile(this, (long) entered.number() << 32);
    return true;
  }

  /**
   * The consumer is about to receive row {@code rows} (1-based) of the page it holds, or all of them.
   *
   * @return false when the position is frozen: the row must not be handed over
   */
  boolean received(DefaultPage current, int rows) {
    long now = (long) STATE.getVolatile(this);
    if (now == FROZEN) {
      return false;
    }
    return STATE.compareAndSet(this, now, ((long) current.number() << 32) | rows);
  }

  /**
   * Stops counting: later {@link #enter} and {@link #received} calls are refused, and the page is
   * released (the place is kept as a {@link Snapshot} and the page's {@link Mark}, from which a token is
   * made when one is asked for). Idempotent.
   */
  synchronized void freeze() {
    while (true) {
      long now = (long) STATE.getVolatile(this);
      if (now == FROZEN) {
        return;
      }
      Mark held = page; // enter() cannot run now, and received() never changes the page
      frozenAt = snapshotOf(now);
      frozenPage = now == 0 ? null : held; // a Mark: the paging states, never the rows
      if (STATE.compareAndSet(this, now, FROZEN)) {
        page = null;
        return;
      }
    }
  }

  /** Whether {@link #freeze} ran. */
  boolean frozen() {
    return (long) STATE.getVolatile(this) == FROZEN;
  }

  /** Where the consumer is now. */
  public Snapshot snapshot() {
    long now = (long) STATE.getVolatile(this);
    if (now == FROZEN) {
      return Objects.requireNonNull(frozenAt, "frozen without a snapshot"); // freeze() sets it first
    }
    return snapshotOf(now);
  }

  /** The place packed in {@code state} (not FROZEN). */
  private static Snapshot snapshotOf(long state) {
    return state == 0 ? new Snapshot(0, 0) : new Snapshot((int) (state >>> 32), (int) state);
  }

  /**
   * Runs {@code reader} while no page can be entered or the position frozen, so that what a
   * {@link Tracker} recorded and {@link #snapshot()} agree.
   */
  public synchronized <T> T whileNoPageChanges(Supplier<T> reader) {
    return reader.get();
  }

  /** The token of the next row that the consumer has not received. */
  ResumeToken current() {
    while (true) {
      long now = (long) STATE.getVolatile(this);
      if (now == FROZEN) {
        return frozenToken();
      }
      Mark held = page;
      if (now == 0) {
        return startToken();
      }
      if (held != null && held.number == (int) (now >>> 32)) {
        return tokenAt(held, (int) now);
      }
      Thread.onSpinWait(); // a page change is being published
    }
  }

  /**
   * The token of the place where the position froze, made once it is asked for (two racing callers make
   * equal tokens, and either is kept): hashing the statement for a token at the end of every stream would
   * cost each stream a digest that most never use.
   */
  private ResumeToken frozenToken() {
    ResumeToken token = frozenToken;
    if (token == null) {
      if (fingerprint == null) {
        throw new IllegalStateException("A table scan resumes from its checkpoint, not from a token");
      }
      Snapshot at = Objects.requireNonNull(frozenAt, "frozen without a snapshot"); // freeze() sets it first
      Mark held = frozenPage;
      token = held == null ? startToken() : tokenAt(held, at.received());
      frozenToken = token;
    }
    return token;
  }

  private ResumeToken startToken() {
    return token(startPagingState, startOffset, startAtEnd);
  }

  /**
   * A token of this statement, or an {@link IllegalStateException} that says why none can be made: a paging
   * state longer than a token holds (the last row's partition key and several large clustering values).
   */
  private ResumeToken token(@Nullable ByteBuffer pagingState, int rowOffset, boolean end) {
    try {
      return ResumeToken.of(fingerprint(), pagingState, rowOffset, end);
    } catch (IllegalArgumentException tooLong) {
      throw new IllegalStateException("This place cannot be a resume token: " + tooLong.getMessage()
          + " (the driver's paging state holds the last row's partition key and clustering values, and these "
          + "are too large here)", tooLong);
    }
  }

  /** The token of row {@code received} of {@code page} (its size: right after the page). */
  ResumeToken tokenAt(DefaultPage held, int received) {
    return tokenAt(new Mark(held), received);
  }

  private ResumeToken tokenAt(Mark held, int received) {
    if (received >= held.size && held.complete) {
      if (!held.sourceHasMore) {
        return token(null, 0, true);
      }
      return token(held.nextPagingState, 0, false);
    }
    return token(held.requestPagingState, held.offset + received, false);
  }

  /** What a token needs of a page: small, so that holding it never holds the page's rows. */
  private static final class Mark {
    final int number;
    final int size;
    final int offset;
    final boolean complete;
    final boolean sourceHasMore;
    final @Nullable ByteBuffer requestPagingState;
    final @Nullable ByteBuffer nextPagingState;

    Mark(DefaultPage page) {
      this.number = page.number();
      this.size = page.size();
      this.offset = page.offset();
      this.complete = page.complete();
      this.sourceHasMore = page.sourceHasMore();
      this.requestPagingState = page.requestPagingState();
      this.nextPagingState = page.nextPagingState();
    }
  }

  private byte[] fingerprint() {
    byte[] bytes = fingerprintBytes;
    if (bytes == null) {
      if (fingerprint == null) {
        throw new IllegalStateException("A table scan resumes from its checkpoint, not from a token");
      }
      bytes = fingerprint.get();
      fingerprintBytes = bytes;
    }
    return bytes;
  }
}
