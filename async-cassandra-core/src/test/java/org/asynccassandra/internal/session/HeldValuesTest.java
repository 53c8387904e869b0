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
package org.asynccassandra.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.MappedAsyncPagingIterable;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynccassandra.RowMapper;
import org.asynccassandra.internal.stream.SourcePage;
import org.junit.jupiter.api.Test;

/**
 * A page of values the driver maps (a {@code continueStream} of the object mapper's result): each value is
 * mapped as the stream reaches it, so that one that fails to map fails after every value before it.
 */
class HeldValuesTest {
  /** The driver's mapped result: its current page maps each value as its iterator reaches it. */
  private static final class MappedResult implements MappedAsyncPagingIterable<String> {
    private final List<String> values;
    private final int failingAt;
    final AtomicInteger mapped = new AtomicInteger();

    MappedResult(List<String> values, int failingAt) {
      this.values = values;
      this.failingAt = failingAt;
    }

    @Override
    public Iterable<String> currentPage() {
      return () -> new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < values.size();
        }

        @Override
        public String next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          if (next == failingAt) {
            throw new IllegalArgumentException("value " + next + " cannot be mapped");
          }
          mapped.incrementAndGet();
          return values.get(next++);
        }
      };
    }

    @Override
    public int remaining() {
      return values.size();
    }

    @Override
    public ColumnDefinitions getColumnDefinitions() {
      return null; // the carriers keep it and never read it here
    }

    @Override
    public ExecutionInfo getExecutionInfo() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean hasMorePages() {
      return false;
    }

    @Override
    public CompletionStage<MappedAsyncPagingIterable<String>> fetchNextPage() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean wasApplied() {
      return true;
    }
  }

  @Test
  void should_map_each_held_value_only_when_the_stream_reaches_it() {
    MappedResult result = new MappedResult(List.of("a", "b", "c", "d"), 2);
    SourcePage page = HeldValues.page(result);
    RowMapper<String> values = HeldValues.unwrapping(row -> "not held");
    Iterator<Row> rows = page.rowIterator();
    assertThat(result.mapped).as("nothing mapped before it is read").hasValue(0);
    assertThat(values.map(rows.next())).isEqualTo("a");
    assertThat(values.map(rows.next())).isEqualTo("b");
    assertThatThrownBy(rows::next).hasMessage("value 2 cannot be mapped");
  }

  @Test
  void should_hand_its_values_over_once() {
    SourcePage page = HeldValues.page(new MappedResult(List.of("a"), -1));
    assertThat(page.rows()).hasSize(1);
    assertThatThrownBy(page::rowIterator).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("can be read only once");
  }

  @Test
  void should_not_blame_the_given_mapper_for_a_null_the_drivers_mapping_made() {
    List<String> withNull = new java.util.ArrayList<>(List.of("a"));
    withNull.add(null);
    SourcePage page = HeldValues.page(new MappedResult(withNull, -1));
    RowMapper<String> values = HeldValues.unwrapping(new RowMapper<String>() {
      @Override
      public String map(Row row) {
        return "not held";
      }

      @Override
      public String toString() {
        return "the later pages' mapper";
      }
    });
    Iterator<Row> rows = page.rowIterator();
    assertThat(values.map(rows.next())).isEqualTo("a");
    Row held = rows.next();
    assertThatThrownBy(() -> values.map(held)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("the driver's mapping, not the later pages' mapper");
  }
}
