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
package org.asynccassandra;

/**
 * The base of every exception that async-cassandra itself raises.
 *
 * <p>Errors that come from the driver are never replaced: when one causes a stream to fail, it is kept
 * as the {@linkplain #getCause() cause} of the async-cassandra exception that says which query and which
 * page failed.
 */
public class AsyncCassandraException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message and no cause. The library throws its subclasses; this constructor is
   * public for code that builds on async-cassandra (adapters, tests) and reports its own failures in the
   * same family.
   *
   * @param message what failed, with the offending value where there is one
   */
  public AsyncCassandraException(String message) {
    super(message);
  }

  /**
   * An exception with a message and the failure that caused it, typically the driver's exception, which
   * is kept as it is and never replaced.
   *
   * @param message what failed, with the offending value where there is one
   * @param cause the underlying failure, returned by {@link #getCause()}
   */
  public AsyncCassandraException(String message, Throwable cause) {
    super(message, cause);
  }
}
