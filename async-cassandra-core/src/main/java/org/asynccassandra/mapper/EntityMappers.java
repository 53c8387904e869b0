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
package org.asynccassandra.mapper;

import com.datastax.oss.driver.api.core.MappedAsyncPagingIterable;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.mapper.entity.EntityHelper;
import java.util.Objects;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ResultStream;
import org.asynccassandra.RowMapper;
import org.asynccassandra.StreamConfig;

/**
 * Typed streams of the driver's object-mapper entities: a {@link RowMapper} made of the {@link
 * EntityHelper} that the mapper's annotation processor generated for an {@code @Entity}, and the rest of a
 * result that a {@code @Dao} returned, streamed with read-ahead.
 *
 * <pre>{@code
 * ResultStream<Product> products = session.executeStream(statement, EntityMappers.of(productHelper));
 *
 * MappedAsyncPagingIterable<Product> first = dao.findByCategoryAsync(category).toCompletableFuture().join();
 * ResultStream<Product> all = EntityMappers.continueStream(session, first, productHelper);
 * }</pre>
 *
 * <p>A DAO hands out its helper through a {@code @QueryProvider} method with {@code entityHelpers} set (the
 * provider's constructor receives it). For a single entity type, a DAO's {@code @GetEntity} method that
 * takes a {@link Row} is a {@code RowMapper} already: {@code dao::asProduct}.
 *
 * <p>The mappers run where the stream delivers values: on the stream's executor, or on the consumer's
 * thread for the blocking iterator; never on a driver I/O thread unless the stream's executor runs tasks on
 * the calling thread (see {@link RowMapper}). They are
 * stateless and thread-safe, as the generated helpers are. Static methods only; not instantiable.
 */
public final class EntityMappers {
  private EntityMappers() {}

  /**
   * A mapper that reads each row into an entity with {@code helper.get(row, false)}: every property of
   * the entity must have its column in the result, or the stream fails on its first row with the
   * mapper's {@code IllegalArgumentException}. This is how a DAO's {@code @Select} maps its rows.
   *
   * @param <T> the entity type
   * @param helper the entity helper the mapper's annotation processor generated for {@code T}
   * @return a stateless, thread-safe mapper
   * @throws NullPointerException if {@code helper} is null
   */
  public static <T> RowMapper<T> of(EntityHelper<T> helper) {
    Objects.requireNonNull(helper, "helper");
    return new HelperMapper<>(helper, false);
  }

  /**
   * A mapper that reads each row with {@code helper.get(row, true)}: properties whose column is not in
   * the result are left as the entity's constructor set them, for a query that selects some columns only.
   *
   * @param <T> the entity type
   * @param helper the entity helper the mapper's annotation processor generated for {@code T}
   * @return a stateless, thread-safe mapper
   * @throws NullPointerException if {@code helper} is null
   */
  public static <T> RowMapper<T> lenient(EntityHelper<T> helper) {
    Objects.requireNonNull(helper, "helper");
    return new HelperMapper<>(helper, true);
  }

  /**
   * Streams the rest of a result that a DAO returned, with the session's default {@link StreamConfig}:
   * {@code session.continueStream(first, EntityMappers.of(helper))}; see {@link #continueStream(AsyncSession,
   * MappedAsyncPagingIterable, EntityHelper, StreamConfig)}.
   *
   * @param <T> the entity type
   * @param session the session to read the following pages with, whose driver session ran the DAO's query
   * @param first the result the DAO returned; the stream takes it over, so do not use it afterwards
   * @param helper the entity helper of {@code T}, to map the rows of the following pages
   * @return a new, unconsumed stream of the rest of the result's entities
   * @throws IllegalArgumentException when the session's default config resumes from a token, or
   *     {@code first} is not the result of a statement
   * @throws IllegalStateException when the session is closed
   * @throws NullPointerException if an argument is null
   */
  public static <T> ResultStream<T> continueStream(AsyncSession session, MappedAsyncPagingIterable<T> first,
      EntityHelper<T> helper) {
    return continueStream(session, first, helper, session.defaultStreamConfig());
  }

  /**
   * Streams the rest of a result that a DAO returned: first the entities of {@code first}'s current page
   * that were not taken from it yet, as the DAO mapped them (no request is sent for that page), then the
   * following pages of the DAO's statement, read ahead as {@code config} says and mapped with {@link
   * #of(EntityHelper) of(helper)}. See {@link AsyncSession#continueStream(MappedAsyncPagingIterable,
   * StreamConfig, RowMapper)}: nothing is sent until consumption starts, and {@code first} is the stream's
   * from then on.
   *
   * @param <T> the entity type
   * @param session the session to read the following pages with, whose driver session ran the DAO's query
   * @param first the result the DAO returned; the stream takes it over, so do not use it afterwards
   * @param helper the entity helper of {@code T}, to map the rows of the following pages
   * @param config how to read the following pages; it must not resume from a token
   * @return a new, unconsumed stream of the rest of the result's entities
   * @throws IllegalArgumentException when {@code config} resumes from a token, or {@code first} is not the
   *     result of a statement
   * @throws IllegalStateException when the session is closed
   * @throws NullPointerException if an argument is null
   */
  public static <T> ResultStream<T> continueStream(AsyncSession session, MappedAsyncPagingIterable<T> first,
      EntityHelper<T> helper, StreamConfig config) {
    Objects.requireNonNull(session, "session");
    return session.continueStream(first, config, of(helper));
  }

  /** A row mapper over an entity helper. */
  private static final class HelperMapper<T> implements RowMapper<T> {
    private final EntityHelper<T> helper;
    private final boolean lenient;

    HelperMapper(EntityHelper<T> helper, boolean lenient) {
      this.helper = helper;
      this.lenient = lenient;
    }

    @Override
    public T map(Row row) {
      return helper.get(row, lenient);
    }

    @Override
    public String toString() {
      return "EntityMappers." + (lenient ? "lenient(" : "of(") + helper.getEntityClass().getName() + ")";
    }
  }
}
