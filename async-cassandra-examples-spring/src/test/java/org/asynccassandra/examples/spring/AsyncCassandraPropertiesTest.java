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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.examples.spring.mvc.MvcExampleApplication;
import org.asynccassandra.examples.spring.webflux.WebFluxExampleApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;

/**
 * The {@code async-cassandra.*} properties are checked when the application starts, before any connection: a
 * bad fetch size or read-ahead used to pass, and the WebFlux example then answered 500 to every export.
 */
class AsyncCassandraPropertiesTest {
  @Test
  void should_refuse_a_bad_fetch_size_or_read_ahead_naming_the_property() {
    assertThatThrownBy(() -> new AsyncCassandraProperties(List.of("127.0.0.1:9042"), "dc1", "shop", 0, 1, "items",
        null, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("async-cassandra.fetch-size (0) or async-cassandra.prefetch-pages (1) is not valid: ");
    assertThatThrownBy(() -> new AsyncCassandraProperties(List.of("127.0.0.1:9042"), "dc1", "shop", 100, -1,
        "items", null, null)).hasMessageContaining("async-cassandra.prefetch-pages (-1)");
    assertThat(new AsyncCassandraProperties(List.of("127.0.0.1:9042"), "dc1", "shop", 100, 0, "items", null, null)
        .prefetchPages()).isZero();
  }

  @Test
  void should_refuse_retries_out_of_range_and_pass_the_ones_set_to_every_stream() {
    assertThatThrownBy(() -> new AsyncCassandraProperties(List.of("127.0.0.1:9042"), "dc1", "shop", 100, 1, "items",
        null, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("async-cassandra.retries (-1) is not valid: maxRetries must be between 0 and 100: -1");
    AsyncCassandraProperties two = new AsyncCassandraProperties(List.of("127.0.0.1:9042"), "dc1", "shop", 100, 1,
        "items", null, 2);
    ItemQueries queries = new ItemQueries(two, ResumeTokenSigner.hmacSha256(new byte[32]));
    assertThat(queries.exportConfig().maxRetries()).hasValue(2);
    assertThat(queries.pageConfig(5, null).maxRetries()).hasValue(2);
    AsyncCassandraProperties unset = new AsyncCassandraProperties(List.of("127.0.0.1:9042"), "dc1", "shop", 100, 1,
        "items", null, null);
    assertThat(new ItemQueries(unset, ResumeTokenSigner.hmacSha256(new byte[32])).exportConfig().maxRetries())
        .as("the library's default").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"webflux", "mvc"})
  void should_not_start_with_a_bad_fetch_size(String stack) {
    SpringApplication application = stack.equals("webflux") ? WebFluxExampleApplication.application()
        : MvcExampleApplication.application();
    // No Cassandra at port 1: the properties are refused before the session would try it.
    assertThatThrownBy(() -> application.run("--server.port=0", "--async-cassandra.keyspace=shop",
        "--async-cassandra.contact-points=127.0.0.1:1", "--async-cassandra.fetch-size=0"))
        .hasStackTraceContaining("async-cassandra.fetch-size (0) or async-cassandra.prefetch-pages (1) is not valid")
        .rootCause().hasMessage("fetchSize must be > 0: 0");
  }
}
