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

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.util.FlinkRuntimeException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The split enumerator: plans the splits once (in a Flink worker thread, through
 * {@link SplitEnumeratorContext#callAsync}), then hands them out one per request, preferring for each
 * reader a split with a replica on the reader's host ({@link LocalitySplitAssigner}); a reader that asks
 * when none is left is told there are no more. Its state is the splits not assigned; splits a failed reader
 * had taken since the last checkpoint come back through {@link #addSplitsBack} and go out again.
 *
 * <p>A reader's host name is looked up (DNS) once, in a Flink worker thread through
 * {@link SplitEnumeratorContext#callAsync}: the coordinator thread, which serves every reader's requests and
 * the checkpoints, never waits for DNS. The requests of a host not looked up yet are held, in order, until its
 * addresses come back; a name that does not resolve, or whose lookup fails, has none and is served without
 * locality.
 *
 * <p>Runs on Flink's coordinator thread (the plan's and the lookups' completions too); not thread-safe
 * otherwise.
 */
final class CassandraSplitEnumerator implements SplitEnumerator<CassandraSplit, CassandraEnumeratorState> {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraSplitEnumerator.class);

  /** Plans the splits for a parallelism; blocking. */
  interface Planner {
    List<CassandraSplit> plan(int parallelism) throws Exception;
  }

  private record Request(int subtask, @Nullable String host) {}

  private final SplitEnumeratorContext<CassandraSplit> context;
  private final String table;
  private final Planner planner;
  /** The addresses of a host name by DNS; blocking, so called in a worker thread only. */
  private final Function<String, Set<String>> addressesOf;
  private @Nullable LocalitySplitAssigner assigner; // null until planned
  private final List<CassandraSplit> givenBackBeforePlan = new ArrayList<>();
  private final ArrayDeque<Request> waiting = new ArrayDeque<>(); // requests that came before the plan
  /** The addresses of each normalized host name looked up; none for a name that did not resolve. */
  private final Map<String, Set<String>> addressesByHost = new HashMap<>();
  /**
   * The requests held for each host name being looked up, in arrival order. A name is a key exactly while its
   * lookup runs, and is then in {@link #addressesByHost}: each name is looked up once.
   */
  private final Map<String, ArrayDeque<Request>> heldForLookup = new HashMap<>();
  private final Set<Integer> seenReaders = new HashSet<>(); // subtasks whose first request was logged
  /** Subtasks told "no more splits" (this attempt): a later request of theirs gets no split. */
  private final Set<Integer> toldNoMoreSplits = new HashSet<>();
  private boolean planning;

  CassandraSplitEnumerator(SplitEnumeratorContext<CassandraSplit> context, String table, Planner planner,
      Function<String, Set<String>> addressesOf, CassandraEnumeratorState state) {
    this.context = context;
    this.table = table;
    this.planner = planner;
    this.addressesOf = addressesOf;
    if (state.isPlanned()) {
      this.assigner = new LocalitySplitAssigner(state.unassignedSplits(), this::knownAddresses);
    }
  }

  /** The addresses of a host name by DNS, or none when it does not resolve. Blocking. */
  static Set<String> resolve(String host) {
    try {
      return Arrays.stream(InetAddress.getAllByName(host)).map(InetAddress::getHostAddress)
          .collect(Collectors.toSet());
    } catch (UnknownHostException | SecurityException unknown) {
      return Set.of();
    }
  }

  @Override
  public void start() {
    if (assigner != null || planning) {
      return;
    }
    planning = true;
    int parallelism = context.currentParallelism();
    Callable<List<CassandraSplit>> plan = () -> planner.plan(parallelism);
    context.callAsync(plan, this::planned);
  }

  private void planned(@Nullable List<CassandraSplit> splits, @Nullable Throwable failure) {
    planning = false;
    if (failure != null || splits == null) {
      throw new FlinkRuntimeException("Cannot plan the splits of " + table + ": " + failure, failure);
    }
    LocalitySplitAssigner planned = new LocalitySplitAssigner(splits, this::knownAddresses);
    planned.add(givenBackBeforePlan);
    givenBackBeforePlan.clear();
    assigner = planned;
    while (!waiting.isEmpty()) {
      Request request = waiting.poll();
      handleSplitRequest(request.subtask(), request.host());
    }
  }

  @Override
  public void handleSplitRequest(int subtaskId, @Nullable String requesterHost) {
    // Flink may give an empty name (a local MiniCluster does): unknown, not the loopback it would resolve to.
    String requesterHostname = requesterHost == null || requesterHost.isBlank() ? null
        : LocalitySplitAssigner.normalize(requesterHost);
    Map<Integer, ReaderInfo> readers = context.registeredReaders();
    if (!readers.containsKey(subtaskId)) {
      return; // the reader failed since it asked (or while it was held); its next attempt asks again
    }
    LocalitySplitAssigner splits = assigner;
    if (splits == null) {
      waiting.add(new Request(subtaskId, requesterHostname));
      return;
    }
    if (requesterHostname != null && !addressesByHost.containsKey(requesterHostname)) {
      lookUp(requesterHostname).add(new Request(subtaskId, requesterHostname));
      return;
    }
    if (seenReaders.add(subtaskId) && requesterHostname != null) {
      LOG.info("Reader {} of {} runs on {} ({}): {} of the {} splits left have a replica there", subtaskId, table,
          requesterHostname, String.join(", ", splits.addresses(requesterHostname)), // looked up already
          splits.localTo(requesterHostname), splits.remaining().size());
    }
    List<String> others = new ArrayList<>();
    readers.forEach((subtask, reader) -> {
      if (subtask != subtaskId && reader.getLocation() != null && !reader.getLocation().isBlank()) {
        String other = LocalitySplitAssigner.normalize(reader.getLocation());
        others.add(other); // by its name alone until its addresses are known
        lookUpIfUnknown(other);
      }
    });
    if (toldNoMoreSplits.contains(subtaskId)) {
      // A request it sent before it heard "no more splits" (a reader keeps several in flight): a split given
      // back meanwhile must wait for a reader still reading, as this one may have ended and would lose it.
      return;
    }
    CassandraSplit split = splits.next(requesterHostname, others);
    if (split == null) {
      toldNoMoreSplits.add(subtaskId);
      context.signalNoMoreSplits(subtaskId);
      return;
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("Split {} to subtask {} on {}{}", split, subtaskId, requesterHostname,
          requesterHostname != null && splits.isLocal(split, requesterHostname) ? " (a replica)" : "");
    }
    context.assignSplit(split, subtaskId);
  }

  /** The addresses known for a normalized host name: none until looked up. */
  private Set<String> knownAddresses(String host) {
    return addressesByHost.getOrDefault(host, Set.of());
  }

  private void lookUpIfUnknown(String host) {
    if (!addressesByHost.containsKey(host)) {
      lookUp(host);
    }
  }

  /** Starts looking {@code host} up unless a lookup runs already; returns the requests held for it. */
  private ArrayDeque<Request> lookUp(String host) {
    ArrayDeque<Request> held = heldForLookup.get(host);
    if (held == null) {
      held = new ArrayDeque<>();
      heldForLookup.put(host, held);
      Callable<Set<String>> lookup = () -> addressesOf.apply(host);
      context.callAsync(lookup, (addresses, failure) -> lookedUp(host, addresses, failure));
    }
    return held;
  }

  private void lookedUp(String host, @Nullable Set<String> addresses, @Nullable Throwable failure) {
    if (failure != null || addresses == null) {
      LOG.warn("Cannot look up the addresses of {}: its readers get splits without locality", host, failure);
      addressesByHost.put(host, Set.of());
    } else {
      addressesByHost.put(host, Set.copyOf(addresses));
    }
    ArrayDeque<Request> held = heldForLookup.remove(host);
    while (held != null && !held.isEmpty()) {
      Request request = held.poll();
      handleSplitRequest(request.subtask(), request.host()); // drops it if its reader failed meanwhile
    }
  }

  @Override
  public void addSplitsBack(List<CassandraSplit> splits, int subtaskId) {
    LOG.info("{} splits of failed subtask {} are given back", splits.size(), subtaskId);
    toldNoMoreSplits.remove(subtaskId); // its next attempt starts anew
    LocalitySplitAssigner splitsNow = assigner;
    if (splitsNow == null) {
      givenBackBeforePlan.addAll(splits);
    } else {
      splitsNow.add(splits);
    }
  }

  @Override
  public void addReader(int subtaskId) {
    // Readers ask for splits themselves; a new attempt of a subtask has heard nothing yet.
    toldNoMoreSplits.remove(subtaskId);
    // Its host is looked up now, so that other readers' requests soon know which splits are local to it.
    ReaderInfo reader = context.registeredReaders().get(subtaskId);
    String location = reader == null ? null : reader.getLocation();
    if (location != null && !location.isBlank()) {
      lookUpIfUnknown(LocalitySplitAssigner.normalize(location));
    }
  }

  @Override
  public CassandraEnumeratorState snapshotState(long checkpointId) {
    LocalitySplitAssigner splits = assigner;
    return splits == null ? CassandraEnumeratorState.notPlanned()
        : CassandraEnumeratorState.planned(splits.remaining());
  }

  @Override
  public void close() {
    // Nothing held: the plan's session is closed by the plan itself.
  }
}
