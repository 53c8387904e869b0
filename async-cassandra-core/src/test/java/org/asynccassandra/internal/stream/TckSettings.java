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

import org.reactivestreams.tck.TestEnvironment;

/** The settings our Reactive Streams TCK verifications share. */
public final class TckSettings {
  /**
   * How long rule 3.13 waits after a cancel before it checks that the publisher dropped its subscriber. The
   * publisher drops it on the subscription's executor, after the cancel: the TCK's 300 ms is one scheduling
   * stall on a loaded 2-core machine (running Cassandra too), so a correct publisher could fail.
   */
  public static final long PUBLISHER_GC_TIMEOUT_MILLIS = 1_000;

  private TckSettings() {}

  /** {@return the environment: 2 s for an expected signal, 200 ms to wait for no signal} */
  public static TestEnvironment environment() {
    return new TestEnvironment(2_000, 200);
  }
}
