/**
 * Small helpers shared by the engine and the session: thread checks, timeouts, retries, statement
 * fingerprints. Internal: may change at any time. Null-marked.
 */
@NullMarked
package org.asynccassandra.internal.util;

import org.jspecify.annotations.NullMarked;
