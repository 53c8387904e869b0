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
package org.asynccassandra.testkit;

import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.session.Session;
import com.datastax.oss.driver.api.core.session.SessionBuilder;
import com.datastax.oss.driver.api.core.tracker.RequestIdGenerator;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import com.datastax.oss.driver.internal.core.context.InternalDriverContext;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the CQL requests that driver sessions sent to a node, and those that the driver reported finished,
 * so that a test can check what was really sent: for example that nothing was sent after a stream closed.
 *
 * <pre>{@code
 * RequestCounter counter = new RequestCounter();
 * try (CqlSession session = counter.addTo(server.sessionBuilder()).build()) {
 *   ...
 *   long mark = counter.mark();
 *   stream.close();
 *   ...
 *   assertThat(counter.sentSince(mark)).isZero();
 * }
 * }</pre>
 *
 * <p><b>Registering.</b> {@link #addTo(SessionBuilder)} registers the counter twice with a driver session
 * builder: as a {@link RequestTracker} ({@code addRequestTracker}, which sees requests <em>finish</em>) and
 * as the session's {@link RequestIdGenerator} ({@code withRequestIdGenerator}, which the driver asks for
 * an id right before it writes a request to a node: the only hook of driver 4.19 that sees a request
 * <em>sent</em>). {@code sessionBuilder().addRequestTracker(counter)} alone therefore is not enough: the
 * counter notices it when the session is ready, and {@link #sent()} then throws. As id generator the
 * counter leaves statements unchanged (it adds no custom payload), so the server receives what it would
 * receive without it. It replaces any other id generator of that session.
 *
 * <p><b>What is counted.</b> One count per <em>attempt</em>, that is per request written to one node:
 * <ul>
 *   <li>{@link #sent()}: attempts the driver wrote to a node's connection, counted on the sending thread
 *       right before the write. A retry, a speculative execution and the next page of a result
 *       ({@code fetchNextPage}) are attempts of their own. A request that found no node to send to is not
 *       counted.</li>
 *   <li>{@link #finished()}: attempts the driver reported as answered or failed
 *       ({@code onNodeSuccess} or {@code onNodeError}). The driver reports a success after it completed
 *       the request's future, so a test that just saw a future complete waits (with Awaitility) for
 *       {@code finished()} instead of reading it at once.</li>
 *   <li>Not counted at all: PREPARE requests (the driver's prepare handler reports to no tracker),
 *       re-preparations after an UNPREPARED error, and the driver's own queries on its control connection
 *       (topology, schema, heartbeats).</li>
 *   <li>Never finished: an attempt that the driver abandons without a report: the caller cancelled the
 *       request's future (async-cassandra does when a stream closes with a page in flight), the request
 *       timed out, or another execution of it finished first. Such attempts stay in {@link #inFlight()};
 *       to wait until the connection is quiet after a cancellation, use the driver's {@code pool.in-flight}
 *       metric.</li>
 * </ul>
 *
 * <p><b>Threads.</b> Thread-safe and lock-free; the driver calls it on the thread that sends (a caller's
 * or a driver I/O thread) and on its I/O threads, and no call blocks. One counter may serve several
 * sessions: it then counts them together. Closing a session closes its trackers; {@link #close()} does
 * nothing, so the counts stay readable after the session closed.
 */
public final class RequestCounter implements RequestTracker, RequestIdGenerator {
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();
  private final AtomicLong requestIds = new AtomicLong();
  /** Set when a session reported ready whose id generator is not this counter: sends go uncounted. */
  private volatile String notGenerator;

  /** A counter at zero, registered with no session yet: hand it to {@link #addTo(SessionBuilder)}. */
  public RequestCounter() {}

  /**
   * Registers this counter with {@code builder}, as its request tracker and its request id generator (see
   * the class comment), and returns the builder.
   *
   * @param <B> the builder's own type, so that the call chains on
   * @param builder a session builder, such as {@link CassandraServer#sessionBuilder()}; any request id
   *     generator it had is replaced
   * @return {@code builder}, to build the session from
   */
  public <B extends SessionBuilder<B, ?>> B addTo(B builder) {
    return builder.addRequestTracker(this).withRequestIdGenerator(this);
  }

  /**
   * Attempts sent to a node so far (see the class comment).
   *
   * @return the number of attempts written to a node since the counter was created, over all its sessions
   * @throws IllegalStateException when a session uses the counter as tracker but not as id generator
   */
  public long sent() {
    String misuse = notGenerator;
    if (misuse != null) {
      throw new IllegalStateException(misuse);
    }
    return sent.get();
  }

  /** {@return the number of attempts the driver reported as answered or failed so far} */
  public long finished() {
    return finished.get();
  }

  /**
   * Attempts sent and not reported finished; includes abandoned attempts, which never finish.
   *
   * @return {@link #sent()} minus {@link #finished()}, read one after the other (not atomically together)
   * @throws IllegalStateException when a session uses the counter as tracker but not as id generator
   */
  public long inFlight() {
    return sent() - finished.get();
  }

  /**
   * A mark to count from: {@link #sentSince(long)} counts the attempts sent after it was taken.
   *
   * @return the current {@link #sent()} count
   * @throws IllegalStateException when a session uses the counter as tracker but not as id generator
   */
  public long mark() {
    return sent();
  }

  /**
   * Attempts sent after {@code mark}, a value of {@link #mark()}.
   *
   * @param mark a value that {@link #mark()} of this counter returned
   * @return how many attempts were sent since that mark was taken, 0 or more
   * @throws IllegalArgumentException if {@code mark} is negative or greater than {@link #sent()}, so not
   *     this counter's
   * @throws IllegalStateException when a session uses the counter as tracker but not as id generator
   */
  public long sentSince(long mark) {
    long now = sent();
    if (mark < 0 || mark > now) {
      throw new IllegalArgumentException("mark must be a value of mark(), between 0 and " + now + ": " + mark);
    }
    return now - mark;
  }

  // ---- RequestIdGenerator: sees every attempt right before it is written to a node -----------------

  @Override
  public String getSessionRequestId() {
    return "request-" + requestIds.incrementAndGet();
  }

  @Override
  public String getNodeRequestId(Request request, String parentId) {
    return parentId + "-attempt-" + sent.incrementAndGet();
  }

  /** Leaves the statement as it is: the server gets no custom payload it would not get without the counter. */
  @Override
  public Statement<?> getDecoratedStatement(Statement<?> statement, String requestId) {
    return statement;
  }

  // ---- RequestTracker: sees attempts finish ------------------------------------------------------------

  @Override
  public void onNodeSuccess(Request request, long latencyNanos, DriverExecutionProfile profile, Node node,
      String requestLogPrefix) {
    finished.incrementAndGet();
  }

  @Override
  public void onNodeError(Request request, Throwable error, long latencyNanos, DriverExecutionProfile profile,
      Node node, String requestLogPrefix) {
    finished.incrementAndGet();
  }

  @Override
  public void onSessionReady(Session session) {
    if (session.getContext() instanceof InternalDriverContext context
        && context.getRequestIdGenerator().orElse(null) != this) {
      notGenerator = "RequestCounter is a request tracker of session " + session.getName() + " but not its "
          + "request id generator, so it cannot see requests sent; register it with addTo(builder)";
    }
  }

  /** Does nothing: the counts stay readable after the session closed. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "RequestCounter{sent=" + sent.get() + ", finished=" + finished.get() + "}";
  }
}
