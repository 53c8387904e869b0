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
import com.datastax.oss.driver.internal.core.context.InternalDriverContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.CassandraServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CassandraExtension.class)
class DriverSessionIT {
  private static DriverSession connect(CassandraServer server) {
    // The command line's shutdown: no quiet period on any of the driver's loops.
    return DriverSession.connect(server.sessionBuilder(options -> options
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
        .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)));
  }

  private static EventExecutorGroup adminLoops(DriverSession driver) {
    return ((InternalDriverContext) driver.session().getContext()).getNettyOptions().adminEventExecutorGroup();
  }

  @Test
  void should_run_no_admin_task_handed_over_while_held_until_released(CassandraServer server) throws Exception {
    try (DriverSession driver = connect(server)) {
      CountDownLatch released = new CountDownLatch(1);
      DriverSession.holdAdminLoops(driver.session(), released).get(30, TimeUnit.SECONDS); // every loop waits
      List<Future<Long>> probes = new ArrayList<>();
      for (EventExecutor loop : adminLoops(driver)) {
        probes.add(loop.submit(released::getCount)); // as the driver's close() hands its close over
      }
      released.countDown();
      for (Future<Long> probe : probes) {
        assertThat(probe.get(30, TimeUnit.SECONDS)).as("the latch's count when the task ran").isZero();
      }
    }
  }

  @Test
  void should_close_the_session_and_stop_every_loop(CassandraServer server) {
    DriverSession driver = connect(server);
    assertThat(driver.session().execute("SELECT release_version FROM system.local").one()).isNotNull();
    EventExecutorGroup admin = adminLoops(driver);
    driver.close();
    assertThat(driver.session().isClosed()).isTrue();
    assertThat(admin.isTerminated()).as("close() returns once the admin loops stopped").isTrue();
    driver.close(); // again: nothing to hold, nothing to close
  }
}
