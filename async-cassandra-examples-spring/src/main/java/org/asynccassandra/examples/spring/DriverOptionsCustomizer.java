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

import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;

/**
 * Changes the driver options of the application's session before it connects, for what the
 * {@code async-cassandra.*} properties do not cover: the request timeout, credentials, TLS, an address
 * translator. Every bean of this type is applied by {@link AsyncCassandraConfiguration}, in their
 * {@link org.springframework.core.annotation.Order @Order}, after the options the example sets itself, so a
 * customizer may replace them.
 *
 * <p>Called once per customizer, on the thread that creates the session bean (the one starting the
 * application), before the session connects; it must not block.
 */
@FunctionalInterface
public interface DriverOptionsCustomizer {

  /**
   * Changes {@code options}, which the session's configuration loader is then built from.
   *
   * @param options the driver options, with the example's own already set
   */
  void customize(ProgrammaticDriverConfigLoaderBuilder options);
}
