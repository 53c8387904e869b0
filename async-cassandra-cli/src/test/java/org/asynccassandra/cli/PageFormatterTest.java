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
package org.asynccassandra.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinition;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.driver.internal.core.cql.DefaultRow;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.Page;
import org.asynccassandra.ResumeToken;
import org.junit.jupiter.api.Test;

class PageFormatterTest {
  private static final ColumnDefinitions COLUMNS = DefaultColumnDefinitions.valueOf(List.of(new DefaultColumnDefinition(
      new ColumnSpec("ks", "t", "v", 0, RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT)),
      AttachmentPoint.NONE)));

  @Test
  void should_write_every_row_once_from_several_threads_each_page_whole() {
    StringBuilder written = new StringBuilder();
    List<Integer> pieceSizes = new ArrayList<>();
    try (PageFormatter formatter = new PageFormatter(RowFormat.CSV, text -> {
      written.append(text);
      pieceSizes.add((int) text.chars().filter(c -> c == '\n').count());
    }, 3)) {
      for (int page = 0; page < 200; page++) {
        formatter.submit(page(page * 10, 10));
      }
      formatter.awaitWritten();
    }

    List<String> lines = Arrays.stream(written.toString().split("\r\n")).sorted().toList();
    assertThat(lines).isEqualTo(IntStream.range(0, 2000).mapToObj(String::valueOf).sorted().toList());
    assertThat(pieceSizes).hasSize(200).containsOnly(10);
  }

  @Test
  void should_block_the_submitter_while_every_slot_is_taken_until_a_page_is_written() throws Exception {
    CountDownLatch writerMayGo = new CountDownLatch(1);
    List<String> written = new ArrayList<>();
    try (PageFormatter formatter = new PageFormatter(RowFormat.NDJSON, text -> {
      awaitQuietly(writerMayGo);
      written.add(text.toString());
    }, 1)) {
      formatter.submit(page(0, 1)); // formatting, then held in the writer
      formatter.submit(page(1, 1)); // the second slot: queued
      Thread submitter = new Thread(() -> formatter.submit(page(2, 1)), "submitter");
      submitter.start();
      await().until(() -> submitter.getState() == Thread.State.WAITING);
      assertThat(written).isEmpty();

      writerMayGo.countDown();
      submitter.join();
      formatter.awaitWritten();
    }
    assertThat(written).containsExactly("{\"v\":0}\n", "{\"v\":1}\n", "{\"v\":2}\n");
  }

  /**
   * Pages landed in the order their formatting ended: a page formatted faster than the one before it was
   * written first, so a partition wider than a page came out of its clustering order.
   */
  @Test
  void should_write_pages_in_the_order_they_were_submitted_whatever_formats_first() {
    CountDownLatch firstMayFormat = new CountDownLatch(1);
    List<String> written = Collections.synchronizedList(new ArrayList<>());
    try (PageFormatter formatter = new PageFormatter(RowFormat.CSV, text -> written.add(text.toString()), 2)) {
      formatter.submit(page(0, 2, firstMayFormat)); // held in its formatting
      Page<Row> second = page(2, 2);
      formatter.submit(second);
      formatter.submit(page(4, 2));
      await().until(() -> rowsRead(second) == 2 && formatter.formattedAhead() == 2);
      assertThat(written).isEmpty(); // the later pages wait for the first

      firstMayFormat.countDown();
      formatter.awaitWritten();
    }
    assertThat(written).containsExactly("0\r\n1\r\n", "2\r\n3\r\n", "4\r\n5\r\n");
  }

  @Test
  void should_keep_the_order_of_the_pages_after_a_failed_one_and_write_none_of_them() {
    IllegalStateException undecodable = new IllegalStateException("a value that cannot be read");
    List<String> written = Collections.synchronizedList(new ArrayList<>());
    try (PageFormatter formatter = new PageFormatter(RowFormat.CSV, text -> written.add(text.toString()), 2)) {
      formatter.submit(page(0, 2));
      formatter.awaitWritten();
      formatter.submit(failing(undecodable));
      assertThatThrownBy(formatter::awaitWritten).isSameAs(undecodable);
    }
    assertThat(written).containsExactly("0\r\n1\r\n");
  }

  @Test
  void should_report_a_failed_write_in_await_and_in_the_next_submit() {
    UncheckedIOException diskFull = new UncheckedIOException(new IOException("No space left on device"));
    try (PageFormatter formatter = new PageFormatter(RowFormat.CSV, text -> {
      throw diskFull;
    }, 2)) {
      formatter.submit(page(0, 5));

      assertThatThrownBy(formatter::awaitWritten).isSameAs(diskFull);
      assertThat(formatter.failed()).isTrue();
      assertThatThrownBy(() -> formatter.submit(page(5, 5))).isSameAs(diskFull);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static Page<Row> page(int first, int size) {
    return page(first, size, new CountDownLatch(0));
  }

  /** A page whose rows can be read only once {@code mayRead} is open; it counts the rows read. */
  private static Page<Row> page(int first, int size, CountDownLatch mayRead) {
    List<Row> built = IntStream.range(first, first + size)
        .mapToObj(v -> (Row) new DefaultRow(COLUMNS, List.of(TypeCodecs.INT.encode(v, ProtocolVersion.DEFAULT)),
            AttachmentPoint.NONE))
        .collect(Collectors.toList());
    return page(first, new CountingRows(built, mayRead));
  }

  /** A page whose first row throws {@code failure} when it is read. */
  private static Page<Row> failing(RuntimeException failure) {
    return page(0, new AbstractList<Row>() {
      @Override
      public Row get(int index) {
        throw failure;
      }

      @Override
      public int size() {
        return 1;
      }
    });
  }

  private static int rowsRead(Page<Row> page) {
    return ((CountingRows) page.rows()).read.get();
  }

  /** Rows read through a gate, counted. */
  private static final class CountingRows extends AbstractList<Row> {
    private final List<Row> rows;
    private final CountDownLatch mayRead;
    final AtomicInteger read = new AtomicInteger();

    CountingRows(List<Row> rows, CountDownLatch mayRead) {
      this.rows = rows;
      this.mayRead = mayRead;
    }

    @Override
    public Row get(int index) {
      awaitQuietly(mayRead);
      read.incrementAndGet();
      return rows.get(index);
    }

    @Override
    public int size() {
      return rows.size();
    }
  }

  private static Page<Row> page(int first, List<Row> rows) {
    int size = rows.size();
    return new Page() {
      @Override
      public List<Row> rows() {
        return rows;
      }

      @Override
      public int size() {
        return rows.size();
      }

      @Override
      public int number() {
        return first / Math.max(1, size) + 1;
      }

      @Override
      public boolean isLast() {
        return false;
      }

      @Override
      public ExecutionInfo executionInfo() {
        throw new UnsupportedOperationException("not needed to format");
      }

      @Override
      public ColumnDefinitions columnDefinitions() {
        return COLUMNS;
      }

      @Override
      public java.util.Optional<ResumeToken> resumeToken() {
        return java.util.Optional.empty(); // not needed to format
      }
    };
  }
}
