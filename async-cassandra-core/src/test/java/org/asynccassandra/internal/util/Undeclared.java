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
package org.asynccassandra.internal.util;

/** Throws checked exceptions undeclared, as Kotlin code, Lombok's {@code @SneakyThrows} or a rethrowing proxy can. */
public final class Undeclared {
  private Undeclared() {}

  /**
   * Throws {@code failure} as it is, whatever its type, without declaring it.
   *
   * @param failure what to throw
   * @return never; declared so that a caller can write {@code throw Undeclared.sneakyThrow(e)}
   */
  public static RuntimeException sneakyThrow(Throwable failure) {
    return Undeclared.<RuntimeException>raise(failure);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException raise(Throwable failure) throws E {
    throw (E) failure;
  }
}
