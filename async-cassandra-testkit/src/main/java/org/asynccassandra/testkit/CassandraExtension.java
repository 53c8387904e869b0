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

import com.datastax.oss.driver.api.core.CqlSession;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 support: every test class gets a connected {@link CqlSession} and a fresh {@link TestKeyspace} of
 * its own, on one {@link CassandraServer} that the whole test run shares.
 *
 * <pre>{@code
 * @CassandraTest                       // or @ExtendWith(CassandraExtension.class)
 * class OrdersIT {
 *   @CassandraInject static CqlSession session;      // fields: static or not
 *   @CassandraInject static TestKeyspace keyspace;
 *
 *   @BeforeAll
 *   static void load() {
 *     TestData.createSampleTable(session, keyspace.name(), "orders");
 *   }
 *
 *   @Test
 *   void reads(CqlSession session, TestKeyspace keyspace, CassandraServer server) { ... }  // or parameters
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> The server starts before the first class that uses the extension (about 10 s), with
 * the heap given by the system property {@code asynccassandra.testkit.heap} (default 1G), and is closed when
 * the test run ends (and by the JVM shutdown hook). Closing it when the run ends needs JUnit Jupiter 5.13 or
 * later, which closes {@code AutoCloseable} values of its stores; on earlier versions (or with
 * {@code junit.jupiter.extensions.store.close.autocloseable.enabled=false}) only the shutdown hook closes
 * it, when the JVM exits. One server per JVM: runs nested in one JVM (such as the
 * JUnit Platform's EngineTestKit) share it. If it cannot start, every class that uses the extension fails
 * with that {@link CassandraStartException}, at once. A class's session and keyspace are created when first
 * asked for (a field or a parameter; a class that only takes the server gets neither) and, after the
 * class's last {@code @AfterAll} method, the keyspace is dropped and the session closed. {@code @Nested}
 * classes share their enclosing class's session and keyspace. The session has the testkit's generous
 * timeouts (requests 20 s).
 *
 * <p><b>A server left down.</b> A test may {@link CassandraServer#stop() stop} or {@link CassandraServer#kill()
 * kill} the shared server, and restart it before its class ends. If a class leaves it down (it failed before its
 * restart), the next class to use the extension logs a warning that names the class the server was handed to
 * before, and restarts it (about 10 s, on the same ports and data) before it gets the server, its session or its
 * keyspace. A failed restart fails that class and every later one with its {@link CassandraStartException}.
 * {@link CassandraServer#close()} on the shared server throws an {@link IllegalStateException}: a closed server
 * cannot be restarted, and the classes that hold it (in parallel, or in a later run of the same JVM) would be
 * left with it; the extension closes it when the run ends.
 *
 * <p><b>Threads.</b> Thread-safe: JUnit may run classes in parallel. A class that stops the shared server
 * while other classes run breaks their tests: run it on its own (for example with JUnit's
 * {@code @Isolated}).
 */
public final class CassandraExtension
    implements BeforeAllCallback, AfterAllCallback, TestInstancePostProcessor, ParameterResolver {
  /** The system property that sets the shared server's heap, such as "512M". */
  public static final String HEAP_PROPERTY = "asynccassandra.testkit.heap";
  private static final Logger LOG = LoggerFactory.getLogger(CassandraExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(CassandraExtension.class);
  private static final AtomicInteger KEYSPACES = new AtomicInteger();
  private static final int MAX_KEYSPACE_NAME = 48;

  /**
   * The extension, as JUnit creates it for {@code @CassandraTest} or {@code @ExtendWith}; it holds no state
   * of its own (the shared server and each class's session live in JUnit's extension store), so any number
   * of instances may exist.
   */
  public CassandraExtension() {}

  /**
   * The server shared by the whole run; starts it on first use. Blocks while it starts. The first call for a
   * test class also restarts the server if an earlier class left it down (see the class comment).
   *
   * @param context any extension context of the run: the server is kept in its root store, and closed when
   *     the run ends
   * @return the shared server (the same instance for every class of the run), running when a class first
   *     gets it
   * @throws CassandraStartException if the server cannot start, or restart after a class left it down, now or
   *     at an earlier try in this JVM
   */
  public static CassandraServer sharedServer(ExtensionContext context) {
    CassandraServer server = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Lease.class, type -> new Lease(SharedServer.acquire()), Lease.class).server;
    // Once per outermost class: later calls of the same class (its tests' parameters, its @Nested classes) get
    // the server as the class left it, so that a test may stop it and a later test of the class restart it.
    findOwner(context).ifPresent(owner -> owner.getStore(NAMESPACE).getOrComputeIfAbsent(CheckedOut.class,
        type -> SharedServer.checkOut(server, owner.getRequiredTestClass()), CheckedOut.class));
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    CassandraServer server = sharedServer(context); // here, so that no test's timeout counts the start
    for (Field field : injectedFields(context.getRequiredTestClass(), true)) {
      field.set(null, value(field.getType(), server, context));
    }
  }

  @Override
  public void postProcessTestInstance(Object instance, ExtensionContext context) throws IllegalAccessException {
    for (Field field : injectedFields(instance.getClass(), false)) {
      field.set(instance, value(field.getType(), sharedServer(context), context));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (owner(context) != context) {
      return; // a @Nested class: its enclosing class owns the resources
    }
    ClassResources resources = context.getStore(NAMESPACE).remove(ClassResources.class, ClassResources.class);
    if (resources != null) {
      resources.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return supported(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (!supported(type)) {
      throw new ParameterResolutionException("CassandraExtension cannot resolve " + type.getName());
    }
    return value(type, sharedServer(context), context);
  }

  // ---------------------------------------------------------------------------------------------------

  /** The server, or the class's session or keyspace: those two are created on first use. */
  private static Object value(Class<?> type, CassandraServer server, ExtensionContext context) {
    if (type == CassandraServer.class) {
      return server;
    }
    ClassResources resources = resources(context);
    return type == CqlSession.class ? resources.session() : resources.keyspace();
  }

  private static boolean supported(Class<?> type) {
    return type == CqlSession.class || type == TestKeyspace.class || type == CassandraServer.class;
  }

  /** The class's session and keyspace, created on first use in the store of the outermost class. */
  private static ClassResources resources(ExtensionContext context) {
    ExtensionContext owner = owner(context);
    return owner.getStore(NAMESPACE).getOrComputeIfAbsent(ClassResources.class, type -> {
      CassandraServer server = sharedServer(context);
      CqlSession session = server.newSession();
      try {
        TestKeyspace keyspace = new TestKeyspace(keyspaceName(owner.getRequiredTestClass()));
        TestData.createKeyspace(session, keyspace.name(), 1);
        return new ClassResources(session, keyspace);
      } catch (RuntimeException failure) {
        session.close();
        throw failure;
      }
    }, ClassResources.class);
  }

  /** The context of the outermost test class around {@code context}: the one that owns the resources. */
  private static ExtensionContext owner(ExtensionContext context) {
    return findOwner(context).orElseThrow(() ->
        new ExtensionConfigurationException("CassandraExtension needs a test class: " + context.getUniqueId()));
  }

  /** The context of the outermost test class around {@code context}; empty for the engine's context. */
  private static Optional<ExtensionContext> findOwner(ExtensionContext context) {
    ExtensionContext owner = null;
    for (ExtensionContext current = context; current.getParent().isPresent(); current = current.getParent().get()) {
      if (current.getTestMethod().isEmpty() && current.getTestClass().isPresent()) {
        owner = current;
      }
    }
    return Optional.ofNullable(owner);
  }

  /** Fields annotated with {@link CassandraInject}, static or not, in the class and its superclasses. */
  private static List<Field> injectedFields(Class<?> testClass, boolean statics) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> type = testClass; type != null && type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (!field.isAnnotationPresent(CassandraInject.class) || Modifier.isStatic(field.getModifiers()) != statics) {
          continue;
        }
        if (!supported(field.getType()) || Modifier.isFinal(field.getModifiers())) {
          throw new ExtensionConfigurationException("@CassandraInject field " + type.getSimpleName() + "."
              + field.getName() + " must be a non-final CqlSession, TestKeyspace or CassandraServer: "
              + field.toGenericString());
        }
        field.setAccessible(true);
        fields.add(field);
      }
    }
    return fields;
  }

  /** {@code it_<class>_<n>}: lower case, only [a-z0-9_], at most 48 characters, unique in this JVM. */
  static String keyspaceName(Class<?> testClass) {
    String base = "it_" + testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    String suffix = "_" + KEYSPACES.incrementAndGet();
    int max = MAX_KEYSPACE_NAME - suffix.length();
    return (base.length() > max ? base.substring(0, max) : base) + suffix;
  }

  /**
   * The one server of this JVM, counted by the runs that lease it: it starts with the first lease and
   * closes with the last. Each class checks it out before use, which restarts it if an earlier class left it
   * down. A failed start or restart is remembered, so that later classes fail fast with it.
   */
  private static final class SharedServer {
    private static CassandraServer server; // guarded by SharedServer.class
    private static int leases; // guarded by SharedServer.class
    private static CassandraStartException failure; // guarded by SharedServer.class
    /** The class that checked the server out last, for the warning when it is found down. */
    private static String lastHolder = "no test class yet"; // guarded by SharedServer.class

    static synchronized CassandraServer acquire() {
      checkNoFailure();
      if (server == null) {
        try {
          server = CassandraServer.builder().heap(System.getProperty(HEAP_PROPERTY, "1G")).start();
        } catch (CassandraStartException startFailure) {
          failure = startFailure;
          throw startFailure;
        }
        server.share();
      }
      leases++;
      return server;
    }

    /** Hands {@code shared} to {@code holder}, the class about to use it: restarts it first if it is down. */
    static synchronized CheckedOut checkOut(CassandraServer shared, Class<?> holder) {
      checkNoFailure();
      try {
        restartIfDown(shared, lastHolder, holder);
      } catch (CassandraStartException restartFailure) {
        failure = new CassandraStartException("The shared Cassandra server, left down by " + lastHolder
            + ", did not restart: " + restartFailure.getMessage(), restartFailure);
        throw failure;
      }
      lastHolder = holder.getName();
      return new CheckedOut(holder.getName());
    }

    /**
     * Holds the server's monitor from the check to the end of the restart, so that a restart in progress in
     * another thread (a class that stopped the server and restarts it) ends before the check.
     */
    private static void restartIfDown(CassandraServer shared, String previous, Class<?> holder) {
      synchronized (shared) {
        if (!shared.isRunning()) {
          LOG.warn("The shared {} is down: {}, the class it was handed to last, stopped or killed it and ended "
              + "without its restart() (a test that failed?), or with classes in parallel another class did. "
              + "Restarting it for {}", shared, previous, holder.getName());
          shared.restart();
        }
      }
    }

    private static void checkNoFailure() {
      assert Thread.holdsLock(SharedServer.class);
      if (failure != null) {
        throw new CassandraStartException("The shared Cassandra server could not start earlier in this JVM: "
            + failure.getMessage(), failure);
      }
    }

    static synchronized void release() {
      if (--leases == 0 && server != null) {
        LOG.info("The test run is over: closing the shared {}", server);
        server.closeShared();
        server = null;
      }
    }
  }

  /** A class's check-out of the shared server, in the class's store: there is one check per class. */
  private record CheckedOut(String holder) {}

  /** A run's hold on the shared server, in the run's root store: JUnit closes it when the run ends. */
  private static final class Lease implements AutoCloseable {
    final CassandraServer server;

    Lease(CassandraServer server) {
      this.server = server;
    }

    @Override
    public void close() {
      SharedServer.release();
    }
  }

  /** A class's session and keyspace: the keyspace is dropped and the session closed after the class. */
  private record ClassResources(CqlSession session, TestKeyspace keyspace) implements AutoCloseable {
    @Override
    public void close() {
      try {
        session.execute("DROP KEYSPACE IF EXISTS " + keyspace.name());
      } catch (RuntimeException failure) {
        // The server may have been stopped by the test; the keyspace goes with the server anyway.
        LOG.warn("Could not drop keyspace {}: {}", keyspace.name(), failure.toString());
      } finally {
        session.close();
      }
    }
  }
}
