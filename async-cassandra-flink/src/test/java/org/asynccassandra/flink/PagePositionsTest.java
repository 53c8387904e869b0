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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanCheckpoint.Range;
import org.asynccassandra.ScanCheckpoint.State;
import org.junit.jupiter.api.Test;

class PagePositionsTest {
  private static ScanCheckpoint checkpoint(Range... ranges) {
    return new ScanCheckpoint("ks", "t", "fp", List.of(ranges));
  }

  @Test
  void should_place_a_row_of_the_first_page_of_a_range_at_its_start_plus_the_rows_emitted() {
    ScanCheckpoint before = checkpoint(new Range("0", "10", State.PENDING, null, 0, 0));
    ScanCheckpoint after = checkpoint(new Range("0", "10", State.IN_PROGRESS, "BBBB", 0, 100));

    ScanCheckpoint mid = PagePositions.within(before, after, 100, 37);

    assertThat(mid.ranges()).containsExactly(new Range("0", "10", State.IN_PROGRESS, null, 37, 37));
  }

  @Test
  void should_keep_the_paging_state_and_add_to_the_rows_to_skip_of_a_resumed_range() {
    Range other = new Range("10", "20", State.DONE, null, 0, 500);
    ScanCheckpoint before = checkpoint(new Range("0", "10", State.IN_PROGRESS, "AAAA", 7, 207), other);
    ScanCheckpoint after = checkpoint(new Range("0", "10", State.IN_PROGRESS, "CCCC", 0, 300), other);

    ScanCheckpoint mid = PagePositions.within(before, after, 93, 50);

    assertThat(mid.ranges()).containsExactly(new Range("0", "10", State.IN_PROGRESS, "AAAA", 57, 257), other);
    assertThat(mid.keyspace()).isEqualTo("ks");
    assertThat(mid.queryFingerprint()).isEqualTo("fp");
  }

  @Test
  void should_be_the_checkpoint_before_or_after_the_page_at_its_ends() {
    ScanCheckpoint before = checkpoint(new Range("0", "10", State.IN_PROGRESS, "AAAA", 0, 100));
    ScanCheckpoint after = checkpoint(new Range("0", "10", State.DONE, null, 0, 150));

    assertThat(PagePositions.within(before, after, 50, 0)).isSameAs(before);
    assertThat(PagePositions.within(before, after, 50, 50)).isSameAs(after);
  }

  @Test
  void should_keep_the_pieces_of_a_range_split_while_its_page_was_on_its_way() {
    ScanCheckpoint before = checkpoint(new Range("0", "100", State.IN_PROGRESS, "AAAA", 0, 100),
        new Range("100", "200", State.PENDING, null, 0, 0));
    // The range was narrowed to end at 40, and (40, 70] and (70, 100] became ranges of their own.
    ScanCheckpoint after = checkpoint(new Range("0", "40", State.IN_PROGRESS, "DDDD", 0, 200),
        new Range("40", "70", State.PENDING, null, 0, 0), new Range("70", "100", State.PENDING, null, 0, 0),
        new Range("100", "200", State.PENDING, null, 0, 0));

    ScanCheckpoint mid = PagePositions.within(before, after, 100, 10);

    assertThat(mid.ranges()).containsExactly(new Range("0", "40", State.IN_PROGRESS, "AAAA", 10, 110),
        new Range("40", "70", State.PENDING, null, 0, 0), new Range("70", "100", State.PENDING, null, 0, 0),
        new Range("100", "200", State.PENDING, null, 0, 0));
  }

  @Test
  void should_place_a_row_of_a_new_piece_from_its_start() {
    ScanCheckpoint before = checkpoint(new Range("0", "40", State.DONE, null, 0, 200),
        new Range("40", "70", State.PENDING, null, 0, 0));
    ScanCheckpoint after = checkpoint(new Range("0", "40", State.DONE, null, 0, 200),
        new Range("40", "70", State.IN_PROGRESS, "EEEE", 0, 100));

    assertThat(PagePositions.within(before, after, 100, 1).ranges().get(1))
        .isEqualTo(new Range("40", "70", State.IN_PROGRESS, null, 1, 1));
  }

  @Test
  void should_fail_loudly_when_no_single_range_took_the_page() {
    ScanCheckpoint before = checkpoint(new Range("0", "10", State.PENDING, null, 0, 0));
    ScanCheckpoint after = checkpoint(new Range("0", "10", State.IN_PROGRESS, "BBBB", 0, 80));

    assertThatThrownBy(() -> PagePositions.within(before, after, 100, 5))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("100 rows");
    assertThatThrownBy(() -> PagePositions.within(before, after, 100, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
