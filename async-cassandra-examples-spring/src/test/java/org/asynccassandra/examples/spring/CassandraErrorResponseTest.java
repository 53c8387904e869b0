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
package org.asynccassandra.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.examples.spring.CassandraErrorResponse.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * Which failure gets which answer, the same on both stacks, without a server: the driver's exceptions and the
 * library's, alone and as the cause of the {@link PageFetchException} a stream fails with. The ITs check the
 * same answers over HTTP for the failures a fault proxy can cause.
 */
class CassandraErrorResponseTest {
  private static final String QUERY = "SELECT pk, ck, payload FROM items";

  static Iterable<Arguments> failures() {
    return java.util.List.of(
        Arguments.of(new NoNodeAvailableException(), Reason.UNAVAILABLE),
        // NodeUnavailableException needs a node, which needs a session: MvcExampleIT and WebFluxExampleIT meet it.
        Arguments.of(new BusyConnectionException(2048), Reason.UNAVAILABLE),
        Arguments.of(new com.datastax.oss.driver.api.core.RequestThrottlingException("queue full"), Reason.UNAVAILABLE),
        Arguments.of(new UnavailableException(null, ConsistencyLevel.QUORUM, 2, 1), Reason.UNAVAILABLE),
        Arguments.of(new OverloadedException(null), Reason.UNAVAILABLE),
        Arguments.of(new ClosedConnectionException("lost"), Reason.UNAVAILABLE),
        Arguments.of(new DriverTimeoutException("Query timed out after PT1S"), Reason.TIMEOUT),
        Arguments.of(new ReadTimeoutException(null, ConsistencyLevel.ONE, 0, 1, false), Reason.TIMEOUT),
        Arguments.of(new StreamTimeoutException(StreamTimeoutException.Kind.PAGE, Duration.ofSeconds(1), 3, QUERY),
            Reason.TIMEOUT),
        Arguments.of(new InvalidQueryException(null, "unconfigured table items"), Reason.CASSANDRA_ERROR),
        Arguments.of(new TableNotFoundException("shop", "items"), Reason.TABLE_NOT_FOUND));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void should_answer_a_failure_alone_and_as_the_cause_of_a_failed_page_alike(Throwable failure, Reason reason) {
    assertThat(CassandraErrorResponse.of(failure).reason()).isEqualTo(reason);
    PageFetchException page = new PageFetchException(2, 500, QUERY, failure);
    CassandraErrorResponse answer = CassandraErrorResponse.of(new CompletionException(page));
    assertThat(answer.reason()).isEqualTo(reason);
    assertThat(answer.message()).as("the failed page's message, which names the query and the page")
        .isEqualTo(page.getMessage()).contains("page 2 of '" + QUERY + "'");
  }

  @Test
  void should_answer_503_with_retry_after_504_without_and_name_the_reason_in_json() {
    PageFetchException unavailable = new PageFetchException(1, 0, QUERY, new NoNodeAvailableException());
    ResponseEntity<Map<String, Object>> busy = CassandraErrorResponse.of(unavailable).toResponseEntity();
    assertThat(busy.getStatusCode().value()).isEqualTo(503);
    assertThat(busy.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))
        .isEqualTo(CassandraErrorResponse.RETRY_AFTER_SECONDS);
    assertThat(busy.getBody()).containsExactly(Map.entry("error", unavailable.getMessage()),
        Map.entry("reason", "UNAVAILABLE"));

    ResponseEntity<Map<String, Object>> late = CassandraErrorResponse.of(
        new PageFetchException(1, 0, QUERY, new DriverTimeoutException("Query timed out after PT1S")))
        .toResponseEntity();
    assertThat(late.getStatusCode().value()).isEqualTo(504);
    assertThat(late.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    assertThat(late.getBody()).containsEntry("reason", "TIMEOUT");

    ResponseEntity<Map<String, Object>> missing = CassandraErrorResponse.of(new TableNotFoundException("shop", "x"))
        .toResponseEntity();
    assertThat(missing.getStatusCode().value()).isEqualTo(404);
    assertThat(missing.getBody()).containsEntry("error", "no table 'x' in keyspace shop");
  }
}
