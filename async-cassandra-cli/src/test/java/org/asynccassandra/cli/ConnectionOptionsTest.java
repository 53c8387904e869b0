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

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConnectionOptionsTest {

  @Command(name = "probe")
  static final class Probe {
    @Mixin
    ConnectionOptions connection = new ConnectionOptions();
  }

  private static DriverExecutionProfile options(String... args) {
    Probe probe = new Probe();
    CommandLine commandLine = new CommandLine(probe);
    commandLine.parseArgs(args);
    return probe.connection.driverConfig(commandLine, Map.of(), new PrintStream(OutputStream.nullOutputStream()))
        .getInitialConfig().getDefaultProfile();
  }

  @Test
  void should_stop_the_io_loops_at_once_and_the_admin_loop_after_a_short_quiet_period() {
    DriverExecutionProfile profile = options("--contact-point", "127.0.0.1:9042");
    assertThat(profile.getInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD)).isZero();
    // A zero admin quiet period lets the driver's close() race its own caller (see quickShutdown).
    TimeUnit unit = TimeUnit.valueOf(profile.getString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT));
    long quiet = unit.toMillis(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD));
    long timeout = unit.toMillis(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT));
    assertThat(quiet).isEqualTo(ConnectionOptions.ADMIN_QUIET_PERIOD_MILLIS).isPositive();
    // Netty refuses a timeout shorter than the quiet period; the unit is shared, so 15 s must stay 15 s.
    assertThat(timeout).isEqualTo(Duration.ofSeconds(15).toMillis());
  }

  @Test
  void should_keep_the_request_timeout_given() {
    DriverExecutionProfile profile = options("--contact-point", "127.0.0.1:9042", "--request-timeout", "PT7S");
    assertThat(profile.getDuration(DefaultDriverOption.REQUEST_TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
  }
}
