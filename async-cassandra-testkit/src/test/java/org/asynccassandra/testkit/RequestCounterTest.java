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

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.session.Session;
import com.datastax.oss.driver.api.core.tracker.RequestIdGenerator;
import com.datastax.oss.driver.internal.core.context.InternalDriverContext;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The counter's arithmetic, driven by hand the way the driver calls it. */
class RequestCounterTest {
  private static final SimpleStatement QUERY = SimpleStatement.newInstance("SELECT * FROM t");

  @Test
  void should_count_an_attempt_sent_when_the_driver_asks_for_its_node_request_id() {
    RequestCounter counter = new RequestCounter();
    String parent = counter.getSessionRequestId();
    assertThat(counter.sent()).isZero();
    String first = counter.getNodeRequestId(QUERY, parent);
    String retry = counter.getNodeRequestId(QUERY, parent);
    assertThat(counter.sent()).isEqualTo(2);
    assertThat(counter.inFlight()).isEqualTo(2);
    assertThat(first).startsWith(parent).isNotEqualTo(retry);
  }

  @Test
  void should_count_node_successes_and_node_errors_as_finished_and_nothing_else() {
    RequestCounter counter = new RequestCounter();
    String parent = counter.getSessionRequestId();
    counter.getNodeRequestId(QUERY, parent);
    counter.getNodeRequestId(QUERY, parent);
    counter.onNodeError(QUERY, new RuntimeException("overloaded"), 1, null, null, "s0|a");
    assertThat(counter.finished()).isEqualTo(1);
    counter.onNodeSuccess(QUERY, 1, null, null, "s0|b");
    // The request-level reports come on top of the node-level ones: they must not count twice.
    counter.onSuccess(QUERY, 1, null, null, "s0|b");
    counter.onError(QUERY, new RuntimeException("timeout"), 1, null, null, "s0|c");
    assertThat(counter.finished()).isEqualTo(2);
    assertThat(counter.inFlight()).isZero();
  }

  @Test
  void should_count_only_what_was_sent_after_a_mark() {
    RequestCounter counter = new RequestCounter();
    counter.getNodeRequestId(QUERY, "r1");
    long mark = counter.mark();
    assertThat(counter.sentSince(mark)).isZero();
    counter.getNodeRequestId(QUERY, "r2");
    counter.getNodeRequestId(QUERY, "r3");
    assertThat(counter.sentSince(mark)).isEqualTo(2);
    assertThat(counter.sentSince(0)).isEqualTo(3);
    assertThatThrownBy(() -> counter.sentSince(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mark must be a value of mark(), between 0 and 3: 4");
  }

  @Test
  void should_leave_the_statement_as_it_is_instead_of_adding_a_payload() {
    RequestCounter counter = new RequestCounter();
    assertThat(counter.getDecoratedStatement(QUERY, "r1-attempt-1")).isSameAs(QUERY);
  }

  @Test
  void should_refuse_to_count_sends_for_a_session_that_uses_it_only_as_tracker() {
    RequestCounter counter = new RequestCounter();
    counter.onSessionReady(session(Optional.empty()));
    assertThatThrownBy(counter::sent).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not its request id generator").hasMessageContaining("addTo(builder)");
    assertThatThrownBy(counter::mark).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void should_accept_a_session_that_uses_it_as_id_generator() {
    RequestCounter counter = new RequestCounter();
    counter.onSessionReady(session(Optional.of(counter)));
    assertThat(counter.sent()).isZero();
  }

  /** A session whose context has {@code generator}: only the methods the counter calls answer. */
  private static Session session(Optional<RequestIdGenerator> generator) {
    InternalDriverContext context = (InternalDriverContext) Proxy.newProxyInstance(
        RequestCounterTest.class.getClassLoader(), new Class<?>[] {InternalDriverContext.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getRequestIdGenerator" -> generator;
          default -> throw new UnsupportedOperationException(method.getName());
        });
    return (Session) Proxy.newProxyInstance(RequestCounterTest.class.getClassLoader(),
        new Class<?>[] {Session.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getContext" -> context;
          case "getName" -> "s0";
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
