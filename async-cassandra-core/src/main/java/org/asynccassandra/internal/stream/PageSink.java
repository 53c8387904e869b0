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

import java.util.concurrent.Executor;

/**
 * The consumer side of a {@link PageEngine}: one per consumption style. The engine calls it serially
 * (calls never overlap) on the stream's executor, and only after the sink asked for a page with
 * {@link PageEngine#request()}, except for an abort ({@code onError} of a close, a total timeout or a
 * consumer failure), which comes as soon as no other call is running.
 */
interface PageSink {
  /** Delivers one page; the sink calls {@link PageEngine#request()} once it is ready for the next one. */
  void onPage(DefaultPage page);

  /** The stream ended after the last page was consumed. */
  void onComplete();

  /** The stream failed or was closed. */
  void onError(Throwable error);

  /**
   * Fails the stage waiting for this sink at once, on {@code executor}, unless settled: the stream was
   * closed, and a consumer call still running must not hold the failure back. None by default.
   */
  default void failPending(Throwable error, Executor executor) {}

  /**
   * The engine learned its end while no page was asked for: the source ended, or the page it read ahead is an
   * empty last one ({@link PageEngine#endIsNext()}); asking for it now sends nothing. Called on whatever thread
   * learned it (a driver I/O thread included), outside the engine's lock. Nothing by default: the next
   * request finds the end.
   */
  default void onEndKnown() {}
}
