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
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.examples.spring.mvc.CassandraErrorAdvice;
import org.asynccassandra.examples.spring.mvc.ItemPageController;
import org.asynccassandra.examples.spring.mvc.MvcExampleApplication;
import org.asynccassandra.examples.spring.mvc.TableExportController;
import org.asynccassandra.examples.spring.mvc.TableExporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.client.MockMvcWebTestClient;

/**
 * {@link ExampleContractIT} on the Spring MVC application (Tomcat, blocking iterators on the export executor), and
 * its table endpoint.
 */
@SpringBootTest(classes = MvcExampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.main.web-application-type=servlet", ExampleContractIT.PROPERTIES_FETCH,
        ExampleContractIT.PROPERTIES_PREFETCH, ExampleContractIT.PROPERTIES_RETRIES,
        "server.tomcat.connection-timeout=" + ExampleContractIT.WRITE_TIMEOUT_SECONDS + "s"})
@Import({MvcExampleIT.SmallSendBuffer.class, ExampleContractIT.ThroughFaultProxy.class})
class MvcExampleIT extends ExampleContractIT {
  @Autowired @Qualifier("exportExecutorService") ExecutorService exportExecutor;

  @Autowired ResumeTokenSigner signer;

  @Override
  WebTestClient controllersWith(AsyncCassandraProperties properties) {
    ItemQueries queries = new ItemQueries(properties, signer);
    return MockMvcWebTestClient.bindToController(
            new TableExportController(new TableExporter(session, properties, queries), properties),
            new ItemPageController(session, queries, properties))
        .controllerAdvice(new CassandraErrorAdvice()).build();
  }

  /** A small socket send buffer on the server side, so that a client that stops reading is felt after a few pages. */
  @TestConfiguration
  static class SmallSendBuffer {
    @Bean
    TomcatConnectorCustomizer smallSendBuffer() {
      return connector -> connector.setProperty("socket.txBufSize", "8192");
    }
  }

  @Test
  void should_read_exports_and_pages_on_virtual_threads_from_java_21_and_on_the_bounded_pool_before() {
    VirtualThreads.assertAvailableWhereExpected();
    // onStart runs on the thread that starts consuming the stream: here the one that iterates it.
    Map<String, Thread> readers = new ConcurrentHashMap<>();
    StreamListener starts = new StreamListener() {
      @Override
      public void onStart(StreamInfo stream, String style) {
        readers.put(stream.name().orElse("unnamed"), Thread.currentThread());
      }
    };
    session.addListener(starts);
    try {
      client.get().uri("/api/items/export.ndjson").exchange().expectStatus().isOk().expectBody().returnResult();
      client.get().uri("/api/items?limit=5").exchange().expectStatus().isOk().expectBody().returnResult();
    } finally {
      session.removeListener(starts);
    }
    assertThat(readers).containsOnlyKeys(ItemQueries.EXPORT, ItemQueries.PAGE);
    readers.forEach((stream, thread) -> {
      if (VirtualThreads.available()) {
        assertThat(VirtualThreads.isVirtual(thread)).as("%s read on a virtual thread: %s", stream, thread).isTrue();
      } else {
        assertThat(thread.getName()).as("%s read on the bounded pool", stream).startsWith("export-");
      }
    });
  }

  @Test
  void should_serve_any_table_of_the_keyspace_and_answer_404_for_one_that_is_not_there() {
    // HEAD: the headers, or the 404, and no stream (Servlet's doHead ran the GET handler: a whole read).
    client.head().uri("/api/tables/items/rows.ndjson").exchange().expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith("application/x-ndjson").expectBody().isEmpty();
    client.head().uri("/api/tables/nothing_here/rows.ndjson").exchange().expectStatus().isNotFound();
    assertThat(watcher.exports).as("no export stream started by a HEAD").isEmpty();

    String body = client.get().uri("/api/tables/items/rows.ndjson").exchange().expectStatus().isOk()
        .expectBody(String.class).returnResult().getResponseBody();
    assertThat(String.valueOf(body).split("\n")).hasSize(ROWS);
    for (String table : List.of("nothing_here", "items x", "\"items\"x")) {
      // The answer of both stacks to async-cassandra.table not being there (ExampleContractIT).
      client.get().uri("/api/tables/{table}/rows.ndjson", table).exchange()
          .expectStatus().isNotFound()
          .expectBody()
          .jsonPath("$.reason").isEqualTo("TABLE_NOT_FOUND")
          .jsonPath("$.error").isEqualTo("no table '" + table + "' in keyspace " + keyspace.name());
    }
  }

  @Test
  void should_answer_503_with_retry_after_while_the_bounded_pool_is_full_and_serve_again_once_it_is_not()
      throws Exception {
    assumeFalse(VirtualThreads.available(), "virtual threads (Java 21+) refuse no export; the bounded pool is 17's");
    ThreadPoolExecutor pool = (ThreadPoolExecutor) exportExecutor;
    int threads = pool.getMaximumPoolSize();
    CountDownLatch running = new CountDownLatch(threads);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<?>> holders = new ArrayList<>();
    try {
      // First a task on every thread, then the queue filled: submitted all at once, the tasks would race the
      // pool's idle threads (left by the tests before) for the queue, and one could be refused.
      for (int i = 0; i < threads; i++) {
        holders.add(pool.submit(() -> {
          running.countDown();
          return release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        }));
      }
      assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("every thread of the pool taken").isTrue();
      for (int queued = pool.getQueue().remainingCapacity(); queued > 0; queued--) {
        holders.add(pool.submit(() -> release.await(WAIT.toSeconds(), TimeUnit.SECONDS)));
      }
      assertThat(pool.getQueue().remainingCapacity()).as("the queue full").isZero();
      for (String uri : List.of("/api/items?limit=5", "/api/items/export.ndjson")) {
        String body = client.get().uri(uri).exchange().expectStatus().isEqualTo(503)
            .expectHeader().valueEquals("Retry-After", "1")
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).as(uri).contains("\"error\"", "busy");
      }
    } finally {
      release.countDown();
    }
    for (Future<?> holder : holders) {
      assertThat(holder.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(true);
    }
    client.get().uri("/api/items?limit=5").exchange().expectStatus().isOk();
  }
}
