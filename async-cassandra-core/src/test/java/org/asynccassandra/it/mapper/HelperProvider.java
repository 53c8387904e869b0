package org.asynccassandra.it.mapper;

import com.datastax.oss.driver.api.mapper.MapperContext;
import com.datastax.oss.driver.api.mapper.entity.EntityHelper;

/** A query provider that hands out the entity helper the mapper generated: the documented way to get one. */
public class HelperProvider {
  private final EntityHelper<SensorReading> helper;

  public HelperProvider(MapperContext context, EntityHelper<SensorReading> helper) {
    this.helper = helper;
  }

  public EntityHelper<SensorReading> helper() {
    return helper;
  }
}
