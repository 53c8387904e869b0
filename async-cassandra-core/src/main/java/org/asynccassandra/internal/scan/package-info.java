/**
 * Table scans, built on the stream engine: the planner (token ranges from the token map, restricted to a
 * token range or a shard), the range readers that bound memory across ranges, and the progress that turns
 * the consumer's position into exact per-range checkpoints. Internal: may change at any time. Null-marked.
 */
@NullMarked
package org.asynccassandra.internal.scan;

import org.jspecify.annotations.NullMarked;
