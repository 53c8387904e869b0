/**
 * An example job: a whole table to CSV or NDJSON files with Flink's {@code FileSink}, formatted by the values
 * module's {@link org.asynccassandra.values.RowWriter}. Run {@link org.asynccassandra.flink.export.ExportJob}.
 */
@NullMarked
package org.asynccassandra.flink.export;

import org.jspecify.annotations.NullMarked;
