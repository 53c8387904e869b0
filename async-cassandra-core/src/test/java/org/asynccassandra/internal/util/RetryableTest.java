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
package org.asynccassandra.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.asynccassandra.internal.util.DriverFailures.allFailed;
import static org.asynccassandra.internal.util.DriverFailures.node;

import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/** Which failures a stream or a scan asks again for: each as the driver reports it. */
class RetryableTest {
  @Test
  void should_retry_a_request_written_to_a_connection_that_had_just_closed() {
    // What the driver gave when a connection was dropped as the request went out (seen in AdaptivePagingIT
    // through a FaultProxy): Netty's ClosedChannelException, the one node's error.
    assertThat(Retryable.isRetryable(allFailed(new ClosedChannelException()))).isTrue();
    assertThat(Retryable.isRetryable(allFailed(new IOException("Connection reset by peer")))).isTrue();
    assertThat(Retryable.isRetryable(allFailed(new ClosedConnectionException("lost")))).isTrue();
    // And when the retry came before the driver reconnected: the node is up, its pool has no connection.
    Node reconnecting = node("reconnecting");
    assertThat(Retryable.isRetryable(allFailed(new com.datastax.oss.driver.api.core.NodeUnavailableException(
        reconnecting)))).isTrue();
  }

  @Test
  void should_retry_a_request_the_drivers_throttler_shed() {
    // A throttler configured in the driver (advanced.throttler) fails a request it has no room for before it is
    // sent: a stream or scan failed at once on it, an export an hour in included.
    assertThat(Retryable.isRetryable(new com.datastax.oss.driver.api.core.RequestThrottlingException(
        "The session has too many requests in its queue"))).isTrue();
    // The throttlers' refusal once the driver's session is closing (ConcurrencyLimitingRequestThrottler and
    // RateLimitingRequestThrottler say so): final, not worth ten seconds of back-off.
    assertThat(Retryable.isRetryable(new com.datastax.oss.driver.api.core.RequestThrottlingException(
        "The session is shutting down"))).isFalse();
  }

  @Test
  void should_retry_no_node_available_and_not_a_final_error_of_any_node() {
    assertThat(Retryable.isRetryable(new NoNodeAvailableException()))
        .isTrue();
    SyntaxError syntax = new SyntaxError(node("syntax"), "line 1:0 no viable alternative");
    assertThat(Retryable.isRetryable(syntax)).isFalse();
    assertThat(Retryable.isRetryable(allFailed(syntax))).isFalse();
    assertThat(Retryable.isRetryable(allFailed(new ClosedChannelException(), syntax)))
        .as("one final error makes the whole final").isFalse();
    assertThat(Retryable.isRetryable(new IllegalStateException("a bug"))).isFalse();
  }
}
