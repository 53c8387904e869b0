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

import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which streams record where they were created, and what a leak report holds for the others. */
class CreationSitesTest {
  private final int setting = CreationSites.recordEvery(CreationSites.SAMPLED_EVERY);

  @AfterEach
  void restore() {
    CreationSites.recordEvery(setting);
  }

  @Test
  void should_read_the_setting_and_fall_back_to_sampled_on_a_value_it_does_not_know() {
    assertThat(CreationSites.every(null)).isEqualTo(CreationSites.SAMPLED_EVERY);
    assertThat(CreationSites.every("sampled")).isEqualTo(CreationSites.SAMPLED_EVERY);
    assertThat(CreationSites.every(" ALL ")).isEqualTo(1);
    assertThat(CreationSites.every("none")).isZero();
    assertThat(CreationSites.every("everything")).isEqualTo(CreationSites.SAMPLED_EVERY);
    assertThatThrownBy(() -> CreationSites.recordEvery(-1)).hasMessage("streams < 0: -1");
  }

  @Test
  void should_record_the_site_of_about_one_stream_in_64_by_default() {
    int recorded = 0;
    for (int i = 0; i < 64_000; i++) {
      if (CreationSites.capture() != null) {
        recorded++;
      }
    }
    // Binomial, mean 1,000 and standard deviation 31: outside 700..1,300 about once in 10^20 runs.
    assertThat(recorded).isBetween(700, 1_300);
  }

  @Test
  void should_report_where_a_leaked_stream_was_created_when_every_stream_records_it() throws Exception {
    CreationSites.recordEvery(1);
    Throwable createdAt = leakOne();
    assertThat(createdAt).isNotInstanceOf(CreationSites.Unrecorded.class).hasMessage("RowStream created here");
    assertThat(Arrays.stream(createdAt.getStackTrace()).map(StackTraceElement::getMethodName))
        .as("the creator's frames").contains("openAndDrop");
  }

  @Test
  void should_still_report_a_leaked_stream_that_recorded_no_site_and_say_how_to_record_it() throws Exception {
    CreationSites.recordEvery(0);
    long leaksBefore = DefaultRowStream.LEAKS_REPORTED.get();
    Throwable createdAt = leakOne();
    assertThat(createdAt).isInstanceOf(CreationSites.Unrecorded.class)
        .hasMessageContaining("-Dasynccassandra.leakSites=all");
    assertThat(createdAt.getStackTrace()).as("no stack: it would show the leak detector's thread").isEmpty();
    assertThat(DefaultRowStream.LEAKS_REPORTED.get()).isGreaterThan(leaksBefore);
  }

  /** Drops an open stream and returns what its listener's {@code onLeak} received. */
  private static Throwable leakOne() throws Exception {
    CompletableFuture<Throwable> leaked = new CompletableFuture<>();
    StreamListener listener = new StreamListener() {
      @Override
      public void onLeak(StreamInfo stream, Throwable createdAt, StreamStats stats) {
        leaked.complete(createdAt);
      }
    };
    ManualScheduler.awaitCollected(openAndDrop(listener));
    return leaked.get(30, TimeUnit.SECONDS);
  }

  private static WeakReference<DefaultRowStream> openAndDrop(StreamListener listener) {
    return new WeakReference<>(new DefaultRowStream(FakePageSource.pages(2),
        StreamConfig.builder().listener(listener).executor(Runnable::run).build(), Runnable::run,
        new ManualScheduler(), handle -> {}));
  }
}
