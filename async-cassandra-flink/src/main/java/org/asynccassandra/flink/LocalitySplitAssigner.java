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
package org.asynccassandra.flink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The splits not assigned yet, handed out one at a time with a preference for locality: to a reader on a
 * host that is a replica of the split, first a split of that host; else a split that is local to no other
 * reader (so that the splits other readers could read locally stay for them); else the next split in ring
 * order. Hosts are compared by address: a reader's host name stands for itself and the addresses known for
 * it, and a split's replicas are addresses the driver's token map gave, compared as they are (never looked
 * up). It looks nothing up itself: the enumerator resolves host names off the coordinator thread.
 *
 * <p>Not thread-safe: the enumerator calls it on Flink's coordinator thread only.
 */
final class LocalitySplitAssigner {
  /** How many splits the fallback looks at for one that no other reader could read locally. */
  private static final int NON_LOCAL_SEARCH = 1_000;

  private final Function<String, Set<String>> addressesOf;
  /** The unassigned splits by id, in ring order (splits given back go last). */
  private final LinkedHashMap<String, CassandraSplit> unassigned = new LinkedHashMap<>();
  /** Split ids by replica address; may still hold ids assigned since (skipped when met). */
  private final Map<String, ArrayDeque<String>> byReplica = new HashMap<>();

  /**
   * @param addressesOf the addresses known for a {@linkplain #normalize normalized} host name, none when not
   *     known (yet); called on every request, so it must not block (no DNS lookup)
   */
  LocalitySplitAssigner(Collection<CassandraSplit> splits, Function<String, Set<String>> addressesOf) {
    this.addressesOf = addressesOf;
    add(splits);
  }

  /** Adds splits, planned or given back by a failed reader. */
  void add(Collection<CassandraSplit> splits) {
    for (CassandraSplit split : splits) {
      unassigned.put(split.splitId(), split);
      for (String replica : split.replicas()) {
        byReplica.computeIfAbsent(normalize(replica), key -> new ArrayDeque<>()).add(split.splitId());
      }
    }
  }

  /** The splits not assigned, in the order they would be handed out to a reader with no locality. */
  List<CassandraSplit> remaining() {
    return new ArrayList<>(unassigned.values());
  }

  boolean isEmpty() {
    return unassigned.isEmpty();
  }

  /**
   * Takes the split for a reader on {@code host}.
   *
   * @param host the reader's host name or address; null (or blank) when Flink does not know it
   * @param otherReaderHosts the hosts of the other readers
   * @return null when no split is left
   */
  @Nullable CassandraSplit next(@Nullable String host, Collection<String> otherReaderHosts) {
    if (unassigned.isEmpty()) {
      return null;
    }
    if (host != null && !host.isBlank()) {
      for (String address : addresses(host)) {
        ArrayDeque<String> local = byReplica.get(address);
        while (local != null && !local.isEmpty()) {
          CassandraSplit split = unassigned.remove(local.poll());
          if (split != null) {
            return split;
          }
        }
      }
    }
    List<String> others = new ArrayList<>();
    for (String other : otherReaderHosts) {
      if (!other.isBlank()) {
        others.addAll(addresses(other));
      }
    }
    Iterator<CassandraSplit> splits = unassigned.values().iterator();
    CassandraSplit first = splits.next();
    CassandraSplit candidate = first;
    for (int seen = 0; !others.isEmpty() && seen < NON_LOCAL_SEARCH; seen++) {
      if (candidate.replicas().stream().map(LocalitySplitAssigner::normalize).noneMatch(others::contains)) {
        unassigned.remove(candidate.splitId());
        return candidate;
      }
      if (!splits.hasNext()) {
        break;
      }
      candidate = splits.next();
    }
    unassigned.remove(first.splitId());
    return first;
  }

  /** How many of the unassigned splits have a replica on {@code host}. */
  long localTo(String host) {
    Set<String> addresses = addresses(host);
    return unassigned.values().stream().filter(split -> isLocal(split, addresses)).count();
  }

  /** Whether {@code host} holds a replica of {@code split}. */
  boolean isLocal(CassandraSplit split, String host) {
    return isLocal(split, addresses(host));
  }

  private static boolean isLocal(CassandraSplit split, Set<String> addresses) {
    return split.replicas().stream().map(LocalitySplitAssigner::normalize).anyMatch(addresses::contains);
  }

  /** The name and the addresses known for {@code host}, itself included; the name alone while none is known. */
  Set<String> addresses(String host) {
    String name = normalize(host);
    Set<String> all = new HashSet<>();
    all.add(name);
    for (String address : addressesOf.apply(name)) {
      all.add(normalize(address));
    }
    return all;
  }

  /** A host name or address as hosts are compared: stripped, in lower case. */
  static String normalize(String host) {
    return host.strip().toLowerCase(Locale.ROOT);
  }
}
