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
package org.asynccassandra.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link StreamInfo#query()} of the session's streams: the statement's text whole, where messages shorten it. */
class StreamInfoQueryTest {
  /** A comment line first, a literal, and longer than the 200 characters a message quotes. */
  private static final String QUERY = "-- orders by email\nSELECT id, total FROM orders\nWHERE email = 'a@b.c'\n"
      + "  AND bucket IN (" + IntStream.range(0, 60).mapToObj(String::valueOf).collect(Collectors.joining(", ")) + ")";

  /** Every request fails at once, as a server rejecting the statement: a stream ends after its first fetch. */
  private final CqlSession cqlSession = (CqlSession) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {CqlSession.class}, (proxy, method, args) -> switch (method.getName()) {
        case "getKeyspace" -> Optional.empty();
        case "executeAsync" -> CompletableFuture.<AsyncResultSet>failedFuture(
            new InvalidQueryException(null, "Undefined column name total"));
        case "toString" -> "CqlSession(test)";
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> throw new UnsupportedOperationException(method.getName());
      });
  private final AsyncSession session = AsyncSession.wrap(cqlSession);

  @AfterEach
  void stop() {
    session.close();
  }

  /** What the listeners heard of the stream of {@code statement}, and the error it failed with. */
  private record Heard(StreamInfo info, Throwable failure) {}

  private Heard consume(Statement<?> statement) throws Exception {
    CompletableFuture<StreamInfo> started = new CompletableFuture<>();
    session.addListener(new StreamListener() {
      @Override
      public void onStart(StreamInfo stream, String style) {
        started.complete(stream);
      }
    });
    CompletableFuture<Void> consumed =
        session.executeStream(statement, StreamConfig.defaults()).forEach(row -> {}).toCompletableFuture();
    Throwable failure = consumed.handle((done, error) -> error).get(10, TimeUnit.SECONDS);
    return new Heard(started.get(10, TimeUnit.SECONDS),
        failure instanceof CompletionException ? failure.getCause() : failure);
  }

  @Test
  void should_give_listeners_the_whole_statement_and_messages_its_shortened_form() throws Exception {
    Heard heard = consume(SimpleStatement.newInstance(QUERY).setPageSize(100)); // no profile to read

    assertThat(QUERY).hasSizeGreaterThan(200);
    assertThat(heard.info().query()).isEqualTo(QUERY);
    assertThat(heard.failure()).isInstanceOf(PageFetchException.class).hasMessageContaining(
        "'-- orders by email SELECT id, total FROM orders WHERE email = 'a@b.c' AND bucket IN (0, 1, 2,")
        .hasMessageNotContaining("\n");
  }
}
