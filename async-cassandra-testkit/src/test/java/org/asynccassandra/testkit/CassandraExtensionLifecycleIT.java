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
package org.asynccassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * What the extension does around a class, seen from outside: a fixture class runs in a nested JUnit run,
 * then this test checks that its fields were injected, that it shared the JVM's server, and that its
 * keyspace was dropped and its session closed after it; and that a class that leaves the shared server down
 * does not take the next class down with it.
 */
@CassandraTest
class CassandraExtensionLifecycleIT {
  private static final AtomicBoolean FIXTURE_ENABLED = new AtomicBoolean();

  @Test
  void should_inject_fields_share_the_server_and_clean_up_after_the_class(CassandraServer server) {
    FIXTURE_ENABLED.set(true);
    try {
      org.junit.platform.testkit.engine.EngineExecutionResults results =
          EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixture.class)).execute();
      // A failure of the fixture's class (its server, session or keyspace) stops its tests before they start:
      // name it, rather than only counting tests that did not start.
      assertThat(results.allEvents().failed().stream()
          .map(event -> event.getTestDescriptor().getDisplayName() + ": " + event.getPayload().orElse(null)))
          .as("failures in the fixture's run").isEmpty();
      assertThat(results.allEvents().skipped().stream()
          .map(event -> event.getTestDescriptor().getDisplayName() + ": " + event.getPayload().orElse(null)))
          .as("parts of the fixture's run skipped").isEmpty();
      results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
    } finally {
      FIXTURE_ENABLED.set(false);
    }
    assertThat(Fixture.server).isSameAs(server); // one server per JVM, even across runs
    assertThat(server.isRunning()).isTrue(); // this run still holds it
    assertThat(Fixture.session.isClosed()).isTrue();
    try (CqlSession check = server.newSession()) {
      assertThat(check.getMetadata().getKeyspace(Fixture.keyspace.identifier())).isEmpty();
    }
  }

  @Test
  void should_restart_the_shared_server_that_a_failed_class_left_down_for_the_next_class(CassandraServer server) {
    // The next class got the dead server: "AllNodesFailedException ... Connection refused", naming no one.
    // Costs one restart of the shared server, as long as its first start: 9 to 20 s on this 2-core machine.
    long pidBefore = server.pid();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream stderr = System.err; // slf4j-simple looks System.err up at each line
    FIXTURE_ENABLED.set(true);
    System.setErr(new PrintStream(new Tee(stderr, log), true, StandardCharsets.UTF_8));
    try {
      EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
          .configurationParameter(ClassOrderer.DEFAULT_ORDER_PROPERTY_NAME,
              ClassOrderer.OrderAnnotation.class.getName())
          .selectors(selectClass(ComesNext.class), selectClass(LeavesTheServerDown.class))
          .execute();
      assertThat(results.allEvents().failed().stream().map(CassandraExtensionLifecycleIT::describe))
          .as("failures in the fixtures' run: only the test that killed the server")
          .containsExactly("kills_the_server_and_fails_before_its_restart(CassandraServer): failed before its "
              + "restart()");
      assertThat(results.allEvents().skipped().stream().map(CassandraExtensionLifecycleIT::describe))
          .as("parts of the fixtures' run skipped").isEmpty();
      results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
      assertThat(ComesNext.releaseVersion).startsWith("5.0.");
      assertThat(ComesNext.server).isSameAs(server);
      assertThat(server.isRunning()).isTrue();
      assertThat(server.pid()).as("a new process").isNotEqualTo(pidBefore);
      assertThat(log.toString(StandardCharsets.UTF_8))
          .contains("is down: " + LeavesTheServerDown.class.getName() + ", the class it was handed to last")
          .contains("Restarting it for " + ComesNext.class.getName());
    } finally {
      System.setErr(stderr);
      FIXTURE_ENABLED.set(false);
      if (!server.isRunning()) {
        server.restart(); // so that a failure here stays here, and the classes after this one get the server
      }
    }
  }

  @Test
  void should_refuse_to_close_the_shared_server(CassandraServer server) {
    // Closed, it cannot restart: every later class got it closed, with the same unexplained connection refusals.
    assertThatThrownBy(server::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("This is the server that CassandraExtension shares between test classes")
        .hasMessageContaining("stop() or kill() it and restart() it before the class ends");
    assertThat(server.isRunning()).isTrue();
    assertThat(server.directory()).isDirectory();
  }

  /** A failed or skipped part of a nested run: its name, and why (the failure's message, or the reason). */
  private static String describe(Event event) {
    return event.getTestDescriptor().getDisplayName() + ": " + event.getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).map(Throwable::getMessage)
        .orElse(String.valueOf(event.getPayload().orElse(null)));
  }

  static boolean fixtureEnabled() {
    return FIXTURE_ENABLED.get();
  }

  /** Run only by the test above, not by failsafe. */
  @CassandraTest
  @EnabledIf("org.asynccassandra.testkit.CassandraExtensionLifecycleIT#fixtureEnabled")
  static class Fixture {
    @CassandraInject static CqlSession session;
    @CassandraInject static TestKeyspace keyspace;
    @CassandraInject static CassandraServer server;
    @CassandraInject CqlSession instanceSession;
    @CassandraInject TestKeyspace instanceKeyspace;

    @Test
    void fields_hold_the_class_session_and_keyspace() {
      assertThat(instanceSession).isSameAs(session);
      assertThat(instanceKeyspace).isEqualTo(keyspace);
      assertThat(keyspace.name()).startsWith("it_fixture_");
      assertThat(session.getMetadata().getKeyspace(keyspace.identifier())).isPresent();
      assertThat(server.isRunning()).isTrue();
    }

    @Nested
    class Inner {
      @Test
      void nested_classes_share_the_enclosing_keyspace(TestKeyspace nested, CqlSession nestedSession) {
        assertThat(nested).isEqualTo(keyspace);
        assertThat(nestedSession).isSameAs(session);
      }
    }
  }

  /** Run only by the restart test above, first: kills the shared server and fails before its restart. */
  @CassandraTest
  @Order(1)
  @EnabledIf("org.asynccassandra.testkit.CassandraExtensionLifecycleIT#fixtureEnabled")
  static class LeavesTheServerDown {
    @Test
    void kills_the_server_and_fails_before_its_restart(CassandraServer server) {
      server.kill();
      throw new AssertionError("failed before its restart()");
    }
  }

  /** Run only by the restart test above, second: its session is opened in its beforeAll. */
  @CassandraTest
  @Order(2)
  @EnabledIf("org.asynccassandra.testkit.CassandraExtensionLifecycleIT#fixtureEnabled")
  static class ComesNext {
    @CassandraInject static CqlSession session;
    @CassandraInject static CassandraServer server;
    static volatile String releaseVersion;

    @Test
    void gets_a_working_session() {
      releaseVersion = session.execute("SELECT release_version FROM system.local").one().getString(0);
    }
  }

  /** Writes to two streams: the test's log stays visible while the test reads it. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      first.write(bytes, offset, length);
      second.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }
  }
}
