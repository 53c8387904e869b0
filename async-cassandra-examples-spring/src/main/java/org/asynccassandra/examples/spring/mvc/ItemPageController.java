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

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.QueryStream;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.examples.spring.AsyncCassandraProperties;
import org.asynccassandra.examples.spring.Item;
import org.asynccassandra.examples.spring.ItemQueries;
import org.asynccassandra.examples.spring.ItemQueries.ItemPage;
import org.asynccassandra.examples.spring.Tables;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/items?limit=N&token=T}: a page of the table and the signed token of the next one. The token
 * and the table are checked on the request thread (a changed token is a 400 at once, a table that is not there a
 * 404); the rows are read through the blocking iterator in a {@link Callable}, which Spring MVC runs on the
 * export executor (a virtual thread on Java 21+). A page that Cassandra fails is a 503 or 504
 * ({@link CassandraErrorAdvice}).
 */
@RestController
public class ItemPageController {
  private final AsyncSession session;
  private final ItemQueries queries;
  private final AsyncCassandraProperties properties;

  public ItemPageController(AsyncSession session, ItemQueries queries, AsyncCassandraProperties properties) {
    this.session = session;
    this.queries = queries;
    this.properties = properties;
  }

  @GetMapping("/api/items")
  public Callable<ItemPage> items(@RequestParam(name = "limit", required = false) @Nullable String limitParam,
      @RequestParam(name = "token", required = false) @Nullable String token) {
    int limit = ItemQueries.limit(limitParam);
    StreamConfig config = queries.pageConfig(limit, token);
    Tables.require(session, properties.keyspace(), properties.table());
    return () -> {
      List<Item> items = new ArrayList<>(limit);
      try (QueryStream stream = session.executeStream(queries.select(), config)) {
        Iterator<Item> rows = stream.map(queries.mapper()).iterator();
        // Stops at the limit without asking for the extra row: the position then points at it.
        while (items.size() < limit && rows.hasNext()) {
          items.add(rows.next());
        }
        return queries.page(items, limit, stream);
      }
    };
  }
}
