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
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.datastax.oss.driver.api.core.CqlSession;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * What the extension does around a class, seen from outside: a fixture class runs in a nested JUnit run,
 * then this test checks that its fields were injected, that it shared the JVM's server, and that its
 * keyspace was dropped and its session closed after it.
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
}
