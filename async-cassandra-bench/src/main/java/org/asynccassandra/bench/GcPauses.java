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
package org.asynccassandra.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Records this JVM's stop-the-world GC pauses while it is open, as {@link System#nanoTime()} intervals, so
 * that a late heartbeat tick can be told apart from a loop that was kept busy. JMX calls the listener on
 * its own thread; the list is guarded by its monitor.
 */
final class GcPauses implements AutoCloseable {
  private final long nanoAtStart = System.nanoTime();
  private final long uptimeMillisAtStart = ManagementFactory.getRuntimeMXBean().getUptime();
  private final List<long[]> pauses = new ArrayList<>(); // [startNanos, endNanos], guarded by itself
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;

  GcPauses() {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  private void onNotification(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    if (info.getGcName().contains("Concurrent") || info.getGcName().contains("Cycles")) {
      return; // concurrent work runs beside the application: not a pause
    }
    // Start and end are milliseconds of JVM uptime: map them onto nanoTime, widened by the 1 ms resolution.
    long start = nanoAtStart + (info.getGcInfo().getStartTime() - uptimeMillisAtStart - 1) * 1_000_000L;
    long end = nanoAtStart + (info.getGcInfo().getEndTime() - uptimeMillisAtStart + 1) * 1_000_000L;
    synchronized (pauses) {
      pauses.add(new long[] {start, end});
    }
  }

  /** Whether a GC pause overlapped the interval from {@code fromNanos} to {@code toNanos}. */
  boolean overlaps(long fromNanos, long toNanos) {
    synchronized (pauses) {
      for (long[] pause : pauses) {
        if (pause[0] <= toNanos && pause[1] >= fromNanos) {
          return true;
        }
      }
      return false;
    }
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException alreadyGone) {
        // nothing to remove
      }
    }
  }
}
