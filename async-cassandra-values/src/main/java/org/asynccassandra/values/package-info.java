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
/**
 * CQL values as text and back: the export's per-type mapping, reusable outside the command line.
 *
 * <p>{@link org.asynccassandra.values.RowWriter} writes driver rows as CSV records (RFC 4180, through
 * FastCSV) or NDJSON objects (through Jackson's streaming {@code JsonGenerator});
 * {@link org.asynccassandra.values.CqlValueWriter} gives one value's CSV cell text or JSON;
 * {@link org.asynccassandra.values.CqlValueReader} and {@link org.asynccassandra.values.CsvRecordReader}
 * read them back into the driver's own Java values. The mapping of every type is in {@code docs/values.md}.
 */
@NullMarked
package org.asynccassandra.values;

import org.jspecify.annotations.NullMarked;
