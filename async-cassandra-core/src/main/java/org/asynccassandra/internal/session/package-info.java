/**
 * The session: {@code DefaultAsyncSession} and offset paging. Internal: may change at any time. Null-marked.
 */
@NullMarked
package org.asynccassandra.internal.session;

import org.jspecify.annotations.NullMarked;
