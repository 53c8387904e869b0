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
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A driver response hands its rows over once and keeps no reference to them: the completed future of its
 * request may outlive the page (in the old generation, at many concurrent streams) and must not keep the
 * rows alive with it.
 */
class DriverPageTest {

  @Test
  void should_hand_its_rows_over_once() {
    DriverPage page = new DriverPage(new DrainingResultSet(3));

    assertThat(page.size()).isEqualTo(3);
    assertThat(page.rows()).extracting(FakePageSource::value).containsExactly(0, 1, 2);
    assertThatThrownBy(page::rows).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already read");
  }

  @Test
  void should_keep_no_rows_once_handed_over_while_its_completed_future_is_still_held() {
    CompletableFuture<SourcePage> completed = CompletableFuture.completedFuture(
        new DriverPage(new DrainingResultSet(500)));
    WeakReference<Row> firstRow = new WeakReference<>(completed.join().rows().get(0));

    // The future (and through it the response) stays reachable; the rows, dropped by their consumer, do not.
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      System.gc();
      return firstRow.get() == null;
    });
    assertThat(completed.join().size()).isEqualTo(500);
  }

  @Test
  void should_let_the_page_that_took_them_give_the_same_rows_to_every_caller() {
    DefaultPage page = new DefaultPage(new DriverPage(new DrainingResultSet(4)),
        new Position(null, null, 0, false, null), 1, 1, 3, true, null, 0, 3, 0, 0);

    List<Row> rows = page.rows();

    assertThat(rows).extracting(FakePageSource::value).containsExactly(1, 2, 3);
    assertThat(page.rows()).isSameAs(rows);
  }

  @Test
  void should_hand_its_rows_over_one_at_a_time_once_without_listing_them() {
    DriverPage page = new DriverPage(new DrainingResultSet(3));

    Iterator<Row> rows = page.rowIterator();

    assertThat(rows).toIterable().extracting(FakePageSource::value).containsExactly(0, 1, 2);
    assertThatThrownBy(page::rows).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already read");
    assertThatThrownBy(page::rowIterator).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already read");
  }

  @Test
  void should_skip_the_rows_a_resumed_stream_delivered_before_when_handing_them_over_one_at_a_time() {
    DefaultPage page = new DefaultPage(new DriverPage(new DrainingResultSet(5)),
        new Position(null, null, 0, false, null), 1, 2, 3, true, null, 0, 3, 0, 0);

    Iterator<Row> rows = page.rowIterator();

    // The caller takes size() rows: 2, 3 and 4 (rows 0 and 1 were delivered before the resume).
    assertThat(List.of(rows.next(), rows.next(), rows.next())).extracting(FakePageSource::value)
        .containsExactly(2, 3, 4);
    assertThatThrownBy(page::rows).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("page 1 were handed out one at a time");
    assertThatThrownBy(page::rowIterator).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already handed out");
  }

  @Test
  void should_hand_out_the_listed_rows_again_one_at_a_time_when_they_were_listed_first() {
    DefaultPage page = new DefaultPage(new DriverPage(new DrainingResultSet(4)),
        new Position(null, null, 0, false, null), 1, 1, 3, true, null, 0, 3, 0, 0);
    List<Row> listed = page.rows();

    assertThat(page.rowIterator()).toIterable().containsExactlyElementsOf(listed);
  }

  @Test
  void should_keep_no_rows_handed_over_one_at_a_time_while_its_completed_future_is_still_held() {
    CompletableFuture<SourcePage> completed = CompletableFuture.completedFuture(
        new DriverPage(new DrainingResultSet(500)));
    WeakReference<Row> firstRow = new WeakReference<>(completed.join().rowIterator().next());

    await().atMost(Duration.ofSeconds(30)).until(() -> {
      System.gc();
      return firstRow.get() == null;
    });
    assertThat(completed.join().size()).isEqualTo(500);
  }

  /** Like the driver's result set: iterating its page takes the rows out of it. */
  private static final class DrainingResultSet implements AsyncResultSet {
    private final Queue<Row> rows = new ArrayDeque<>();

    DrainingResultSet(int count) {
      for (int i = 0; i < count; i++) {
        rows.add(FakePageSource.row(i));
      }
    }

    @Override
    public Iterable<Row> currentPage() {
      return () -> new java.util.Iterator<>() {
        @Override
        public boolean hasNext() {
          return !rows.isEmpty();
        }

        @Override
        public Row next() {
          return rows.remove();
        }
      };
    }

    @Override
    public int remaining() {
      return rows.size();
    }

    @Override
    public ColumnDefinitions getColumnDefinitions() {
      return FakePageSource.COLUMNS;
    }

    @Override
    public ExecutionInfo getExecutionInfo() {
      throw new UnsupportedOperationException("not used by these tests");
    }

    @Override
    public boolean hasMorePages() {
      return false;
    }

    @Override
    public CompletionStage<AsyncResultSet> fetchNextPage() {
      throw new IllegalStateException("no next page");
    }

    @Override
    public boolean wasApplied() {
      return true;
    }
  }
}
