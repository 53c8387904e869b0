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
package org.asynccassandra.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Virtual threads for tests compiled for Java 17: {@code Thread.isVirtual()} by reflection, and the check that
 * a fork which must test them (the pom's jdk21plus executions set {@value #EXPECTED}) runs on a JVM that has them.
 */
public final class VirtualThreads {
  /** The system property the pom's jdk21plus executions set to {@code true}. */
  public static final String EXPECTED = "examples.virtualThreadsExpected";

  private VirtualThreads() {}

  /** Whether this JVM has virtual threads (Java 21+). */
  public static boolean available() {
    return Runtime.version().feature() >= 21;
  }

  /**
   * Fails when the build asked for virtual threads ({@value #EXPECTED}) and this JVM has none: a jdk21plus
   * execution forked on the wrong JVM fails instead of passing on the bounded pool.
   */
  public static void assertAvailableWhereExpected() {
    if (Boolean.getBoolean(EXPECTED)) {
      assertThat(Runtime.version().feature())
          .as("the Java version of a fork that must test virtual threads (%s)", System.getProperty("java.home"))
          .isGreaterThanOrEqualTo(21);
    }
  }

  /** Whether {@code thread} is virtual: {@code Thread.isVirtual()} from Java 21, false before (there are none). */
  public static boolean isVirtual(Thread thread) {
    try {
      return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (NoSuchMethodException java17) {
      return false;
    } catch (ReflectiveOperationException unexpected) {
      throw new IllegalStateException("Thread.isVirtual() failed", unexpected);
    }
  }
}
