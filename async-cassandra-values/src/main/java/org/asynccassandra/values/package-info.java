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
