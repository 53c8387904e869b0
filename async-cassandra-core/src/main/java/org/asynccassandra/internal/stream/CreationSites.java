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

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where streams are created, for the report of a stream dropped while open. Recording a stack costs about
 * 2 µs, and about 0.7 KB (a shallow stack) to 3.5 KB (150 frames) for as long as the stream is open: a
 * service with a thousand streams open would keep megabytes of stacks nobody reads. So by default one stream
 * in {@value #SAMPLED_EVERY} records its creation site, as Netty's leak detector samples its buffers: every
 * leak is still found, closed, counted and reported, and a leak in a code path that runs often shows its stack
 * within a few reports. The system property {@value #PROPERTY} chooses: {@code sampled} (the default),
 * {@code all} or {@code none}; it is read once, when the first stream is made.
 */
final class CreationSites {
  /** The system property that chooses which streams record their creation site. */
  static final String PROPERTY = "asynccassandra.leakSites";
  /** One stream in this many records its creation site by default. */
  static final int SAMPLED_EVERY = 64;

  private static final Logger LOG = LoggerFactory.getLogger(CreationSites.class);
  /** 1: every stream records it; 0: none; n: one in n, at random. */
  private static volatile int every = every(System.getProperty(PROPERTY));

  private CreationSites() {}

  /** How many streams one in which records its site, for a value of {@value #PROPERTY} (null: unset). */
  static int every(@Nullable String setting) {
    if (setting == null) {
      return SAMPLED_EVERY;
    }
    switch (setting.trim().toLowerCase(Locale.ROOT)) {
      case "sampled":
        return SAMPLED_EVERY;
      case "all":
        return 1;
      case "none":
        return 0;
      default:
        LOG.warn("-D{}={} is not one of sampled, all, none: using sampled (one stream in {} records where it "
            + "was created)", PROPERTY, setting, SAMPLED_EVERY);
        return SAMPLED_EVERY;
    }
  }

  /** Sets how many streams one in which records its site, and returns the previous setting (tests). */
  static int recordEvery(int streams) {
    if (streams < 0) {
      throw new IllegalArgumentException("streams < 0: " + streams);
    }
    int previous = every;
    every = streams;
    return previous;
  }

  /** The creation site of a stream being made now, on its creator's thread; null when this one records none. */
  static @Nullable Throwable capture() {
    int n = every;
    if (n == 1 || (n > 1 && ThreadLocalRandom.current().nextInt(n) == 0)) {
      return new Throwable("RowStream created here");
    }
    return null;
  }

  /** What a leak report holds for a stream that recorded no creation site: a message, no stack. */
  static Throwable unrecorded() {
    return new Unrecorded("Where this RowStream was created was not recorded (" + describe(every)
        + "); run with -D" + PROPERTY + "=all to record it for every stream");
  }

  private static String describe(int n) {
    return n == 0 ? "-D" + PROPERTY + "=none" : "one stream in " + n + " records it";
  }

  /** A throwable with a message only: its stack would show the leak detector's thread, not the creator's. */
  static final class Unrecorded extends Throwable {
    private static final long serialVersionUID = 1L;

    Unrecorded(String message) {
      super(message, null, false, false);
    }
  }
}
