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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.StreamInfo;
import org.jspecify.annotations.Nullable;

/**
 * The streams open now under one set of tags, behind the {@code asynccassandra.streams.open} and
 * {@code asynccassandra.pages.buffered} gauges, and for scans the {@code asynccassandra.scan.ranges} gauges
 * (tag {@code state}: {@code done}, {@code pending}). One instance per registry and tags, shared by every
 * listener of that registry (see {@link MeterGroups}): a registry keeps the first gauge registered under an id
 * and ignores later ones, so two binders of one registry (two sessions with the same tags) must feed the same
 * gauge.
 */
final class OpenStreams extends MeterGroups.Group {
  static final String OPEN = "asynccassandra.streams.open";
  static final String BUFFERED = "asynccassandra.pages.buffered";
  static final String SCAN_RANGES = "asynccassandra.scan.ranges";

  /** The groups of every registry; the gauge of {@link #OPEN} names a group. */
  private static final MeterGroups<OpenStreams> GROUPS = new MeterGroups<>(OpenStreams::new);

  /** The streams created and not ended yet; a stream is added once and removed once. */
  private final Set<StreamInfo> streams = ConcurrentHashMap.newKeySet();

  /**
   * Of a group of scans: the ranges done and pending of the scan of this group that ended last, shown while
   * none is open; {@code {0, 0}} until one ended. Written when a scan ends, before it leaves {@link #streams}.
   */
  private volatile long[] lastEnded = {0, 0};

  /**
   * The tags of this group's first scan, with which its {@code asynccassandra.scan.ranges} gauges are
   * registered; null until then (a scan may come after query streams whose tags a meter filter folded into the
   * same group). Guarded by the registry's groups.
   */
  private @Nullable Tags scanTags;

  private OpenStreams(Tags tags) {
    super(tags);
  }

  /**
   * The group of {@code registry} for {@code tags}, its gauges registered on first use (and again if the
   * registry removed them); with the {@code asynccassandra.scan.ranges} gauges when {@code scans}.
   */
  static OpenStreams of(MeterRegistry registry, Tags tags, boolean scans) {
    return GROUPS.of(registry, tags, group -> {
      if (scans && group.scanTags == null) {
        group.scanTags = tags;
        group.registerScanGauges(registry, tags);
      }
    });
  }

  @Override
  Meter registerKey(MeterRegistry registry) {
    return Gauge.builder(OPEN, this, OpenStreams::open).tags(tags)
        .description("Streams and scans created and not ended yet (not consumed yet, or being consumed)")
        .strongReference(true).register(registry);
  }

  @Override
  void registerOthers(MeterRegistry registry) {
    Gauge.builder(BUFFERED, this, OpenStreams::bufferedPages).tags(tags)
        .description("Pages fetched and not yet handed to the consumer, over the open streams")
        .strongReference(true).register(registry);
    Tags scans = scanTags;
    if (scans != null) {
      registerScanGauges(registry, scans);
    }
  }

  private void registerScanGauges(MeterRegistry registry, Tags scans) {
    Gauge.builder(SCAN_RANGES, this, gauged -> gauged.ranges(true)).tags(scans).tag("state", "done")
        .description("Token ranges done by the open scans (while none is open: by the scan that ended last)")
        .strongReference(true).register(registry);
    Gauge.builder(SCAN_RANGES, this, gauged -> gauged.ranges(false)).tags(scans).tag("state", "pending")
        .description("Token ranges not done yet (not started or in progress) of the open scans (while none is "
            + "open: of the scan that ended last)")
        .strongReference(true).register(registry);
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
