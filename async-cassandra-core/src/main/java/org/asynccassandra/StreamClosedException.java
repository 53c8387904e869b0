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
 * Completes the pending stages of a {@link RowStream} that was closed before it ended: by
 * {@link RowStream#close()}, by closing its {@link AsyncSession}, by an interrupt of a thread blocked on it,
 * or by the leak detector.
 *
 * <p>A blocking call on a closed stream throws it too.
 */
public class StreamClosedException extends AsyncCassandraException {
  private static final long serialVersionUID = 1L;

  /**
   * A closed stream. The library completes the stream's pending stages with it, through the stream's
   * executor, and throws it from blocking calls on the thread that made them.
   *
   * @param message which stream was closed, and by what
   */
  public StreamClosedException(String message) {
    super(message);
  }

  /**
   * A closed stream, with the reason it was closed: for a blocked thread that was interrupted, the
   * {@link InterruptedException} (whose interrupt flag the library restores before throwing).
   *
   * @param message what closed the stream
   * @param cause the event that closed it, returned by {@link #getCause()}
   */
  public StreamClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
