/**
 * The stream engine ({@code PageEngine}), its page sources and its sinks (one per consumption style), and
 * the position that resume tokens and checkpoints are made of. Internal: may change at any time.
 * Null-marked.
 */
@NullMarked
package org.asynccassandra.internal.stream;

import org.jspecify.annotations.NullMarked;
