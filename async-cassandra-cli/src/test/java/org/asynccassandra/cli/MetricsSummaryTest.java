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
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamStats;
import org.junit.jupiter.api.Test;

/** {@code --metrics-summary}'s lines, and its binding to the session. */
class MetricsSummaryTest {
  @Test
  void should_print_one_sorted_line_per_meter_with_its_tags_and_whole_numbers() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Counter.builder("asynccassandra.rows.delivered").tags("kind", "scan", "style", "forEachPage").register(registry)
        .increment(20_000);
    Timer.builder("asynccassandra.page.fetch").tags("kind", "scan").register(registry)
        .record(Duration.ofMillis(12));
    Counter.builder("asynccassandra.response.bytes").register(registry).increment(1.5);
    assertThat(MetricsSummary.lines(registry)).containsExactly(
        "asynccassandra.page.fetch{kind=scan} count=1 mean=12.000 ms max=12.000 ms",
        "asynccassandra.response.bytes{} 1.500",
        "asynccassandra.rows.delivered{kind=scan,style=forEachPage} 20000");
  }

  private static AsyncSession sessionOf(List<StreamListener> listeners) {
    return (AsyncSession) Proxy.newProxyInstance(MetricsSummaryTest.class.getClassLoader(),
        new Class<?>[] {AsyncSession.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "addListener" -> listeners.add((StreamListener) args[0]);
            case "removeListener" -> listeners.remove((StreamListener) args[0]);
            case "readAheadBudget" -> {
              return java.util.Optional.empty(); // a session without one: AsyncCassandraMetrics.bindTo asks
            }
            default -> throw new UnsupportedOperationException(method.getName());
          }
          return null;
        });
  }

  @Test
  @SuppressWarnings("try") // the summary is only closed
  void should_bind_to_the_session_and_print_and_unbind_when_closed() {
    List<StreamListener> listeners = new CopyOnWriteArrayList<>();
    AsyncSession session = sessionOf(listeners);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MetricsSummary summary = MetricsSummary.attach(session, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      assertThat(listeners).as("the meters' listener, then the one that waits for the ends").hasSize(2);
    }
    assertThat(listeners).isEmpty();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("Metrics:");
  }

  @Test
  void should_print_once_the_end_events_of_the_streams_measured_came() {
    List<StreamListener> listeners = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MetricsSummary summary = MetricsSummary.attach(sessionOf(listeners),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    StreamInfo stream = new StreamInfo() {
      @Override public long id() { return 1; }
      @Override public Kind kind() { return Kind.SCAN; }
      @Override public Optional<String> keyspace() { return Optional.of("ks"); }
      @Override public Optional<String> table() { return Optional.of("t"); }
      @Override public Optional<String> name() { return Optional.empty(); }
      @Override public String query() { return "SELECT * FROM ks.t"; }
      @Override public StreamStats stats() { return NO_STATS; }
    };
    List<StreamListener> heard = List.copyOf(listeners); // as a stream keeps the session's listeners
    heard.forEach(listener -> listener.executor(stream, Runnable::run)); // the stream is created

    CompletableFuture<Void> closed = CompletableFuture.runAsync(summary::close);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !closed.isDone());
    assertThat(bytes.size()).as("nothing printed while the stream is open").isZero();

    heard.forEach(listener -> listener.onComplete(stream, NO_STATS)); // in order, as the stream tells them
    closed.join();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("Metrics:")
        .containsPattern("asynccassandra\\.streams\\.open\\{[^}]*\\} 0\\n");
    assertThat(listeners).isEmpty();
  }

  private static final StreamStats NO_STATS = new StreamStats(0, 0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, 0);
}
