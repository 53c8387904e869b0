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

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamListener;

/**
 * Measures every stream and scan of an {@link AsyncSession} in a Micrometer registry: streams open, started
 * and ended by outcome, rows, pages and response bytes delivered, page fetch latency, how long consumers
 * waited for pages, pages buffered, retries and leaks, and the token ranges of scans done and pending.
 *
 * <pre>{@code
 * AsyncSession session = AsyncSession.wrap(cqlSession);
 * new AsyncCassandraMetrics(session, Tags.of("cluster", "orders")).bindTo(registry);
 * }</pre>
 *
 * <p>It is a {@link MeterBinder}, like Micrometer's own binders: {@link #bindTo(MeterRegistry)} adds a
 * {@link StreamListener} to the session ({@link AsyncSession#addListener}), so streams created from then on
 * are measured (a Spring Boot application that exposes it as a bean gets it bound by Boot). Streams created
 * before are not. Meter names, units and tags are listed in {@code docs/observability.md}; the tags are
 * {@code keyspace}, {@code table}, {@code name} (the {@link StreamConfig.Builder#name(String) stream's name},
 * {@code "none"} when absent), {@code kind}, {@code style}, {@code outcome}, {@code exception} and {@code state} (of scan ranges), plus the
 * tags given here. No tag holds query text or bound values; a stream name must be low-cardinality (a fixed
 * label such as {@code "export-orders"}, never an id). Each listener gives meters of their own to at most 100
 * stream shapes (kind, keyspace, table and name): streams of further shapes are measured together, per kind,
 * under keyspace, table and name {@code "other"}, and a warning names the first of them.
 *
 * <p><b>Cost.</b> Nothing per row: the listener works once per page (a map lookup, a few counter
 * increments and two timer recordings) and once at each stream's start and end. Gauges read the open
 * streams' live {@link org.asynccassandra.StreamStats} when the registry is scraped.
 *
 * <p><b>Threads.</b> Thread-safe. The meters are updated on the threads that {@link StreamListener} names
 * (never a driver I/O thread unless the stream runs on a direct executor); no call blocks.
 *
 * <p><b>Closing.</b> {@link #close()} removes its listeners from the session; streams created before keep
 * being measured until they end. The meters stay in the registry; the budget meters stop reading the session's
 * budget (they only ever hold it weakly).
 */
public final class AsyncCassandraMetrics implements MeterBinder, AutoCloseable {
  /** The gauge of the bound sessions' budgets' reserved bytes, summed. */
  public static final String BUDGET_RESERVED = "asynccassandra.budget.reserved";
  /** The gauge of the bound sessions' budgets' capacity, summed. */
  public static final String BUDGET_CAPACITY = "asynccassandra.budget.capacity";
  /** The counter of the times a stream's read-ahead waited for its session's budget, while bound. */
  public static final String BUDGET_HELD_BACK = "asynccassandra.budget.held.back";

  private final AsyncSession session;
  private final Tags tags;
  /** The listeners added to the session, one per {@link #bindTo} call. */
  private final List<StreamListener> bound = new CopyOnWriteArrayList<>();
  /** The session's budget in each registry it is shown in, one per {@link #bindTo} call of a session with one. */
  private final List<BoundBudgets.Binding> budgets = new CopyOnWriteArrayList<>();
  /**
   * The registries bound and not closed since, by identity: binding one again measures nothing twice (a Spring
   * {@code @Bean} method that binds the binder it returns, which Spring Boot then binds too). Guarded by this.
   */
  private final Set<MeterRegistry> registries = Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * Meters for {@code session}'s streams, with no extra tags. Nothing is measured until
   * {@link #bindTo(MeterRegistry)}.
   *
   * @param session the session whose streams and scans are measured
   */
  public AsyncCassandraMetrics(AsyncSession session) {
    this(session, Tags.empty());
  }

  /**
   * Meters for {@code session}'s streams, each with {@code tags} besides its own. Nothing is measured until
   * {@link #bindTo(MeterRegistry)}.
   *
   * @param session the session whose streams and scans are measured
   * @param tags tags added to every meter, for example the application's or the cluster's name
   */
  public AsyncCassandraMetrics(AsyncSession session, Iterable<Tag> tags) {
    this.session = Objects.requireNonNull(session, "session");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
  }

  /**
   * Starts measuring the session's streams created from now on in {@code registry}, and, when the session has
   * a {@link AsyncSession#readAheadBudget() read-ahead budget}, the budget itself: {@value #BUDGET_RESERVED}
   * and {@value #BUDGET_CAPACITY} (gauges, bytes) and {@value #BUDGET_HELD_BACK} (a counter), read when the
   * registry is scraped. The budget meters of one registry and tags are shared by every binder bound there
   * with a budget: the gauges read the sum over the budgets bound and not closed yet (each budget once), the
   * counter the hold-backs of each budget from its binding to its binder's {@link #close()}. Binding to a
   * registry this binder is bound to already (and not closed since) does nothing: each stream is counted once.
   *
   * @throws NullPointerException if {@code registry} is null
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    if (!registries.add(registry)) {
      return;
    }
    session.readAheadBudget().ifPresent(budget -> budgets.add(BoundBudgets.bind(registry, tags, budget)));
    StreamListener listener = listener(registry, tags);
    bound.add(listener);
    session.addListener(listener);
  }

  /**
   * A listener that measures the streams it hears in {@code registry}, for a single stream
   * ({@link StreamConfig.Builder#listener}) or a session that is not at hand. Its meters are the
   * binder's; a stream heard by two such listeners of one registry is counted twice.
   *
   * @param registry where the meters are registered
   * @param tags tags added to every meter
   * @return a new thread-safe listener
   */
  public static StreamListener listener(MeterRegistry registry, Iterable<Tag> tags) {
    return new MetricsListener(Objects.requireNonNull(registry, "registry"),
        Tags.of(Objects.requireNonNull(tags, "tags")));
  }

  /**
   * Removes the listeners this binder added, and takes the session's budget out of the budget meters; the
   * session's open streams keep being measured. The binder may be bound again afterwards.
   */
  @Override
  public synchronized void close() {
    registries.clear();
    List<StreamListener> removed = List.copyOf(bound);
    bound.removeAll(removed);
    removed.forEach(session::removeListener);
    List<BoundBudgets.Binding> unbound = List.copyOf(budgets);
    budgets.removeAll(unbound);
    unbound.forEach(BoundBudgets.Binding::unbind);
  }
}
