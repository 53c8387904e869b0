package org.asynccassandra.it.mapper;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.mapper.annotations.DaoFactory;
import com.datastax.oss.driver.api.mapper.annotations.DaoKeyspace;
import com.datastax.oss.driver.api.mapper.annotations.Mapper;

/** The mapper of the mapper ITs; build it with the generated {@code SensorMapperBuilder}. */
@Mapper
public interface SensorMapper {
  @DaoFactory
  SensorDao sensorDao(@DaoKeyspace CqlIdentifier keyspace);
}
