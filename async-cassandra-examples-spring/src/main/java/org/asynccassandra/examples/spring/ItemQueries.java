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

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.List;
import org.asynccassandra.QueryStream;
import org.asynccassandra.ResumeToken;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.RowMapper;
import org.asynccassandra.StreamConfig;
import org.jspecify.annotations.Nullable;

/**
 * What both applications ask of the example table {@code (pk int, ck int, payload text)}, and how they page it
 * with signed next-page tokens, as the Vert.x example does: {@code GET /api/items?limit=N&token=T} answers
 * {@code {"items": [...], "next": "T2"}} ({@code next} is null on the last page), and {@code token} resumes at
 * the exact row the previous page stopped before. Tokens are signed ({@link ResumeTokenSigner#hmacSha256}), so
 * a client cannot change them. A token works only with the service that made it: its fingerprint covers the
 * query text and the session's keyspace, and the Vert.x example names its table with the keyspace on a session
 * without one.
 *
 * <p>Immutable and thread-safe; nothing here blocks or starts a query.
 */
public final class ItemQueries {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;
  /** The stream name of exports, for a {@link org.asynccassandra.StreamListener} to tell them apart. */
  public static final String EXPORT = "export";
  /** The stream name of token pages. */
  public static final String PAGE = "items";

  private final SimpleStatement select;
  private final ResumeTokenSigner signer;
  private final AsyncCassandraProperties properties;
  private final RowMapper<Item> mapper = RowMapper.record(Item.class);

  public ItemQueries(AsyncCassandraProperties properties, ResumeTokenSigner signer) {
    this.properties = properties;
    this.signer = signer;
    this.select = SimpleStatement.newInstance("SELECT pk, ck, payload FROM " + properties.table());
  }

  /** {@code SELECT pk, ck, payload FROM <table>}, in the session's keyspace. */
  public SimpleStatement select() {
    return select;
  }

  /** Maps a row to an {@link Item} by column name. */
  public RowMapper<Item> mapper() {
    return mapper;
  }

  /** An export: the configured fetch size, read-ahead and retries, named {@value #EXPORT}. */
  public StreamConfig exportConfig() {
    return properties.streamConfig().name(EXPORT).fetchSize(properties.fetchSize())
        .prefetchPages(properties.prefetchPages()).build();
  }

  /**
   * A page of {@code limit} rows from {@code token} (null: from the start): one row more than the page is asked
   * for, so that the answer knows whether another page follows, nothing read ahead, and the configured retries.
   *
   * @throws org.asynccassandra.InvalidResumeTokenException when the token was changed or signed with another key
   */
  public StreamConfig pageConfig(int limit, @Nullable String token) {
    StreamConfig.Builder config = properties.streamConfig().name(PAGE).fetchSize(limit + 1).maxRows(limit + 1)
        .prefetchPages(0);
    if (token != null && !token.isEmpty()) {
      config.resumeFrom(signer.decode(token));
    }
    return config.build();
  }

  /** The {@code limit} parameter: {@value #DEFAULT_LIMIT} when absent, else 1 to {@value #MAX_LIMIT}. */
  public static int limit(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw new BadRequestException("limit must be a whole number from 1 to " + MAX_LIMIT + ": " + text);
  }

  /**
   * The answer to a page request once {@code items} were handed over from {@code stream}: the next token points
   * at the first row not handed over, and is null when the page is short or the stream is at its end.
   */
  public ItemPage page(List<Item> items, int limit, QueryStream stream) {
    ResumeToken next = stream.position();
    boolean more = items.size() == limit && !next.isEnd();
    return new ItemPage(List.copyOf(items), more ? signer.encode(next) : null);
  }

  /**
   * One page of items and the token of the next, as JSON {@code {"items": [...], "next": "..."}}.
   *
   * @param items the rows of this page, in the table's order
   * @param next the signed token of the next page, or null on the last one
   */
  public record ItemPage(List<Item> items, @Nullable String next) {}
}
