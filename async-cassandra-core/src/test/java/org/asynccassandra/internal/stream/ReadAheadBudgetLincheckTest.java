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
package org.asynccassandra.internal.stream;

import static org.asynccassandra.internal.stream.LincheckSupport.check;
import static org.asynccassandra.internal.stream.LincheckSupport.join;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Model-checks the real {@link DefaultReadAheadBudget}'s queue of waiting streams: a stream joins it from one
 * thread (the end of a drain that was refused) while it leaves from another (a drain that no longer wants to
 * read ahead). Whatever the interleaving, the stream must be in the queue exactly when it says it waits: an
 * entry left behind by a stream that says it left stays first in line for ever, and no other stream of the
 * session reads ahead again (first come, first served), as the benchmark's budget mode showed after a
 * thousand streams at once.
 */
class ReadAheadBudgetLincheckTest {

  @Test
  void should_keep_a_stream_in_the_queue_exactly_while_it_says_it_waits_when_joining_races_leaving() {
    Lincheck.runConcurrentTest(1_000, () -> {
      DefaultReadAheadBudget budget = new DefaultReadAheadBudget(1_000);
      AtomicInteger wakes = new AtomicInteger();
      DefaultReadAheadBudget.Waiter racing = new DefaultReadAheadBudget.Waiter(wakes::incrementAndGet);
      DefaultReadAheadBudget.Waiter other = new DefaultReadAheadBudget.Waiter(() -> { });

      Thread joining = new Thread(() -> budget.await(racing));
      Thread leaving = new Thread(() -> budget.leave(racing));
      joining.start();
      leaving.start();
      join(joining);
      join(leaving);

      // Nothing is reserved: another stream reads ahead unless the racing one waits before it.
      boolean waits = racing.isQueued();
      boolean otherServed = budget.tryReserve(other, 100);
      check(otherServed == !waits, "the racing stream says it " + (waits ? "waits" : "left") + " but another "
          + "stream was " + (otherServed ? "served" : "refused") + " with nothing reserved");
      budget.adjust(otherServed ? 100 : 0);
      if (waits) {
        budget.leave(racing);
        check(budget.tryReserve(other, 100), "refused after the racing stream left: an entry was left behind");
      }
    });
  }
}
