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
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Records this JVM's stop-the-world GC pauses while it is open, so that a late heartbeat tick can be told
 * apart from a loop that was kept busy; and, for each young collection, how long it paused and what was left
 * in the survivor space after it (the objects live at that moment, which the collection copied). JMX calls
 * the listener on its own thread; the lists are guarded by {@link #pauses}' monitor.
 *
 * <p>JMX gives a collection's start and end in milliseconds from an origin of its own, which is not the
 * runtime's uptime: with {@code -XX:+AlwaysPreTouch} on a 4 GiB heap it is about 20 s behind (the time spent
 * touching the heap). So the constructor runs a few {@link System#gc()} calls and takes the offset to {@link
 * System#nanoTime()} from them: each collection started after the call and ended before it returned.
 */
final class GcPauses implements AutoCloseable {
  /** How much each pause is widened on both sides: JMX's millisecond resolution and the calibration's error. */
  private static final long SLACK_NANOS = 2_000_000L;
  /**
   * The System.gc() calls that place JMX's origin. With one, taken from the time System.gc() returned, a
   * young collection was placed more than 2 ms late in one test of six on a busy 2-core machine (the thread
   * runs again some time after the collection's end); each call bounds the origin from both sides, and the
   * middle of the narrowest bounds is taken.
   */
  private static final int CALIBRATIONS = 3;

  private final List<long[]> pauses = new ArrayList<>(); // [startMillis, endMillis] in JMX's time
  private final List<Young> youngCollections = new ArrayList<>(); // guarded by pauses
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final List<GarbageCollectorMXBean> collectors = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;
  /** Collections of every watched collector when the listener was added. */
  private final long collectionsAtStart;
  private long notified; // collection notifications received, concurrent ones included; guarded by pauses
  private long lastExplicitStartMillis = -1; // the start of the last System.gc() collection; guarded by pauses
  private long lastExplicitEndMillis = -1; // its end; guarded by pauses
  /** nanoTime of JMX's millisecond 0. */
  private final long originNanos;

  /** One young collection: when it ended (JMX's milliseconds), how long it paused, the survivors' bytes. */
  record Young(long endMillis, long pauseMillis, long survivorBytes) {}

  GcPauses() throws InterruptedException {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
        collectors.add(collector);
      }
    }
    collectionsAtStart = collections();
    // JMX's origin lies between two bounds that each call narrows: the collection started after `before`
    // (in JMX's whole milliseconds, rounded down: up to 1 ms more) and ended before `returned`.
    long lower = Long.MIN_VALUE;
    long upper = Long.MAX_VALUE;
    for (int i = 0; i < CALIBRATIONS; i++) {
      synchronized (pauses) {
        lastExplicitStartMillis = -1;
        lastExplicitEndMillis = -1;
      }
      long before = System.nanoTime();
      System.gc();
      long returned = System.nanoTime();
      if (!awaitNotified(Duration.ofSeconds(10))) {
        close();
        throw new IllegalStateException("The JVM did not tell of a System.gc() collection within 10 s");
      }
      synchronized (pauses) {
        // The count above can be reached before this collection's notification arrives: a collection between
        // the listener's registration and collectionsAtStart is told, yet not expected. Wait for this one itself.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (long left = deadline - System.nanoTime(); lastExplicitEndMillis < 0 && left > 0;
            left = deadline - System.nanoTime()) {
          TimeUnit.NANOSECONDS.timedWait(pauses, left);
        }
        if (lastExplicitEndMillis < 0) {
          close();
          throw new IllegalStateException("No collection was told with the cause System.gc(): cannot place GC "
              + "pauses in time (-XX:+ExplicitGCInvokesConcurrent or -XX:+DisableExplicitGC?)");
        }
        lower = Math.max(lower, before - (lastExplicitStartMillis + 1) * 1_000_000L);
        upper = Math.min(upper, returned - lastExplicitEndMillis * 1_000_000L);
      }
    }
    originNanos = lower <= upper ? lower + (upper - lower) / 2 : upper;
  }

  private long collections() {
    return collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(c -> c > 0).sum();
  }

  /**
   * Waits until the notifications of every collection so far arrived: the JVM sends them from a thread of its
   * own, which may run after the collection (later still while the process is confined to one busy core).
   * False if they did not arrive within {@code timeout}.
   */
  boolean awaitNotified(Duration timeout) throws InterruptedException {
    long expected = collections() - collectionsAtStart;
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (pauses) {
      while (notified < expected) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(pauses, left);
      }
      return true;
    }
  }

  private void onNotification(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    // Concurrent work runs beside the application: not a pause, but counted as told.
    boolean pause = !info.getGcName().contains("Concurrent") && !info.getGcName().contains("Cycles");
    long survivorBytes = survivorBytes(info.getGcInfo().getMemoryUsageAfterGc());
    synchronized (pauses) {
      if (pause) {
        pauses.add(new long[] {info.getGcInfo().getStartTime(), info.getGcInfo().getEndTime()});
        if (survivorBytes >= 0 && !info.getGcAction().contains("major")) {
          youngCollections.add(new Young(info.getGcInfo().getEndTime(), info.getGcInfo().getDuration(),
              survivorBytes));
        }
        if ("System.gc()".equals(info.getGcCause())) {
          lastExplicitStartMillis = info.getGcInfo().getStartTime();
          lastExplicitEndMillis = info.getGcInfo().getEndTime();
        }
      }
      notified++;
      pauses.notifyAll();
    }
  }

  /** The bytes in the survivor space(s) after a collection, or -1 if this collector has none. */
  static long survivorBytes(Map<String, MemoryUsage> usageAfter) {
    long bytes = -1;
    for (Map.Entry<String, MemoryUsage> pool : usageAfter.entrySet()) {
      if (pool.getKey().contains("Survivor")) {
        bytes = Math.max(bytes, 0) + pool.getValue().getUsed();
      }
    }
    return bytes;
  }

  private long nanos(long jmxMillis) {
    return originNanos + jmxMillis * 1_000_000L;
  }

  /** The young collections that ended between {@code fromNanos} and {@code toNanos}, in order. */
  List<Young> youngCollections(long fromNanos, long toNanos) {
    synchronized (pauses) {
      return youngCollections.stream()
          .filter(young -> nanos(young.endMillis()) + SLACK_NANOS >= fromNanos
              && nanos(young.endMillis()) - SLACK_NANOS <= toNanos)
          .toList();
    }
  }

  /** Whether a GC pause overlapped the interval from {@code fromNanos} to {@code toNanos}. */
  boolean overlaps(long fromNanos, long toNanos) {
    synchronized (pauses) {
      for (long[] pause : pauses) {
        if (nanos(pause[0]) - SLACK_NANOS <= toNanos && nanos(pause[1]) + SLACK_NANOS >= fromNanos) {
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
