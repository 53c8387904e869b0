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
