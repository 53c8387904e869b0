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
package org.asynccassandra.examples.spring.webflux;

import com.datastax.oss.driver.api.core.DriverException;
import java.util.Map;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.examples.spring.CassandraErrorResponse;
import org.asynccassandra.examples.spring.TableNotFoundException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a request that Cassandra failed as {@link CassandraErrorResponse} says ({@code 503} with
 * {@code Retry-After}, {@code 504}, {@code 404}, {@code 500}, each with a JSON body that names the reason), the
 * same as the Spring MVC example. WebFlux calls it on the thread that signalled the failure (the stream's
 * executor, or the Netty event loop that mapped the request); it never blocks.
 *
 * <p>An export that fails after its {@code 200} and some rows went out cannot change its status. The failure is
 * then passed on: WebFlux leaves it unresolved, and Reactor Netty closes the connection without the chunked
 * body's last chunk, so the client sees a body cut short, never a clean end of a partial export.
 */
@RestControllerAdvice
public class CassandraErrorAdvice {

  @ExceptionHandler({PageFetchException.class, StreamTimeoutException.class, DriverException.class,
      TableNotFoundException.class})
  public Mono<ResponseEntity<Map<String, Object>>> cassandraFailed(RuntimeException failure,
      ServerWebExchange exchange) {
    if (exchange.getResponse().isCommitted()) {
      return Mono.error(failure);
    }
    return Mono.just(CassandraErrorResponse.answer(failure));
  }
}
