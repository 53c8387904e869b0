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
package org.asynccassandra.examples.spring.mvc;

import com.datastax.oss.driver.api.core.DriverException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.examples.spring.CassandraErrorResponse;
import org.asynccassandra.examples.spring.TableNotFoundException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a request that Cassandra failed as {@link CassandraErrorResponse} says ({@code 503} with
 * {@code Retry-After}, {@code 504}, {@code 404}, {@code 500}, each with a JSON body that names the reason), the
 * same as the WebFlux example. Spring MVC calls it on the thread that dispatches the failure: Tomcat's, for a
 * failure of the request thread or of the export executor's {@code Callable} or {@code StreamingResponseBody}.
 *
 * <p>An export that fails after its {@code 200} and some rows went out cannot change its status. The failure is
 * then thrown on, to Tomcat, which logs it and closes the connection without the chunked body's last chunk: the
 * client sees a body cut short, never a clean end of a partial export. Before it closes, Tomcat includes Spring
 * Boot's error page, which cannot be written over the NDJSON and adds nothing to the body (a WARN of
 * {@code DefaultHandlerExceptionResolver} about the {@code application/x-ndjson} content type says so).
 */
@RestControllerAdvice
public class CassandraErrorAdvice {

  @ExceptionHandler({PageFetchException.class, StreamTimeoutException.class, DriverException.class,
      TableNotFoundException.class})
  public ResponseEntity<Map<String, Object>> cassandraFailed(RuntimeException failure, HttpServletResponse response) {
    if (response.isCommitted()) {
      throw failure; // the same exception: Spring MVC leaves it unresolved, without a warning of its own
    }
    return CassandraErrorResponse.answer(failure);
  }
}
