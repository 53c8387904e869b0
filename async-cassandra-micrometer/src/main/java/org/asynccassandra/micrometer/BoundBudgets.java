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

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;
import org.asynccassandra.ReadAheadBudget;

/**
 * The read-ahead budgets of the sessions bound under one set of tags, behind the
 * {@code asynccassandra.budget.*} meters: the gauges read the sum over the budgets bound now, the counter the
 * hold-backs of each budget while it was bound. One instance per registry and tags, shared by every binder of
 * that registry (see {@link MeterGroups}): a registry keeps the first meter registered under an id, so two
 * sessions bound with the same tags must feed the same meters. Thread-safe; budgets are read when the registry
 * is scraped, outside its lock.
 *
 * <p>It holds each budget weakly: a budget unbound ({@link Binding#unbind()}, the binder's {@code close()})
 * leaves it at once, and one whose session was dropped unbound leaves it once collected.
 */
final class BoundBudgets extends MeterGroups.Group {
  /** The groups of every registry; the {@code budget.reserved} gauge names a group. */
  private static final MeterGroups<BoundBudgets> GROUPS = new MeterGroups<>(BoundBudgets::new);

  /** The budgets bound and not unbound yet, each once however often it was bound. Guarded by this. */
  private final List<Bound> bound = new ArrayList<>();

  /**
   * The hold-backs counted of the budgets that left {@link #bound}: with those of the bound ones, the
   * counter's value, which never goes back. Guarded by this.
   */
  private long heldBackOfLeft;

  /** One budget in {@link #bound}. */
  private static final class Bound {
    final WeakReference<ReadAheadBudget> budget;
    /** Its {@code heldBack()} when it was bound: what it counted before is not this group's. */
    final long heldBackAtBind;
    /** The bindings of it not unbound yet, {@code >= 1} while it is bound. Guarded by the group. */
    int bindings = 1;
    /** Its hold-backs counted so far; only grows. Guarded by the group. */
    long heldBack;

    Bound(ReadAheadBudget budget, long heldBackAtBind) {
      this.budget = new WeakReference<>(budget);
      this.heldBackAtBind = heldBackAtBind;
    }

    /** Counts what {@code budget.heldBack()} returned, {@code read}. */
    void counted(long read) {
      heldBack = Math.max(heldBack, read - heldBackAtBind);
    }
  }

  /** A budget bound to a group, until {@link #unbind()}. Thread-safe. */
  static final class Binding {
    private final BoundBudgets group;
    private final Bound bound;
    /** Whether {@link #unbind()} was called: a binding leaves once. */
    private final AtomicBoolean unbound = new AtomicBoolean();

    private Binding(BoundBudgets group, Bound bound) {
      this.group = group;
      this.bound = bound;
    }

    /** Takes the budget out of its group's meters (unless bound there again); later calls do nothing. */
    void unbind() {
      if (unbound.compareAndSet(false, true)) {
        group.unbind(bound);
      }
    }
  }

  private BoundBudgets(Tags tags) {
    super(tags);
  }

  /**
   * Shows {@code budget} in the budget meters of {@code registry} with {@code tags}, registered on first use
   * (and again if the registry removed them), until the returned binding is unbound.
   */
  static Binding bind(MeterRegistry registry, Tags tags, ReadAheadBudget budget) {
    BoundBudgets group = GROUPS.of(registry, tags, registered -> {});
    long heldBack = budget.heldBack(); // outside the group's lock: a budget may be user code
    return new Binding(group, group.add(budget, heldBack));
  }

  @Override
  Meter registerKey(MeterRegistry registry) {
    return Gauge.builder(AsyncCassandraMetrics.BUDGET_RESERVED, this,
            group -> group.sum(ReadAheadBudget::reservedBytes)).tags(tags).baseUnit("bytes")
        .description("Bytes of pages read ahead by the bound sessions' streams, not yet taken by their consumers")
        .strongReference(true).register(registry);
  }

  @Override
  void registerOthers(MeterRegistry registry) {
    Gauge.builder(AsyncCassandraMetrics.BUDGET_CAPACITY, this,
            group -> group.sum(ReadAheadBudget::capacityBytes)).tags(tags).baseUnit("bytes")
        .description("Bytes of read-ahead the bound sessions' streams may hold together, over their budgets")
        .strongReference(true).register(registry);
    // Held weakly by the registry, strongly by GROUPS for as long as the registry lives.
    FunctionCounter.builder(AsyncCassandraMetrics.BUDGET_HELD_BACK, this, BoundBudgets::heldBack).tags(tags)
        .description("Times a stream's read-ahead waited for the bound sessions' budgets").register(registry);
  }

  private synchronized Bound add(ReadAheadBudget budget, long heldBack) {
    forgetCollected();
    for (Bound each : bound) {
      if (each.budget.get() == budget) {
        each.bindings++;
        return each;
      }
    }
    Bound added = new Bound(budget, heldBack);
    bound.add(added);
    return added;
  }

  private void unbind(Bound leaving) {
    ReadAheadBudget budget = leaving.budget.get();
    long heldBack = budget != null ? budget.heldBack() : -1; // outside the lock, as every read of a budget
    synchronized (this) {
      if (budget != null) {
        leaving.counted(heldBack);
      }
      if (--leaving.bindings == 0 && bound.remove(leaving)) {
        heldBackOfLeft += leaving.heldBack;
      }
    }
  }

  /** A bound budget still reachable when {@link #live()} was called. */
  private record Live(Bound bound, ReadAheadBudget budget) {}

  /** The bound budgets still reachable, to read outside the lock; drops those collected. */
  private synchronized List<Live> live() {
    forgetCollected();
    List<Live> live = new ArrayList<>(bound.size());
    for (Bound each : bound) {
      ReadAheadBudget budget = each.budget.get();
      if (budget != null) {
        live.add(new Live(each, budget));
      }
    }
    return live;
  }

  /** Moves the hold-backs of the budgets collected while bound to {@link #heldBackOfLeft}. Under the lock. */
  private void forgetCollected() {
    bound.removeIf(each -> {
      if (each.budget.get() != null) {
        return false;
      }
      heldBackOfLeft += each.heldBack;
      return true;
    });
  }

  /** The sum of {@code value} over the bound budgets, read outside the lock. */
  private double sum(ToLongFunction<ReadAheadBudget> value) {
    long total = 0;
    for (Live each : live()) {
      total += value.applyAsLong(each.budget());
    }
    return total;
  }

  /** The hold-backs of the budgets while bound: of those that left, and of the bound ones read now. */
  private double heldBack() {
    List<Live> live = live();
    long[] read = new long[live.size()];
    for (int i = 0; i < read.length; i++) {
      read[i] = live.get(i).budget().heldBack();
    }
    synchronized (this) {
      for (int i = 0; i < read.length; i++) {
        live.get(i).bound().counted(read[i]);
      }
      forgetCollected();
      long total = heldBackOfLeft;
      for (Bound each : bound) {
        total += each.heldBack;
      }
      return total;
    }
  }
}
