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
package org.asynccassandra.values;

import java.io.Writer;
import java.util.Arrays;

/**
 * One record's text as a row writer makes it, before {@link LineOutput} takes it whole: a growable
 * {@code char[]}, so that text is copied as chars ({@link String#getChars}), never through a
 * {@link StringBuilder}, which keeps its wider form for good after one character beyond Latin-1 and then
 * copies every later one char by char. Not thread-safe; nothing to flush or close.
 */
final class CharLine extends Writer {
  /** Room grown past this by a wide row is dropped once the row is out, not kept for the writer's life. */
  private static final int KEPT_CAPACITY = 1 << 20;
  private static final int INITIAL_CAPACITY = 512;
  private char[] chars = new char[INITIAL_CAPACITY];
  private int length;

  /** Empties the line, and gives back the room a wide row took. */
  void clear() {
    length = 0;
    if (chars.length > KEPT_CAPACITY) {
      chars = new char[INITIAL_CAPACITY];
    }
  }

  char[] chars() {
    return chars;
  }

  int length() {
    return length;
  }

  private void room(int more) {
    int needed = length + more;
    if (needed < 0) {
      throw new OutOfMemoryError("A record longer than " + Integer.MAX_VALUE + " characters");
    }
    if (needed > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, chars.length * 2L)));
    }
  }

  @Override
  public void write(char[] buffer, int offset, int count) {
    room(count);
    System.arraycopy(buffer, offset, chars, length, count);
    length += count;
  }

  @Override
  public void write(String text, int offset, int count) {
    room(count);
    text.getChars(offset, offset + count, chars, length);
    length += count;
  }

  @Override
  public void write(int character) {
    room(1);
    chars[length++] = (char) character;
  }

  @Override
  public Writer append(CharSequence text) {
    String string = String.valueOf(text);
    write(string, 0, string.length());
    return this;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
