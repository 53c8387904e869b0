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

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Per registry, one group of meters per tag set, shared by every binder and listener of that registry: a
 * registry keeps the first meter registered under an id and hands it back to later registrations, so two
 * binders with the same tags (two sessions) must feed the same group. {@link OpenStreams} and
 * {@link BoundBudgets} are such groups.
 *
 * <p>A meter filter that drops or changes tags (as docs/observability.md suggests) folds several tag sets into
 * one id: they share the group that registered it. A registry that removed a group's first meter
 * ({@code clear()}, {@code remove}) gets the group's meters registered again, reading the same group, by the
 * next binder or listener that asks for it, so that what it still holds (open streams, bound budgets) keeps
 * being shown; one that removed only another of its meters does not.
 *
 * @param <G> the kind of group
 */
final class MeterGroups<G extends MeterGroups.Group> {
  /** What a group's meters read; its methods are called under the lock of its registry's groups. */
  abstract static class Group {
    /** The tags its meters are registered with. */
    final Tags tags;

    /**
     * Its first meter as the registry returned it: while the registry holds this one under its id, that id is
     * this group's. Null until registered. Guarded by the groups of its registry.
     */
    @Nullable Meter key;

    /**
     * The count of meters of ours the registry had removed when {@link #key} was last known to be in it: while
     * the count is the same, it still is. Guarded by the groups of its registry.
     */
    long checkedAtRemovals = -1;

    Group(Tags tags) {
      this.tags = tags;
    }

    /**
     * Registers the meter whose id names this group in {@code registry}.
     *
     * @return the registry's meter under that id: this group's, or the one registered there before
     */
    abstract Meter registerKey(MeterRegistry registry);

    /** Registers this group's other meters, once it owns its key's id (again, once the registry removed it). */
    abstract void registerOthers(MeterRegistry registry);
  }

  /** The groups of one registry, by the tags asked for and by their key meter's id. Guarded by itself. */
  private static final class Groups<G> {
    final Map<Tags, G> byTags = new HashMap<>();
    final Map<Meter.Id, G> byKeyId = new HashMap<>();
    /**
     * How many meters named {@code asynccassandra.*} the registry removed ({@code clear()}, {@code remove}): counted
     * by its removal listener, which runs under the registry's lock and so takes none of ours.
     */
    final AtomicLong removals = new AtomicLong();
  }

  /** The start of our meters' names. */
  private static final String PREFIX = "asynccassandra.";

  /**
   * Per registry (weakly: a registry dropped by its owner is forgotten), its groups. Guarded by itself.
   * Nothing in a value refers to its registry.
   */
  private final Map<MeterRegistry, Groups<G>> byRegistry = new WeakHashMap<>();
  private final Function<Tags, G> make;

  /** Groups made by {@code make}, which makes one for the tags it is given, its meters not registered. */
  MeterGroups(Function<Tags, G> make) {
    this.make = make;
  }

  /**
   * The group of {@code registry} for {@code tags}, its meters registered (again, if the registry removed
   * them); {@code registered} is then called with it, under the lock that decides which group feeds a meter.
   * Once per tag set and binder or listener, never on a stream's path.
   */
  G of(MeterRegistry registry, Tags tags, Consumer<? super G> registered) {
    Groups<G> groups;
    synchronized (byRegistry) {
      groups = byRegistry.get(registry);
      if (groups == null) {
        Groups<G> created = new Groups<>();
        // Holds the groups, never the registry: the registry holds it.
        registry.config().onMeterRemoved(meter -> {
          if (meter.getId().getName().startsWith(PREFIX)) {
            created.removals.incrementAndGet();
          }
        });
        byRegistry.put(registry, created);
        groups = created;
      }
    }
    // Under the registry's groups' lock, registration included: which group feeds a meter is decided with it.
    synchronized (groups) {
      long removals = groups.removals.get();
      G known = groups.byTags.get(tags);
      if (known != null && (known.checkedAtRemovals == removals || isRegistered(registry, known.key))) {
        // Not registered again: the registry would log a warning for each meter registered twice.
        known.checkedAtRemovals = removals;
        registered.accept(known);
        return known;
      }
      G candidate = known != null ? known : make.apply(tags);
      Meter key = candidate.registerKey(registry);
      G owner = groups.byKeyId.get(key.getId());
      if (owner == null || owner.key != key) {
        // No group's key is the registry's meter under this id (none was registered, or the registry removed
        // it): the registry just took the candidate's, which now owns the id.
        owner = candidate;
        owner.key = key;
        groups.byKeyId.put(key.getId(), owner);
        owner.registerOthers(registry);
      }
      owner.checkedAtRemovals = removals;
      groups.byTags.put(tags, owner);
      registered.accept(owner);
      return owner;
    }
  }

  /** Whether {@code registry} holds {@code meter} itself. Reads all its meters: only after it removed some. */
  private static boolean isRegistered(MeterRegistry registry, @Nullable Meter meter) {
    for (Meter each : registry.getMeters()) {
      if (each == meter) {
        return true;
      }
    }
    return false;
  }
}
