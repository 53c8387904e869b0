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

import com.datastax.oss.driver.internal.core.util.concurrent.BlockingOperation;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a test runs a step: on its own thread, on another plain thread ({@code outsider}), or on a driver
 * thread (as the driver's I/O threads, which the library must never block and never run user code on).
 */
public enum ThreadKind {
  CALLER,
  OTHER,
  DRIVER;

  /**
   * Runs {@code step} on a thread of this kind and waits for it to return, which it must (a hang guard of 30 s,
   * never a timing assertion); what it throws is rethrown here.
   */
  public void run(Runnable step) throws InterruptedException {
    if (this == CALLER) {
      step.run();
      return;
    }
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Runnable guarded = () -> {
      try {
        step.run();
      } catch (Throwable failure) {
        thrown.set(failure);
      }
    };
    Thread thread = this == DRIVER ? new BlockingOperation.SafeThreadFactory().newThread(guarded)
        : new Thread(guarded, "outsider");
    thread.start();
    thread.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(thread.isAlive()).as("the step returned on %s (it must not wait there)", thread.getName()).isFalse();
    if (thrown.get() != null) {
      throw new AssertionError("the step failed on " + thread.getName(), thrown.get());
    }
  }
}
