package org.asynccassandra.values;

import java.io.Writer;

/** A {@link Writer} that appends to a {@link StringBuilder}; not thread-safe, nothing to close. */
final class StringBuilderWriter extends Writer {
  private final StringBuilder text;

  StringBuilderWriter(StringBuilder text) {
    this.text = text;
  }

  StringBuilder text() {
    return text;
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
  public Writer append(CharSequence sequence) {
    text.append(sequence);
    return this;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
