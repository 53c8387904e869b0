package org.asynccassandra.flink.export;

import java.io.Writer;
import java.util.Locale;
import org.asynccassandra.values.RowWriter;

/** The file formats of the export: each is a {@link RowWriter} and a file suffix. */
public enum ExportFormat {
  /** RFC 4180 with CRLF line ends and a header of column names in every file. */
  CSV(".csv", true),
  /** One JSON object per line, no header. */
  NDJSON(".ndjson", false);

  private final String suffix;
  private final boolean header;

  ExportFormat(String suffix, boolean header) {
    this.suffix = suffix;
    this.header = header;
  }

  /** The suffix of the files, with its dot. */
  public String suffix() {
    return suffix;
  }

  /** Whether each file starts with a header record. */
  public boolean hasHeader() {
    return header;
  }

  /** A writer of this format to {@code out}. */
  public RowWriter writer(Writer out) {
    return this == CSV ? RowWriter.csv(out) : RowWriter.ndjson(out);
  }

  /**
   * {@code csv} or {@code ndjson}, in any case.
   *
   * @throws IllegalArgumentException naming the text otherwise
   */
  public static ExportFormat parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      throw new IllegalArgumentException("The format is csv or ndjson: '" + text + "'", unknown);
    }
  }
}
