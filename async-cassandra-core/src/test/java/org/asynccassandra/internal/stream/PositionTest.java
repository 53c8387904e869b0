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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.asynccassandra.ResumeToken;
import org.junit.jupiter.api.Test;

class PositionTest {
  private static final FakePageSource SOURCE = FakePageSource.pages(3, 2);
  private static final Position UNUSED = new Position(null, null, 0, false, null);

  private final AtomicInteger hashed = new AtomicInteger();
  private final Supplier<byte[]> fingerprint = () -> {
    hashed.incrementAndGet();
    return FakePageSource.FINGERPRINT.clone();
  };

  @Test
  void should_not_hash_the_statement_when_it_freezes_but_when_a_token_is_asked_for() {
    Position position = new Position(fingerprint, null, 0, false, null);
    DefaultPage second = page(1, ByteBuffer.allocate(4).putInt(0, 1));
    position.enter(second);
    position.received(second, 1);

    position.freeze();
    assertThat(hashed).hasValue(0);

    ResumeToken token = position.current();
    assertThat(token.pagingState()).contains(ByteBuffer.allocate(4).putInt(0, 1));
    assertThat(token.rowOffset()).isEqualTo(1);
    assertThat(token.isEnd()).isFalse();
    assertThat(position.current()).isSameAs(token);
    assertThat(hashed).hasValue(1);
  }

  @Test
  void should_say_why_a_place_whose_paging_state_is_too_long_cannot_be_a_token() {
    // A paging state holds the last row's key and clustering values, each up to 64 KiB: with several large
    // ones it passes the 256 KiB a token holds, and position() threw ResumeToken.of's bare argument error.
    Position position = new Position(fingerprint, null, 0, false, null);
    DefaultPage page = page(1, ByteBuffer.allocate(256 * 1024 + 1));
    position.enter(page);
    position.received(page, 1);

    assertThatThrownBy(position::current).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be a resume token").hasMessageContaining("262145")
        .hasMessageContaining("clustering values");
  }

  @Test
  void should_make_the_start_token_when_frozen_before_any_row() {
    Position position = new Position(fingerprint, null, 0, false, null);

    position.freeze();

    ResumeToken token = position.current();
    assertThat(token.pagingState()).isEmpty();
    assertThat(token.rowOffset()).isZero();
    assertThat(token.isEnd()).isFalse();
  }

  @Test
  void should_make_the_token_of_the_place_frozen_not_of_rows_refused_after_it() {
    Position position = new Position(fingerprint, null, 0, false, null);
    DefaultPage first = page(0, null);
    position.enter(first);
    position.received(first, 2);
    position.freeze();

    assertThat(position.received(first, 3)).isFalse();

    assertThat(position.current().rowOffset()).isEqualTo(2);
    assertThat(position.snapshot()).isEqualTo(new Position.Snapshot(1, 2));
  }

  @Test
  void should_refuse_a_token_for_a_frozen_table_scan() {
    Position scan = new Position(null, null, 0, false, null);
    scan.freeze();

    assertThatThrownBy(scan::current).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("checkpoint");
  }

  private static DefaultPage page(int index, ByteBuffer requestedWith) {
    SourcePage response = SOURCE.page(index);
    return new DefaultPage(response, UNUSED, index + 1, 0, response.size(), false, requestedWith, 0,
        (index == 0 ? 0 : 3) + response.size(), 0, 0);
  }
}
