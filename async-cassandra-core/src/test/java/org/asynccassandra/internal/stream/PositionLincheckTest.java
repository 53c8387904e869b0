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

import static org.asynccassandra.internal.stream.LincheckSupport.check;
import static org.asynccassandra.internal.stream.LincheckSupport.join;

import java.nio.ByteBuffer;
import org.asynccassandra.ResumeToken;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Model-checks the real {@link Position}: Lincheck runs one writer (enter then received, as a consumption
 * style does), one closer (freeze) and one reader (current, snapshot) over every interleaving it can reach
 * within its budget, and each schedule checks that a row is handed over exactly when it is counted.
 *
 * <p>Rows are numbered across the result: pages of 3, 2 and 2 rows, so that a token names row 0..7 (7:
 * the end). The writer enters page 1, receives its 3 rows, enters page 2 and receives its first row only,
 * so the end token is never right and a token that paired page 2 with page 1's count (3 of 2 rows: past
 * the page) lands beyond anything the writer tried.
 */
class PositionLincheckTest {
  private static final int[] PAGE_STARTS = {0, 3, 5};
  private static final int TOTAL_ROWS = 7;
  private static final FakePageSource SOURCE = FakePageSource.pages(3, 2, 2);
  private static final Position UNUSED = new Position(null, null, 0, false, null);
  private static final DefaultPage FIRST = page(0, null);
  private static final DefaultPage SECOND = page(1, pagingState(1));

  /** Row index of the next row not received, as the writer moves: raised before each call it makes. */
  private static final class Writer implements Runnable {
    private final Position position;
    volatile int attempting;
    /** The last report the position took: (page, rows received), (0, 0) before any. */
    volatile Position.Snapshot accepted = new Position.Snapshot(0, 0);

    Writer(Position position) {
      this.position = position;
    }

    @Override
    public void run() {
      if (!enter(FIRST, 0) || !receive(FIRST, 3)) {
        return;
      }
      if (enter(SECOND, 3)) {
        receive(SECOND, 1);
      }
    }

    private boolean enter(DefaultPage page, int firstRow) {
      attempting = Math.max(attempting, firstRow);
      if (!position.enter(page)) {
        return false;
      }
      accepted = new Position.Snapshot(page.number(), 0);
      return true;
    }

    private boolean receive(DefaultPage page, int rows) {
      for (int row = 1; row <= rows; row++) {
        attempting = PAGE_STARTS[page.number() - 1] + row;
        if (!position.received(page, row)) {
          return false; // refused: the row is not handed over
        }
        accepted = new Position.Snapshot(page.number(), row);
      }
      return true;
    }
  }

  @Test
  void should_count_exactly_the_rows_handed_over_when_freeze_races_the_writer_and_a_reader() {
    Lincheck.runConcurrentTest(800, () -> {
      Position position = new Position(FakePageSource.FINGERPRINT::clone, null, 0, false, null);
      Writer writer = new Writer(position);
      Position.Snapshot[] frozenAt = new Position.Snapshot[1];
      ResumeToken[] frozenToken = new ResumeToken[1];
      int[] read = new int[4]; // two tokens, each with the writer's attempt right after it

      Thread writing = new Thread(writer);
      Thread closing = new Thread(() -> {
        position.freeze();
        frozenAt[0] = position.snapshot();
        frozenToken[0] = position.current();
      });
      Thread reading = new Thread(() -> {
        read[0] = rowOf(position.current());
        read[1] = writer.attempting;
        read[2] = rowOf(position.current());
        read[3] = writer.attempting;
      });
      writing.start();
      closing.start();
      reading.start();
      join(writing);
      join(closing);
      join(reading);

      Position.Snapshot accepted = writer.accepted;
      check(frozenAt[0].equals(accepted), "frozen at " + frozenAt[0] + " but the last report taken was " + accepted);
      check(position.snapshot().equals(accepted), "snapshot " + position.snapshot() + " after the race, taken " + accepted);
      int acceptedRow = accepted.pageNumber() == 0 ? 0 : PAGE_STARTS[accepted.pageNumber() - 1] + accepted.received();
      check(rowOf(frozenToken[0]) == acceptedRow,
          "frozen token at row " + rowOf(frozenToken[0]) + " but " + acceptedRow + " rows were handed over");
      check(position.current().equals(frozenToken[0]), "the token moved after freeze");
      check(!position.received(SECOND, 2) && !position.enter(SECOND), "a report was taken after freeze");
      check(read[0] <= read[1], "a reader got row " + read[0] + " while the writer was at most at row " + read[1]);
      check(read[2] <= read[3], "a reader got row " + read[2] + " while the writer was at most at row " + read[3]);
      check(read[0] <= read[2], "a reader's tokens went back: row " + read[0] + " then " + read[2]);
    });
  }

  /** The row index a token resumes at, across the result. */
  private static int rowOf(ResumeToken token) {
    if (token.isEnd()) {
      return TOTAL_ROWS;
    }
    int pageIndex = token.pagingState().map(state -> state.getInt(state.position())).orElse(0);
    return PAGE_STARTS[pageIndex] + token.rowOffset();
  }

  private static DefaultPage page(int index, ByteBuffer requestedWith) {
    SourcePage response = SOURCE.page(index);
    return new DefaultPage(response, UNUSED, index + 1, 0, response.size(), false, requestedWith, 0,
        PAGE_STARTS[index] + response.size(), 0, 0);
  }

  private static ByteBuffer pagingState(int pageIndex) {
    return ByteBuffer.allocate(4).putInt(0, pageIndex);
  }
}
