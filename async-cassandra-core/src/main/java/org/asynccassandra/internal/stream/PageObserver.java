package org.asynccassandra.internal.stream;

import org.asynccassandra.PageEvent;

/** What the sinks tell of each page before the consumer sees it: the listeners' onPage, bound to their stream. */
@FunctionalInterface
interface PageObserver {
  void onPage(PageEvent event);
}
