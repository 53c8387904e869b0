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
package org.asynccassandra.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.StreamInfo;

/**
 * The streams open now under one set of tags, behind the {@code asynccassandra.streams.open} and
 * {@code asynccassandra.pages.buffered} gauges, and for scans the {@code asynccassandra.scan.ranges} gauges
 * (tag {@code state}: {@code done}, {@code pending}). One instance per registry and tags, shared by every
 * listener of that registry: a registry keeps the first gauge registered under an id and ignores later
 * ones, so two binders of one registry (two sessions with the same tags) must feed the same gauge.
 */
final class OpenStreams {
  static final String OPEN = "asynccassandra.streams.open";
  static final String BUFFERED = "asynccassandra.pages.buffered";
  static final String SCAN_RANGES = "asynccassandra.scan.ranges";

  /**
   * Per registry (weakly: a registry dropped by its owner is forgotten), its groups. Guarded by itself.
   * Nothing in a value refers to its registry.
   */
  private static final Map<MeterRegistry, Groups> BY_REGISTRY = new WeakHashMap<>();

  /**
   * The groups of one registry, by the tags asked for and by the id the registry gave their gauge: a meter
   * filter that drops or changes tags (as docs/observability.md suggests) folds several tag sets into one id,
   * and the registry keeps the first gauge of an id, so those tag sets must share its group. Guarded by itself.
   */
  private static final class Groups {
    final Map<Tags, OpenStreams> byTags = new HashMap<>();
    final Map<Meter.Id, OpenStreams> byGaugeId = new HashMap<>();
  }

  /** The streams created and not ended yet; a stream is added once and removed once. */
  private final Set<StreamInfo> streams = ConcurrentHashMap.newKeySet();

  /**
   * Of a group of scans: the ranges done and pending of the scan of this group that ended last, shown while
   * none is open; {@code {0, 0}} until one ended. Written when a scan ends, before it leaves {@link #streams}.
   */
  private volatile long[] lastEnded = {0, 0};

  /**
   * Whether this group's {@code asynccassandra.scan.ranges} gauges are registered: by its first scan, which
   * may come after query streams whose tags a meter filter folded into the same group. Guarded by the
   * registry's groups.
   */
  private boolean scanGauges;

  private OpenStreams() {}

  /**
   * The group of {@code registry} for {@code tags}, its gauges registered on first use; with the
   * {@code asynccassandra.scan.ranges} gauges when {@code scans}.
   */
  static OpenStreams of(MeterRegistry registry, Tags tags, boolean scans) {
    Groups groups;
    synchronized (BY_REGISTRY) {
      groups = BY_REGISTRY.computeIfAbsent(registry, ignored -> new Groups());
    }
    // Under the registry's groups' lock, registration included: which group feeds a gauge is decided with it.
    // Once per tag set, never on a stream's path.
    synchronized (groups) {
      OpenStreams group = groups.byTags.get(tags);
      if (group == null) {
        group = register(registry, groups, tags);
      }
      if (scans && !group.scanGauges) {
        group.scanGauges = true;
        Gauge.builder(SCAN_RANGES, group, gauged -> gauged.ranges(true)).tags(tags).tag("state", "done")
            .description("Token ranges done by the open scans (while none is open: by the scan that ended last)")
            .strongReference(true).register(registry);
        Gauge.builder(SCAN_RANGES, group, gauged -> gauged.ranges(false)).tags(tags).tag("state", "pending")
            .description("Token ranges not done yet (not started or in progress) of the open scans (while none is "
                + "open: of the scan that ended last)")
            .strongReference(true).register(registry);
      }
      return group;
    }
  }

  /**
   * The group of a tag set not met yet: a new one with its gauges, or the one already registered under the
   * same gauge id (a meter filter folded these tags into it). Called under {@code groups}' lock.
   */
  private static OpenStreams register(MeterRegistry registry, Groups groups, Tags tags) {
    OpenStreams created = new OpenStreams();
    Gauge open = Gauge.builder(OPEN, created, OpenStreams::open).tags(tags)
        .description("Streams and scans created and not ended yet (not consumed yet, or being consumed)")
        .strongReference(true).register(registry);
    OpenStreams owner = groups.byGaugeId.putIfAbsent(open.getId(), created);
    if (owner != null) {
      groups.byTags.put(tags, owner);
      return owner;
    }
    groups.byTags.put(tags, created);
    Gauge.builder(BUFFERED, created, OpenStreams::bufferedPages).tags(tags)
        .description("Pages fetched and not yet handed to the consumer, over the open streams")
        .strongReference(true).register(registry);
    return created;
  }

  void add(StreamInfo stream) {
    streams.add(stream);
  }

  /** Removes an ended stream; a scan's final ranges are kept first, for the gauges to show once none is open. */
  void remove(StreamInfo stream) {
    if (streams.contains(stream)) {
      stream.scanCheckpoint().ifPresent(checkpoint -> lastEnded = doneAndPending(checkpoint));
    }
    streams.remove(stream);
  }

  double open() {
    return streams.size();
  }

  /** Reads each open stream's live counters: at scrape time, never on the stream's path. */
  double bufferedPages() {
    long total = 0;
    for (StreamInfo stream : streams) {
      total += stream.stats().bufferedPages();
    }
    return total;
  }

  /**
   * The ranges done (or pending) summed over the open scans, each read from its live checkpoint at scrape
   * time; while none is open, those of the scan that ended last.
   */
  double ranges(boolean done) {
    int index = done ? 0 : 1;
    if (streams.isEmpty()) {
      return lastEnded[index];
    }
    long total = 0;
    for (StreamInfo stream : streams) {
      Optional<ScanCheckpoint> checkpoint = stream.scanCheckpoint();
      if (checkpoint.isPresent()) {
        total += doneAndPending(checkpoint.get())[index];
      }
    }
    return total;
  }

  private static long[] doneAndPending(ScanCheckpoint checkpoint) {
    long done = checkpoint.rangesDone();
    return new long[] {done, checkpoint.ranges().size() - done};
  }
}
