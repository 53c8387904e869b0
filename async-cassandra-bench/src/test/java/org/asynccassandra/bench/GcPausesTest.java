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
package org.asynccassandra.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** GC pauses placed on this JVM's nanoTime, from JMX notifications that count time from an origin of their own. */
class GcPausesTest {
  private static volatile Object sink;

  @Test
  void should_place_a_collection_inside_the_interval_it_happened_in_and_no_other() throws Exception {
    try (GcPauses pauses = new GcPauses()) {
      long before = System.nanoTime();
      System.gc();
      long after = System.nanoTime();
      assertThat(pauses.awaitNotified(Duration.ofSeconds(10))).isTrue();
      assertThat(pauses.overlaps(before, after)).isTrue();
      assertThat(pauses.overlaps(after + 1_000_000_000L, after + 2_000_000_000L)).as("a second later").isFalse();
    }
  }

  /**
   * The bench's JVM touches its whole heap at start ({@code -XX:+AlwaysPreTouch}), which puts JMX's origin of
   * collection times seconds away from the runtime's uptime: in a JVM started so, a collection is still placed
   * in the interval it happened in.
   */
  @Test
  void should_place_a_collection_in_its_interval_in_a_jvm_that_touched_its_heap_at_start() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-cp",
        System.getProperty("java.class.path"), Child.class.getName()).redirectErrorStream(true).start();
    try {
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(output).contains("placed: true, a second later: false");
      assertThat(child.exitValue()).as(output).isZero();
    } finally {
      child.destroyForcibly();
    }
  }

  /** The child JVM's check: a System.gc() of its own, placed in time. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      try (GcPauses pauses = new GcPauses()) {
        long before = System.nanoTime();
        System.gc();
        long after = System.nanoTime();
        pauses.awaitNotified(Duration.ofSeconds(10));
        System.out.println("placed: " + pauses.overlaps(before, after) + ", a second later: "
            + pauses.overlaps(after + 1_000_000_000L, after + 2_000_000_000L));
      }
    }
  }

  @Test
  void should_tell_the_young_collections_of_an_interval_with_their_survivors() throws Exception {
    List<GarbageCollectorMXBean> young = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(collector -> collector.getName().equals("G1 Young Generation")).toList();
    assumeTrue(young.size() == 1, "G1, whose young collections have a survivor space");
    try (GcPauses pauses = new GcPauses()) {
      long start = System.nanoTime();
      long collections = young.get(0).getCollectionCount();
      while (young.get(0).getCollectionCount() < collections + 3) {
        sink = new byte[64 * 1024];
      }
      long end = System.nanoTime();
      assertThat(pauses.awaitNotified(Duration.ofSeconds(10))).isTrue();
      assertThat(pauses.youngCollections(start, end)).hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy(collection -> assertThat(collection.survivorBytes()).isNotNegative());
      assertThat(pauses.youngCollections(end + 1_000_000_000L, end + 2_000_000_000L)).isEmpty();
    }
  }
}
