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
