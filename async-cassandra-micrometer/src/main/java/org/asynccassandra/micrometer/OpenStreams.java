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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.asynccassandra.StreamInfo;

/**
 * The streams open now under one set of tags, behind the {@code asynccassandra.streams.open} and
 * {@code asynccassandra.pages.buffered} gauges. One instance per registry and tags, shared by every
 * listener of that registry: a registry keeps the first gauge registered under an id and ignores later
 * ones, so two binders of one registry (two sessions with the same tags) must feed the same gauge.
 */
final class OpenStreams {
  static final String OPEN = "asynccassandra.streams.open";
  static final String BUFFERED = "asynccassandra.pages.buffered";

  /**
   * Per registry (weakly: a registry dropped by its owner is forgotten), the groups by tags. Guarded by
   * itself; the inner maps are concurrent. Nothing in a value refers to its registry.
   */
  private static final Map<MeterRegistry, Map<Tags, OpenStreams>> BY_REGISTRY = new WeakHashMap<>();

  /** The streams created and not ended yet; a stream is added once and removed once. */
  private final Set<StreamInfo> streams = ConcurrentHashMap.newKeySet();

  private OpenStreams() {}

  /** The group of {@code registry} for {@code tags}, its gauges registered on first use. */
  static OpenStreams of(MeterRegistry registry, Tags tags) {
    Map<Tags, OpenStreams> groups;
    synchronized (BY_REGISTRY) {
      groups = BY_REGISTRY.computeIfAbsent(registry, ignored -> new ConcurrentHashMap<>());
    }
    OpenStreams existing = groups.get(tags);
    if (existing != null) {
      return existing;
    }
    OpenStreams created = new OpenStreams();
    existing = groups.putIfAbsent(tags, created);
    if (existing != null) {
      return existing;
    }
    // Registered outside any lock: the registry may run user code (meter filters, listeners).
    Gauge.builder(OPEN, created, OpenStreams::open).tags(tags)
        .description("Streams and scans created and not ended yet (not consumed yet, or being consumed)")
        .strongReference(true).register(registry);
    Gauge.builder(BUFFERED, created, OpenStreams::bufferedPages).tags(tags)
        .description("Pages fetched and not yet handed to the consumer, over the open streams")
        .strongReference(true).register(registry);
    return created;
  }

  void add(StreamInfo stream) {
    streams.add(stream);
  }

  void remove(StreamInfo stream) {
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
}
