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

import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import org.asynccassandra.examples.spring.AsyncCassandraProperties;
import org.asynccassandra.examples.spring.TableNotFoundException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /api/tables/{table}/rows.ndjson}: a whole table of the configured keyspace as NDJSON, one JSON
 * object per row and line, with every CQL type mapped as {@code docs/values.md} says; an unknown table is a
 * 404 that says so ({@link TableNotFoundException}, answered by {@link CassandraErrorAdvice}, as the WebFlux
 * example answers it). {@code GET /api/items/export.ndjson} is the same for {@code async-cassandra.table}. The
 * request thread returns at once; the body is written by Spring MVC's async executor
 * ({@link ExportExecutorConfiguration}: a virtual thread on Java 21+, a bounded pool on 17), which blocks on the
 * stream's iterator and on the socket. Cassandra failing before the first bytes went out is a 503 or 504; after,
 * the body is cut short ({@link CassandraErrorAdvice}).
 */
@RestController
public class TableExportController {
  static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

  private final TableExporter exporter;
  private final AsyncCassandraProperties properties;

  public TableExportController(TableExporter exporter, AsyncCassandraProperties properties) {
    this.exporter = exporter;
    this.properties = properties;
  }

  @GetMapping("/api/items/export.ndjson")
  public ResponseEntity<StreamingResponseBody> items() {
    return rows(properties.table());
  }

  @GetMapping("/api/tables/{table}/rows.ndjson")
  public ResponseEntity<StreamingResponseBody> rows(@PathVariable("table") String name) {
    TableMetadata table = exporter.table(name)
        .orElseThrow(() -> new TableNotFoundException(properties.keyspace(), name));
    return ResponseEntity.ok().contentType(NDJSON).body(body(table));
  }

  /**
   * An export's headers without its body, and no stream: Servlet's {@code doHead} runs the GET handler and
   * discards what it writes, so a link checker's HEAD would read the whole table. The table is checked as for a
   * GET (404 when it is not there).
   */
  @RequestMapping(value = {"/api/items/export.ndjson", "/api/tables/{table}/rows.ndjson"},
      method = RequestMethod.HEAD)
  public ResponseEntity<Void> head(@PathVariable(name = "table", required = false) @Nullable String name) {
    String table = name == null ? properties.table() : name;
    if (exporter.table(table).isEmpty()) {
      throw new TableNotFoundException(properties.keyspace(), table);
    }
    return ResponseEntity.ok().contentType(NDJSON).build();
  }

  private StreamingResponseBody body(TableMetadata table) {
    return out -> exporter.export(table, out);
  }
}
