/**
 * The stream engine and its sinks, and the table scan built on it (planner, ranges, page source,
 * checkpoints). Internal: may change at any time. Null-marked.
 */
@NullMarked
package org.asynccassandra.internal.stream;

import org.jspecify.annotations.NullMarked;
