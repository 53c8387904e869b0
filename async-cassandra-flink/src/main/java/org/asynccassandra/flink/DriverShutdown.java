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
package org.asynccassandra.flink;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;

/**
 * Driver options for a session that is closed only once nothing is pending: its event loops stop without the
 * driver's default 2 s quiet period, so that a task's end or restart need not wait for it.
 *
 * <p>The I/O loops stop at once. The admin loop keeps a short quiet period: {@code close()} hands the close to
 * that loop and then adds a listener to the task's future, and with no quiet period the loop can close
 * everything and stop in between; Netty then logs a {@code RejectedExecutionException} (the CLI, with the same
 * setting, printed one under an error message in CI). The closing thread would have to stall for the whole
 * quiet period at that one point for it to happen.
 */
final class DriverShutdown {
  /** How long the admin loop stays up after its last task when the session closes. */
  static final int ADMIN_QUIET_PERIOD_MILLIS = 250;

  private DriverShutdown() {}

  /**
   * Sets the event loops' shutdown options on {@code options}.
   *
   * @param options the builder to add to
   * @return {@code options}
   */
  static ProgrammaticDriverConfigLoaderBuilder quick(ProgrammaticDriverConfigLoaderBuilder options) {
    return options.withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
        .withString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT, "MILLISECONDS")
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, ADMIN_QUIET_PERIOD_MILLIS)
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT, 15_000); // the unit is shared: 15 s, as before
  }
}
