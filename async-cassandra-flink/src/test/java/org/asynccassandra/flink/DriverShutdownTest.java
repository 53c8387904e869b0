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

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DriverShutdownTest {

  @Test
  void should_stop_the_io_loops_at_once_and_the_admin_loop_after_a_short_quiet_period() {
    DriverExecutionProfile profile = DriverShutdown.quick(DriverConfigLoader.programmaticBuilder()).build()
        .getInitialConfig().getDefaultProfile();
    assertThat(profile.getInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD)).isZero();
    TimeUnit unit = TimeUnit.valueOf(profile.getString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT));
    // Not zero: the driver's close() would race its caller. The timeout stays 15 s in the shared unit.
    assertThat(unit.toMillis(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD)))
        .isEqualTo(DriverShutdown.ADMIN_QUIET_PERIOD_MILLIS).isPositive();
    assertThat(unit.toMillis(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT))).isEqualTo(15_000);
  }
}
