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

  /**
   * Writes the three line breaks JSON lets a string hold raw as JSON escapes: NEL (U+0085), LINE SEPARATOR
   * (U+2028) and PARAGRAPH SEPARATOR (U+2029). A reader that splits NDJSON at Unicode's line breaks (Python's
   * {@code str.splitlines()}, JavaScript before ES2019 evaluating a line) would cut a row in two at one of them;
   * escaped, they read back as the same character. Only for a line of JSON text: outside ASCII, such a line holds
   * these characters only inside strings. One pass over the line, which copies nothing when none is there (a
   * Jackson generator with custom escapes cost about 50 % more per row of short text, checked by hand).
   */
  void escapeJsonLineBreaks() {
    int found = 0;
    for (int i = 0; i < length; i++) {
      if (isLineBreak(chars[i])) {
        found++;
      }
    }
    if (found == 0) {
      return;
    }
    int from = length;
    room(5 * found); // each one char becomes six
    length += 5 * found;
    for (int to = length; from > 0; ) {
      char c = chars[--from];
      if (isLineBreak(c)) {
        to -= 6;
        chars[to] = '\\';
        chars[to + 1] = 'u';
        chars[to + 2] = HEX[c >>> 12];
        chars[to + 3] = HEX[(c >>> 8) & 0xf];
        chars[to + 4] = HEX[(c >>> 4) & 0xf];
        chars[to + 5] = HEX[c & 0xf];
      } else {
        chars[--to] = c;
      }
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static boolean isLineBreak(char c) {
    return c >= 0x85 && (c == 0x85 || c == 0x2028 || c == 0x2029);
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
