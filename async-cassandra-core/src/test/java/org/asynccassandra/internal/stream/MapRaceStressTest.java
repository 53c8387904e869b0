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

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.asynccassandra.RowMapper;
import org.asynccassandra.StreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code map()} racing a row-typed style ({@code rows()}, {@code forEach}, {@code nextPage}): exactly one of
 * the two wins and the other throws {@link IllegalStateException}; never both, which would hand mapped values
 * to a consumer of rows.
 */
class MapRaceStressTest {
  private static final int RUNS = 10_000;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "stream-worker"));

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  private interface RowStyle {
    void start(DefaultRowStream stream);
  }

  private void race(RowStyle style) throws Exception {
    try (Race race = new Race(2)) {
      for (int run = 0; run < RUNS; run++) {
        DefaultRowStream stream = new DefaultRowStream(FakePageSource.pages(1), StreamConfig.defaults(), worker,
            new ManualScheduler(), handle -> {});
        AtomicInteger winners = new AtomicInteger();
        race.run(50, () -> {
          try {
            stream.map(RowMapper.record(Item.class));
            winners.incrementAndGet();
          } catch (IllegalStateException lost) {
            // consumed first
          }
        }, () -> {
          try {
            style.start(stream);
            winners.incrementAndGet();
          } catch (IllegalStateException lost) {
            // mapped first
          }
        });
        stream.close();
        assertThat(winners.get()).as("run %d: exactly one of map() and the row style wins", run).isEqualTo(1);
      }
    }
  }

  record Item(int value) {}

  @Test
  void should_let_exactly_one_of_map_and_rows_win() throws Exception {
    race(stream -> stream.rows());
  }

  @Test
  void should_let_exactly_one_of_map_and_for_each_win() throws Exception {
    race(stream -> stream.forEach(row -> {}));
  }

  @Test
  void should_let_exactly_one_of_map_and_next_page_win() throws Exception {
    race(stream -> stream.nextPage());
  }
}
