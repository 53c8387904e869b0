package org.asynccassandra.cli;

import java.io.Writer;
import org.asynccassandra.values.RowWriter;

/** The export formats, each a {@link RowWriter} of async-cassandra-values (the mapping is in docs/values.md). */
enum RowFormat {
  /** RFC 4180: a header line, CRLF line ends, null as an empty field, an empty string as {@code ""}. */
  CSV {
    @Override
    RowWriter newWriter(Writer out) {
      return RowWriter.csv(out);
    }
  },

  /** One JSON object per line, native JSON types, null as null. */
  NDJSON {
    @Override
    RowWriter newWriter(Writer out) {
      return RowWriter.ndjson(out);
    }
  };

  /** A new writer to {@code out}: one per thread. */
  abstract RowWriter newWriter(Writer out);
}
