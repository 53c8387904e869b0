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
package org.asynccassandra.it.mapper;

import com.datastax.oss.driver.api.core.MappedAsyncPagingIterable;
import com.datastax.oss.driver.api.core.PagingIterable;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.mapper.annotations.Dao;
import com.datastax.oss.driver.api.mapper.annotations.GetEntity;
import com.datastax.oss.driver.api.mapper.annotations.Insert;
import com.datastax.oss.driver.api.mapper.annotations.QueryProvider;
import com.datastax.oss.driver.api.mapper.annotations.Select;
import com.datastax.oss.driver.api.mapper.entity.EntityHelper;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** The DAO of {@link SensorReading}; the mapper processor generates its implementation in test compile. */
@Dao
public interface SensorDao {
  /** One sensor's readings, in clustering order, synchronously. */
  @Select(customWhereClause = "sensor_id = :sensorId")
  PagingIterable<SensorReading> findBySensor(int sensorId,
      Function<BoundStatementBuilder, BoundStatementBuilder> attributes);

  /** One sensor's readings: the first page, asynchronously. */
  @Select(customWhereClause = "sensor_id = :sensorId")
  CompletionStage<MappedAsyncPagingIterable<SensorReading>> findBySensorAsync(int sensorId,
      Function<BoundStatementBuilder, BoundStatementBuilder> attributes);

  @Insert
  CompletionStage<Void> saveAsync(SensorReading reading);

  /** The mapper's own row mapping, as a method. */
  @GetEntity
  SensorReading asReading(Row row);

  /** The generated entity helper, handed out by {@link HelperProvider}. */
  @QueryProvider(providerClass = HelperProvider.class, entityHelpers = SensorReading.class)
  EntityHelper<SensorReading> helper();
}
