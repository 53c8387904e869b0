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
package org.asynccassandra.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.NodeUnavailableException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.token.TokenRange;
import com.datastax.oss.driver.api.core.metrics.DefaultNodeMetric;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.session.Session;
import com.datastax.oss.driver.internal.core.loadbalancing.DefaultLoadBalancingPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.PageFetchException;
import org.asynccassandra.ReadAheadBudget;
import org.asynccassandra.ReadLimiter;
import org.asynccassandra.RowStream;
import org.asynccassandra.ScanCheckpoint;
import org.asynccassandra.ScanConfig;
import org.asynccassandra.ScanRange;
import org.asynccassandra.StreamConfig;
import org.asynccassandra.StreamInfo;
import org.asynccassandra.StreamListener;
import org.asynccassandra.StreamTimeoutException;
import org.asynccassandra.TableScan;
import org.asynccassandra.internal.session.DefaultAsyncSession;
import org.asynccassandra.testkit.CassandraCluster;
import org.asynccassandra.testkit.CassandraServer;
import org.asynccassandra.testkit.FaultProxy;
import org.asynccassandra.testkit.TestData;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults on a real 3-node cluster, shared by every test: nodes SIGKILLed, stopped and restarted, a node's
 * traffic paused by a {@link FaultProxy}, connections dropped by one per node while the nodes stay up. Each test
 * compares the exact multiset of rows it received with a plain driver read of the same table.
 *
 * <p>The cluster runs with the batch commit log and the data is written with consistency ALL, so that a
 * killed node loses no acknowledged write (with the periodic commit log the server itself may lose the last
 * ~100 ms of writes on a SIGKILL, see {@link CassandraServer#kill()}) and every replica holds every row. A
 * test that kills or stops a node restarts it in its own {@code finally} and waits until the driver sees all
 * nodes up again, so the next test starts on a whole cluster.
 *
 * <p>To aim a fault at "the node that serves this stream", sessions use {@link PreferredNodePolicy}: the
 * driver's default policy, with one chosen node put first in every query plan while a test asks for it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultIT {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFaultIT.class);
  private static final String KEYSPACE = "faults";
  private static final String TABLE = "t";
  private static final int ROWS = 20_000;
  private static final int ROWS_PER_PARTITION = 100;
  private static final String SELECT_ALL = "SELECT pk, ck, payload FROM " + KEYSPACE + "." + TABLE;

  private CassandraCluster cluster;
  private CqlSession session;
  private AsyncSession async;
  /** The table's rows in the order of a plain full read (token order), as {@link #key(Row)}. */
  private List<String> expectedInOrder;
  private long testStart;

  @BeforeAll
  void startClusterAndLoad() {
    // Server-side read timeouts of 3 s instead of 5 and 10: a read that a coordinator sends to a node killed
    // a moment ago (not yet convicted by gossip) fails sooner, and the stream's retry takes over sooner.
    // C1 only: the nodes (re)start sooner on 2 shared cores, which is where this class spends its time.
    cluster = CassandraServer.builder().nodes(3).heap("512M").commitlogSync("batch")
        .yaml("read_request_timeout", "3000ms").yaml("range_request_timeout", "3000ms")
        .jvmOption("-XX:TieredStopAtLevel=1").startCluster();
    LOG.info("Cluster started in {} ms", cluster.startupTime().toMillis());
    try (CqlSession writer = sessionBuilder(options ->
        options.withString(DefaultDriverOption.REQUEST_CONSISTENCY, "ALL")).build()) {
      TestData.createKeyspace(writer, KEYSPACE, 3);
      TestData.createSampleTable(writer, KEYSPACE, TABLE);
      TestData.loadSampleRows(writer, KEYSPACE, TABLE, ROWS, ROWS_PER_PARTITION);
    }
    session = sessionBuilder(options -> {}).build();
    awaitAllNodesUp(session);
    async = AsyncSession.wrap(session);
    expectedInOrder = plainRead(session, SELECT_ALL);
    assertThat(expectedInOrder).hasSize(ROWS);
  }

  @AfterAll
  void closeCluster() {
    PreferredNodePolicy.prefer(null);
    if (async != null) {
      async.close();
    }
    if (session != null) {
      session.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void startClock() {
    testStart = System.nanoTime();
  }

  @AfterEach
  void logCost(TestInfo test) {
    PreferredNodePolicy.prefer(null);
    LOG.info("{} took {} ms", test.getDisplayName(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart));
  }

  // --- 1. the coordinator of a stream dies ------------------------------------------------------------

  @Test
  @Order(1)
  void should_finish_a_stream_on_another_node_when_its_coordinator_is_killed_mid_page() throws Exception {
    CassandraServer victim = cluster.node(1);
    PreferredNodePolicy.prefer(address(victim)); // every page goes to node 2 while it lives
    int killAtPage = 3;
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, InetAddress> coordinators = Collections.synchronizedMap(new HashMap<>());
    AtomicReference<@Nullable CassandraServer> killed = new AtomicReference<>();
    SimpleStatement query = SimpleStatement.newInstance(SELECT_ALL).setPageSize(1_000);
    try (RowStream stream = async.executeStream(query)) { // the default StreamConfig: 5 retries for a SELECT
      stream.forEachPage(page -> {
        coordinators.put(page.number(), coordinatorOf(page.executionInfo().getCoordinator()));
        page.rows().forEach(row -> seen.add(key(row)));
        if (page.number() == killAtPage) {
          // Page 4 was requested from this node when page 3 was handed over: it is in flight or just answered.
          CassandraServer coordinator = serverAt(coordinatorOf(page.executionInfo().getCoordinator()));
          coordinator.kill();
          killed.set(coordinator);
        }
      }).toCompletableFuture().get(3, TimeUnit.MINUTES);

      assertThat(killed.get()).as("the node killed at page %d", killAtPage).isSameAs(victim);
      assertThat(seen).as("the rows, in order").isEqualTo(expectedInOrder);
      InetAddress dead = address(victim);
      // Page 5 and later were requested after the kill: another node served them, from page 4's paging state.
      Map<Integer, InetAddress> afterKill = coordinators.entrySet().stream()
          .filter(entry -> entry.getKey() > killAtPage + 1)
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      assertThat(afterKill).as("coordinators of the pages requested after the kill").isNotEmpty()
          .doesNotContainValue(dead);
      // Page 4 was in flight to the node when it died, or answered before: if another node served it, the
      // stream asked it again (the driver does not retry a statement it does not know to be idempotent).
      boolean inFlightAtKill = !dead.equals(coordinators.get(killAtPage + 1));
      LOG.info("Page {} was {} when its coordinator was killed; {} retries", killAtPage + 1,
          inFlightAtKill ? "in flight" : "already answered", stream.stats().retries());
      if (inFlightAtKill) {
        assertThat(stream.stats().retries()).as("retries of the page lost with its coordinator").isPositive();
      }
    } finally {
      PreferredNodePolicy.prefer(null);
      restartIfDown(victim);
    }
  }

  // --- 2. a node dies during a scan --------------------------------------------------------------------

  @Test
  @Order(2)
  void should_finish_a_scan_on_the_other_replicas_when_a_node_is_killed_mid_scan() throws Exception {
    // RF 2 on 3 nodes: neighbouring vnodes have different replica pairs, so the plan has ranges of each pair
    // (at RF 3 every range has all three nodes), and after the kill each range has one live replica of its own.
    String keyspace = "faults_rf2";
    List<String> expected = createAndLoad(keyspace, 2, ROWS);
    int parallelism = 4;
    int prefetchPages = StreamConfig.DEFAULT_PREFETCH_PAGES;
    int killAtPage = 12;
    ScanConfig config = ScanConfig.builder().columns("pk", "ck", "payload").parallelism(parallelism)
        .streamConfig(StreamConfig.builder().fetchSize(250).build()).build();
    TokenMap tokenMap = session.getMetadata().getTokenMap().orElseThrow();
    Set<Set<Node>> replicaSets = async.planScan(keyspace, TABLE, config).stream()
        .map(range -> tokenMap.getReplicas(keyspace, tokenMap.parse(range.end()))).collect(Collectors.toSet());
    assertThat(replicaSets).as("replica sets of the planned ranges").hasSizeGreaterThan(1)
        .allSatisfy(replicas -> assertThat(replicas).hasSize(2));
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    List<InetAddress> coordinators = Collections.synchronizedList(new ArrayList<>()); // by page number - 1
    AtomicReference<@Nullable CassandraServer> killed = new AtomicReference<>();
    try (TableScan scan = async.scanTable(keyspace, TABLE, config)) {
      scan.forEachPage(page -> {
        coordinators.add(coordinatorOf(page.executionInfo().getCoordinator()));
        page.rows().forEach(row -> seen.add(key(row)));
        if (page.number() == killAtPage) {
          CassandraServer coordinator = serverAt(coordinatorOf(page.executionInfo().getCoordinator()));
          coordinator.kill();
          killed.set(coordinator);
        }
      }).toCompletableFuture().get(3, TimeUnit.MINUTES);

      CassandraServer victim = Objects.requireNonNull(killed.get(), "no node was killed");
      assertSameRows("rows of the scan", seen, expected);
      assertThat(scan.checkpoint().isComplete()).isTrue();
      InetAddress dead = address(victim);
      List<InetAddress> afterKill = coordinators.subList(killAtPage, coordinators.size());
      // A page the dead node served was answered before it died, so it had been requested before: such pages
      // are among those in flight or waiting at the kill, at most parallelism × (1 + prefetchPages). Every
      // later request went to another replica.
      long fromDead = afterKill.stream().filter(dead::equals).count();
      LOG.info("After the kill of {} at page {}: {} pages, {} of them answered by it before it died, {} retries",
          dead, killAtPage, afterKill.size(), fromDead, scan.stats().retries());
      assertThat(afterKill.size()).as("pages after the kill").isGreaterThan(3 * parallelism * (1 + prefetchPages));
      assertThat(fromDead).as("pages answered by the killed node after its kill")
          .isLessThanOrEqualTo(parallelism * (1 + prefetchPages));
      assertThat(afterKill.subList(parallelism * (1 + prefetchPages), afterKill.size()))
          .as("coordinators of the pages requested after the kill").doesNotContain(dead)
          .containsAnyElementsOf(otherAddresses(victim));
    } finally {
      CassandraServer victim = killed.get();
      if (victim != null) {
        restartIfDown(victim);
      }
    }
  }

  // --- 3. a node stalls: page timeouts -------------------------------------------------------------------

  @Test
  @Order(3)
  void should_retry_a_page_that_timed_out_on_a_paused_node_and_fail_without_retries_left() throws Exception {
    List<FaultProxy> proxies = new ArrayList<>();
    for (CassandraServer node : cluster.nodes()) {
      proxies.add(FaultProxy.start(node.contactPoint()));
    }
    CassandraServer stalled = cluster.node(2);
    FaultProxy stalledProxy = proxies.get(2);
    ProgrammaticDriverConfigLoaderBuilder options = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withString(DefaultDriverOption.LOAD_BALANCING_POLICY_CLASS, PreferredNodePolicy.class.getName());
    FaultProxy.routeThrough(options, proxies.toArray(FaultProxy[]::new));
    CqlSessionBuilder builder = CqlSession.builder().withLocalDatacenter(cluster.localDatacenter())
        .withConfigLoader(options.build());
    proxies.forEach(proxy -> builder.addContactPoint(proxy.address()));
    Duration pageTimeout = Duration.ofSeconds(2);
    try (CqlSession proxied = builder.build();
         AsyncSession proxiedAsync = AsyncSession.wrap(proxied)) {
      awaitAllNodesUp(proxied);
      PreferredNodePolicy.prefer(address(stalled)); // every request goes to node 3 first

      // (a) With retries: the page times out, is asked again (at half its size) once the node answers again,
      // the stream ends whole.
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      List<Integer> pageSizes = Collections.synchronizedList(new ArrayList<>());
      SimpleStatement query = SimpleStatement.newInstance(SELECT_ALL).setPageSize(1_000);
      try (RowStream stream = proxiedAsync.executeStream(query,
          StreamConfig.builder().pageTimeout(pageTimeout).build())) {
        CompletableFuture<Void> done = stream.forEachPage(page -> {
          assertThat(coordinatorOf(page.executionInfo().getCoordinator())).isEqualTo(address(stalled));
          pageSizes.add(page.size());
          page.rows().forEach(row -> seen.add(key(row)));
          if (page.number() == 3) {
            stalledProxy.pause(); // the next request to node 3 gets no answer
          }
        }).toCompletableFuture();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(10))
            .until(() -> stream.stats().retries() > 0 || done.isDone());
        stalledProxy.resume();
        done.get(2, TimeUnit.MINUTES);
        assertThat(seen).as("the rows, in order").isEqualTo(expectedInOrder);
        assertThat(stream.stats().retries()).as("retries after the page timed out").isPositive();
        // The page that timed out was asked again for half as many rows (a quarter, if its first retry left
        // before the node answered again), and no later page asked for more.
        int halved = java.util.stream.IntStream.range(0, pageSizes.size()).filter(i -> pageSizes.get(i) != 1_000)
            .findFirst().orElse(-1);
        assertThat(halved).as("the page that timed out, among " + pageSizes).isBetween(3, 4);
        int retriedSize = pageSizes.get(halved);
        assertThat(retriedSize).as("its size, among " + pageSizes).isIn(500, 250, 125);
        assertThat(pageSizes.subList(halved, pageSizes.size())).as("the pages from it on")
            .allMatch(size -> size <= retriedSize);
      } finally {
        stalledProxy.resume();
      }

      // (b) No retries: the stream fails with the page and the query named, after every earlier row. A plain
      // stream's page timeout surfaces as the StreamTimeoutException itself (docs/streaming.md), where a scan
      // wraps it in a PageFetchException that names the range, as (c) shows.
      seen.clear();
      try (RowStream stream = proxiedAsync.executeStream(query,
          StreamConfig.builder().pageTimeout(pageTimeout).retry(0, Duration.ofMillis(100)).build())) {
        Throwable failure = catchThrowable(() -> stream.forEachPage(page -> {
          page.rows().forEach(row -> seen.add(key(row)));
          if (page.number() == 3) {
            stalledProxy.pause();
          }
        }).toCompletableFuture().get(2, TimeUnit.MINUTES));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(StreamTimeoutException.class);
        StreamTimeoutException timedOut = (StreamTimeoutException) failure.getCause();
        assertThat(timedOut.kind()).isEqualTo(StreamTimeoutException.Kind.PAGE);
        assertThat(timedOut.timeout()).isEqualTo(pageTimeout);
        assertThat(timedOut.pageNumber()).as("the page that timed out: the one in flight at the pause, or the next")
            .isBetween(4, 5);
        assertThat(timedOut).hasMessageContaining(SELECT_ALL).hasMessageContaining("Page " + timedOut.pageNumber());
        assertThat(seen).as("the rows before the failure: every row of the earlier pages, in order")
            .isEqualTo(expectedInOrder.subList(0, (timedOut.pageNumber() - 1) * 1_000));
        assertThat(stream.stats().retries()).isZero();
      } finally {
        stalledProxy.resume();
      }

      // (c) A scan whose retry budget is smaller than the pause: it fails and names the range.
      seen.clear();
      ScanCheckpoint checkpoint;
      try (TableScan scan = proxiedAsync.scanTable(KEYSPACE, TABLE, ScanConfig.builder()
          .columns("pk", "ck", "payload").parallelism(4)
          .streamConfig(StreamConfig.builder().fetchSize(500).firstPageTimeout(pageTimeout).pageTimeout(pageTimeout)
              .retry(1, Duration.ofMillis(100)).build()).build())) {
        Throwable failure = catchThrowable(() -> scan.forEachPage(page -> {
          page.rows().forEach(row -> seen.add(key(row)));
          if (page.number() == 3) {
            stalledProxy.pause(); // the retry goes to node 3 first again, and times out again
          }
        }).toCompletableFuture().get(2, TimeUnit.MINUTES));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(PageFetchException.class);
        PageFetchException fetchFailure = (PageFetchException) failure.getCause();
        assertThat(fetchFailure.range()).as("the range that failed").isPresent();
        ScanRange range = fetchFailure.range().orElseThrow();
        assertThat(scan.ranges()).contains(range);
        assertThat(fetchFailure).hasMessageContaining("token range " + range)
            .hasMessageContaining(KEYSPACE + "." + TABLE)
            .hasCauseInstanceOf(StreamTimeoutException.class);
        assertThat(scan.stats().retries()).as("the one retry of each range that timed out").isPositive();
        checkpoint = scan.checkpoint();
      } finally {
        stalledProxy.resume();
      }
      assertThat(checkpoint.rowsDelivered()).isEqualTo(seen.size());
      assertSameRows("rows before the failure plus the resumed scan", concat(seen, scanAll(proxiedAsync, KEYSPACE,
          TABLE, ScanConfig.builder().columns("pk", "ck", "payload").resumeFrom(checkpoint))), expectedInOrder);

      // (d) Pages of 100 rows cannot get smaller: a range that times out is split from its last row, the
      // pieces are read once the node answers again, and every row arrives once. This is where the real
      // server must accept a paging state on the narrowed range (its rows up to the new end are the same).
      seen.clear();
      try (TableScan scan = proxiedAsync.scanTable(KEYSPACE, TABLE, ScanConfig.builder()
          .columns("pk", "ck", "payload").parallelism(4)
          .streamConfig(StreamConfig.builder().fetchSize(100).firstPageTimeout(pageTimeout).pageTimeout(pageTimeout)
              .build()).build())) {
        int planned = scan.rangeCount();
        CompletableFuture<Void> done = scan.forEachPage(page -> {
          page.rows().forEach(row -> seen.add(key(row)));
          if (page.number() == 3) {
            stalledProxy.pause(); // the open ranges are a few pages in: each splits from its last row
          }
        }).toCompletableFuture();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(10))
            .until(() -> scan.splits() > 0 || done.isDone());
        stalledProxy.resume();
        done.get(3, TimeUnit.MINUTES);
        LOG.info("Split around a paused node: {} splits, {} ranges planned, {} read", scan.splits(), planned,
            scan.rangeCount());
        assertThat(scan.splits()).isPositive();
        assertThat(scan.rangeCount()).isEqualTo(planned + 3 * (int) scan.splits());
        assertThat(scan.checkpoint().isComplete()).isTrue();
        assertThat(scan.checkpoint().rowsDelivered()).isEqualTo(ROWS);
      } finally {
        stalledProxy.resume();
      }
      assertSameRows("rows of the scan split around the paused node", seen, expectedInOrder);
    } finally {
      PreferredNodePolicy.prefer(null);
      proxies.forEach(FaultProxy::close);
    }
  }

  // --- 4. RF 1: a range without any replica -------------------------------------------------------------

  @Test
  @Order(4)
  void should_fail_a_scan_naming_a_range_without_replica_and_resume_it_exactly_from_the_checkpoint()
      throws Exception {
    String keyspace = "faults_rf1";
    List<String> expected = createAndLoad(keyspace, 1, 6_000);
    TokenMap tokenMap = session.getMetadata().getTokenMap().orElseThrow();
    // One scan range per token range of the ring, so that each has a single replica; ranges are read in ring
    // order, and the node stopped is not the one of the first range: rows arrive before the scan fails.
    ScanConfig.Builder config = ScanConfig.builder().columns("pk", "ck", "payload").parallelism(4)
        .splits(tokenMap.getTokenRanges().size())
        .streamConfig(StreamConfig.builder().fetchSize(100).build()); // the default 5 retries
    ScanRange first = async.planScan(keyspace, TABLE, config.build()).get(0);
    Set<Node> firstReplicas = tokenMap.getReplicas(keyspace, tokenMap.parse(first.end()));
    CassandraServer down = cluster.nodes().stream()
        .filter(node -> firstReplicas.stream().noneMatch(replica -> address(node).equals(coordinatorOf(replica))))
        .reduce((a, b) -> b).orElseThrow();
    Node downNode = nodeAt(session, address(down));
    Set<TokenRange> ownedByDown = tokenMap.getTokenRanges(keyspace, downNode);
    assertThat(ownedByDown).isNotEmpty();
    List<String> received = Collections.synchronizedList(new ArrayList<>());
    ScanCheckpoint checkpoint;
    try {
      down.stop(); // graceful: the other nodes learn at once that it is down and answer Unavailable
      await().atMost(Duration.ofMinutes(1)).until(() -> downNode.getState() == NodeState.DOWN);
      try (TableScan scan = async.scanTable(keyspace, TABLE, config.build())) {
        Throwable failure = catchThrowable(() -> scan.forEach(row -> received.add(key(row)))
            .toCompletableFuture().get(3, TimeUnit.MINUTES));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(PageFetchException.class);
        PageFetchException fetchFailure = (PageFetchException) failure.getCause();
        ScanRange range = fetchFailure.range().orElseThrow();
        assertThat(fetchFailure).hasMessageContaining("token range " + range)
            .hasMessageContaining(keyspace + "." + TABLE);
        TokenRange failed = tokenMap.newTokenRange(tokenMap.parse(range.start()), tokenMap.parse(range.end()));
        assertThat(ownedByDown).as("ranges of the node that is down").anyMatch(failed::intersects);
        assertThat(fetchFailure.rowsDelivered()).isEqualTo(received.size());
        checkpoint = ScanCheckpoint.decode(scan.checkpoint().encode()); // as if written to a file and read back
        LOG.info("RF 1 scan failed after {} rows in {} ({} retries): {}", received.size(), range,
            scan.stats().retries(), fetchFailure.getMessage());
      }
      assertThat(received).as("rows read before the failure").isNotEmpty().hasSizeLessThan(expected.size());
      assertThat(checkpoint.isComplete()).isFalse();
      assertThat(checkpoint.rowsDelivered()).as("rows the checkpoint counts as delivered").isEqualTo(received.size());
    } finally {
      restartIfDown(down);
    }
    // The node is back: the rest of the table, from the checkpoint, is exactly the complement.
    List<String> resumed = scanAll(async, keyspace, TABLE, config.resumeFrom(checkpoint));
    assertSameRows("rows of the resumed scan: the table without the rows received before the failure",
        resumed, minus(expected, received));
    assertSameRows("rows before the failure plus the resumed scan", concat(received, resumed), expected);
  }

  // --- 5. a rolling restart during a slow scan -------------------------------------------------------------

  @Test
  @Order(5)
  void should_read_every_row_once_through_a_rolling_restart() throws Exception {
    int nodes = cluster.nodes().size();
    // The rows are cut into nodes + 2 slices. Node i is restarted while slice i + 1 is read, slowly; the
    // reader waits at the end of that slice until node i is back. So every restart overlaps reads, the next
    // node goes down only when the last one is up again, and the scan cannot end before the rolling restart.
    int slice = ROWS / (nodes + 2);
    List<CompletableFuture<Void>> sliceRead = new ArrayList<>();
    List<CompletableFuture<Void>> restarted = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      sliceRead.add(new CompletableFuture<>());
      restarted.add(new CompletableFuture<>());
    }
    AtomicBoolean restarting = new AtomicBoolean();
    CompletableFuture<Void> rolling = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < nodes; i++) {
        sliceRead.get(i).join();
        restarting.set(true);
        try {
          cluster.node(i).restart(); // SIGTERM (drain), then start again: what an operator does
          awaitAllNodesUp(session);
          restarted.get(i).complete(null);
        } catch (RuntimeException failure) {
          restarted.get(i).completeExceptionally(failure);
          throw failure;
        } finally {
          restarting.set(false);
        }
      }
    });
    // While a node restarts, each page request (100 rows) waits 400 ms: a slice takes about 8 s to read.
    ReadLimiter slowWhileRestarting = rows -> restarting.get() ? TimeUnit.MILLISECONDS.toNanos(400) : 0;
    List<String> seen = new ArrayList<>();
    int readWhileRestarting = 0;
    try (TableScan scan = async.scanTable(KEYSPACE, TABLE, ScanConfig.builder().columns("pk", "ck", "payload")
        .parallelism(2).rowLimiter(slowWhileRestarting).streamConfig(StreamConfig.builder().fetchSize(100).build())
        .build())) {
      Iterator<Row> rows = scan.iterator();
      while (rows.hasNext()) {
        seen.add(key(rows.next()));
        if (restarting.get()) {
          readWhileRestarting++;
        }
        int boundary = seen.size() / slice;
        if (seen.size() % slice == 0) {
          if (boundary >= 1 && boundary <= nodes) {
            sliceRead.get(boundary - 1).complete(null); // restart node boundary - 1 now
          }
          if (boundary >= 2 && boundary <= nodes + 1) {
            restarted.get(boundary - 2).get(3, TimeUnit.MINUTES); // node boundary - 2 is back: go on
          }
        }
      }
      LOG.info("Rolling restart: {} rows, {} of them while a node restarted, {} retries", seen.size(),
          readWhileRestarting, scan.stats().retries());
      // Only the pages read ahead before a restart began (a few hundred rows) are read at full speed.
      assertThat(readWhileRestarting).as("rows read while a node was restarting").isGreaterThan(nodes * slice / 2);
      assertThat(scan.checkpoint().isComplete()).isTrue();
    } finally {
      sliceRead.forEach(read -> read.complete(null)); // after a failed read, the restarts still run out
      rolling.get(5, TimeUnit.MINUTES);
    }
    assertSameRows("rows of the scan through the rolling restart", seen, expectedInOrder);
  }

  // --- 6. connections dropped while every node stays up --------------------------------------------------

  @Test
  @Order(6)
  void should_read_every_row_of_a_scan_once_while_connections_are_dropped_on_one_node_on_each_in_turn_and_on_all()
      throws Exception {
    // 64 ranges read 4 at a time in pages of 100 through one proxy per node, with a read-ahead budget smaller than
    // their read-ahead; every 20th page the consumer drops connections, and the nodes stay up. A range query is
    // idempotent and its plan holds every node (RF 3): when one node's connections drop, the driver itself takes
    // the request on (aborted in flight: RETRY_NEXT; a node without connection, or a write to a closed one: the
    // next node of the plan). The scan sees the failure only when every node of the plan failed, so (c) drops
    // every node's connections at once: the driver gives up with an AllNodesFailedException of lost connections
    // (NodeUnavailableException, ClosedChannelException, IOException), which was final before 56b249b.
    List<FaultProxy> proxies = startProxies();
    ReadAheadBudget budget = ReadAheadBudget.ofBytes(32 * 1024);
    RetryLog retries = new RetryLog();
    int victimIndex = 1;
    CassandraServer victim = cluster.node(victimIndex);
    try (CqlSession proxied = proxiedSession(proxies);
         AsyncSession proxiedAsync = AsyncSession.wrap(proxied, StreamConfig.builder().build(), budget)) {
      proxiedAsync.addListener(retries);
      awaitAllNodesUp(proxied);

      // (a) One node, first in every plan while it has a connection, loses them again and again.
      PreferredNodePolicy.prefer(address(victim));
      DroppedPages one = scanDropping(proxiedAsync, retries, drop -> List.of(proxies.get(victimIndex)));
      PreferredNodePolicy.prefer(null);
      one.log("A scan, connections dropped on one node");
      assertSameRows("rows of the scan while one node's connections were dropped", one.rows(), expectedInOrder);
      assertThat(one.drops()).as("drops").isGreaterThanOrEqualTo(5);
      assertThat(one.complete()).as("the checkpoint: complete, every row delivered").isTrue();
      assertQuiet(proxiedAsync, budget);

      // (b) Each node in turn.
      DroppedPages inTurn = scanDropping(proxiedAsync, retries, drop -> List.of(proxies.get(drop % proxies.size())));
      inTurn.log("A scan, connections dropped on each node in turn");
      assertSameRows("rows of the scan while each node's connections were dropped in turn", inTurn.rows(),
          expectedInOrder);
      assertThat(inTurn.drops()).as("drops: each node at least twice").isGreaterThanOrEqualTo(2 * proxies.size());
      assertThat(inTurn.complete()).as("the checkpoint: complete, every row delivered").isTrue();
      assertQuiet(proxiedAsync, budget);

      // (c) Every node at once: no node of any plan has a connection until the driver reconnects.
      DroppedPages all = scanDropping(proxiedAsync, retries, drop -> proxies);
      all.log("A scan, connections dropped on every node at once");
      assertSameRows("rows of the scan while every node's connections were dropped", all.rows(), expectedInOrder);
      assertThat(all.drops()).as("drops").isGreaterThanOrEqualTo(5);
      assertThat(all.complete()).as("the checkpoint: complete, every row delivered").isTrue();
      assertQuiet(proxiedAsync, budget);
      LOG.info("Read-ahead budget of {} bytes: held back {} times", budget.capacityBytes(), budget.heldBack());
    } finally {
      PreferredNodePolicy.prefer(null);
      proxies.forEach(FaultProxy::close);
    }
  }

  @Test
  @Order(7)
  void should_read_a_partition_once_in_order_while_connections_of_its_coordinator_then_of_every_node_are_dropped()
      throws Exception {
    // One stream over a partition of 100 rows in pages of 5, reading 2 pages ahead; every 4th page the consumer
    // drops connections, and the nodes stay up. A plain SELECT is not idempotent for the driver: a request aborted
    // in flight fails with ClosedConnectionException, and the stream asks it again, from the same paging state, on
    // another node; one not sent yet goes to the next node of its plan.
    int pk = 42;
    List<String> partition = expectedInOrder.stream().filter(row -> row.startsWith(pk + "/")).toList();
    assertThat(partition).hasSize(ROWS_PER_PARTITION);
    List<FaultProxy> proxies = startProxies();
    RetryLog retries = new RetryLog();
    int coordinatorIndex = 2;
    CassandraServer coordinator = cluster.node(coordinatorIndex);
    try (CqlSession proxied = proxiedSession(proxies);
         AsyncSession proxiedAsync = AsyncSession.wrap(proxied)) {
      proxiedAsync.addListener(retries);
      awaitAllNodesUp(proxied);
      PreferredNodePolicy.prefer(address(coordinator));

      // (a) The coordinator's connections.
      DroppedPages mine = streamDropping(proxiedAsync, retries, pk, false, List.of(proxies.get(coordinatorIndex)));
      mine.assertPartitionReadOnce("A stream, connections dropped on its coordinator", partition);
      assertQuiet(proxiedAsync, null);

      // (b) Every node's at once.
      DroppedPages all = streamDropping(proxiedAsync, retries, pk, false, proxies);
      all.assertPartitionReadOnce("A stream, connections dropped on every node at once", partition);
      assertQuiet(proxiedAsync, null);

      // (c) The same, marked idempotent: the driver asks a request aborted in flight again on the next nodes of
      // its plan, which have lost their connections too, and gives up with an AllNodesFailedException.
      DroppedPages idempotent = streamDropping(proxiedAsync, retries, pk, true, proxies);
      idempotent.assertPartitionReadOnce("An idempotent stream, connections dropped on every node at once", partition);
      assertQuiet(proxiedAsync, null);
    } finally {
      PreferredNodePolicy.prefer(null);
      proxies.forEach(FaultProxy::close);
    }
  }

  // --- helpers -----------------------------------------------------------------------------------------

  /**
   * Creates {@code keyspace} at {@code replicationFactor} with the sample table, writes {@code rows} rows at
   * consistency ALL (every replica holds every row) and returns them as a plain read sees them.
   */
  private List<String> createAndLoad(String keyspace, int replicationFactor, int rows) {
    try (CqlSession writer = sessionBuilder(options ->
        options.withString(DefaultDriverOption.REQUEST_CONSISTENCY, "ALL")).build()) {
      TestData.createKeyspace(writer, keyspace, replicationFactor);
      TestData.createSampleTable(writer, keyspace, TABLE);
      TestData.loadSampleRows(writer, keyspace, TABLE, rows, ROWS_PER_PARTITION);
    }
    await().atMost(Duration.ofMinutes(1)).until(() -> session.getMetadata().getKeyspace(keyspace)
        .flatMap(ks -> ks.getTable(TABLE)).isPresent());
    List<String> expected = plainRead(session, "SELECT pk, ck, payload FROM " + keyspace + "." + TABLE);
    assertThat(expected).hasSize(rows);
    return expected;
  }

  /** A session builder for every node, with the testkit's timeouts and {@link PreferredNodePolicy}. */
  private CqlSessionBuilder sessionBuilder(Consumer<ProgrammaticDriverConfigLoaderBuilder> customizer) {
    CqlSessionBuilder builder = cluster.node(0).sessionBuilder(options -> {
      options.withString(DefaultDriverOption.LOAD_BALANCING_POLICY_CLASS, PreferredNodePolicy.class.getName());
      customizer.accept(options);
    });
    cluster.nodes().subList(1, cluster.nodes().size()).forEach(node -> builder.addContactPoint(node.contactPoint()));
    return builder;
  }

  private static String key(Row row) {
    return row.getInt("pk") + "/" + row.getInt("ck") + "/" + row.getString("payload");
  }

  private static List<String> plainRead(CqlSession session, String query) {
    List<String> rows = new ArrayList<>();
    for (Row row : session.execute(SimpleStatement.newInstance(query).setPageSize(1_000))) {
      rows.add(key(row));
    }
    return rows;
  }

  private static List<String> scanAll(AsyncSession async, String keyspace, String table, ScanConfig.Builder config)
      throws Exception {
    List<String> rows = Collections.synchronizedList(new ArrayList<>());
    try (TableScan scan = async.scanTable(keyspace, table, config.build())) {
      scan.forEach(row -> rows.add(key(row))).toCompletableFuture().get(3, TimeUnit.MINUTES);
      assertThat(scan.checkpoint().isComplete()).isTrue();
    }
    return rows;
  }

  /** Asserts that {@code actual} holds exactly the rows of {@code expected}, each as often, in any order. */
  private static void assertSameRows(String what, Collection<String> actual, Collection<String> expected) {
    Map<String, Integer> balance = new HashMap<>();
    expected.forEach(row -> balance.merge(row, 1, Integer::sum));
    actual.forEach(row -> balance.merge(row, -1, Integer::sum));
    List<String> missing = balance.entrySet().stream().filter(entry -> entry.getValue() > 0)
        .map(entry -> entry.getKey() + " x" + entry.getValue()).sorted().toList();
    List<String> extra = balance.entrySet().stream().filter(entry -> entry.getValue() < 0)
        .map(entry -> entry.getKey() + " x" + -entry.getValue()).sorted().toList();
    assertThat(missing).as("%s: rows missing", what).isEmpty();
    assertThat(extra).as("%s: rows repeated or unexpected", what).isEmpty();
    assertThat(actual).as(what).hasSameSizeAs(expected);
  }

  private static List<String> concat(Collection<String> first, Collection<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** The multiset difference {@code all - removed}. */
  private static List<String> minus(Collection<String> all, Collection<String> removed) {
    Map<String, Integer> counts = new HashMap<>();
    removed.forEach(row -> counts.merge(row, 1, Integer::sum));
    List<String> rest = new ArrayList<>();
    for (String row : all) {
      if (counts.getOrDefault(row, 0) > 0) {
        counts.merge(row, -1, Integer::sum);
      } else {
        rest.add(row);
      }
    }
    return rest;
  }

  private static InetAddress address(CassandraServer server) {
    return server.contactPoint().getAddress();
  }

  /** The node's own address (not a proxy's): every node listens on the same port of its 127.0.0.x. */
  private static InetAddress coordinatorOf(Node node) {
    return node.getBroadcastRpcAddress().map(InetSocketAddress::getAddress)
        .orElseThrow(() -> new AssertionError("no rpc address for " + node));
  }

  private CassandraServer serverAt(InetAddress address) {
    return cluster.nodes().stream().filter(node -> address(node).equals(address)).findFirst()
        .orElseThrow(() -> new AssertionError("no node at " + address));
  }

  private List<InetAddress> otherAddresses(CassandraServer server) {
    return cluster.nodes().stream().filter(node -> node != server).map(ClusterFaultIT::address).toList();
  }

  private static Node nodeAt(CqlSession session, InetAddress address) {
    return session.getMetadata().getNodes().values().stream()
        .filter(node -> address.equals(coordinatorOf(node))).findFirst()
        .orElseThrow(() -> new AssertionError("the driver knows no node at " + address));
  }

  /** Starts a node that a test killed or stopped, and waits until the driver sees every node up again. */
  private void restartIfDown(CassandraServer server) {
    if (!server.isRunning()) {
      long start = System.nanoTime();
      server.restart();
      LOG.info("Restarted {} in {} ms", server, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
    awaitAllNodesUp(session);
  }

  private void awaitAllNodesUp(CqlSession target) {
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
      Collection<Node> known = target.getMetadata().getNodes().values();
      return known.size() == cluster.nodes().size()
          && known.stream().allMatch(node -> node.getState() == NodeState.UP && node.getOpenConnections() > 0);
    });
  }

  /** One {@link FaultProxy} per node, in the order of {@code cluster.nodes()}. */
  private List<FaultProxy> startProxies() {
    List<FaultProxy> proxies = new ArrayList<>();
    for (CassandraServer node : cluster.nodes()) {
      proxies.add(FaultProxy.start(node.contactPoint()));
    }
    return proxies;
  }

  /**
   * A session whose every connection goes through {@code proxies} (one per node), with {@link PreferredNodePolicy},
   * reconnecting 100 to 500 ms after a lost connection, and the driver's per-node counts of requests in flight,
   * aborted with their connection, not sent, and asked again after an abort.
   */
  private CqlSession proxiedSession(List<FaultProxy> proxies) {
    ProgrammaticDriverConfigLoaderBuilder options = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(20))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(100))
        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofMillis(500))
        .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, List.of(DefaultNodeMetric.IN_FLIGHT.getPath(),
            DefaultNodeMetric.ABORTED_REQUESTS.getPath(), DefaultNodeMetric.UNSENT_REQUESTS.getPath(),
            DefaultNodeMetric.RETRIES_ON_ABORTED.getPath()))
        .withString(DefaultDriverOption.LOAD_BALANCING_POLICY_CLASS, PreferredNodePolicy.class.getName());
    FaultProxy.routeThrough(options, proxies.toArray(FaultProxy[]::new));
    CqlSessionBuilder builder = CqlSession.builder().withLocalDatacenter(cluster.localDatacenter())
        .withConfigLoader(options.build());
    proxies.forEach(proxy -> builder.addContactPoint(proxy.address()));
    return builder.build();
  }

  /**
   * What a scan or a stream read while its consumer dropped connections.
   *
   * @param retries the scan's or stream's own count
   * @param retried the failures it retried, as its listener heard them
   * @param coordinators the coordinator of each page, in the order the consumer received them
   * @param complete for a scan, whether its checkpoint is complete and counts every row; for a stream, whether it
   *     counts every row as delivered
   * @param driver the driver's counts meanwhile, over every node, by metric path
   */
  private record DroppedPages(List<String> rows, int drops, long retries, List<Throwable> retried,
      List<InetAddress> coordinators, boolean complete, Map<String, Long> driver) {
    /** Requests lost with their connection and asked again: by the driver on the next node, or by the stream. */
    long askedAgain() {
      return retries + driver.getOrDefault(DefaultNodeMetric.RETRIES_ON_ABORTED.getPath(), 0L);
    }

    /**
     * Logs what happened. How many requests were lost, retried, or moved to another node depends on where the
     * drops fell (in flight or between requests) and on the driver's reconnections: reported, never asserted.
     */
    /** Logs, then checks a stream's read: {@code partition}'s rows in order, 4 drops at least, every row counted. */
    void assertPartitionReadOnce(String what, List<String> partition) {
      log(what);
      assertThat(rows).as("rows of the partition, in order").isEqualTo(partition);
      assertThat(drops).as("drops").isGreaterThanOrEqualTo(4);
      assertThat(complete).as("rows delivered, as the stream counts them").isTrue();
    }

    void log(String what) {
      LOG.info("{}: {} rows, {} drops, {} asked again ({} retries {}, {} of them after every node of the plan lost "
          + "its connection); pages by coordinator {}; the driver's {}", what, rows.size(), drops, askedAgain(),
          retries, describe(retried), retried.stream().filter(ClusterFaultIT::isLostConnectionOfEveryNode).count(),
          countBy(coordinators.stream().map(InetAddress::getHostAddress).toList()), driver);
    }
  }

  /**
   * Scans the table in 64 ranges, 4 at a time, in pages of 100, retrying 30 times; every 20 pages drops the
   * connections of {@code toDrop}.
   */
  private static DroppedPages scanDropping(AsyncSession target, RetryLog retries,
      IntFunction<List<FaultProxy>> toDrop) throws Exception {
    Map<String, Long> driverBefore = driverCounters(target.cqlSession());
    List<String> rows = Collections.synchronizedList(new ArrayList<>());
    List<InetAddress> coordinators = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger drops = new AtomicInteger();
    try (TableScan scan = target.scanTable(KEYSPACE, TABLE, ScanConfig.builder().columns("pk", "ck", "payload")
        .splits(64).parallelism(4).streamConfig(StreamConfig.builder().fetchSize(100).prefetchPages(1)
            .retry(30, Duration.ofMillis(50)).build()).build())) {
      scan.forEachPage(page -> {
        coordinators.add(coordinatorOf(page.executionInfo().getCoordinator()));
        page.rows().forEach(row -> rows.add(key(row)));
        if (page.number() % 20 == 0) {
          toDrop.apply(drops.getAndIncrement()).forEach(FaultProxy::dropAllConnections);
        }
      }).toCompletableFuture().get(2, TimeUnit.MINUTES);
      ScanCheckpoint checkpoint = scan.checkpoint();
      return new DroppedPages(rows, drops.get(), scan.stats().retries(), retries.takeAll(), coordinators,
          checkpoint.isComplete() && checkpoint.rowsDelivered() == rows.size(),
          delta(driverCounters(target.cqlSession()), driverBefore));
    }
  }

  /**
   * Reads partition {@code pk} in pages of 5, 2 pages ahead, retrying 30 times; every 4 pages drops the connections
   * of {@code toDrop}. The statement is marked {@code idempotent} or left unmarked (not idempotent for the driver).
   */
  private static DroppedPages streamDropping(AsyncSession target, RetryLog retries, int pk, boolean idempotent,
      List<FaultProxy> toDrop) throws Exception {
    Map<String, Long> driverBefore = driverCounters(target.cqlSession());
    List<String> rows = Collections.synchronizedList(new ArrayList<>());
    List<InetAddress> coordinators = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger drops = new AtomicInteger();
    SimpleStatement query = SimpleStatement.newInstance(SELECT_ALL + " WHERE pk = ?", pk).setPageSize(5)
        .setIdempotent(idempotent ? Boolean.TRUE : null);
    try (RowStream stream = target.executeStream(query, StreamConfig.builder().prefetchPages(2)
        .retry(30, Duration.ofMillis(50)).build())) {
      stream.forEachPage(page -> {
        coordinators.add(coordinatorOf(page.executionInfo().getCoordinator()));
        page.rows().forEach(row -> rows.add(key(row)));
        if (page.number() % 4 == 0) {
          drops.incrementAndGet();
          toDrop.forEach(FaultProxy::dropAllConnections);
        }
      }).toCompletableFuture().get(2, TimeUnit.MINUTES);
      return new DroppedPages(rows, drops.get(), stream.stats().retries(), retries.takeAll(), coordinators,
          stream.stats().rowsDelivered() == rows.size(), delta(driverCounters(target.cqlSession()), driverBefore));
    }
  }

  /**
   * Waits until nothing is left of the session's streams: no request in flight on any node (the driver's own
   * count), no stream or scan open, and the read-ahead budget, if any, all given back.
   */
  private static void assertQuiet(AsyncSession async, @Nullable ReadAheadBudget budget) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      assertThat(inFlight(async.cqlSession())).as("requests in flight").isZero();
      assertThat(((DefaultAsyncSession) async).openStreamCount()).as("streams and scans open").isZero();
      if (budget != null) {
        assertThat(budget.reservedBytes()).as("read-ahead bytes reserved").isZero();
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static int inFlight(CqlSession session) {
    int total = 0;
    for (Node node : session.getMetadata().getNodes().values()) {
      total += session.getMetrics().orElseThrow().getNodeMetric(node, DefaultNodeMetric.IN_FLIGHT)
          .map(metric -> ((Gauge<Integer>) metric).getValue())
          .orElseThrow(() -> new AssertionError("pool.in-flight metric is not enabled"));
    }
    return total;
  }

  /** The driver's counts over every node, by metric path: requests aborted, not sent, asked again after an abort. */
  private static Map<String, Long> driverCounters(CqlSession session) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (Node node : session.getMetadata().getNodes().values()) {
      for (DefaultNodeMetric metric : List.of(DefaultNodeMetric.ABORTED_REQUESTS, DefaultNodeMetric.UNSENT_REQUESTS,
          DefaultNodeMetric.RETRIES_ON_ABORTED)) {
        session.getMetrics().orElseThrow().getNodeMetric(node, metric)
            .ifPresent(counter -> counts.merge(metric.getPath(), ((Counting) counter).getCount(), Long::sum));
      }
    }
    return counts;
  }

  private static Map<String, Long> delta(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> delta = new java.util.TreeMap<>(after);
    before.forEach((path, count) -> delta.merge(path, -count, Long::sum));
    return delta;
  }

  /**
   * Whether {@code error} is the driver giving up after every node of the plan lost its connection, in a way that
   * only 56b249b made retryable: a node's pool without connection, or a write to a connection just closed or
   * reset.
   */
  private static boolean isLostConnectionOfEveryNode(Throwable error) {
    return error instanceof AllNodesFailedException allFailed && !(error instanceof NoNodeAvailableException)
        && allFailed.getAllErrors().values().stream().flatMap(List::stream).anyMatch(cause ->
            cause instanceof NodeUnavailableException || cause instanceof ClosedChannelException
                || cause instanceof IOException);
  }

  /** The failures by kind; for an AllNodesFailedException, with each node's error. */
  private static Map<String, Long> describe(List<Throwable> errors) {
    return countBy(errors.stream().map(error -> error instanceof AllNodesFailedException allFailed
        ? error.getClass().getSimpleName() + allFailed.getAllErrors().values().stream().flatMap(List::stream)
            .map(cause -> cause.getClass().getSimpleName()).sorted().toList()
        : error.getClass().getSimpleName()).toList());
  }

  private static Map<String, Long> countBy(Collection<String> values) {
    return values.stream()
        .collect(Collectors.groupingBy(value -> value, java.util.TreeMap::new, Collectors.counting()));
  }

  /** Keeps the failures that the streams of a session retried, as {@link StreamListener#onRetry} hears them. */
  private static final class RetryLog implements StreamListener {
    private final Queue<Throwable> retried = new ConcurrentLinkedQueue<>();

    @Override
    public void onRetry(StreamInfo stream, int pageNumber, int attempt, Throwable error) {
      retried.add(error);
    }

    /** The failures retried since the last call. */
    List<Throwable> takeAll() {
      List<Throwable> taken = new ArrayList<>();
      for (Throwable error = retried.poll(); error != null; error = retried.poll()) {
        taken.add(error);
      }
      return taken;
    }
  }

  /**
   * The driver's default policy, except that while a test prefers a node (by its own address), that node
   * comes first in every query plan: so a test knows which node serves a stream, and a fault aimed at that
   * node hits the stream. The driver instantiates it by reflection, hence public and the static preference.
   */
  public static final class PreferredNodePolicy extends DefaultLoadBalancingPolicy {
    private static final AtomicReference<@Nullable InetAddress> PREFERRED = new AtomicReference<>();

    public PreferredNodePolicy(DriverContext context, String profileName) {
      super(context, profileName);
    }

    static void prefer(@Nullable InetAddress address) {
      PREFERRED.set(address);
    }

    @Override
    public Queue<Node> newQueryPlan(@Nullable Request request, @Nullable Session session) {
      Queue<Node> plan = super.newQueryPlan(request, session);
      InetAddress preferred = PREFERRED.get();
      if (preferred == null) {
        return plan;
      }
      List<Node> nodes = new ArrayList<>();
      for (Node node = plan.poll(); node != null; node = plan.poll()) {
        nodes.add(node);
      }
      Optional<Node> first = nodes.stream()
          .filter(node -> node.getBroadcastRpcAddress().map(InetSocketAddress::getAddress)
              .filter(preferred::equals).isPresent())
          .findFirst();
      first.ifPresent(node -> {
        nodes.remove(node);
        nodes.add(0, node);
      });
      return new ConcurrentLinkedQueue<>(nodes);
    }
  }
}
