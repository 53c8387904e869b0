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
package org.asynccassandra;

import org.asynccassandra.internal.stream.DefaultReadAheadBudget;

/**
 * One bound on the read-ahead of all the streams of a session, in bytes: with many streams at once, each
 * stream's own bound ({@link StreamConfig#prefetchPages()}, {@link StreamConfig#maxBufferedBytes()}) is
 * unbounded in the number of streams, and a busy service could hold gigabytes of pages read ahead. Set it
 * with {@link AsyncSession#wrap(com.datastax.oss.driver.api.core.CqlSession, StreamConfig, ReadAheadBudget)}.
 *
 * <p>A stream always fetches the page its consumer needs: only reading <em>ahead</em> takes from the
 * budget, so a session under pressure degrades to "no read-ahead" instead of running out of memory, and
 * never deadlocks. Nothing blocks: a stream whose read-ahead finds the budget spent waits in a queue and
 * reads ahead when bytes come back (first come, first served), which happens when consumers take the
 * pages read ahead. A page read ahead is charged its estimated size (the rows it asks for, at the width of
 * the stream's rows measured so far) when requested and its real size when it arrives, so the budget can be exceeded by the estimation errors of the
 * read-ahead pages in flight: at most one page's error per request in flight (one per stream, one per range
 * a scan reads at once), close to none for rows of steady width.
 * A table scan takes from it too: every page request of its ranges but the one its consumer waits for is
 * read-ahead.
 *
 * <p>Thread-safe; its counters are live.
 */
public interface ReadAheadBudget {
  /**
   * A budget of {@code bytes} of read-ahead for a whole session.
   *
   * @param bytes the bytes of pages read ahead that the session's streams may hold together, {@code > 0};
   *     one read-ahead larger than that still goes through when nothing else is reserved
   * @return a new budget with nothing reserved, to pass to one session
   * @throws IllegalArgumentException if {@code bytes <= 0}; the message holds the bad value
   */
  static ReadAheadBudget ofBytes(long bytes) {
    return new DefaultReadAheadBudget(bytes);
  }

  /**
   * The bytes of read-ahead the session's streams may hold together.
   *
   * @return the capacity the budget was made with, {@code > 0}
   */
  long capacityBytes();

  /**
   * The bytes of pages read ahead (requested or arrived, not yet taken by their consumers) now.
   *
   * @return the bytes reserved at the moment of the call, {@code >= 0}; above {@link #capacityBytes()} by
   *     at most one page's estimation error per read-ahead request in flight, or by one page larger than the
   *     whole budget
   */
  long reservedBytes();

  /**
   * How many times a stream's read-ahead was held back: the budget was spent, or other streams were waiting
   * for it first (they are served in order, so a stream may be held back while bytes are free).
   *
   * @return the hold-backs since the budget was made, {@code >= 0}: each time a stream starts to wait for the
   *     budget, once per wait however often it tries meanwhile; a stream held back again after it was served
   *     counts again
   */
  long heldBack();
}
