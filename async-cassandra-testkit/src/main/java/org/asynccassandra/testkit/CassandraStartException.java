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
package org.asynccassandra.testkit;

/**
 * A Cassandra node could not be started: no suitable JDK, server jars that could not be fetched into the
 * local Maven repository, a port in use, a bad option, a start timeout, or a node that died while starting.
 * The message says what
 * happened and what to do; when the node ran, it names the cause found in its log and ends with the last
 * lines of its logs. No process and no folder of that start are left behind (a failed
 * {@link CassandraServer#restart()} keeps the server's folder, which {@link CassandraServer#close()} deletes).
 */
public class CassandraStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with the given message.
   *
   * @param message what failed and what to do, with the log tail when the node ran
   */
  public CassandraStartException(String message) {
    super(message);
  }

  /**
   * An exception with the given message and underlying cause.
   *
   * @param message what failed and what to do, with the log tail when the node ran
   * @param cause the failure that stopped the start (an I/O error, a timeout, an earlier start failure)
   */
  public CassandraStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
