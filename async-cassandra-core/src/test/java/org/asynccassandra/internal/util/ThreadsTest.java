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
package org.asynccassandra.internal.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the library needs a fallback pool of its own: when the JDK's common pool runs no task. */
class ThreadsTest {
  private static final Runtime.Version JDK_21 = Runtime.Version.parse("21.0.5");
  private static final Runtime.Version JDK_17_0_1 = Runtime.Version.parse("17.0.1");
  private static final Runtime.Version JDK_17_0_2 = Runtime.Version.parse("17.0.2");

  @Test
  void should_see_a_common_pool_without_threads_when_its_parallelism_is_set_to_zero() {
    assertThat(Threads.commonPoolRunsTasks("0", JDK_21, 8)).isFalse();
    assertThat(Threads.commonPoolRunsTasks(" 0 ", JDK_21, 8)).isFalse();
    assertThat(Threads.commonPoolRunsTasks("-3", JDK_21, 8)).as("the JDK reads below 0 as 0").isFalse();
    assertThat(Threads.commonPoolRunsTasks("1", JDK_21, 1)).isTrue();
    assertThat(Threads.commonPoolRunsTasks("4", JDK_17_0_1, 1)).isTrue();
  }

  @Test
  void should_take_the_jdk_default_when_the_property_is_unset_or_unreadable() {
    assertThat(Threads.commonPoolRunsTasks(null, JDK_21, 1)).as("at least 1 since 17.0.2").isTrue();
    assertThat(Threads.commonPoolRunsTasks(null, JDK_17_0_2, 1)).isTrue();
    assertThat(Threads.commonPoolRunsTasks(null, JDK_17_0_1, 2)).isTrue();
    assertThat(Threads.commonPoolRunsTasks(null, JDK_17_0_1, 1)).as("JDK-8274349: 0 on one CPU").isFalse();
    assertThat(Threads.commonPoolRunsTasks(null, Runtime.Version.parse("17"), 1)).isFalse();
    assertThat(Threads.commonPoolRunsTasks("many", JDK_17_0_1, 1)).as("ignored by the JDK").isFalse();
    assertThat(Threads.commonPoolRunsTasks("many", JDK_21, 1)).isTrue();
  }

  @Test
  void should_use_the_common_pool_when_it_runs_tasks() {
    // This JVM's common pool runs tasks (surefire sets no parallelism): no pool of the library's own.
    assertThat(Threads.fallbackExecutor()).isSameAs(java.util.concurrent.ForkJoinPool.commonPool());
  }
}
