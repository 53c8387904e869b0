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

import java.util.LinkedHashMap;
import java.util.Map;
import org.asynccassandra.InvalidResumeTokenException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns a refused request into {@code 400} with a JSON body that says why, in both applications (Spring MVC and
 * WebFlux both honour it): a next-page token that was changed, truncated or signed with another key
 * ({@code {"error": "...", "reason": "BAD_SIGNATURE"}}, the same answer as the Vert.x example's), and a
 * parameter out of range.
 */
@RestControllerAdvice
public class BadRequestAdvice {

  @ExceptionHandler(InvalidResumeTokenException.class)
  public ResponseEntity<Map<String, Object>> badToken(InvalidResumeTokenException bad) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "invalid next-page token: " + bad.getMessage());
    body.put("reason", bad.reason().name());
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_JSON).body(body);
  }

  @ExceptionHandler(BadRequestException.class)
  public ResponseEntity<Map<String, Object>> badParameter(BadRequestException bad) {
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("error", String.valueOf(bad.getMessage())));
  }
}
