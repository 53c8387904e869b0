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

import java.util.Map;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns a request that the export executor refused into {@code 503 Service Unavailable} with
 * {@code Retry-After: 1} and a JSON body that says why. On Java 17 the executor is a bounded pool
 * ({@link ExportExecutorConfiguration}): once its threads and its queue are full, Spring MVC hands the
 * {@link TaskRejectedException} to the exception handlers, and without this one the client got {@code 500}, as if
 * the server had failed rather than been busy. (Virtual threads, on Java 21+, refuse nothing.)
 */
@RestControllerAdvice
public class BusyAdvice {
  /** Seconds a client is asked to wait before it tries again. */
  static final String RETRY_AFTER_SECONDS = "1";

  @ExceptionHandler(TaskRejectedException.class)
  public ResponseEntity<Map<String, Object>> busy(TaskRejectedException rejected) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
        .contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("error", "the server is busy: every export thread is taken and its queue is full; try again"));
  }
}
