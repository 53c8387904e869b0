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
package org.asynccassandra.cli;

import java.io.Writer;

/** A {@link Writer} that appends to a {@link StringBuilder}, for formatting a page in memory; not thread-safe. */
final class TextWriter extends Writer {
  private final StringBuilder text;

  TextWriter(StringBuilder text) {
    this.text = text;
  }

  @Override
  public void write(char[] buffer, int offset, int length) {
    text.append(buffer, offset, length);
  }

  @Override
  public void write(String string, int offset, int length) {
    text.append(string, offset, offset + length);
  }

  @Override
  public void write(int character) {
    text.append((char) character);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
