/** Row mappers: records by component name. */
@NullMarked
package org.asynccassandra.internal.mapping;

import org.jspecify.annotations.NullMarked;
