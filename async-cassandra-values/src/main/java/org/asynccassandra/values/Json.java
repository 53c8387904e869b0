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
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;

/** The module's Jackson factories: thread-safe, shared. */
final class Json {
  /**
   * Writes values one after another with nothing between them (the row writers add their own line ends),
   * and never closes the caller's writer.
   */
  private static final JsonFactory WRITING = JsonFactory.builder()
      .rootValueSeparator("")
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .build();

  /**
   * Reads any value CQL can hold: a varint of any length, a blob of any size, a map key of any length (written
   * as a JSON name). Jackson's defaults stop at 1,000 digits, 100 M characters and names of 50,000 characters.
   */
  private static final JsonFactory READING = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNumberLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNameLength(Integer.MAX_VALUE)
          .build())
      .build();

  private Json() {}

  static JsonGenerator newGenerator(Writer out) {
    return WRITING.createGenerator(ObjectWriteContext.empty(), out);
  }

  static JsonParser newParser(String text) {
    return READING.createParser(ObjectReadContext.empty(), text);
  }

  static JsonParser newParser(java.io.Reader in) {
    return READING.createParser(ObjectReadContext.empty(), in);
  }
}
